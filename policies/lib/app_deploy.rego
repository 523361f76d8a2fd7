# METADATA
# title: App deploys
# description: >-
#   A team deploys images from the allowed registries into its own namespace, within the replica and
#   size ceilings of the cluster type; public routes need TLS.
# related_resources:
#   - ref: policies/README.md#appdeploy-rules
#     description: the app.deploy rules, registries and ceilings of each cluster type
package n3r.lib.app_deploy

import data.n3r.lib.format
import data.n3r.lib.metadata
import data.n3r.lib.namespaces
import data.n3r.lib.take_over

settings := data.settings.deploy

params := input.request.params

namespace := object.get(params, "namespace", null)

kind := "app.deploy"

about := metadata.about(rego.metadata.chain())

# The types of the params (lib/params.rego).
param_types := {
	"namespace": {"string"}, "app": {"string"}, "image": {"object"}, "replicas": {"number"},
	"cpu_millicores": {"number"}, "memory_bytes": {"number"}, "route": {"null", "object"}, "take_over": {"boolean"},
}

applies if input.request.kind == kind

image := object.get(params, "image", {})

route := object.get(params, "route", null)

deny contains d if {
	applies
	some d in namespaces.denials("deploy", namespace)
}

deny contains {
	"rule": "deploy.image.registry",
	"message": sprintf("image registry '%s' is not allowed on %s clusters; allowed registries are %s", [
		format.show(object.get(image, "registry", null)), input.cluster.type, format.list(settings.registries),
	]),
} if {
	applies
	not object.get(image, "registry", null) in settings.registries
}

# settings.unpinned_images says what an image that can change under a running app gets: "deny" or "warn".
deny contains {
	"rule": "deploy.image.tag",
	"message": sprintf("image '%s' %s; %s clusters only run images pinned to a version tag or a digest", [
		format.show(object.get(image, "ref", null)), unpinned, input.cluster.type,
	]),
} if {
	applies
	settings.unpinned_images == "deny"
}

deny contains {
	"rule": "deploy.replicas.max",
	"message": sprintf("%s replicas are above the maximum of %v on %s clusters", [
		format.show(params.replicas), settings.max_replicas, input.cluster.type,
	]),
} if {
	applies
	params.replicas > settings.max_replicas
}

deny contains {
	"rule": "deploy.cpu.max",
	"message": sprintf("cpu of %s cores per replica is above the maximum of %s cores per replica on %s clusters", [
		format.cores(params.cpu_millicores), format.cores(settings.max_cpu_millicores), input.cluster.type,
	]),
} if {
	applies
	params.cpu_millicores > settings.max_cpu_millicores
}

deny contains {
	"rule": "deploy.memory.max",
	"message": sprintf("memory of %s per replica is above the maximum of %s per replica on %s clusters", [
		format.gib(params.memory_bytes), format.gib(settings.max_memory_bytes), input.cluster.type,
	]),
} if {
	applies
	params.memory_bytes > settings.max_memory_bytes
}

deny contains {
	"rule": "deploy.route.tls",
	"message": sprintf("the public route '%s' has no TLS; public routes must use TLS", [
		format.show(object.get(route, "host", null)),
	]),
} if {
	applies
	route != null
	route.public == true
	not route.tls == true
}

deny contains {
	"rule": "deploy.route.public",
	"message": sprintf("the route '%s' is public, and %s clusters only allow internal routes", [
		format.show(object.get(route, "host", null)), input.cluster.type,
	]),
} if {
	applies
	route != null
	route.public == true
	not settings.public_routes
}

deny contains {
	"rule": "deploy.ha.unavailable",
	"message": sprintf(
		"deploys to every cluster of a region pair (--ha) are not offered on %s clusters",
		[input.cluster.type],
	),
} if {
	ha
	not settings.high_availability == true
}

deny contains {
	"rule": "deploy.ha.targets",
	"message": "the clusters of the region pair are not known, so a deploy to all of them (--ha) cannot be allowed",
} if {
	ha
	not known_targets
}

# With --ha, the namespace must also be the requester's team's on every other cluster of the pair.
deny contains d if {
	some target in other_targets
	some d in namespaces.denials_on("deploy", namespace, target.name, object.get(target, "namespace", null))
}

warnings contains sprintf("image '%s' %s; pin a version tag or a digest so that a restart cannot change what runs", [
	format.show(object.get(image, "ref", null)), unpinned,
]) if {
	applies
	settings.unpinned_images == "warn"
}

approval_reasons contains {
	"reason": sprintf("every deploy to a %s cluster needs approval", [input.cluster.type]),
	"group": settings.approver_group,
} if {
	applies
	settings.approval_required
}

# Fields another field manager holds are taken over only with the approvers' consent (lib/take_over.rego).
approval_reasons contains reason if {
	applies
	some reason in take_over.reasons(settings.approver_group)
}

# unpinned says how the image can change under a running app; undefined for a pinned image.
unpinned := "uses the mutable tag 'latest'" if {
	image.tag == "latest"
} else := "has neither a tag nor a digest" if {
	object.get(image, "tag", null) == null
	object.get(image, "digest", null) == null
}

# --ha: the same app on every cluster of the region pair. context.targets lists those clusters, each with
# the facts of the namespace on it; the request may go ahead only if it may go ahead on every one.
ha if {
	applies
	params.ha == true
}

targets := object.get(input.context, "targets", null)

known_targets if {
	is_array(targets)
	count(targets) > 0
}

# The named cluster's namespace is judged by the rules above; these judge it on the other clusters.
other_targets contains target if {
	ha
	some target in targets
	target.name != input.cluster.name
}
