# METADATA
# title: Message formatting
# description: >-
#   Renders quantities for denial messages and approval reasons: cores, bytes, durations, lists.
# related_resources:
#   - ref: policies/README.md#rules
#     description: how messages name values and limits
package n3r.lib.format

gibibyte := 1073741824

tebibyte := 1099511627776

# cores(4500) == "4.5"
cores(millicores) := sprintf("%v", [millicores / 1000])

# gib(8589934592) == "8Gi"
gib(bytes) := sprintf("%vGi", [bytes / gibibyte])

# size picks Ti for whole tebibytes and Gi otherwise: size(2199023255552) == "2Ti".
size(bytes) := sprintf("%vTi", [bytes / tebibyte]) if {
	bytes >= tebibyte
	bytes % tebibyte == 0
} else := gib(bytes)

# duration names the largest whole unit: duration(604800) == "7 days", duration(5400) == "90 minutes".
duration(seconds) := plural(seconds / 86400, "day") if {
	seconds >= 86400
	seconds % 86400 == 0
} else := plural(seconds / 3600, "hour") if {
	seconds >= 3600
	seconds % 3600 == 0
} else := plural(seconds / 60, "minute") if {
	seconds >= 60
	seconds % 60 == 0
} else := plural(seconds, "second")

plural(n, unit) := sprintf("%v %s", [n, unit]) if {
	n == 1
} else := sprintf("%v %ss", [n, unit])

# show renders any value for a message: strings as they are, anything else as JSON (null as "null").
# opa-wasm's sprintf fails on a null argument, so values that may be null go through show first.
show(value) := value if {
	is_string(value)
} else := json.marshal(value)

# list renders a list of strings or numbers as "a, b, c", in the order given.
list(items) := concat(", ", [sprintf("%v", [item]) | some item in items])
