package n3r.lib.alert_silence_test

import data.n3r.lib.alert_silence
import data.n3r.lib.testing

# The rules are tested against these settings, whatever the cluster type of the run.
settings := {"max_duration_seconds": 259200, "team_label": "team"}

denials(request_input) := d if {
	d := alert_silence.deny with input as request_input with data.settings.silence as settings
}

rules(request_input) := testing.ids(denials(request_input))

silence(params) := testing.alert_silence(params, "public")

test_the_on_call_silences_their_teams_alerts if {
	rules(silence({})) == set()
}

test_the_rules_ignore_other_kinds if {
	rules(object.union(silence({"matchers": []}), {"request": {"kind": "logs.query"}})) == set()
}

test_only_the_teams_on_call_may_silence if {
	denials(testing.with_groups(silence({}), ["team-a", "team-b-oncall"])) == {{
		"rule": "silence.oncall",
		"message": "only the on-call of team 'team-a' (group 'team-a-oncall') may silence its alerts, and you are not in it",
	}}
}

# The on-call group is whatever the registry names, with no naming convention behind it.
test_the_on_call_group_is_the_one_the_registry_declares if {
	pager := testing.with_context(silence({}), {"team": {"name": "team-a", "oncall_group": "pager-a"}})
	rules(testing.with_groups(pager, ["pager-a"])) == set()
	rules(testing.with_groups(pager, ["team-a-oncall"])) == {"silence.oncall"}
}

test_a_team_without_an_on_call_group_cannot_silence if {
	none := testing.with_context(silence({}), {"team": {"name": "team-a", "oncall_group": null}})
	denials(none) == {{
		"rule": "silence.oncall",
		"message": "only the on-call of team 'team-a' (the registry declares no on-call group for it) may silence its alerts, and you are not in it",
	}}
	rules(testing.with_context(silence({}), {})) == {"silence.oncall"}
}

# The facts must be about the team the silence is for.
test_the_on_call_of_another_team_cannot_silence if {
	other := testing.with_context(silence({}), {"team": {"name": "team-b", "oncall_group": "team-a-oncall"}})
	rules(other) == {"silence.oncall"}
}

test_requires_a_duration_above_zero if {
	denials(silence({"duration_seconds": 0})) == {{
		"rule": "silence.duration.required",
		"message": "a silence needs a duration above zero seconds, and 0 is not",
	}}
	rules(json.remove(silence({}), ["request/params/duration_seconds"])) == {"silence.duration.required"}
	rules(silence({"duration_seconds": 1})) == set()
}

test_caps_the_duration if {
	rules(silence({"duration_seconds": 259200})) == set()
	denials(silence({"duration_seconds": 604800})) == {{
		"rule": "silence.duration.max",
		"message": "a silence of 7 days is above the maximum of 3 days on public clusters",
	}}
}

test_requires_a_matcher if {
	denials(silence({"matchers": []})) == {{
		"rule": "silence.matchers",
		"message": "a silence needs at least one matcher, and this one has none, so it would silence every alert",
	}}
}

test_requires_the_teams_label if {
	denials(silence({"matchers": [{"name": "alertname", "value": "HighLatency"}]})) == {{
		"rule": "silence.matchers.team",
		"message": "the silence must include the matcher team=team-a so that it only covers alerts of team 'team-a'",
	}}
	rules(silence({"matchers": [{"name": "team", "value": "team-b"}]})) == {"silence.matchers.team"}
	rules(silence({"matchers": [{"name": "team", "value": "team-a"}]})) == set()
}
