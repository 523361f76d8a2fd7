# The namespace a request acts in, as context.namespace describes it ({exists, team}), and who owns it.
# A missing or malformed context counts as a namespace that does not exist: the rules fail closed.
package n3r.lib.namespaces

import data.n3r.lib.format

exists if input.context.namespace.exists == true

owner := input.context.namespace.team

# owned: the namespace exists and belongs to a team the requester is a member of.
owned if {
	exists
	is_string(owner)
	owner in input.request.requester.groups
}

unknown_message(name) := sprintf("namespace '%s' does not exist on cluster '%s'", [format.show(name), format.show(input.cluster.name)])

foreign_message(name) := sprintf("namespace '%s' belongs to team '%s', and you are not a member of that team", [format.show(name), owner]) if {
	is_string(owner)
} else := sprintf("namespace '%s' has no owning team, so no team may act in it", [format.show(name)])
