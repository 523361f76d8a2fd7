package n3r.lib.alert_unsilence_test

import data.n3r.lib.alert_unsilence
import data.n3r.lib.testing

denials(request_input) := d if {
	d := alert_unsilence.deny with input as request_input
}

rules(request_input) := testing.ids(denials(request_input))

unsilence(params) := testing.alert_unsilence(params, "public")

by(request_input, slack_id, groups) := object.union(
	request_input,
	{"request": {"requester": {"slack_id": slack_id, "groups": groups}}},
)

test_whoever_made_the_silence_expires_it if {
	rules(by(unsilence({}), "UCAROL", [])) == set()
}

test_the_teams_on_call_expires_it if {
	rules(by(unsilence({}), "UDAVE", ["team-a-oncall"])) == set()
}

test_the_rules_ignore_other_kinds if {
	rules(object.union(testing.with_context(unsilence({}), {}), {"request": {"kind": "logs.query"}})) == set()
}

test_anyone_else_may_not if {
	denials(unsilence({})) == {{
		"rule": "unsilence.who",
		"message": "only whoever made silence 0f3c6a52-8d1e-4b7a-9c2d-1e5f6a7b8c9d or the on-call of team team-a (group 'team-a-oncall') may expire it, and you are neither",
	}}
}

test_the_on_call_group_is_the_one_the_registry_declares if {
	pager := object.union(unsilence({}), {"context": {"team": {"oncall_group": "pager-a"}}})
	rules(by(pager, "UDAVE", ["pager-a"])) == set()
	rules(by(pager, "UDAVE", ["team-a-oncall"])) == {"unsilence.who"}
}

test_an_unknown_silence if {
	denials(unsilence({"silence": "00000000-0000-0000-0000-000000000000"})) == {{
		"rule": "unsilence.silence.unknown",
		"message": "no alert group has a silence 00000000-0000-0000-0000-000000000000 made from its thread",
	}}
	rules(testing.with_context(unsilence({}), {"alert_group": {"exists": false}})) == {"unsilence.silence.unknown"}
	rules(testing.with_context(unsilence({"group": null}), {})) == {"unsilence.silence.unknown"}
}

test_a_silence_on_another_cluster if {
	elsewhere := object.union(unsilence({}), {"context": {"alert_group": {"cluster": "pub-kr1-b"}}})
	denials(by(elsewhere, "UCAROL", [])) == {{
		"rule": "unsilence.group.cluster",
		"message": "silence 0f3c6a52-8d1e-4b7a-9c2d-1e5f6a7b8c9d is on cluster pub-kr1-b, not test-cluster",
	}}
}

# Expiring a silence that is already expired is allowed: the executor then says it was already gone.
test_expiring_twice_is_allowed if {
	expired := object.union(unsilence({}), {"context": {"alert_group": {"silences": [{
		"id": testing.silence_id, "created_by": "UCAROL", "expired_by": "UCAROL",
	}]}}})
	rules(by(expired, "UCAROL", [])) == set()
}
