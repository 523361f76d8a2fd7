package n3r.lib.format_test

import data.n3r.lib.format

test_cores if {
	format.cores(4000) == "4"
	format.cores(4500) == "4.5"
}

test_sizes_use_ti_for_whole_tebibytes if {
	format.size(2199023255552) == "2Ti"
	format.size(1649267441664) == "1536Gi"
	format.size(536870912) == "0.5Gi"
}

test_durations_name_the_largest_whole_unit if {
	format.duration(86400) == "1 day"
	format.duration(604800) == "7 days"
	format.duration(90000) == "25 hours"
	format.duration(3600) == "1 hour"
	format.duration(5400) == "90 minutes"
	format.duration(60) == "1 minute"
	format.duration(1) == "1 second"
	format.duration(604801) == "604801 seconds"
	format.duration(-5) == "-5 seconds"
}

test_lists if {
	format.list(["a", "b"]) == "a, b"
	format.list([80, 443]) == "80, 443"
	format.list([]) == ""
}
