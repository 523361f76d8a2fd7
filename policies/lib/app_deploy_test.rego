package n3r.lib.app_deploy_test

import data.n3r.lib.app_deploy
import data.n3r.lib.testing

# The rules are tested against these settings, whatever the cluster type of the run.
settings := {
	"registries": ["registry.n3r.io", "ghcr.io"],
	"unpinned_images": "deny",
	"max_replicas": 10,
	"max_cpu_millicores": 4000,
	"max_memory_bytes": 8589934592,
	"public_routes": true,
	"approval_required": false,
	"approver_group": "deploy-approvers",
}

warn := object.union(settings, {"unpinned_images": "warn"})

denials(request_input, s) := d if {
	d := app_deploy.deny with input as request_input with data.settings.deploy as s
}

rules(request_input) := testing.ids(denials(request_input, settings))

warnings(request_input, s) := w if {
	w := app_deploy.warnings with input as request_input with data.settings.deploy as s
}

reasons(request_input, s) := r if {
	r := app_deploy.approval_reasons with input as request_input with data.settings.deploy as s
}

deploy(params) := testing.app_deploy(params, "public")

latest := {"ref": "ghcr.io/team-a/web:latest", "registry": "ghcr.io", "tag": "latest", "digest": null}

bare := {"ref": "ghcr.io/team-a/web", "registry": "ghcr.io", "tag": null, "digest": null}

test_a_pinned_image_from_an_allowed_registry_needs_nothing if {
	rules(deploy({})) == set()
	warnings(deploy({}), warn) == set()
	reasons(deploy({}), settings) == set()
}

test_the_rules_ignore_other_kinds if {
	other := object.union(deploy({"replicas": 100, "image": latest}), {"request": {"kind": "logs.query"}})
	rules(other) == set()
	warnings(other, warn) == set()
}

test_denies_an_unknown_namespace if {
	rules(testing.with_namespace(deploy({}), {"exists": false, "team": null})) == {"deploy.namespace.unknown"}
}

test_denies_a_namespace_of_another_team if {
	d := denials(testing.with_namespace(deploy({}), {"exists": true, "team": "team-b"}), settings)
	d == {{
		"rule": "deploy.namespace.team",
		"message": "namespace 'team-a-web' belongs to team 'team-b', and you are not a member of that team",
	}}
}

test_denies_a_registry_outside_the_allow_list if {
	d := denials(deploy({"image": {"ref": "docker.io/library/nginx:1.27", "registry": "docker.io"}}), settings)
	d == {{
		"rule": "deploy.image.registry",
		"message": "image registry 'docker.io' is not allowed on public clusters; allowed registries are registry.n3r.io, ghcr.io",
	}}
	rules(deploy({"image": {"registry": "ghcr.io"}})) == set()
}

test_denies_latest_where_unpinned_images_are_denied if {
	d := denials(deploy({"image": latest}), settings)
	d == {{
		"rule": "deploy.image.tag",
		"message": "image 'ghcr.io/team-a/web:latest' uses the mutable tag 'latest'; public clusters only run images pinned to a version tag or a digest",
	}}
}

test_latest_is_denied_even_with_a_digest if {
	rules(deploy({"image": object.union(latest, {"digest": "sha256:0123"})})) == {"deploy.image.tag"}
}

test_denies_an_image_without_tag_or_digest if {
	d := denials(deploy({"image": bare}), settings)
	d == {{
		"rule": "deploy.image.tag",
		"message": "image 'ghcr.io/team-a/web' has neither a tag nor a digest; public clusters only run images pinned to a version tag or a digest",
	}}
}

test_a_digest_alone_pins_the_image if {
	rules(deploy({"image": object.union(bare, {"digest": "sha256:0123"})})) == set()
}

test_only_warns_where_unpinned_images_are_warned_about if {
	denials(deploy({"image": latest}), warn) == set()
	warnings(deploy({"image": latest}), warn) == {"image 'ghcr.io/team-a/web:latest' uses the mutable tag 'latest'; pin a version tag or a digest so that a restart cannot change what runs"}
	count(warnings(deploy({"image": bare}), warn)) == 1
	warnings(deploy({"image": latest}), settings) == set()
}

test_caps_replicas if {
	rules(deploy({"replicas": 10})) == set()
	denials(deploy({"replicas": 11}), settings) == {{
		"rule": "deploy.replicas.max",
		"message": "11 replicas are above the maximum of 10 on public clusters",
	}}
}

test_caps_cpu_per_replica if {
	rules(deploy({"cpu_millicores": 4000})) == set()
	denials(deploy({"cpu_millicores": 4500}), settings) == {{
		"rule": "deploy.cpu.max",
		"message": "cpu of 4.5 cores per replica is above the maximum of 4 cores per replica on public clusters",
	}}
}

