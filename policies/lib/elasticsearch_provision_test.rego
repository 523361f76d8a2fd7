package n3r.lib.elasticsearch_provision_test

import data.n3r.lib.elasticsearch_provision as es
import data.n3r.lib.testing

# The rules are tested against these settings, whatever the cluster type of the run.
settings := {
	"enabled": true,
	"versions": ["8.15.3", "8.16.1"],
	"storage_classes": {"hot": "local-nvme", "warm": "ssd-standard", "cold": "hdd-standard"},
	"min_nodes": 1,
	"max_nodes": 12,
	"max_storage_bytes": 4398046511104,
	"approval_above": {"nodes": 6, "storage_bytes": 1099511627776},
	"approver_group": "es-approvers",
}

denials(request_input, s) := d if {
	d := es.deny with input as request_input with data.settings.elasticsearch as s
}

rules(request_input) := testing.ids(denials(request_input, settings))

reasons(request_input) := r if {
	r := es.approval_reasons with input as request_input with data.settings.elasticsearch as settings
}

provision(params) := testing.elasticsearch_provision(params, "stateful")

test_a_small_cluster_in_an_offered_version_needs_nothing if {
	rules(provision({})) == set()
	reasons(provision({})) == set()
}

test_the_rules_ignore_other_kinds if {
	other := object.union(provision({"nodes": 100}), {"request": {"kind": "logs.query"}})
	rules(other) == set()
	reasons(other) == set()
}

test_only_stateful_clusters_run_elasticsearch if {
	d := denials(testing.elasticsearch_provision({"version": "1.0", "nodes": 100}, "public"), {"enabled": false})
	d == {{
		"rule": "es.cluster_type",
		"message": "Elasticsearch can only be provisioned on stateful clusters, and 'test-cluster' is a public cluster",
	}}
	testing.ids(denials(provision({}), {})) == {"es.cluster_type"}
}

test_denies_an_unknown_namespace if {
	rules(testing.with_namespace(provision({}), {"exists": false, "team": null})) == {"es.namespace.unknown"}
}

test_denies_a_namespace_of_another_team if {
	rules(testing.with_namespace(provision({}), {"exists": true, "team": "team-b"})) == {"es.namespace.team"}
}

test_denies_a_version_not_offered if {
	denials(provision({"version": "7.10.2"}), settings) == {{
		"rule": "es.version",
		"message": "Elasticsearch version '7.10.2' is not offered; offered versions are 8.15.3, 8.16.1",
	}}
	rules(provision({"version": "8.16.1"})) == set()
}

test_denies_an_unknown_tier if {
	denials(provision({"tier": "frozen"}), settings) == {{
		"rule": "es.tier",
		"message": "tier 'frozen' is not offered; tiers are cold, hot, warm",
	}}
}

test_the_storage_class_must_be_the_tiers if {
	denials(provision({"tier": "warm", "storage_class": "local-nvme"}), settings) == {{
		"rule": "es.storage_class",
		"message": "storage class 'local-nvme' does not match the warm tier, which uses 'ssd-standard'",
	}}
	rules(provision({"tier": "cold", "storage_class": "hdd-standard"})) == set()
}

test_needs_at_least_one_node if {
	denials(provision({"nodes": 0}), settings) == {{
		"rule": "es.nodes.min",
		"message": "0 nodes are below the minimum of 1 per Elasticsearch cluster",
	}}
	rules(provision({"nodes": 1})) == set()
}

test_caps_nodes if {
	denials(provision({"nodes": 13}), settings) == {{
		"rule": "es.nodes.max",
		"message": "13 nodes are above the maximum of 12 nodes per Elasticsearch cluster on stateful clusters",
	}}
	rules(provision({"nodes": 12})) == set()
}

test_caps_storage_per_node if {
	denials(provision({"storage_bytes": 8796093022208}), settings) == {{
		"rule": "es.storage.max",
		"message": "8Ti of storage per node is above the maximum of 4Ti per node on stateful clusters",
	}}
	rules(provision({"storage_bytes": 4398046511104})) == set()
}

test_large_clusters_need_the_stateful_approvers if {
	reasons(provision({"nodes": 7})) == {{"reason": "more than 6 Elasticsearch nodes", "group": "es-approvers"}}
	reasons(provision({"storage_bytes": 1099511627777})) == {{
		"reason": "more than 1Ti of storage per Elasticsearch node",
		"group": "es-approvers",
	}}
	reasons(provision({"nodes": 6, "storage_bytes": 1099511627776})) == set()
}

test_taking_over_fields_needs_the_stateful_approvers if {
	reasons(provision({"take_over": true})) == {{"reason": "takes over fields another manager holds", "group": "es-approvers"}}
	reasons(provision({"take_over": false})) == set()
}

test_taking_over_fields_is_no_reason_off_stateful_clusters if {
	off := testing.elasticsearch_provision({"take_over": true}, "public")
	r := es.approval_reasons with input as off with data.settings.elasticsearch as {"enabled": false}
	r == set()
}
