# The types of each kind's params, as the contract gives them. src/requests/ validates params before
# the policy sees them; this check makes a malformed request a denial, never a silently skipped rule.
package n3r.lib.params

params := input.request.params

kind := input.request.kind

# Per kind, per param: the types it may have (type_name).
types := {
	"namespace.create": {"name": {"string"}, "team": {"string"}, "cpu_millicores": {"number"}, "memory_bytes": {"number"}},
	"acl.open": {"namespace": {"string"}, "direction": {"string"}, "ports": {"array"}, "ttl_seconds": {"number"}},
	"app.deploy": {
		"namespace": {"string"}, "app": {"string"}, "image": {"object"}, "replicas": {"number"},
		"cpu_millicores": {"number"}, "memory_bytes": {"number"}, "route": {"null", "object"},
	},
	"elasticsearch.provision": {
		"namespace": {"string"}, "name": {"string"}, "version": {"string"}, "nodes": {"number"},
		"storage_bytes": {"number"}, "tier": {"string"}, "storage_class": {"string"},
	},
	"logs.query": {
		"namespace": {"string"}, "source": {"string"}, "window_seconds": {"number"}, "limit": {"number"},
		"raw_query": {"boolean"},
	},
	"alert.silence": {"team": {"string"}, "duration_seconds": {"number"}, "matchers": {"array"}},
}

# acl.open has params of its own per direction (an unknown direction is acl.direction's).
direction_types := {
	"egress": {"destinations": {"array"}, "target": {"null", "object"}},
	"ingress": {"via": {"string"}, "sources": {"array"}},
}

expected := object.union(types[kind], direction_types[params.direction]) if {
	kind == "acl.open"
} else := types[kind]

deny contains {
	"rule": "request.params",
	"message": sprintf("the params of %s must be an object, and they are %s", [kind, params_type]),
} if {
	types[kind]
	params_type != "object"
}

deny contains {
	"rule": "request.params",
	"message": sprintf("param '%s' of %s must be %s, and it is %s", [
		name, kind, concat(" or ", sort(allowed)), found,
	]),
} if {
	params_type == "object"
	some name, allowed in expected
	found := type_of(name)
	not found in allowed
}

type_of(name) := type_name(params[name]) if {
	_ = params[name]
} else := "missing"

params_type := type_name(params) if {
	_ = params
} else := "missing"
