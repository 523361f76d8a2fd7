# METADATA
# title: Alert silences
# description: >-
#   A team's on-call silences that team's alerts only, with the team's matcher, for a bounded time.
# related_resources:
#   - ref: policies/README.md#alertsilence-rules
#     description: the alert.silence rules and durations
package n3r.lib.alert_silence

import data.n3r.lib.alerts
import data.n3r.lib.format
import data.n3r.lib.metadata

settings := data.settings.silence

params := input.request.params

kind := "alert.silence"

about := metadata.about(rego.metadata.chain())

# The types of the params (lib/params.rego).
param_types := {"team": {"string"}, "duration_seconds": {"number"}, "matchers": {"array"}}

applies if input.request.kind == kind

team := format.show(object.get(params, "team", null))

duration := object.get(params, "duration_seconds", null)

matchers := object.get(params, "matchers", [])

# The on-call group is the one the registry declares for the team (input.context.team).
deny contains {
	"rule": "silence.oncall",
	"message": sprintf(
		"only the on-call of team '%s' (%s) may silence its alerts, and you are not in it",
		[team, alerts.oncall_text],
	),
} if {
	applies
	not team_on_call
}

deny contains {
	"rule": "silence.duration.required",
	"message": sprintf("a silence needs a duration above zero seconds, and %s is not", [format.show(duration)]),
} if {
	applies
	not positive(duration)
}

deny contains {
	"rule": "silence.duration.max",
	"message": sprintf("a silence of %s is above the maximum of %s on %s clusters", [
		format.duration(duration), format.duration(settings.max_duration_seconds), input.cluster.type,
	]),
} if {
	applies
	positive(duration)
	duration > settings.max_duration_seconds
}

deny contains {
	"rule": "silence.matchers",
	"message": "a silence needs at least one matcher, and this one has none, so it would silence every alert",
} if {
	applies
	count(matchers) == 0
}

# Without the team's label a silence could cover other teams' alerts.
deny contains {
	"rule": "silence.matchers.team",
	"message": sprintf("the silence must include the matcher %s=%s so that it only covers alerts of team '%s'", [
		settings.team_label, team, team,
	]),
} if {
	applies
	count(matchers) > 0
	not team_matcher
}

team_matcher if {
	some m in matchers
	m.name == settings.team_label
	m.value == params.team
}

positive(n) if {
	is_number(n)
	n > 0
}

team_on_call if {
	input.context.team.name == params.team
	alerts.on_call
}
