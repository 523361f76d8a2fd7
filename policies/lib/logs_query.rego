# METADATA
# title: Log queries
# description: >-
#   A team reads the access logs of its own namespaces over a bounded window; the audit group reads
#   every namespace and the audit log.
# related_resources:
#   - ref: policies/README.md#logsquery-rules
#     description: the logs.query rules, windows and limits
package n3r.lib.logs_query

import data.n3r.lib.format
import data.n3r.lib.metadata
import data.n3r.lib.namespaces

settings := data.settings.logs

params := input.request.params

kind := "logs.query"

about := metadata.about(rego.metadata.chain())

# The types of the params (lib/params.rego).
param_types := {
	"namespace": {"string"}, "source": {"string"}, "window_seconds": {"number"}, "limit": {"number"},
	"raw_query": {"boolean"},
}

applies if input.request.kind == kind

auditor if settings.audit_group in input.request.requester.groups

deny contains {
	"rule": "logs.namespace.team",
	"message": foreign_message,
} if {
	applies
	not auditor
	not namespaces.owned
}

deny contains {
	"rule": "logs.source",
	"message": sprintf("log source '%s' is not 'access' or 'audit'", [format.show(object.get(params, "source", null))]),
} if {
	applies
	not object.get(params, "source", null) in {"access", "audit"}
}

deny contains {
	"rule": "logs.audit.group",
	"message": sprintf("the 'audit' log source is only open to the audit group '%s'", [settings.audit_group]),
} if {
	applies
	params.source == "audit"
	not auditor
}

deny contains {
	"rule": "logs.window.max",
	"message": sprintf("a time window of %s is above the maximum of %s on %s clusters", [
		format.duration(params.window_seconds), format.duration(settings.max_window_seconds), input.cluster.type,
	]),
} if {
	applies
	params.window_seconds > settings.max_window_seconds
}

deny contains {
	"rule": "logs.limit.max",
	"message": sprintf("a limit of %v lines is above the maximum of %v lines per query", [
		params.limit, settings.max_limit,
	]),
} if {
	applies
	params.limit > settings.max_limit
}

deny contains {
	"rule": "logs.raw_query",
	"message": sprintf("raw query text is only open to the groups %s; use the structured filters instead", [
		format.list(settings.raw_query_groups),
	]),
} if {
	applies
	params.raw_query == true
	not raw_query_allowed
}

raw_query_allowed if {
	some g in settings.raw_query_groups
	g in input.request.requester.groups
}

namespace := format.show(object.get(params, "namespace", null))

foreign_message := sprintf(
	"namespace '%s' does not exist on cluster '%s', and only the audit group '%s' may read logs of namespaces %s",
	[namespace, input.cluster.name, settings.audit_group, "that are gone"],
) if {
	not namespaces.exists
} else := sprintf("namespace '%s' belongs to team '%s'; only its members and the audit group '%s' may read its logs", [
	namespace, namespaces.owner, settings.audit_group,
]) if {
	is_string(namespaces.owner)
} else := sprintf("namespace '%s' has no owning team; only the audit group '%s' may read its logs", [
	namespace, settings.audit_group,
])
