# METADATA
# title: Policy metadata
# description: Turns the METADATA annotations of a rule package into what a denial shows of it.
# related_resources:
#   - ref: policies/README.md#metadata
#     description: what the annotations of a rule package must say
package n3r.lib.metadata

# about(chain) is what a denial shows of the package whose rule called rego.metadata.chain(): its title,
# its description and its first related resource (a URL, or a path in this repository). The compiler
# replaces rego.metadata.chain() by a constant, so this costs nothing at evaluation, in wasm too.
about(chain) := {
	"title": annotations.title,
	"description": annotations.description,
	"url": annotations.related_resources[0].ref,
} if {
	annotations := [entry.annotations |
		some entry in chain
		entry.annotations.scope in {"package", "subpackages"}
	][0]
}
