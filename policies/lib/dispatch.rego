# METADATA
# title: Request kinds per cluster type
# description: >-
#   Each cluster type decides the request kinds of its dispatch table, with the rules of each kind's
#   package. A kind that is not in the table has no policy on that type and is denied.
# related_resources:
#   - ref: policies/README.md#dispatch-fails-closed
#     description: the dispatch table of each cluster type
package n3r.lib.dispatch

import data.n3r.lib.decision
import data.n3r.lib.format
import data.n3r.lib.metadata
import data.n3r.lib.params

# The kind of the request; named so that no dispatch table entry can point at this package.
requested := object.get(input.request, "kind", null)

about := metadata.about(rego.metadata.chain())

# decide(kinds) is the decision for the request. kinds is a cluster type's dispatch table: request kind ->
# the package under data.n3r.lib with that kind's rules, which must declare `kind` as that same kind. Only
# that package's rules are entered: wasm has no rule index, so a lookup keeps an evaluation from walking
# every kind's rules (bench/README.md). The package must also declare the types of the kind's params
# (`param_types`) and what its denials show (`about`). Anything else fails closed: policy.kind.none.
decide(kinds) := decision.decide(denials_of(name), reasons_of(name), warnings_of(name), obligations_of(name)) if {
	name := kinds[requested]
	data.n3r.lib[name].kind == requested
	is_object(data.n3r.lib[name].param_types)
	is_object(data.n3r.lib[name].about)
} else := decision.decide({no_policy}, set(), set(), {})

no_policy := {
	"rule": "policy.kind.none",
	"message": sprintf("no policy for %s on %s clusters", [format.show(requested), data.settings.cluster_type]),
	"about": about,
}

# Every denial carries the title, description and link of the package whose rules gave it.
denials_of(name) := {object.union(d, {"about": data.n3r.lib[name].about}) | some d in kind_denials(name)}

kind_denials(name) := params.denials(requested, data.n3r.lib[name].param_types) | rule_denials(name)

default rule_denials(_) := set()

rule_denials(name) := data.n3r.lib[name].deny

# Approval reasons are objects {reason, group}: the text shown to approvers and the group that approves.
default reasons_of(_) := set()

reasons_of(name) := data.n3r.lib[name].approval_reasons

default warnings_of(_) := set()

warnings_of(name) := data.n3r.lib[name].warnings

default obligations_of(_) := {}

obligations_of(name) := data.n3r.lib[name].obligations
