# Gathers the rules of every request kind; an entry package per cluster type decides with them.
package n3r.lib.requests

import data.n3r.lib.namespace_create

known_kinds := {"namespace.create"}

deny contains {"rule": "request.kind.unknown", "message": sprintf("unknown request kind '%s'", [input.request.kind])} if {
	not input.request.kind in known_kinds
}

deny contains d if some d in namespace_create.deny

approval_reasons contains r if some r in namespace_create.approval_reasons
