package n3r.lib.params_test

import data.n3r.lib.params
import data.n3r.lib.testing

# The denials of a request's params, against the types its kind's package declares.
denials(request_input) := d if {
	kind := request_input.request.kind
	types := data.n3r.lib[replace(kind, ".", "_")].param_types with input as request_input
	d := params.denials(kind, types) with input as request_input
}

test_well_formed_params_pass if {
	every request_input in [
		testing.namespace_create({}, "public"), testing.acl_egress({}, "public"), testing.acl_ingress({}, "public"),
		testing.app_deploy({}, "public"), testing.app_deploy({"route": null}, "public"),
		testing.elasticsearch_provision({}, "stateful"), testing.logs_query({}, "public"),
		testing.alert_silence({}, "public"),
	] {
		denials(request_input) == set()
	}
}

test_a_param_of_the_wrong_type if {
	denials(testing.namespace_create({"cpu_millicores": "4"}, "public")) == {{
		"rule": "request.params",
		"message": "param 'cpu_millicores' of namespace.create must be number, and it is string",
	}}
	denials(testing.app_deploy({"route": "yes"}, "public")) == {{
		"rule": "request.params",
		"message": "param 'route' of app.deploy must be null or object, and it is string",
	}}
}

test_a_null_or_missing_param if {
	testing.ids(denials(testing.logs_query({"raw_query": null}, "public"))) == {"request.params"}
	denials(json.remove(testing.alert_silence({}, "public"), ["request/params/matchers"])) == {{
		"rule": "request.params",
		"message": "param 'matchers' of alert.silence must be array, and it is missing",
	}}
}

test_take_over_is_a_boolean_and_never_left_out if {
	denials(testing.app_deploy({"take_over": "yes"}, "public")) == {{
		"rule": "request.params",
		"message": "param 'take_over' of app.deploy must be boolean, and it is string",
	}}
	left_out := json.remove(testing.namespace_create({}, "public"), ["request/params/take_over"])
	denials(left_out) == {{
		"rule": "request.params",
		"message": "param 'take_over' of namespace.create must be boolean, and it is missing",
	}}
	testing.ids(denials(testing.elasticsearch_provision({"take_over": null}, "stateful"))) == {"request.params"}
}

test_params_that_are_not_an_object if {
	denials(testing.request("logs.query", [], "public")) == {{
		"rule": "request.params",
		"message": "the params of logs.query must be an object, and they are array",
	}}
	missing := json.remove(testing.request("logs.query", {}, "public"), ["request/params"])
	denials(missing) == {{"rule": "request.params", "message": "the params of logs.query must be an object, and they are missing"}}
}

test_acl_params_per_direction if {
	denials(testing.acl_egress({"destinations": null}, "public")) == {{
		"rule": "request.params",
		"message": "param 'destinations' of acl.open must be array, and it is null",
	}}
	testing.ids(denials(testing.acl_egress({"target": "pub-kr2-a"}, "public"))) == {"request.params"}
	testing.ids(denials(testing.acl_ingress({"sources": "10.0.0.0/8"}, "public"))) == {"request.params"}
	testing.ids(denials(json.remove(testing.acl_ingress({}, "public"), ["request/params/via"]))) == {"request.params"}
	denials(testing.acl_egress({"direction": "sideways"}, "public")) == set()
}
