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
