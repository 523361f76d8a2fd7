# METADATA
# title: Network ACLs
# description: >-
#   A team opens ACLs for its own namespace, on named ports, for a bounded time; egress to private
#   ranges or to another cluster waits for the network approvers.
# related_resources:
#   - ref: policies/README.md#aclopen-rules
#     description: the acl.open rules and the TTLs of each cluster type
package n3r.lib.acl_open

import data.n3r.lib.format
import data.n3r.lib.metadata
import data.n3r.lib.namespaces

settings := data.settings.acl

params := input.request.params

namespace := object.get(params, "namespace", null)

kind := "acl.open"

about := metadata.about(rego.metadata.chain())

# The types of the params (lib/params.rego): some are the direction's (an unknown direction is
# acl.direction's).
param_types := object.union(common_param_types, direction_param_types[direction]) if {
	direction_param_types[direction]
} else := common_param_types

common_param_types := {"namespace": {"string"}, "direction": {"string"}, "ports": {"array"}, "ttl_seconds": {"number"}}

direction_param_types := {
	"egress": {"destinations": {"array"}, "target": {"null", "object"}},
	"ingress": {"via": {"string"}, "sources": {"array"}},
}

applies if input.request.kind == kind

direction := object.get(params, "direction", null)

egress if {
	applies
	direction == "egress"
}

ingress if {
	applies
	direction == "ingress"
}

ttl := object.get(params, "ttl_seconds", null)

ports := object.get(params, "ports", [])

destinations := object.get(params, "destinations", [])

sources := object.get(params, "sources", [])

target := object.get(params, "target", null)

via := object.get(params, "via", null)

# Every CIDR the ACL names: destinations of an egress ACL, sources of an ingress ACL.
cidrs contains {"side": "destination", "cidr": c} if {
	egress
	some c in destinations
}

cidrs contains {"side": "source", "cidr": c} if {
	ingress
	some c in sources
}

deny contains {
	"rule": "acl.direction",
	"message": sprintf("direction '%s' is not 'egress' or 'ingress'", [format.show(direction)]),
} if {
	applies
	not direction in {"egress", "ingress"}
}

deny contains d if {
	applies
	some d in namespaces.denials("acl", namespace)
}

deny contains {
	"rule": "acl.ttl.required",
	"message": ttl_required_message,
} if {
	applies
	not positive(ttl)
}

deny contains {
	"rule": "acl.ttl.max",
	"message": sprintf("the ACL TTL of %s is above the maximum of %s on %s clusters", [
		format.duration(ttl), format.duration(settings.max_ttl_seconds), input.cluster.type,
	]),
} if {
	applies
	positive(ttl)
	ttl > settings.max_ttl_seconds
}

deny contains {
	"rule": "acl.ports.required",
	"message": "an ACL needs at least one port, and this one lists none",
} if {
	applies
	count(ports) == 0
}

deny contains {
	"rule": "acl.port.range",
	"message": sprintf("port %s is outside the range 1-65535", [format.show(port)]),
} if {
	applies
	some p in ports
	port := field(p, "port")
	not valid_port(port)
}

deny contains {
	"rule": "acl.port.protocol",
	"message": sprintf("protocol '%s' of port %s is not TCP or UDP", [
		format.show(protocol), format.show(field(p, "port")),
	]),
} if {
	applies
	some p in ports
	protocol := field(p, "protocol")
	not protocol in {"TCP", "UDP"}
}

deny contains {
	"rule": "acl.destinations.required",
	"message": "an egress ACL needs at least one destination CIDR or a target, and this one has neither",
} if {
	egress
	count(destinations) == 0
	target == null
}

deny contains {
	"rule": "acl.sources.required",
	"message": "an ingress ACL needs at least one source CIDR, and this one lists none",
} if {
	ingress
	count(sources) == 0
}

deny contains {
	"rule": "acl.cidr.invalid",
	"message": sprintf("%s '%s' is not an IPv4 CIDR such as 10.1.2.0/24", [c.side, format.show(c.cidr)]),
} if {
	some c in cidrs
	not valid_cidr(c.cidr)
}

