package n3r.lib.alert_ack_test

import data.n3r.lib.alert_ack
import data.n3r.lib.testing

denials(request_input) := d if {
	d := alert_ack.deny with input as request_input
}

rules(request_input) := testing.ids(denials(request_input))

ack(params) := testing.alert_ack(params, "public")

test_a_team_member_acknowledges_the_teams_alerts if {
	rules(ack({})) == set()
}

test_the_teams_on_call_acknowledges_its_alerts if {
	rules(testing.with_groups(ack({}), ["team-a-oncall"])) == set()
}

test_the_rules_ignore_other_kinds if {
	rules(object.union(ack({}), {"request": {"kind": "logs.query"}, "context": {"alert_group": {"exists": false}}})) == set()
}

test_someone_outside_the_team_may_not if {
	denials(testing.with_groups(ack({}), ["team-b", "team-b-oncall"])) == {{
		"rule": "ack.team",
		"message": "only team 'team-a' and its on-call (group 'team-a-oncall') may acknowledge its alerts, and you are in neither",
	}}
}

test_the_on_call_group_is_the_one_the_registry_declares if {
	pager := object.union(ack({}), {"context": {"team": {"oncall_group": "pager-a"}}})
	rules(testing.with_groups(pager, ["pager-a"])) == set()
	rules(testing.with_groups(pager, ["team-a-oncall"])) == {"ack.team"}
	no_group := object.union(ack({}), {"context": {"team": {"oncall_group": null}}})
	denials(testing.with_groups(no_group, [])) == {{
		"rule": "ack.team",
		"message": "only team 'team-a' and its on-call (the registry declares no on-call group for it) may acknowledge its alerts, and you are in neither",
	}}
}

test_an_unknown_group if {
	unknown := testing.with_context(ack({}), {"alert_group": {"exists": false}})
	denials(unknown) == {{
		"rule": "ack.group.unknown",
		"message": "there is no alert group 5f2c0d9e4b7a41c3a8e6d0f1b2c3d4e5",
	}}
	rules(testing.with_context(ack({}), {})) == {"ack.group.unknown"}
}

test_a_group_on_another_cluster if {
	elsewhere := object.union(ack({}), {"context": {"alert_group": {"cluster": "pub-kr1-b"}}})
	denials(elsewhere) == {{
		"rule": "ack.group.cluster",
		"message": "alert group 5f2c0d9e4b7a41c3a8e6d0f1b2c3d4e5 is on cluster pub-kr1-b, not test-cluster",
	}}
}

test_a_group_of_no_team if {
	orphan := object.union(ack({}), {"context": {"alert_group": {"team": null}}})
	denials(orphan) == {{
		"rule": "ack.team",
		"message": "alert group 5f2c0d9e4b7a41c3a8e6d0f1b2c3d4e5 belongs to no team, so nobody may acknowledge it through n3r",
	}}
}

test_acknowledging_twice_is_allowed if {
	rules(object.union(ack({}), {"context": {"alert_group": {"acked_by": ["UALICE"]}}})) == set()
}