test_caps_memory_per_replica if {
	rules(deploy({"memory_bytes": 8589934592})) == set()
	denials(deploy({"memory_bytes": 17179869184}), settings) == {{
		"rule": "deploy.memory.max",
		"message": "memory of 16Gi per replica is above the maximum of 8Gi per replica on public clusters",
	}}
}

test_a_public_route_needs_tls if {
	denials(deploy({"route": {"tls": false}}), settings) == {{
		"rule": "deploy.route.tls",
		"message": "the public route 'web.team-a.apps.n3r.io' has no TLS; public routes must use TLS",
	}}
	rules(deploy({"route": {"public": false, "tls": false}})) == set()
	rules(deploy({"route": null})) == set()
}

test_denies_public_routes_where_they_are_not_allowed if {
	internal_only := object.union(settings, {"public_routes": false})
	denials(deploy({}), internal_only) == {{
		"rule": "deploy.route.public",
		"message": "the route 'web.team-a.apps.n3r.io' is public, and public clusters only allow internal routes",
	}}
	denials(deploy({"route": {"public": false}}), internal_only) == set()
	denials(deploy({"route": null}), internal_only) == set()
}

test_asks_for_approval_where_deploys_need_it if {
	reviewed := object.union(settings, {"approval_required": true})
	reasons(testing.app_deploy({}, "dedicated"), reviewed) == {{
		"reason": "every deploy to a dedicated cluster needs approval",
		"group": "deploy-approvers",
	}}
}

test_lists_every_reason_at_once if {
	rules(deploy({
		"image": {"registry": "docker.io", "tag": "latest"},
		"replicas": 11, "cpu_millicores": 8000, "memory_bytes": 17179869184, "route": {"tls": false},
	})) == {
		"deploy.image.registry", "deploy.image.tag", "deploy.replicas.max",
		"deploy.cpu.max", "deploy.memory.max", "deploy.route.tls",
	}
}

available := object.union(settings, {"high_availability": true})

target(name, namespace) := {"name": name, "type": "public", "region": "kr2", "namespace": namespace}

ours := {"exists": true, "team": "team-a", "request_id": null}

# A deploy with --ha to the named cluster and the given other clusters of its pair.
ha_deploy(others) := object.union(deploy({"ha": true}), {"context": {"targets": array.concat(
	[target(deploy({}).cluster.name, ours)],
	others,
)}})

test_ha_goes_ahead_when_every_cluster_of_the_pair_has_the_namespace if {
	denials(ha_deploy([target("pub-kr2-a", ours), target("pub-kr2-b", ours)]), available) == set()
}

test_ha_is_denied_where_the_cluster_type_does_not_offer_it if {
	denials(ha_deploy([target("pub-kr2-a", ours)]), settings) == {{
		"rule": "deploy.ha.unavailable",
		"message": "deploys to every cluster of a region pair (--ha) are not offered on public clusters",
	}}
	denials(deploy({"ha": false}), settings) == set()
}

test_ha_without_the_clusters_of_the_pair_fails_closed if {
	message := "the clusters of the region pair are not known, so a deploy to all of them (--ha) cannot be allowed"
	denials(deploy({"ha": true}), available) == {{"rule": "deploy.ha.targets", "message": message}}
	empty := object.union(deploy({"ha": true}), {"context": {"targets": []}})
	denials(empty, available) == {{"rule": "deploy.ha.targets", "message": message}}
}

test_ha_names_each_cluster_where_the_namespace_is_missing_or_foreign if {
	d := denials(
		ha_deploy([
			target("pub-kr2-a", {"exists": false, "team": null, "request_id": null}),
			target("pub-kr2-b", {"exists": true, "team": "team-b", "request_id": null}),
			target("pub-kr2-c", {"exists": true, "team": null, "request_id": null}),
			{"name": "pub-kr2-d", "type": "public", "region": "kr2"},
		]),
		available,
	)
	d == {
		{"rule": "deploy.namespace.unknown", "message": "namespace 'team-a-web' does not exist on cluster 'pub-kr2-a'"},
		{"rule": "deploy.namespace.unknown", "message": "namespace 'team-a-web' does not exist on cluster 'pub-kr2-d'"},
		{
			"rule": "deploy.namespace.team",
			"message": "namespace 'team-a-web' on cluster 'pub-kr2-b' belongs to team 'team-b', and you are not a member of that team",
		},
		{
			"rule": "deploy.namespace.team",
			"message": "namespace 'team-a-web' on cluster 'pub-kr2-c' has no owning team, so no team may act in it",
		},
	}
}

test_taking_over_fields_needs_the_types_approvers_even_where_deploys_need_none if {
	reasons(deploy({"take_over": true}), settings) == {{
		"reason": "takes over fields another manager holds",
		"group": "deploy-approvers",
	}}
	rules(deploy({"take_over": true})) == set()
	reasons(deploy({"take_over": false}), settings) == set()
}
