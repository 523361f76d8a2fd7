# The table-driven cases of testdata/*.json, shared with the TypeScript suite that runs them on the
# compiled wasm. A run loads one cluster type (lib + <type> + testdata), so it checks that type's cases.
# On failure, rerun with --var-values to see every mismatch (case, expected and got): opa-wasm's
# capabilities have no print, so the test cannot print them itself.
package n3r.lib.cases_test

import data.n3r.lib.testing

cluster_types := {"public", "dedicated", "stateful"}

# Every case of every kind: {kind, case}.
all_cases contains {"kind": kind, "case": c} if {
	some kind, cases in data.cases
	some c in cases
}

# The cases of the cluster type whose bundle this run loads.
cases contains entry if {
	some entry in all_cases
	entry.case.input.cluster.type == data.settings.cluster_type
}

mismatches contains sprintf("%s: '%s': expected %s, got %s", [entry.kind, entry.case.name, testing.expected(entry.case.expect), testing.summary(d)]) if {
	some entry in cases
	d := data.n3r[entry.case.input.cluster.type].decision with input as entry.case.input
	not testing.matches(d, entry.case.expect)
}

mismatches contains sprintf("%s: '%s': the decision is undefined", [entry.kind, entry.case.name]) if {
	some entry in cases
	not decided(entry.case.input)
}

decided(case_input) if data.n3r[case_input.cluster.type].decision with input as case_input

test_shared_cases if {
	count(mismatches) == 0
}

test_this_cluster_type_has_cases if count(cases) > 0

test_every_case_is_well_formed if {
	every entry in all_cases {
		entry.case.input.cluster.type in cluster_types
		replace(entry.case.input.request.kind, ".", "_") == entry.kind
		is_string(entry.case.name)
		is_boolean(entry.case.expect.allow)
		is_array(entry.case.expect.deny)
	}
}

test_case_names_are_unique if {
	every cases in data.cases {
		count({c.name | some c in cases}) == count(cases)
	}
}

# Messages are not compared (the TypeScript suite does not either), but none may be empty.
test_every_denial_of_every_case_has_a_message if {
	every entry in cases {
		every denial in denials(entry.case.input) {
			is_string(denial.message)
			denial.message != ""
		}
	}
}

denials(case_input) := d if {
	d := data.n3r[case_input.cluster.type].decision.deny with input as case_input
}

test_matches_compares_allow_deny_and_the_given_approval_fields if {
	decision := {
		"allow": false, "deny": [{"rule": "a", "message": "m"}, {"rule": "b", "message": "m"}],
		"approval": {"required": true, "groups": ["g1", "g2"], "count": 1, "expires_in": "24h", "reasons": ["r"]},
	}
	testing.matches(decision, {"allow": false, "deny": ["b", "a"]})
	testing.matches(decision, {"allow": false, "deny": ["a", "b"], "approval": {"required": true}})
	testing.matches(decision, {"allow": false, "deny": ["a", "b"], "approval": {"required": true, "groups": ["g2", "g1"], "count": 1}})
	not testing.matches(decision, {"allow": true, "deny": ["a", "b"]})
	not testing.matches(decision, {"allow": false, "deny": ["a"]})
	not testing.matches(decision, {"allow": false, "deny": ["a", "b", "c"]})
	not testing.matches(decision, {"allow": false, "deny": ["a", "b"], "approval": {"required": false}})
	not testing.matches(decision, {"allow": false, "deny": ["a", "b"], "approval": {"required": true, "groups": ["g1"]}})
	not testing.matches(decision, {"allow": false, "deny": ["a", "b"], "approval": {"required": true, "count": 2}})
}

test_mismatches_name_the_case_and_both_sides if {
	decision := {"allow": true, "deny": [], "approval": {"required": false, "groups": [], "count": 0}}
	testing.summary(decision) == `allow=true deny=[] approval={"count": 0, "groups": [], "required": false}`
	testing.expected({"allow": false, "deny": ["b", "a"]}) == `allow=false deny=["a", "b"] approval=(not compared)`
}

test_a_wrong_expectation_is_reported_with_its_case if {
	wrong := {"name": "wrong", "input": testing.request("cluster.delete", {}, data.settings.cluster_type), "expect": {"allow": true, "deny": []}}
	m := mismatches with data.cases as {"cluster_delete": [wrong]}
	m == {sprintf(
		`cluster_delete: 'wrong': expected allow=true deny=[] approval=(not compared), got allow=false deny=["policy.kind.none"] approval=%s`,
		[`{"count": 0, "groups": [], "required": false}`],
	)}
}

test_an_undefined_decision_is_reported_with_its_case if {
	nowhere := {"name": "nowhere", "input": testing.request("logs.query", {}, "nowhere"), "expect": {"allow": true, "deny": []}}
	m := mismatches with data.cases as {"logs_query": [nowhere]} with data.settings.cluster_type as "nowhere"
	m == {"logs_query: 'nowhere': the decision is undefined"}
}
