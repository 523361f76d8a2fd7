# METADATA
# title: Namespaces
# description: >-
#   A team creates namespaces named with its prefix, within the quota of the cluster type; above the
#   approval threshold, the approvers of the type decide.
# related_resources:
#   - ref: policies/README.md#namespacecreate-rules
#     description: the namespace.create rules and the quotas of each cluster type
package n3r.lib.namespace_create

import data.n3r.lib.format
import data.n3r.lib.metadata
import data.n3r.lib.take_over

settings := data.settings.namespace

params := input.request.params

kind := "namespace.create"

about := metadata.about(rego.metadata.chain())

# The types of the params (lib/params.rego).
param_types := {
	"name": {"string"}, "team": {"string"}, "cpu_millicores": {"number"}, "memory_bytes": {"number"},
	"take_over": {"boolean"},
}

applies if input.request.kind == kind

deny contains {
	"rule": "namespace.exists",
	"message": sprintf("namespace '%s' already exists on cluster '%s'", [params.name, input.cluster.name]),
} if {
	applies
	input.context.namespace.exists == true
	not created_by_this_request
}

deny contains {
	"rule": "namespace.name.team_prefix",
	"message": sprintf("namespace name must start with the team prefix '%s-'", [params.team]),
} if {
	applies
	not startswith(params.name, sprintf("%s-", [params.team]))
}

deny contains {
	"rule": "namespace.name.protected",
	"message": sprintf("'%s' is a protected namespace name", [params.name]),
} if {
	applies
	protected(params.name)
}

deny contains {
	"rule": "namespace.requester.team",
	"message": sprintf("you are not a member of team '%s'", [params.team]),
} if {
	applies
	not params.team in input.request.requester.groups
}

deny contains {
	"rule": "namespace.team.stateful_allowed",
	"message": sprintf(
		"team '%s' may not run stateful workloads, so it cannot have namespaces on this cluster",
		[params.team],
	),
} if {
	applies
	settings.allowed_teams != null
	not params.team in settings.allowed_teams
}

deny contains {
	"rule": "namespace.quota.cpu",
	"message": sprintf("cpu quota %s cores is above the ceiling of %s cores on %s clusters", [
		format.cores(params.cpu_millicores), format.cores(settings.max_cpu_millicores), input.cluster.type,
	]),
} if {
	applies
	params.cpu_millicores > settings.max_cpu_millicores
}

deny contains {
	"rule": "namespace.quota.memory",
	"message": sprintf("memory quota %s is above the ceiling of %s on %s clusters", [
		format.gib(params.memory_bytes), format.gib(settings.max_memory_bytes), input.cluster.type,
	]),
} if {
	applies
	params.memory_bytes > settings.max_memory_bytes
}

approval_reasons contains {
	"reason": sprintf("cpu quota above %s cores", [format.cores(settings.approval_above.cpu_millicores)]),
	"group": settings.approver_group,
} if {
	applies
	settings.approval_above != null
	params.cpu_millicores > settings.approval_above.cpu_millicores
}

approval_reasons contains {
	"reason": sprintf("memory quota above %s", [format.gib(settings.approval_above.memory_bytes)]),
	"group": settings.approver_group,
} if {
	applies
	settings.approval_above != null
	params.memory_bytes > settings.approval_above.memory_bytes
}

# Fields another field manager holds are taken over only with the approvers' consent (lib/take_over.rego).
approval_reasons contains reason if {
	applies
	some reason in take_over.reasons(settings.approver_group)
}

# A retried job finds the namespace its own earlier attempt created: that must not stop it.
created_by_this_request if input.context.namespace.request_id == input.request.id

protected(name) if name in data.settings.protected_namespaces.exact

protected(name) if {
	some prefix in data.settings.protected_namespaces.prefixes
	startswith(name, prefix)
}
