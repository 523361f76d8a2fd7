# Builders shared by the tests of every bundle.
package n3r.lib.testing

requester := {"slack_id": "UALICE", "email": "alice@example.com", "groups": ["team-a"]}

namespace_create(params, cluster_type) := {
	"request": {
		"id": "r-test",
		"kind": "namespace.create",
		"params": object.union(
			{"name": "team-a-web", "team": "team-a", "cpu_millicores": 4000, "memory_bytes": 8589934592},
			params,
		),
		"requester": requester,
	},
	"cluster": {"name": "test-cluster", "type": cluster_type, "region": "kr1"},
	"approvals": [],
	"context": {},
}

rules(decision) := {d.rule | some d in decision.deny}
