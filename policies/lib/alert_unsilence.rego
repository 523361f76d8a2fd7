# METADATA
# title: Expiring silences
# description: >-
#   Whoever made a silence from an alert thread, or the on-call of the alerts' team, may expire it early.
# related_resources:
#   - ref: policies/README.md#alertunsilence-rules
#     description: the alert.unsilence rules
package n3r.lib.alert_unsilence

import data.n3r.lib.alerts
import data.n3r.lib.format
import data.n3r.lib.metadata

kind := "alert.unsilence"

about := metadata.about(rego.metadata.chain())

# The types of the params (lib/params.rego).
param_types := {"silence": {"string"}, "group": {"string", "null"}}

applies if input.request.kind == kind

silence_id := format.show(object.get(input.request.params, "silence", null))

# The silence as its alert group records it: who made it, and who expired it.
silence := [s |
	some s in alerts.group.silences
	s.id == input.request.params.silence
][0] if {
	alerts.group_known
}

deny contains {
	"rule": "unsilence.silence.unknown",
	"message": sprintf("no alert group has a silence %s made from its thread", [silence_id]),
} if {
	applies
	not silence
}

deny contains {
	"rule": "unsilence.group.cluster",
	"message": sprintf("silence %s is on cluster %s, not %s", [
		silence_id, format.show(alerts.group.cluster), input.cluster.name,
	]),
} if {
	applies
	silence
	not alerts.on_this_cluster
}

deny contains {
	"rule": "unsilence.who",
	"message": sprintf(
		"only whoever made silence %s or the on-call of team %s (%s) may expire it, and you are neither",
		[silence_id, format.show(alerts.group.team), alerts.oncall_text],
	),
} if {
	applies
	silence
	silence.created_by != input.request.requester.slack_id
	not alerts.on_call
}
