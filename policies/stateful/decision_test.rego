package n3r.stateful_test

import data.n3r.lib.testing
import data.n3r.stateful

test_denies_teams_not_allowed_to_run_stateful_workloads if {
	d := stateful.decision with input as testing.namespace_create({}, "stateful")
	testing.rules(d) == {"namespace.team.stateful_allowed"}
}

test_allows_an_allowed_team if {
	data_requester := object.union(testing.requester, {"groups": ["team-data"]})
	asked := object.union(
		testing.namespace_create({"name": "team-data-es", "team": "team-data"}, "stateful"),
		{"request": {"requester": data_requester}},
	)
	d := stateful.decision with input as asked
	d.allow
}

# team-data's namespace team-data-search, asked for by a member of team-data.
data_team(request_input) := object.union(
	testing.with_groups(request_input, ["team-data"]),
	{"context": {"namespace": {"exists": true, "team": "team-data"}}, "request": {"params": {"namespace": "team-data-search"}}},
)

provision(params) := data_team(testing.elasticsearch_provision(params, "stateful"))

test_provisions_a_small_elasticsearch_cluster if {
	d := stateful.decision with input as provision({})
	d.allow
	not d.approval.required
}

test_a_large_elasticsearch_cluster_waits_for_a_stateful_approver if {
	big := provision({"nodes": 8, "storage_bytes": 2199023255552})
	d := stateful.decision with input as big
	not d.allow
	d.approval.groups == ["n3r-approvers-stateful"]
	d.approval.reasons == ["more than 1Ti of storage per Elasticsearch node", "more than 6 Elasticsearch nodes"]
	approved := stateful.decision with input as testing.with_approvals(big, [testing.approval_by("UBOB", ["n3r-approvers-stateful"])])
	approved.allow
}

test_elasticsearch_ceilings_and_catalogue if {
	d := stateful.decision with input as provision({
		"version": "7.17.0", "nodes": 13, "storage_bytes": 4398046511105,
		"tier": "warm", "storage_class": "local-nvme",
	})
	testing.rules(d) == {"es.version", "es.nodes.max", "es.storage.max", "es.storage_class"}
}

test_acl_ttls_go_up_to_fourteen_days if {
	two_weeks := stateful.decision with input as data_team(testing.acl_egress({"ttl_seconds": 1209600}, "stateful"))
	two_weeks.allow
	longer := stateful.decision with input as data_team(testing.acl_egress({"ttl_seconds": 1209601}, "stateful"))
	testing.rules(longer) == {"acl.ttl.max"}
}

test_deploys_run_only_internal_routes_and_the_platform_registry if {
	internal_route := stateful.decision with input as data_team(testing.app_deploy({"route": {"public": false}}, "stateful"))
	internal_route.allow
	d := stateful.decision with input as data_team(testing.app_deploy({"image": {"registry": "ghcr.io"}}, "stateful"))
	testing.rules(d) == {"deploy.image.registry", "deploy.route.public"}
}

test_log_queries_and_silences if {
	logs := stateful.decision with input as data_team(testing.logs_query({"window_seconds": 604801, "limit": 5001}, "stateful"))
	testing.rules(logs) == {"logs.window.max", "logs.limit.max"}
	silence := stateful.decision with input as testing.alert_silence({"duration_seconds": 259201}, "stateful")
	testing.rules(silence) == {"silence.duration.max"}
}

test_taking_over_fields_waits_for_a_stateful_approver if {
	asked := provision({"take_over": true})
	d := stateful.decision with input as asked
	not d.allow
	testing.messages(d) == []
	d.approval.groups == ["n3r-approvers-stateful"]
	d.approval.reasons == ["takes over fields another manager holds"]
	approved := stateful.decision with input as testing.with_approvals(asked, [testing.approval_by("UBOB", ["n3r-approvers-stateful"])])
	approved.allow
	deploy := stateful.decision with input as data_team(testing.app_deploy({"route": {"public": false}, "take_over": true}, "stateful"))
	deploy.approval.reasons == ["takes over fields another manager holds"]
	not deploy.allow
}

test_acknowledging_and_expiring_silences_are_decided_here if {
	ack := stateful.decision with input as testing.alert_ack({}, "stateful")
	ack.allow
	unsilence := stateful.decision with input as testing.alert_unsilence({}, "stateful")
	testing.rules(unsilence) == {"unsilence.who"}
	not unsilence.allow
}
