package n3r.public_test

import data.n3r.lib.testing
import data.n3r.public

test_allows_a_team_member_creating_a_prefixed_namespace_within_quota if {
	d := public.decision with input as testing.namespace_create({}, "public")
	d.allow
	d.deny == []
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
	d.deny == [{"rule": "namespace.quota.cpu", "message": "cpu quota 12 cores is above the ceiling of 8 cores on public clusters"}]
}

test_denies_an_unknown_kind if {
	d := public.decision with input as object.union(testing.namespace_create({}, "public"), {"request": {"kind": "cluster.delete"}})
	testing.rules(d) == {"request.kind.unknown"}
}
