// Command mkwheel writes a small pure-Python wheel, for the demo and for
// manual experiments: mkwheel DIR NAME VERSION [PATH=CONTENT ...].
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: mkwheel DIR NAME VERSION [PATH=CONTENT ...]")
		os.Exit(2)
	}
	files := map[string]string{}
	for _, a := range os.Args[4:] {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "mkwheel: %q is not PATH=CONTENT\n", a)
			os.Exit(2)
		}
		files[k] = v
	}
	path, err := testkit.BuildWheel(os.Args[1], os.Args[2], os.Args[3], files)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkwheel:", err)
		os.Exit(1)
	}
	fmt.Println(path)
}
