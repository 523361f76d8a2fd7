package n3r.dedicated_test

import data.n3r.dedicated
import data.n3r.lib.testing

big := testing.namespace_create({"cpu_millicores": 32000}, "dedicated")

test_allows_a_base_quota_without_approval if {
	d := dedicated.decision with input as testing.namespace_create({}, "dedicated")
	d.allow
	not d.approval.required
}

test_asks_approval_for_a_quota_above_the_base if {
	d := dedicated.decision with input as big
	not d.allow
	d.deny == []
	d.approval.required
	d.approval.groups == ["n3r-approvers-dedicated"]
	d.approval.count == 1
	d.approval.reasons == ["cpu quota above 16 cores"]
}

test_allows_it_once_an_approver_approved if {
	approved := object.union(big, {"approvals": [{"slack_id": "UBOB", "groups": ["n3r-approvers-dedicated"], "at": "2026-11-25T00:00:00Z"}]})
	d := dedicated.decision with input as approved
	d.allow
}

test_the_requesters_own_approval_never_counts if {
	self := {"slack_id": "UALICE", "groups": ["n3r-approvers-dedicated"], "at": "2026-11-25T00:00:00Z"}
	d := dedicated.decision with input as object.union(big, {"approvals": [self]})
	not d.allow
}

test_an_approval_from_outside_the_approver_groups_does_not_count if {
	other := {"slack_id": "UCAROL", "groups": ["team-a"], "at": "2026-11-25T00:00:00Z"}
	d := dedicated.decision with input as object.union(big, {"approvals": [other]})
	not d.allow
}
