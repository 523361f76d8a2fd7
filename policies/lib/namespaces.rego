# METADATA
# title: Namespace ownership
# description: >-
#   A team acts only in namespaces that exist and carry its team label; a namespace without a team
#   is nobody's to act in.
# related_resources:
#   - ref: policies/README.md#namespace-ownership
#     description: how the owner of a namespace is known
package n3r.lib.namespaces

import data.n3r.lib.format

# The namespace a request acts in, as context.namespace describes it ({exists, team}). A missing or
# malformed context counts as a namespace that does not exist: the rules fail closed.
facts := object.get(input, ["context", "namespace"], null)

exists if exists_in(facts)

owner := facts.team

# owned: the namespace exists and belongs to a team the requester is a member of.
owned if owned_in(facts)

# denials(prefix, name) is the one ownership check of every kind that acts in a namespace: rule
# `<prefix>.namespace.unknown` when namespace `name` does not exist on the request's cluster,
# `<prefix>.namespace.team` when it is not the requester's team's; empty when it is.
denials(prefix, name) := denials_on(prefix, name, input.cluster.name, facts)

# denials_on(prefix, name, cluster, facts) checks the namespace on any cluster, from that cluster's facts.
denials_on(prefix, name, cluster, namespace) := {{
	"rule": sprintf("%s.namespace.unknown", [prefix]),
	"message": sprintf("namespace '%s' does not exist on cluster '%s'", [format.show(name), format.show(cluster)]),
}} if {
	not exists_in(namespace)
} else := {{
	"rule": sprintf("%s.namespace.team", [prefix]),
	"message": sprintf("namespace '%s'%s %s", [
		format.show(name), where(cluster), foreign(object.get(namespace, "team", null)),
	]),
}} if {
	not owned_in(namespace)
} else := set()

exists_in(namespace) if namespace.exists == true

owned_in(namespace) if {
	exists_in(namespace)
	is_string(namespace.team)
	namespace.team in input.request.requester.groups
}

# The request's own cluster goes without saying; another cluster of the request is named.
where(cluster) := "" if {
	cluster == input.cluster.name
} else := sprintf(" on cluster '%s'", [format.show(cluster)])

foreign(team) := sprintf("belongs to team '%s', and you are not a member of that team", [team]) if {
	is_string(team)
} else := "has no owning team, so no team may act in it"
