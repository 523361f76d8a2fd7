package n3r.lib.namespace_create_test

import data.n3r.lib.namespace_create
import data.n3r.lib.testing

rules(request_input) := testing.ids(denials(request_input))

# The rules are tested against these settings, whatever the cluster type of the run.
settings := {
	"max_cpu_millicores": 8000, "max_memory_bytes": 17179869184,
	"approval_above": null, "allowed_teams": null, "approver_group": "platform",
}

protected := {"exact": ["default"], "prefixes": ["kube-"]}

denials(request_input) := d if {
	d := namespace_create.deny with input as request_input
		with data.settings.namespace as settings
		with data.settings.protected_namespaces as protected
}

test_denies_a_namespace_that_exists if {
	exists := testing.with_namespace(testing.namespace_create({}, "public"), {"exists": true, "team": "team-a"})
	rules(exists) == {"namespace.exists"}
	denials(exists) == {{"rule": "namespace.exists", "message": "namespace 'team-a-web' already exists on cluster 'test-cluster'"}}
}

test_a_namespace_created_by_an_earlier_attempt_of_the_same_request_is_no_reason_to_deny if {
	mine := testing.with_namespace(base, {"exists": true, "team": "team-a", "request_id": "r-test"})
	rules(mine) == set()
	other := testing.with_namespace(base, {"exists": true, "team": "team-a", "request_id": "r-older"})
	rules(other) == {"namespace.exists"}
}

test_a_new_namespace_or_a_missing_context_is_not_an_existing_one if {
	rules(testing.namespace_create({}, "public")) == set()
	rules(json.remove(testing.namespace_create({}, "public"), ["context/namespace"])) == set()
}

base := testing.namespace_create({}, "public")

test_a_team_member_creates_a_prefixed_namespace_within_the_ceilings if {
	rules(base) == set()
}

test_the_rules_ignore_other_kinds if {
	rules(object.union(testing.namespace_create({"name": "default", "team": "x"}, "public"), {"request": {"kind": "logs.query"}})) == set()
}

test_the_name_starts_with_the_team_prefix if {
	denials(testing.namespace_create({"name": "web"}, "public")) == {{
		"rule": "namespace.name.team_prefix",
		"message": "namespace name must start with the team prefix 'team-a-'",
	}}
	rules(testing.namespace_create({"name": "team-ab"}, "public")) == {"namespace.name.team_prefix"}
}

test_protected_names if {
	kube := testing.with_groups(testing.namespace_create({"name": "kube-system", "team": "kube"}, "public"), ["kube"])
	denials(kube) == {{"rule": "namespace.name.protected", "message": "'kube-system' is a protected namespace name"}}
	rules(testing.with_groups(testing.namespace_create({"name": "default", "team": "default"}, "public"), ["default"])) == {
		"namespace.name.protected",
		"namespace.name.team_prefix",
	}
}

test_the_requester_is_in_the_team if {
	denials(testing.namespace_create({"name": "team-b-web", "team": "team-b"}, "public")) == {{
		"rule": "namespace.requester.team",
		"message": "you are not a member of team 'team-b'",
	}}
}

test_only_allowed_teams_where_the_settings_list_them if {
	listed := rules_with(base, {"allowed_teams": ["team-data"]})
	listed == {"namespace.team.stateful_allowed"}
	rules_with(base, {"allowed_teams": ["team-a"]}) == set()
}

test_quota_ceilings if {
	denials(testing.namespace_create({"cpu_millicores": 8500, "memory_bytes": 34359738368}, "public")) == {
		{"rule": "namespace.quota.cpu", "message": "cpu quota 8.5 cores is above the ceiling of 8 cores on public clusters"},
		{"rule": "namespace.quota.memory", "message": "memory quota 32Gi is above the ceiling of 16Gi on public clusters"},
	}
	rules(testing.namespace_create({"cpu_millicores": 8000, "memory_bytes": 17179869184}, "public")) == set()
}

test_quotas_above_the_base_need_the_types_approvers if {
	big := testing.namespace_create({"cpu_millicores": 6000, "memory_bytes": 12884901888}, "public")
	reasons_with(big, {"approval_above": {"cpu_millicores": 4000, "memory_bytes": 8589934592}}) == {
		{"reason": "cpu quota above 4 cores", "group": "platform"},
		{"reason": "memory quota above 8Gi", "group": "platform"},
	}
	reasons_with(base, {"approval_above": {"cpu_millicores": 4000, "memory_bytes": 8589934592}}) == set()
	reasons_with(big, {}) == set()
}

rules_with(request_input, overrides) := r if {
	r := testing.ids(namespace_create.deny) with input as request_input
		with data.settings.namespace as object.union(settings, overrides)
		with data.settings.protected_namespaces as protected
}

reasons_with(request_input, overrides) := r if {
	r := namespace_create.approval_reasons with input as request_input
		with data.settings.namespace as object.union(settings, overrides)
}

test_taking_over_fields_needs_the_types_approvers if {
	reasons_with(testing.namespace_create({"take_over": true}, "public"), {}) == {
		{"reason": "takes over fields another manager holds", "group": "platform"},
	}
	reasons_with(base, {}) == set()
	rules(testing.namespace_create({"take_over": true}, "public")) == set()
}
