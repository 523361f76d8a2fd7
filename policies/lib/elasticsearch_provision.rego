# METADATA
# title: Elasticsearch
# description: >-
#   Elasticsearch runs on stateful clusters only, in the offered versions, on the storage class of
#   its tier and within the size ceilings; large clusters wait for the stateful approvers.
# related_resources:
#   - ref: policies/README.md#elasticsearchprovision-rules
#     description: the elasticsearch.provision rules, versions and tiers
package n3r.lib.elasticsearch_provision

import data.n3r.lib.format
import data.n3r.lib.metadata
import data.n3r.lib.namespaces
import data.n3r.lib.take_over

settings := data.settings.elasticsearch

params := input.request.params

kind := "elasticsearch.provision"

about := metadata.about(rego.metadata.chain())

# The types of the params (lib/params.rego).
param_types := {
	"namespace": {"string"}, "name": {"string"}, "version": {"string"}, "nodes": {"number"},
	"storage_bytes": {"number"}, "tier": {"string"}, "storage_class": {"string"}, "take_over": {"boolean"},
}

applies if input.request.kind == kind

# offered: this cluster type runs Elasticsearch. Elsewhere only es.cluster_type answers.
offered if {
	applies
	settings.enabled == true
}

deny contains {
	"rule": "es.cluster_type",
	"message": sprintf("Elasticsearch can only be provisioned on stateful clusters, and '%s' is a %s cluster", [
		input.cluster.name, input.cluster.type,
	]),
} if {
	applies
	not offered
}

deny contains d if {
	offered
	some d in namespaces.denials("es", object.get(params, "namespace", null))
}

deny contains {
	"rule": "es.version",
	"message": sprintf("Elasticsearch version '%s' is not offered; offered versions are %s", [
		format.show(object.get(params, "version", null)), format.list(settings.versions),
	]),
} if {
	offered
	not object.get(params, "version", null) in settings.versions
}

deny contains {
	"rule": "es.tier",
	"message": sprintf("tier '%s' is not offered; tiers are %s", [
		format.show(object.get(params, "tier", null)), format.list(sort(tiers)),
	]),
} if {
	offered
	not object.get(params, "tier", null) in tiers
}

deny contains {
	"rule": "es.storage_class",
	"message": sprintf("storage class '%s' does not match the %s tier, which uses '%s'", [
		format.show(object.get(params, "storage_class", null)), params.tier, settings.storage_classes[params.tier],
	]),
} if {
	offered
	object.get(params, "storage_class", null) != settings.storage_classes[params.tier]
}

deny contains {
	"rule": "es.nodes.min",
	"message": sprintf("%s nodes are below the minimum of %v per Elasticsearch cluster", [
		format.show(params.nodes), settings.min_nodes,
	]),
} if {
	offered
	params.nodes < settings.min_nodes
}

deny contains {
	"rule": "es.nodes.max",
	"message": sprintf("%v nodes are above the maximum of %v nodes per Elasticsearch cluster on %s clusters", [
		params.nodes, settings.max_nodes, input.cluster.type,
	]),
} if {
	offered
	params.nodes > settings.max_nodes
}

deny contains {
	"rule": "es.storage.max",
	"message": sprintf("%s of storage per node is above the maximum of %s per node on %s clusters", [
		format.size(params.storage_bytes), format.size(settings.max_storage_bytes), input.cluster.type,
	]),
} if {
	offered
	params.storage_bytes > settings.max_storage_bytes
}

approval_reasons contains {
	"reason": sprintf("more than %v Elasticsearch nodes", [settings.approval_above.nodes]),
	"group": settings.approver_group,
} if {
	offered
	params.nodes > settings.approval_above.nodes
}

approval_reasons contains {
	"reason": sprintf("more than %s of storage per Elasticsearch node", [
		format.size(settings.approval_above.storage_bytes),
	]),
	"group": settings.approver_group,
} if {
	offered
	params.storage_bytes > settings.approval_above.storage_bytes
}

# Fields another field manager holds are taken over only with the approvers' consent (lib/take_over.rego).
approval_reasons contains reason if {
	offered
	some reason in take_over.reasons(settings.approver_group)
}

tiers contains tier if some tier, _ in settings.storage_classes
