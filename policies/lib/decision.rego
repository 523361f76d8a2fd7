# Turns the denials and approval needs gathered for a request into the contract's decision document.
package n3r.lib.decision

# decide builds the decision from a set of denials ({rule, message}) and a set of approval reasons.
decide(denials, approval_reasons) := {
	"allow": allowed(denials, approval_reasons),
	"deny": [d | some d in denials],
	"approval": approval(approval_reasons),
	"warnings": [],
	"obligations": {},
}

approval(reasons) := {
	"required": count(reasons) > 0,
	"groups": data.settings.approvers.groups,
	"count": data.settings.approvers.count,
	"expires_in": data.settings.approvers.expires_in,
	"reasons": sort([r | some r in reasons]),
} if count(reasons) > 0

approval(reasons) := {"required": false, "groups": [], "count": 0, "expires_in": "0s", "reasons": []} if count(reasons) == 0

default allowed(_, _) := false

allowed(denials, reasons) if {
	count(denials) == 0
	count(reasons) == 0
}

allowed(denials, reasons) if {
	count(denials) == 0
	count(reasons) > 0
	count(valid_approvers) >= data.settings.approvers.count
}

# Approvers who are in an approver group; the requester never counts, whatever their groups.
valid_approvers contains a.slack_id if {
	some a in input.approvals
	a.slack_id != input.request.requester.slack_id
	some g in a.groups
	g in data.settings.approvers.groups
}
