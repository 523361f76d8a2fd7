package n3r.public_test

import data.n3r.lib.testing
import data.n3r.public

test_allows_a_team_member_creating_a_prefixed_namespace_within_quota if {
	d := public.decision with input as testing.namespace_create({}, "public")
	d.allow
	testing.messages(d) == []
	not d.approval.required
}

test_denies_a_name_without_the_team_prefix if {
	d := public.decision with input as testing.namespace_create({"name": "web"}, "public")
	not d.allow
	testing.rules(d) == {"namespace.name.team_prefix"}
}

test_denies_protected_names if {
	some name in ["kube-system", "default", "n3r-system"]
	d := public.decision with input as testing.namespace_create({"name": name, "team": "kube"}, "public")
	"namespace.name.protected" in testing.rules(d)
}

test_denies_a_requester_outside_the_team if {
	d := public.decision with input as testing.namespace_create({"name": "team-b-web", "team": "team-b"}, "public")
	testing.rules(d) == {"namespace.requester.team"}
}

test_lists_every_reason_at_once if {
	d := public.decision with input as testing.namespace_create(
		{"name": "web", "team": "team-b", "cpu_millicores": 9000, "memory_bytes": 17179869185},
		"public",
	)
	testing.rules(d) == {"namespace.name.team_prefix", "namespace.requester.team", "namespace.quota.cpu", "namespace.quota.memory"}
}

test_quota_message_names_the_ceiling if {
	d := public.decision with input as testing.namespace_create({"cpu_millicores": 12000}, "public")
	testing.messages(d) == [{"rule": "namespace.quota.cpu", "message": "cpu quota 12 cores is above the ceiling of 8 cores on public clusters"}]
}

test_denies_a_kind_without_a_policy if {
	d := public.decision with input as object.union(testing.namespace_create({}, "public"), {"request": {"kind": "cluster.delete"}})
	testing.messages(d) == [{"rule": "policy.kind.none", "message": "no policy for cluster.delete on public clusters"}]
	d.deny[0].about.url == "policies/README.md#dispatch-fails-closed"
}

test_every_denial_links_the_package_of_its_rule if {
	d := public.decision with input as testing.namespace_create({"cpu_millicores": 12000}, "public")
	d.deny[0].about.title == "Namespaces"
	startswith(d.deny[0].about.description, "A team creates namespaces named with its prefix")
	d.deny[0].about.url == "policies/README.md#namespacecreate-rules"
}

test_denies_a_namespace_that_already_exists if {
	exists := testing.with_namespace(testing.namespace_create({}, "public"), {"exists": true, "team": "team-a"})
	d := public.decision with input as exists
	testing.rules(d) == {"namespace.exists"}
}

test_acl_ttls_go_up_to_seven_days if {
	week := public.decision with input as testing.acl_egress({"ttl_seconds": 604800}, "public")
	week.allow
	week.obligations == {"ttl_seconds": 604800}
	longer := public.decision with input as testing.acl_egress({"ttl_seconds": 691200}, "public")
	testing.messages(longer) == [{"rule": "acl.ttl.max", "message": "the ACL TTL of 8 days is above the maximum of 7 days on public clusters"}]
	longer.obligations == {}
}

test_private_egress_waits_for_a_network_approver if {
	private := testing.acl_egress({"destinations": ["10.20.0.0/16"]}, "public")
	d := public.decision with input as private
	not d.allow
	d.approval.groups == ["n3r-network-approvers"]
	d.approval.count == 1
	d.obligations == {"ttl_seconds": 86400}
	platform := public.decision with input as testing.with_approvals(private, [testing.approval_by("UBOB", ["n3r-approvers-public"])])
	not platform.allow
	network := public.decision with input as testing.with_approvals(private, [testing.approval_by("UBOB", ["n3r-network-approvers"])])
	network.allow
}

test_deploys_from_docker_hub_need_no_approval if {
	image := {"ref": "docker.io/library/nginx:1.27", "registry": "docker.io", "repository": "library/nginx", "tag": "1.27"}
	d := public.decision with input as testing.app_deploy({"image": image}, "public")
	d.allow
	not d.approval.required
}

test_an_unpinned_image_is_only_a_warning if {
	image := {"ref": "ghcr.io/team-a/web:latest", "registry": "ghcr.io", "tag": "latest"}
	d := public.decision with input as testing.app_deploy({"image": image}, "public")
	d.allow
	count(d.warnings) == 1
}

test_deploy_ceilings if {
	d := public.decision with input as testing.app_deploy({"replicas": 11, "cpu_millicores": 4001, "memory_bytes": 8589934593}, "public")
	testing.rules(d) == {"deploy.replicas.max", "deploy.cpu.max", "deploy.memory.max"}
}

test_elasticsearch_is_not_offered if {
	d := public.decision with input as testing.elasticsearch_provision({}, "public")
	testing.messages(d) == [{
		"rule": "es.cluster_type",
		"message": "Elasticsearch can only be provisioned on stateful clusters, and 'test-cluster' is a public cluster",
	}]
}

test_log_queries_cover_up_to_seven_days if {
	week := public.decision with input as testing.logs_query({"window_seconds": 604800}, "public")
	week.allow
	longer := public.decision with input as testing.logs_query({"window_seconds": 604801}, "public")
	testing.rules(longer) == {"logs.window.max"}
}

test_silences_last_up_to_three_days if {
	three := public.decision with input as testing.alert_silence({"duration_seconds": 259200}, "public")
	three.allow
	longer := public.decision with input as testing.alert_silence({"duration_seconds": 259201}, "public")
	testing.rules(longer) == {"silence.duration.max"}
}

take_over := "takes over fields another manager holds"

test_taking_over_fields_waits_for_a_public_approver if {
	deploy := testing.app_deploy({"take_over": true}, "public")
	d := public.decision with input as deploy
	not d.allow
	testing.messages(d) == []
	d.approval.groups == ["n3r-approvers-public"]
	d.approval.reasons == [take_over]
	approved := public.decision with input as testing.with_approvals(deploy, [testing.approval_by("UBOB", ["n3r-approvers-public"])])
	approved.allow
	namespace := public.decision with input as testing.namespace_create({"take_over": true}, "public")
	namespace.approval.reasons == [take_over]
	not namespace.allow
}

test_a_deploy_that_takes_over_nothing_needs_no_approval if {
	d := public.decision with input as testing.app_deploy({"take_over": false}, "public")
	d.allow
	not d.approval.required
}

test_acknowledging_and_expiring_silences_are_decided_here if {
	ack := public.decision with input as testing.alert_ack({}, "public")
	ack.allow
	unsilence := public.decision with input as testing.alert_unsilence({}, "public")
	testing.rules(unsilence) == {"unsilence.who"}
	not unsilence.allow
}
