package n3r.lib.acl_open_test

import data.n3r.lib.acl_open
import data.n3r.lib.testing

# The rules are tested against these settings, whatever the cluster type of the run.
settings := {
	"max_ttl_seconds": 604800,
	"min_prefix_length": 8,
	"private_ranges": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"],
	"reserved_ranges": ["0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "240.0.0.0/4"],
	"l7_ports": [80, 443],
	"approver_group": "net-approvers",
}

denials(request_input) := d if {
	d := acl_open.deny with input as request_input with data.settings.acl as settings
}

rules(request_input) := testing.ids(denials(request_input))

reasons(request_input) := r if {
	r := acl_open.approval_reasons with input as request_input with data.settings.acl as settings
}

obligations(request_input) := o if {
	o := acl_open.obligations with input as request_input with data.settings.acl as settings
}

egress(params) := testing.acl_egress(params, "public")

ingress(params) := testing.acl_ingress(params, "public")

test_a_public_egress_acl_needs_nothing_and_carries_its_ttl if {
	rules(egress({})) == set()
	reasons(egress({})) == set()
	obligations(egress({})) == {"ttl_seconds": 86400}
}

test_an_ingress_acl_via_l7_on_https_needs_nothing if {
	rules(ingress({})) == set()
	reasons(ingress({})) == set()
}

test_an_ingress_acl_via_l4_may_use_any_port if {
	rules(ingress({"via": "l4", "ports": [{"protocol": "TCP", "port": 5432}, {"protocol": "UDP", "port": 53}]})) == set()
}

test_the_rules_ignore_other_kinds if {
	other := object.union(egress({"destinations": ["0.0.0.0/0"], "ttl_seconds": 0}), {"request": {"kind": "logs.query"}})
	rules(other) == set()
	reasons(other) == set()
	obligations(other) == {}
}

test_denies_an_unknown_direction if {
	d := denials(egress({"direction": "sideways"}))
	d == {{"rule": "acl.direction", "message": "direction 'sideways' is not 'egress' or 'ingress'"}}
}

test_denies_an_unknown_namespace if {
	d := denials(testing.with_namespace(egress({}), {"exists": false, "team": null}))
	d == {{"rule": "acl.namespace.unknown", "message": "namespace 'team-a-web' does not exist on cluster 'test-cluster'"}}
}

test_a_missing_context_counts_as_an_unknown_namespace if {
	rules(json.remove(egress({}), ["context/namespace"])) == {"acl.namespace.unknown"}
}

test_denies_a_namespace_of_another_team if {
	d := denials(testing.with_namespace(egress({}), {"exists": true, "team": "team-b"}))
	d == {{
		"rule": "acl.namespace.team",
		"message": "namespace 'team-a-web' belongs to team 'team-b', and you are not a member of that team",
	}}
}

test_denies_a_namespace_without_a_team if {
	d := denials(testing.with_namespace(egress({}), {"exists": true, "team": null}))
	d == {{"rule": "acl.namespace.team", "message": "namespace 'team-a-web' has no owning team, so no team may act in it"}}
}

test_requires_a_ttl_above_zero if {
	every ttl in [0, -60, "1d"] {
		rules(egress({"ttl_seconds": ttl})) == {"acl.ttl.required"}
	}
	denials(egress({"ttl_seconds": 0})) == {{"rule": "acl.ttl.required", "message": "an ACL needs a TTL above zero seconds, and 0 is not"}}
	denials(egress({"ttl_seconds": null})) == {{"rule": "acl.ttl.required", "message": "an ACL needs a TTL, and this one has none"}}
	rules(json.remove(egress({}), ["request/params/ttl_seconds"])) == {"acl.ttl.required"}
	rules(egress({"ttl_seconds": 1})) == set()
}

test_an_acl_without_a_valid_ttl_carries_no_obligation if {
	obligations(egress({"ttl_seconds": 0})) == {}
}

test_caps_the_ttl if {
	rules(egress({"ttl_seconds": 604800})) == set()
	d := denials(egress({"ttl_seconds": 2592000}))
	d == {{"rule": "acl.ttl.max", "message": "the ACL TTL of 30 days is above the maximum of 7 days on public clusters"}}
	rules(egress({"ttl_seconds": 604801})) == {"acl.ttl.max"}
}

test_requires_a_port if {
	denials(egress({"ports": []})) == {{"rule": "acl.ports.required", "message": "an ACL needs at least one port, and this one lists none"}}
}

test_ports_must_be_in_range if {
	every port in [0, 65536, 1.5, "80", null] {
		rules(egress({"ports": [{"protocol": "TCP", "port": port}]})) == {"acl.port.range"}
	}
	every port in [1, 65535] {
		rules(egress({"ports": [{"protocol": "UDP", "port": port}]})) == set()
	}
	denials(egress({"ports": [{"protocol": "TCP", "port": 70000}]})) == {{"rule": "acl.port.range", "message": "port 70000 is outside the range 1-65535"}}
}

test_a_port_entry_that_is_not_an_object_is_denied if {
	rules(egress({"ports": [null]})) == {"acl.port.range", "acl.port.protocol"}
	rules(ingress({"ports": ["443"]})) == {"acl.port.range", "acl.port.protocol", "acl.ingress.l7_ports"}
}

test_ports_are_tcp_or_udp if {
	d := denials(egress({"ports": [{"protocol": "SCTP", "port": 9000}]}))
	d == {{"rule": "acl.port.protocol", "message": "protocol 'SCTP' of port 9000 is not TCP or UDP"}}
	rules(egress({"ports": [{"protocol": "tcp", "port": 443}]})) == {"acl.port.protocol"}
}

test_an_egress_acl_needs_destinations_or_a_target if {
	rules(egress({"destinations": []})) == {"acl.destinations.required"}
	rules(egress({"destinations": [], "target": {"cluster": "pub-kr2-a", "namespace": "team-b-api"}})) == set()
}

test_an_ingress_acl_needs_sources if {
	rules(ingress({"sources": []})) == {"acl.sources.required"}
}

test_denies_malformed_cidrs if {
	every cidr in ["10.0.0.300/24", "10.0.0.0/33", "10.0.0.0", "10.0.0/24", "banana", 42] {
		rules(egress({"destinations": [cidr]})) == {"acl.cidr.invalid"}
	}
	denials(ingress({"sources": ["1.2.3.4/40"]})) == {{
		"rule": "acl.cidr.invalid",
		"message": "source '1.2.3.4/40' is not an IPv4 CIDR such as 10.1.2.0/24",
	}}
	rules(egress({"destinations": ["255.255.255.254/31"]})) == {"acl.destination.reserved"}
}

test_denies_any_address_as_destination_or_source if {
	denials(egress({"destinations": ["0.0.0.0/0"]})) == {{
		"rule": "acl.destination.any",
		"message": "destination '0.0.0.0/0' matches every address; an ACL must name the networks it opens",
	}}
	rules(egress({"destinations": ["203.0.113.0/24", "8.8.8.8/0"]})) == {"acl.destination.any"}
	rules(ingress({"sources": ["0.0.0.0/0"]})) == {"acl.destination.any"}
}

test_denies_networks_broader_than_the_minimum_prefix if {
	denials(egress({"destinations": ["0.0.0.0/1"]})) == {{
		"rule": "acl.destination.prefix",
		"message": "destination '0.0.0.0/1' is a /1 network, broader than the /8 that public clusters allow",
	}}
	rules(ingress({"sources": ["128.0.0.0/7"]})) == {"acl.destination.prefix"}
	rules(egress({"destinations": ["11.0.0.0/8"]})) == set()
}

test_denies_reserved_destinations if {
	denials(egress({"destinations": ["169.254.169.254/32"]})) == {{
		"rule": "acl.destination.reserved",
		"message": "destination '169.254.169.254/32' overlaps the reserved range 169.254.0.0/16, which no ACL may open",
	}}
	every cidr in ["127.0.0.1/32", "0.0.0.0/8", "224.0.0.0/24", "240.0.0.0/8"] {
		rules(egress({"destinations": [cidr]})) == {"acl.destination.reserved"}
	}
	rules(egress({"destinations": ["203.0.113.7/32"]})) == set()
}

test_ingress_goes_through_l4_or_l7 if {
	denials(ingress({"via": "nodeport"})) == {{
		"rule": "acl.ingress.via",
		"message": "ingress via 'nodeport' is not offered; ingress goes through 'l4' or 'l7'",
	}}
	rules(json.remove(ingress({}), ["request/params/via"])) == {"acl.ingress.via"}
}

test_l7_ingress_carries_only_tcp_80_and_443 if {
	denials(ingress({"ports": [{"protocol": "TCP", "port": 8080}]})) == {{
		"rule": "acl.ingress.l7_ports",
		"message": "ingress via l7 carries only TCP ports 80, 443, not 8080/TCP",
	}}
	rules(ingress({"ports": [{"protocol": "UDP", "port": 443}]})) == {"acl.ingress.l7_ports"}
	rules(ingress({"ports": [{"protocol": "TCP", "port": 80}, {"protocol": "TCP", "port": 443}]})) == set()
}

test_egress_to_private_ranges_needs_the_network_approvers if {
	reasons(egress({"destinations": ["10.1.2.0/24"]})) == {{
		"reason": "egress to 10.1.2.0/24, which overlaps the private range 10.0.0.0/8",
		"group": "net-approvers",
	}}
	every cidr in ["172.20.0.0/16", "192.168.10.0/24", "100.64.1.0/24"] {
		count(reasons(egress({"destinations": [cidr]}))) == 1
	}
	rules(egress({"destinations": ["10.1.2.0/24"]})) == set()
	reasons(egress({"destinations": ["172.32.0.0/16", "100.128.0.0/16"]})) == set()
}

test_a_destination_denied_as_too_broad_asks_no_approval if {
	reasons(egress({"destinations": ["0.0.0.0/0", "8.0.0.0/6"]})) == set()
	reasons(egress({"destinations": ["100.0.0.0/8"]})) == {{
		"reason": "egress to 100.0.0.0/8, which overlaps the private range 100.64.0.0/10",
		"group": "net-approvers",
	}}
}

test_ingress_from_private_sources_needs_no_approval if {
	reasons(ingress({"sources": ["10.1.2.0/24"]})) == set()
}

test_egress_to_another_clusters_load_balancer_needs_the_network_approvers if {
	reasons(egress({"destinations": ["203.0.113.10/32"], "target": {"cluster": "pub-kr2-a", "namespace": "team-b-api"}})) == {{
		"reason": "egress to the load balancer of namespace 'team-b-api' on cluster 'pub-kr2-a'",
		"group": "net-approvers",
	}}
}

test_lists_every_reason_at_once if {
	rules(testing.with_namespace(
		egress({
			"ttl_seconds": 0, "ports": [{"protocol": "ICMP", "port": 0}],
			"destinations": ["0.0.0.0/0", "127.0.0.1/32", "nope"],
		}),
		{"exists": false, "team": null},
	)) == {
		"acl.namespace.unknown", "acl.ttl.required", "acl.port.range", "acl.port.protocol",
		"acl.destination.any", "acl.destination.reserved", "acl.cidr.invalid",
	}
}