deny contains {
	"rule": "acl.destination.any",
	"message": sprintf("%s '%s' matches every address; an ACL must name the networks it opens", [c.side, c.cidr]),
} if {
	some c in cidrs
	valid_cidr(c.cidr)
	prefix_length(c.cidr) == 0
}

deny contains {
	"rule": "acl.destination.prefix",
	"message": sprintf("%s '%s' is a /%v network, broader than the /%v that %s clusters allow", [
		c.side, c.cidr, prefix_length(c.cidr), settings.min_prefix_length, input.cluster.type,
	]),
} if {
	some c in cidrs
	valid_cidr(c.cidr)
	prefix_length(c.cidr) > 0
	prefix_length(c.cidr) < settings.min_prefix_length
}

deny contains {
	"rule": "acl.destination.reserved",
	"message": sprintf("destination '%s' overlaps the reserved range %s, which no ACL may open", [c, r]),
} if {
	egress
	some c in destinations
	valid_cidr(c)
	prefix_length(c) >= settings.min_prefix_length
	some r in settings.reserved_ranges
	net.cidr_intersects(r, c)
}

deny contains {
	"rule": "acl.ingress.via",
	"message": sprintf("ingress via '%s' is not offered; ingress goes through 'l4' or 'l7'", [format.show(via)]),
} if {
	ingress
	not via in {"l4", "l7"}
}

deny contains {
	"rule": "acl.ingress.l7_ports",
	"message": sprintf("ingress via l7 carries only TCP ports %s, not %s/%s", [
		format.list(settings.l7_ports), format.show(field(p, "port")), format.show(field(p, "protocol")),
	]),
} if {
	ingress
	via == "l7"
	some p in ports
	not l7_port(p)
}

# Only for destinations not already denied as too broad.
approval_reasons contains {
	"reason": sprintf("egress to %s, which overlaps the private range %s", [c, r]),
	"group": settings.approver_group,
} if {
	egress
	some c in destinations
	valid_cidr(c)
	prefix_length(c) >= settings.min_prefix_length
	some r in settings.private_ranges
	net.cidr_intersects(r, c)
}

approval_reasons contains {
	"reason": sprintf("egress to the load balancer of namespace '%s' on cluster '%s'", [
		format.show(object.get(target, "namespace", null)), format.show(object.get(target, "cluster", null)),
	]),
	"group": settings.approver_group,
} if {
	egress
	target != null
}

default obligations := {}

obligations := {"ttl_seconds": ttl} if {
	applies
	positive(ttl)
}

ttl_required_message := "an ACL needs a TTL, and this one has none" if {
	ttl == null
} else := sprintf("an ACL needs a TTL above zero seconds, and %s is not", [format.show(ttl)])

positive(n) if {
	is_number(n)
	n > 0
}

valid_port(n) if {
	is_number(n)
	round(n) == n
	n >= 1
	n <= 65535
}

# field of a port entry; null when the entry is not an object or lacks it.
field(entry, name) := object.get(entry, name, null) if {
	is_object(entry)
} else := null

l7_port(p) if {
	p.protocol == "TCP"
	p.port in settings.l7_ports
}

# valid_cidr: a string a.b.c.d/n, octets 0-255 and n 0-32, without leading zeros. The net.* builtins are only
# called on valid CIDRs, so a malformed one is denied instead of silently skipping a check.
valid_cidr(c) if {
	is_string(c)
	parts := split(c, "/")
	count(parts) == 2
	canonical_number(parts[1], 32)
	octets := split(parts[0], ".")
	count(octets) == 4
	every octet in octets {
		canonical_number(octet, 255)
	}
}

# canonical_number: decimal digits with no sign, exponent or leading zero, from 0 to max. Checked by
# printing the number back rather than by a regex: opa-wasm compiles a regex on every evaluation.
canonical_number(text, ceiling) if {
	is_string(text)
	n := to_number(text)
	n >= 0
	n <= ceiling
	format_int(n, 10) == text
}

prefix_length(c) := to_number(split(c, "/")[1])
