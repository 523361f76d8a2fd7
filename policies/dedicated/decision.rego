# METADATA
# title: Dedicated clusters
# description: >-
#   The policy of dedicated clusters: one organisation's clusters (GPU, regulated finance
#   workloads), with more approvals.
# related_resources:
#   - ref: policies/README.md#settings-typedatajson-datasettings
#     description: the settings of each cluster type
package n3r.dedicated

import data.n3r.lib.dispatch

# The dispatch table of this bundle: every request kind that dedicated clusters decide, with the package under
# data.n3r.lib that holds its rules. A kind that is not here is denied (policy.kind.none); one that
# must never run here is listed with rules that deny it, as elasticsearch_provision does off stateful.
kinds := {
	"namespace.create": "namespace_create",
	"acl.open": "acl_open",
	"app.deploy": "app_deploy",
	"elasticsearch.provision": "elasticsearch_provision",
	"logs.query": "logs_query",
	"alert.silence": "alert_silence",
	"alert.ack": "alert_ack",
	"alert.unsilence": "alert_unsilence",
}

# METADATA
# entrypoint: true
decision := dispatch.decide(kinds)
