package n3r.lib.logs_query_test

import data.n3r.lib.logs_query
import data.n3r.lib.testing

# The rules are tested against these settings, whatever the cluster type of the run.
settings := {
	"max_window_seconds": 604800,
	"max_limit": 5000,
	"audit_group": "auditors",
	"raw_query_groups": ["auditors", "sre"],
}

denials(request_input) := d if {
	d := logs_query.deny with input as request_input with data.settings.logs as settings
}

rules(request_input) := testing.ids(denials(request_input))

query(params) := testing.logs_query(params, "public")

auditor(request_input) := testing.with_groups(request_input, ["team-z", "auditors"])

gone := {"exists": false, "team": null}

test_a_team_member_reads_access_logs_of_their_namespace if {
	rules(query({})) == set()
}

test_the_rules_ignore_other_kinds if {
	rules(object.union(query({"limit": 100000}), {"request": {"kind": "acl.open"}})) == set()
}

test_denies_the_logs_of_another_teams_namespace if {
	denials(testing.with_namespace(query({}), {"exists": true, "team": "team-b"})) == {{
		"rule": "logs.namespace.team",
		"message": "namespace 'team-a-web' belongs to team 'team-b'; only its members and the audit group 'auditors' may read its logs",
	}}
}

test_denies_the_logs_of_a_namespace_that_is_gone if {
	denials(testing.with_namespace(query({}), gone)) == {{
		"rule": "logs.namespace.team",
		"message": "namespace 'team-a-web' does not exist on cluster 'test-cluster', and only the audit group 'auditors' may read logs of namespaces that are gone",
	}}
}

test_denies_the_logs_of_a_namespace_without_a_team if {
	denials(testing.with_namespace(query({}), {"exists": true, "team": null})) == {{
		"rule": "logs.namespace.team",
		"message": "namespace 'team-a-web' has no owning team; only the audit group 'auditors' may read its logs",
	}}
}

test_the_audit_group_reads_every_namespace if {
	rules(auditor(testing.with_namespace(query({}), {"exists": true, "team": "team-b"}))) == set()
	rules(auditor(testing.with_namespace(query({}), gone))) == set()
}

test_denies_an_unknown_source if {
	denials(query({"source": "kernel"})) == {{"rule": "logs.source", "message": "log source 'kernel' is not 'access' or 'audit'"}}
}

test_audit_logs_are_for_the_audit_group if {
	denials(query({"source": "audit"})) == {{
		"rule": "logs.audit.group",
		"message": "the 'audit' log source is only open to the audit group 'auditors'",
	}}
	rules(auditor(query({"source": "audit"}))) == set()
}

test_caps_the_window if {
	rules(query({"window_seconds": 604800})) == set()
	denials(query({"window_seconds": 2592000})) == {{
		"rule": "logs.window.max",
		"message": "a time window of 30 days is above the maximum of 7 days on public clusters",
	}}
}

test_caps_the_limit if {
	rules(query({"limit": 5000})) == set()
	denials(query({"limit": 5001})) == {{
		"rule": "logs.limit.max",
		"message": "a limit of 5001 lines is above the maximum of 5000 lines per query",
	}}
}

test_raw_queries_are_for_the_listed_groups if {
	denials(query({"raw_query": true})) == {{
		"rule": "logs.raw_query",
		"message": "raw query text is only open to the groups auditors, sre; use the structured filters instead",
	}}
	rules(testing.with_groups(query({"raw_query": true}), ["team-a", "sre"])) == set()
}
