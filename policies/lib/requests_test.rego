package n3r.lib.requests_test

import data.n3r.lib.requests
import data.n3r.lib.testing

test_every_kind_of_the_contract_is_known if {
	requests.known_kinds == {
		"namespace.create", "acl.open", "app.deploy", "elasticsearch.provision", "logs.query", "alert.silence",
	}
}

test_denies_an_unknown_kind if {
	d := requests.deny with input as testing.request("cluster.delete", {}, "public")
	d == {{"rule": "request.kind.unknown", "message": "unknown request kind 'cluster.delete'"}}
}

test_gathers_the_warnings_of_app_deploy if {
	unpinned := testing.app_deploy({"image": {"ref": "ghcr.io/a/b:latest", "tag": "latest"}}, "public")
	w := requests.warnings with input as unpinned with data.settings.deploy.unpinned_images as "warn"
	count(w) == 1
}

test_gathers_the_obligations_of_acl_open if {
	o := requests.obligations with input as testing.acl_egress({"ttl_seconds": 3600}, "public")
	o == {"ttl_seconds": 3600}
	p := requests.obligations with input as testing.logs_query({}, "public")
	p == {}
}

test_gathers_the_approval_reasons_of_every_kind if {
	ns := requests.approval_reasons with input as testing.namespace_create({"cpu_millicores": 32000}, "dedicated")
		with data.settings.namespace.approval_above as {"cpu_millicores": 16000, "memory_bytes": 68719476736}
		with data.settings.namespace.approver_group as "platform"
	ns == {{"reason": "cpu quota above 16 cores", "group": "platform"}}
	acl := requests.approval_reasons with input as testing.acl_egress({"destinations": ["10.0.0.0/24"]}, "public")
		with data.settings.acl.approver_group as "net"
	{r.group | some r in acl} == {"net"}
	deploy := requests.approval_reasons with input as testing.app_deploy({}, "dedicated")
		with data.settings.deploy.approval_required as true
		with data.settings.deploy.approver_group as "platform"
	{r.group | some r in deploy} == {"platform"}
	es := requests.approval_reasons with input as testing.elasticsearch_provision({"nodes": 9}, "stateful")
		with data.settings.elasticsearch as {
			"enabled": true, "versions": ["8.15.3"], "storage_classes": {"hot": "local-nvme"},
			"min_nodes": 1, "max_nodes": 12, "max_storage_bytes": 4398046511104,
			"approval_above": {"nodes": 6, "storage_bytes": 1099511627776}, "approver_group": "data",
		}
	es == {{"reason": "more than 6 Elasticsearch nodes", "group": "data"}}
}

test_gathers_the_param_denials if {
	d := requests.deny with input as testing.logs_query({"limit": "1000"}, "public")
	"request.params" in testing.ids(d)
}
