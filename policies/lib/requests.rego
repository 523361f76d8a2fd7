# Gathers the rules of every request kind; an entry package per cluster type decides with them.
package n3r.lib.requests

import data.n3r.lib.acl_open
import data.n3r.lib.alert_silence
import data.n3r.lib.app_deploy
import data.n3r.lib.elasticsearch_provision
import data.n3r.lib.format
import data.n3r.lib.logs_query
import data.n3r.lib.namespace_create
import data.n3r.lib.params

known_kinds := {
	"namespace.create",
	"acl.open",
	"app.deploy",
	"elasticsearch.provision",
	"logs.query",
	"alert.silence",
}

kind := object.get(input.request, "kind", null)

deny contains {"rule": "request.kind.unknown", "message": sprintf("unknown request kind '%s'", [format.show(kind)])} if {
	not kind in known_kinds
}

deny contains d if some d in params.deny

deny contains d if {
	kind == "namespace.create"
	some d in namespace_create.deny
}

deny contains d if {
	kind == "acl.open"
	some d in acl_open.deny
}

deny contains d if {
	kind == "app.deploy"
	some d in app_deploy.deny
}

deny contains d if {
	kind == "elasticsearch.provision"
	some d in elasticsearch_provision.deny
}

deny contains d if {
	kind == "logs.query"
	some d in logs_query.deny
}

deny contains d if {
	kind == "alert.silence"
	some d in alert_silence.deny
}

# Each kind's rules are entered only for requests of that kind: wasm has no rule index, so this keeps an
# evaluation from walking every kind's rules (bench/README.md).

# Approval reasons are objects {reason, group}: the text shown to approvers and the group that approves.
approval_reasons contains r if {
	kind == "namespace.create"
	some r in namespace_create.approval_reasons
}

approval_reasons contains r if {
	kind == "acl.open"
	some r in acl_open.approval_reasons
}

approval_reasons contains r if {
	kind == "app.deploy"
	some r in app_deploy.approval_reasons
}

approval_reasons contains r if {
	kind == "elasticsearch.provision"
	some r in elasticsearch_provision.approval_reasons
}

warnings contains w if {
	kind == "app.deploy"
	some w in app_deploy.warnings
}

obligations := acl_open.obligations if kind == "acl.open"

else := {}
