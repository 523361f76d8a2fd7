# METADATA
# title: The decision document
# description: >-
#   Turns the denials, approval needs, warnings and obligations gathered for a request into the
#   contract's decision document.
# related_resources:
#   - ref: policies/README.md#decision-n3rtypedecision
#     description: the decision document and how the rules fill it
package n3r.lib.decision

# decide builds the decision from a set of denials ({rule, message}), a set of approval reasons
# ({reason, group}), a set of warnings (strings) and the obligations (an object).
decide(denials, approval_reasons, warnings, obligations) := {
	"allow": allowed(denials, approval_reasons),
	"deny": ordered(denials),
	"approval": approval(approval_reasons),
	"warnings": sort(warnings),
	"obligations": binding(denials, obligations),
}

# Denials in the order of their rule ids, then messages: the same order in Go and in wasm. Each keeps what
# else it carries (the `about` of the package that gave it).
ordered(denials) := [entry[2] | some entry in sort([[d.rule, d.message, d] | some d in denials])]

# The groups are the union of the groups the reasons name; the count is the cluster type's.
approval(reasons) := {
	"required": true,
	"groups": groups(reasons),
	"count": data.settings.approvers.count,
	"expires_in": data.settings.approvers.expires_in,
	"reasons": sort({r.reason | some r in reasons}),
} if {
	count(reasons) > 0
}

approval(reasons) := {"required": false, "groups": [], "count": 0, "expires_in": "0s", "reasons": []} if {
	count(reasons) == 0
}

groups(reasons) := sort({r.group | some r in reasons})

# A denied request has nothing for the executor to honour.
binding(denials, obligations) := obligations if {
	count(denials) == 0
} else := {}

default allowed(_, _) := false

allowed(denials, reasons) if {
	count(denials) == 0
	count(reasons) == 0
}

allowed(denials, reasons) if {
	count(denials) == 0
	count(reasons) > 0
	count(valid_approvers(groups(reasons))) >= data.settings.approvers.count
}

# The distinct people who approved from one of the groups; the requester never counts, whatever
# their groups.
valid_approvers(groups) := {a.slack_id |
	some a in input.approvals
	a.slack_id != input.request.requester.slack_id
	some g in a.groups
	g in groups
}
