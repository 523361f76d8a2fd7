# METADATA
# title: Request params
# description: >-
#   The params of a request must have the types its kind declares. The bot checks them first; this
#   makes a malformed request a denial, never a rule silently skipped.
# related_resources:
#   - ref: policies/README.md#any-kind
#     description: the rules every request kind shares
package n3r.lib.params

# denials(kind, types) are the denials of params that do not have the types a kind declares: types maps
# each param name to the set of type names (type_name) it may have.
denials(kind, _) := {{
	"rule": "request.params",
	"message": sprintf("the params of %s must be an object, and they are %s", [kind, given_type]),
}} if {
	given_type != "object"
}

denials(kind, types) := {{
	"rule": "request.params",
	"message": sprintf("param '%s' of %s must be %s, and it is %s", [name, kind, concat(" or ", sort(allowed)), found]),
} |
	some name, allowed in types
	found := type_of(name)
	not found in allowed
} if {
	given_type == "object"
}

type_of(name) := type_name(input.request.params[name]) if {
	_ = input.request.params[name]
} else := "missing"

default given_type := "missing"

given_type := type_name(input.request.params)
