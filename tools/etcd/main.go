// Command etcd is etcd's own server entry point, built from its Go module
// because etcd's server module carries replace directives that forbid `go install`.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
