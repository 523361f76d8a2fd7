package n3r.lib.decision_test

import data.n3r.lib.decision
import data.n3r.lib.testing

approvers := {"count": 1, "expires_in": "12h"}

two := {"count": 2, "expires_in": "12h"}

denial := {"rule": "x.y", "message": "x is not y"}

network := {"reason": "egress to 10.1.2.0/24, which overlaps the private range 10.0.0.0/8", "group": "net"}

platform := {"reason": "cpu quota above 16 cores", "group": "platform"}

base := testing.namespace_create({}, "public")

decide(request_input, denials, reasons, s) := d if {
	d := decision.decide(denials, reasons, {"w2", "w1"}, {"ttl_seconds": 60}) with input as request_input
		with data.settings.approvers as s
}

test_nothing_to_deny_or_approve_allows if {
	d := decide(base, set(), set(), approvers)
	d == {
		"allow": true, "deny": [],
		"approval": {"required": false, "groups": [], "count": 0, "expires_in": "0s", "reasons": []},
		"warnings": ["w1", "w2"], "obligations": {"ttl_seconds": 60},
	}
}

test_a_denial_denies_and_drops_the_obligations if {
	d := decide(base, {denial}, set(), approvers)
	not d.allow
	d.deny == [denial]
	d.obligations == {}
	d.warnings == ["w1", "w2"]
}

test_denials_are_ordered_by_rule_then_message if {
	denials := {
		{"rule": "b.rule", "message": "first"}, {"rule": "a.rule", "message": "zz"},
		{"rule": "b.rule", "message": "again"},
	}
	d := decide(base, denials, set(), approvers)
	d.deny == [
		{"rule": "a.rule", "message": "zz"}, {"rule": "b.rule", "message": "again"},
		{"rule": "b.rule", "message": "first"},
	]
}

test_approval_lists_the_union_of_groups_and_the_sorted_reasons if {
	d := decide(base, set(), {network, platform}, approvers)
	not d.allow
	d.approval == {
		"required": true, "groups": ["net", "platform"], "count": 1, "expires_in": "12h",
		"reasons": ["cpu quota above 16 cores", "egress to 10.1.2.0/24, which overlaps the private range 10.0.0.0/8"],
	}
	d.obligations == {"ttl_seconds": 60}
}

test_the_same_reason_text_is_listed_once if {
	d := decide(base, set(), {network, object.union(network, {"group": "other"})}, approvers)
	d.approval.reasons == [network.reason]
	d.approval.groups == ["net", "other"]
}

test_an_approval_from_one_of_the_groups_allows if {
	approved := testing.with_approvals(base, [testing.approval_by("UBOB", ["team-b", "net"])])
	decide(approved, set(), {network, platform}, approvers).allow
}

test_approvals_count_distinct_people if {
	one_twice := testing.with_approvals(base, [
		testing.approval_by("UBOB", ["net"]),
		testing.approval_by("UBOB", ["platform"]),
	])
	not decide(one_twice, set(), {network}, two).allow
	both := testing.with_approvals(base, [testing.approval_by("UBOB", ["net"]), testing.approval_by("UCAROL", ["net"])])
	decide(both, set(), {network}, two).allow
}

test_the_requesters_own_approval_never_counts if {
	self := testing.with_approvals(base, [testing.approval_by("UALICE", ["net"])])
	not decide(self, set(), {network}, approvers).allow
}

test_an_approval_from_outside_the_groups_does_not_count if {
	other := testing.with_approvals(base, [testing.approval_by("UCAROL", ["platform"])])
	not decide(other, set(), {network}, approvers).allow
}

test_approvals_never_lift_a_denial if {
	approved := testing.with_approvals(base, [testing.approval_by("UBOB", ["net"])])
	not decide(approved, {denial}, {network}, approvers).allow
}
