# METADATA
# title: Test helpers
# description: >-
#   Builders and comparisons shared by the tests of every bundle.
# related_resources:
#   - ref: policies/README.md#tests
#     description: how the policies are tested
package n3r.lib.testing

requester := {"slack_id": "UALICE", "email": "alice@example.com", "groups": ["team-a"]}

# The namespace team-a-web, owned by team-a: the context of every builder except namespace_create.
owned_namespace := {"namespace": {"exists": true, "team": "team-a", "request_id": null}}

# request builds a full contract input; params are the kind's, complete.
request(kind, params, cluster_type) := {
	"request": {
		"id": "r-test",
		"kind": kind,
		"params": params,
		"requester": requester,
	},
	"cluster": {"name": "test-cluster", "type": cluster_type, "region": "kr1"},
	"approvals": [],
	"context": owned_namespace,
}

# Each builder below merges params over a valid request of its kind (object.union: nested objects
# merge, arrays and scalars replace).
namespace_create(params, cluster_type) := object.union(
	request(
		"namespace.create",
		object.union(
			{
				"name": "team-a-web", "team": "team-a", "cpu_millicores": 4000, "memory_bytes": 8589934592,
				"take_over": false,
			},
			params,
		),
		cluster_type,
	),
	{"context": {"namespace": {"exists": false, "team": null, "request_id": null}}},
)

acl_egress(params, cluster_type) := request(
	"acl.open",
	object.union(
		{
			"namespace": "team-a-web", "direction": "egress",
			"ports": [{"protocol": "TCP", "port": 443}], "ttl_seconds": 86400,
			"destinations": ["203.0.113.0/24"], "target": null,
		},
		params,
	),
	cluster_type,
)

acl_ingress(params, cluster_type) := request(
	"acl.open",
	object.union(
		{
			"namespace": "team-a-web", "direction": "ingress",
			"ports": [{"protocol": "TCP", "port": 443}], "ttl_seconds": 86400,
			"via": "l7", "sources": ["198.51.100.0/24"],
		},
		params,
	),
	cluster_type,
)

app_deploy(params, cluster_type) := request(
	"app.deploy",
	object.union(
		{
			"namespace": "team-a-web", "app": "web",
			"image": {
				"ref": "registry.n3r.io/team-a/web:1.4.2", "registry": "registry.n3r.io",
				"repository": "team-a/web", "tag": "1.4.2", "digest": null,
			},
			"replicas": 2, "cpu_millicores": 500, "memory_bytes": 536870912,
			"route": {"host": "web.team-a.apps.n3r.io", "public": true, "tls": true}, "take_over": false,
		},
		params,
	),
	cluster_type,
)

elasticsearch_provision(params, cluster_type) := request(
	"elasticsearch.provision",
	object.union(
		{
			"namespace": "team-a-web", "name": "search", "version": "8.15.3", "nodes": 3,
			"storage_bytes": 214748364800, "tier": "hot", "storage_class": "local-nvme", "take_over": false,
		},
		params,
	),
	cluster_type,
)

logs_query(params, cluster_type) := request(
	"logs.query",
	object.union(
		{"namespace": "team-a-web", "source": "access", "window_seconds": 3600, "limit": 1000, "raw_query": false},
		params,
	),
	cluster_type,
)

# Team team-a, whose on-call group the registry declares as team-a-oncall (input.context.team).
team_a := {"name": "team-a", "oncall_group": "team-a-oncall"}

# The requester of a silence is on call for team-a.
alert_silence(params, cluster_type) := with_groups(
	object.union(
		request(
			"alert.silence",
			object.union(
				{
					"team": "team-a", "duration_seconds": 7200,
					"matchers": [{"name": "team", "value": "team-a"}, {"name": "alertname", "value": "HighLatency"}],
				},
				params,
			),
			cluster_type,
		),
		{"context": {"team": team_a}},
	),
	["team-a", "team-a-oncall"],
)

alert_group_id := "5f2c0d9e4b7a41c3a8e6d0f1b2c3d4e5"

silence_id := "0f3c6a52-8d1e-4b7a-9c2d-1e5f6a7b8c9d"

# An alert group of team-a on the request's cluster, with one silence made by UCAROL.
alert_group := {
	"exists": true, "cluster": "test-cluster", "team": "team-a", "acked_by": [],
	"silences": [{"id": silence_id, "created_by": "UCAROL", "expired_by": null}],
}

# The context of a request about an alert group; the requester (alice) is in team-a.
alert_context := {"context": {"alert_group": alert_group, "team": team_a}}

alert_ack(params, cluster_type) := object.union(
	request("alert.ack", object.union({"group": alert_group_id}, params), cluster_type),
	alert_context,
)

unsilence_params := {"silence": silence_id, "group": alert_group_id}

alert_unsilence(params, cluster_type) := object.union(
	request("alert.unsilence", object.union(unsilence_params, params), cluster_type),
	alert_context,
)

with_context(request_input, context) := object.union(json.remove(request_input, ["context"]), {"context": context})

with_groups(request_input, groups) := object.union(request_input, {"request": {"requester": {"groups": groups}}})

with_namespace(request_input, namespace) := object.union(request_input, {"context": {"namespace": namespace}})

with_approvals(request_input, approvals) := object.union(request_input, {"approvals": approvals})

approval_by(slack_id, groups) := {"slack_id": slack_id, "groups": groups, "at": "2026-11-25T10:00:00Z"}

rules(decision) := ids(decision.deny)

ids(denials) := {d.rule | some d in denials}

# matches compares a decision with the expectation of a shared case (testdata/*.json): allow must be
# equal, the rule ids of deny equal as sets, and when expect.approval is given, approval.required
# equal, and approval.groups (as sets) and approval.count equal when they are given. The TypeScript
# suite implements the same comparison.
matches(decision, expect) if {
	decision.allow == expect.allow
	rules(decision) == {r | some r in expect.deny}
	approval_matches(decision.approval, object.get(expect, "approval", null))
}

approval_matches(_, null)

approval_matches(approval, expected) if {
	approval.required == expected.required
	{g | some g in object.get(expected, "groups", approval.groups)} == {g | some g in approval.groups}
	object.get(expected, "count", approval.count) == approval.count
}

# summary renders a decision the way matches compares it; expected renders an expectation.
summary(decision) := sprintf("allow=%v deny=%v approval=%v", [
	decision.allow, sort(rules(decision)),
	{"required": decision.approval.required, "groups": decision.approval.groups, "count": decision.approval.count},
])

expected(expect) := sprintf("allow=%v deny=%v approval=%v", [
	expect.allow, sort(expect.deny), object.get(expect, "approval", "(not compared)"),
])

# messages(decision) is the decision's denials as {rule, message}, in order: what a test compares when
# the `about` of each denial's package is not the point.
messages(decision) := [{"rule": d.rule, "message": d.message} | some d in decision.deny]
