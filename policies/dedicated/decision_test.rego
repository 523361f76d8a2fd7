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
	testing.messages(d) == []
	d.approval.required
	d.approval.groups == ["n3r-approvers-dedicated"]
	d.approval.count == 2
	d.approval.reasons == ["cpu quota above 16 cores"]
}

test_one_approval_is_not_enough_on_dedicated if {
	one := object.union(big, {"approvals": [{"slack_id": "UBOB", "groups": ["n3r-approvers-dedicated"], "at": "2026-11-25T00:00:00Z"}]})
	d := dedicated.decision with input as one
	not d.allow
}

test_allows_it_once_two_approvers_approved if {
	two := object.union(big, {"approvals": [
		{"slack_id": "UBOB", "groups": ["n3r-approvers-dedicated"], "at": "2026-11-25T00:00:00Z"},
		{"slack_id": "UDAVE", "groups": ["n3r-approvers-dedicated"], "at": "2026-11-25T00:01:00Z"},
	]})
	d := dedicated.decision with input as two
	d.allow
}

test_the_same_approver_twice_counts_once if {
	twice := object.union(big, {"approvals": [
		{"slack_id": "UBOB", "groups": ["n3r-approvers-dedicated"], "at": "2026-11-25T00:00:00Z"},
		{"slack_id": "UBOB", "groups": ["n3r-approvers-dedicated"], "at": "2026-11-25T00:01:00Z"},
	]})
	d := dedicated.decision with input as twice
	not d.allow
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

test_acl_ttls_go_up_to_thirty_days if {
	month := dedicated.decision with input as testing.acl_egress({"ttl_seconds": 2592000}, "dedicated")
	month.allow
	longer := dedicated.decision with input as testing.acl_egress({"ttl_seconds": 2678400}, "dedicated")
	testing.messages(longer) == [{"rule": "acl.ttl.max", "message": "the ACL TTL of 31 days is above the maximum of 30 days on dedicated clusters"}]
}

deploy := testing.app_deploy({"image": {"registry": "ghcr.io", "ref": "ghcr.io/team-a/web:1.4.2"}}, "dedicated")

test_every_deploy_waits_for_a_dedicated_approver if {
	d := dedicated.decision with input as deploy
	not d.allow
	testing.messages(d) == []
	d.approval == {
		"required": true, "groups": ["n3r-approvers-dedicated"], "count": 2, "expires_in": "24h",
		"reasons": ["every deploy to a dedicated cluster needs approval"],
	}
	approved := dedicated.decision with input as testing.with_approvals(deploy, [
		testing.approval_by("UBOB", ["n3r-approvers-dedicated"]),
		testing.approval_by("UDAVE", ["n3r-approvers-dedicated"]),
	])
	approved.allow
}

test_a_deploy_is_not_approved_by_its_requester_or_the_network_approvers if {
	self := dedicated.decision with input as testing.with_approvals(deploy, [testing.approval_by("UALICE", ["n3r-approvers-dedicated"])])
	not self.allow
	network := dedicated.decision with input as testing.with_approvals(deploy, [testing.approval_by("UBOB", ["n3r-network-approvers"])])
	not network.allow
}

test_unpinned_images_are_denied if {
	latest := dedicated.decision with input as testing.app_deploy({"image": {"tag": "latest", "ref": "registry.n3r.io/team-a/web:latest"}}, "dedicated")
	testing.rules(latest) == {"deploy.image.tag"}
	latest.warnings == []
	bare := dedicated.decision with input as testing.app_deploy({"image": {"tag": null, "ref": "registry.n3r.io/team-a/web"}}, "dedicated")
	testing.rules(bare) == {"deploy.image.tag"}
}

test_docker_hub_is_not_allowed if {
	d := dedicated.decision with input as testing.app_deploy({"image": {"registry": "docker.io"}}, "dedicated")
	testing.rules(d) == {"deploy.image.registry"}
}

test_elasticsearch_is_not_offered if {
	d := dedicated.decision with input as testing.elasticsearch_provision({}, "dedicated")
	testing.rules(d) == {"es.cluster_type"}
}

test_log_queries_cover_up_to_thirty_days if {
	month := dedicated.decision with input as testing.logs_query({"window_seconds": 2592000}, "dedicated")
	month.allow
	longer := dedicated.decision with input as testing.logs_query({"window_seconds": 2592001}, "dedicated")
	testing.rules(longer) == {"logs.window.max"}
}

test_silences_last_up_to_seven_days if {
	week := dedicated.decision with input as testing.alert_silence({"duration_seconds": 604800}, "dedicated")
	week.allow
	longer := dedicated.decision with input as testing.alert_silence({"duration_seconds": 604801}, "dedicated")
	testing.rules(longer) == {"silence.duration.max"}
}

test_taking_over_fields_is_a_reason_of_its_own_on_dedicated if {
	d := dedicated.decision with input as object.union(deploy, {"request": {"params": {"take_over": true}}})
	not d.allow
	d.approval.groups == ["n3r-approvers-dedicated"]
	d.approval.reasons == ["every deploy to a dedicated cluster needs approval", "takes over fields another manager holds"]
	namespace := dedicated.decision with input as testing.namespace_create({"take_over": true}, "dedicated")
	not namespace.allow
	namespace.approval.reasons == ["takes over fields another manager holds"]
	dedicated.decision.allow with input as testing.namespace_create({}, "dedicated")
}

test_acknowledging_and_expiring_silences_are_decided_here if {
	ack := dedicated.decision with input as testing.alert_ack({}, "dedicated")
	ack.allow
	unsilence := dedicated.decision with input as testing.alert_unsilence({}, "dedicated")
	testing.rules(unsilence) == {"unsilence.who"}
	not unsilence.allow
}
