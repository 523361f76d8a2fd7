# METADATA
# title: Taking over fields
# description: >-
#   A request that takes over fields another field manager holds on the objects it applies
#   (--take-over: server-side apply with force) waits for the approvers of its kind, whatever else it asks.
# related_resources:
#   - ref: policies/README.md#taking-over-fields
#     description: when a request may take over fields that others hold
package n3r.lib.take_over

# reasons(group) is the approval reason of a request that takes over fields, for the approvers in group;
# empty when it does not.
reasons(group) := {{"reason": "takes over fields another manager holds", "group": group}} if {
	input.request.params.take_over == true
} else := set()
