package n3r.lib.dispatch_test

import data.n3r.lib.dispatch
import data.n3r.lib.testing

# A dispatch table of two kinds, as an entry package declares one.
kinds := {"namespace.create": "namespace_create", "app.deploy": "app_deploy"}

decide(request_input) := d if {
	d := dispatch.decide(kinds) with input as request_input
}

test_decides_a_kind_of_the_table_with_its_package if {
	d := decide(testing.namespace_create({"name": "web"}, "public")) with data.settings.namespace.allowed_teams as null
	testing.rules(d) == {"namespace.name.team_prefix"}
	d.deny[0].about.title == "Namespaces"
}

test_denies_a_kind_that_is_not_in_the_table if {
	d := decide(testing.logs_query({}, "public")) with data.settings.cluster_type as "public"
	testing.messages(d) == [{"rule": "policy.kind.none", "message": "no policy for logs.query on public clusters"}]
	not d.allow
	d.obligations == {}
}

test_denies_a_request_without_a_kind if {
	no_kind := json.remove(testing.logs_query({}, "public"), ["request/kind"])
	d := decide(no_kind) with data.settings.cluster_type as "stateful"
	testing.messages(d) == [{"rule": "policy.kind.none", "message": "no policy for null on stateful clusters"}]
}

# A table entry that names a package of another kind, or a package that is not a kind's, fails closed.
test_denies_a_table_entry_whose_package_is_not_that_kinds if {
	wrong := dispatch.decide({"logs.query": "namespace_create"}) with input as testing.logs_query({}, "public")
	testing.rules(wrong) == {"policy.kind.none"}
	helper := dispatch.decide({"logs.query": "format"}) with input as testing.logs_query({}, "public")
	testing.rules(helper) == {"policy.kind.none"}
	missing := dispatch.decide({"logs.query": "no_such_package"}) with input as testing.logs_query({}, "public")
	testing.rules(missing) == {"policy.kind.none"}
}

test_a_kind_package_without_param_types_or_about_fails_closed if {
	request_input := testing.logs_query({}, "public")
	no_types := dispatch.decide({"logs.query": "logs_query"}) with input as request_input
		with data.n3r.lib.logs_query.param_types as "none"
	testing.rules(no_types) == {"policy.kind.none"}
	no_about := dispatch.decide({"logs.query": "logs_query"}) with input as request_input
		with data.n3r.lib.logs_query.about as null
	testing.rules(no_about) == {"policy.kind.none"}
}

test_gathers_the_param_denials if {
	d := decide(testing.namespace_create({"cpu_millicores": "4"}, "public"))
	"request.params" in testing.rules(d)
	every denial in d.deny {
		denial.about.title == "Namespaces"
	}
}

test_gathers_the_warnings_and_approval_reasons if {
	unpinned := testing.app_deploy({"image": {"ref": "ghcr.io/a/b:latest", "tag": "latest"}}, "public")
	d := decide(unpinned) with data.settings.deploy.unpinned_images as "warn"
		with data.settings.deploy.approval_required as true
		with data.settings.deploy.approver_group as "platform"
	count(d.warnings) == 1
	d.approval.groups == ["platform"]
}

test_gathers_the_obligations_of_acl_open if {
	d := dispatch.decide({"acl.open": "acl_open"}) with input as testing.acl_egress({"ttl_seconds": 3600}, "public")
	d.obligations == {"ttl_seconds": 3600}
}
