# METADATA
# title: Alert acknowledgements
# description: >-
#   A team's members and its on-call acknowledge the team's alert groups, on the cluster of their alerts.
# related_resources:
#   - ref: policies/README.md#alertack-rules
#     description: the alert.ack rules
package n3r.lib.alert_ack

import data.n3r.lib.alerts
import data.n3r.lib.format
import data.n3r.lib.metadata

kind := "alert.ack"

about := metadata.about(rego.metadata.chain())

# The types of the params (lib/params.rego).
param_types := {"group": {"string"}}

applies if input.request.kind == kind

group_id := format.show(object.get(input.request.params, "group", null))

deny contains {
	"rule": "ack.group.unknown",
	"message": sprintf("there is no alert group %s", [group_id]),
} if {
	applies
	not alerts.group_known
}

deny contains {
	"rule": "ack.group.cluster",
	"message": sprintf("alert group %s is on cluster %s, not %s", [
		group_id, format.show(alerts.group.cluster), input.cluster.name,
	]),
} if {
	applies
	alerts.group_known
	not alerts.on_this_cluster
}

deny contains {
	"rule": "ack.team",
	"message": sprintf(
		"alert group %s belongs to no team, so nobody may acknowledge it through n3r",
		[group_id],
	),
} if {
	applies
	alerts.group_known
	not is_string(alerts.group.team)
}

deny contains {
	"rule": "ack.team",
	"message": sprintf(
		"only team '%s' and its on-call (%s) may acknowledge its alerts, and you are in neither",
		[alerts.group.team, alerts.oncall_text],
	),
} if {
	applies
	alerts.group_known
	is_string(alerts.group.team)
	not alerts.group.team in input.request.requester.groups
	not alerts.on_call
}
