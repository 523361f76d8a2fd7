# METADATA
# title: Alert groups and on-call
# description: >-
#   What the alert kinds share: the alert group a request is about, and the team's on-call group that
#   the cluster registry declares.
# related_resources:
#   - ref: policies/README.md#alert-groups-and-on-call
#     description: the facts the alert kinds read
package n3r.lib.alerts

# The alert group of the request, as n3r keeps it (input.context.alert_group); undefined when absent.
group := input.context.alert_group

group_known if group.exists == true

on_this_cluster if group.cluster == input.cluster.name

# The on-call group of the team the request acts for, as the registry declares it
# (input.context.team.oncall_group); undefined when the registry declares none.
oncall_group := input.context.team.oncall_group if is_string(input.context.team.oncall_group)

on_call if oncall_group in input.request.requester.groups

# How a message names the on-call group, or says that there is none.
default oncall_text := "the registry declares no on-call group for it"

oncall_text := sprintf("group '%s'", [oncall_group])
