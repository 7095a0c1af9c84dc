package applets

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/onetrainer-launcher/onetrainer-launcher/linker"
	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
)

// Link is `onetrainer-launcher link [--force] [DIR]`: the checkout's four
// scripts become links to this binary (binary: its absolute path).
func Link(c *Context, binary string, args []string) int {
	force, dir, code := linkArgs(c, "link", args, true)
	if code != 0 {
		return code
	}
	p := &out.Printer{Stdout: c.Stdout, Stderr: c.Stderr}
	l := &linker.Linker{Dir: dir, Binary: binary, Run: &proc.Runner{P: p, Env: c.Env, Stdout: c.Stdout, Stderr: c.Stderr}}
	if err := l.Link(c, force, p.Status); err != nil {
		p.Error("%v", err)
		return 1
	}
	return 0
}

// Unlink is `onetrainer-launcher unlink [DIR]`: the scripts as they were.
func Unlink(c *Context, args []string) int {
	_, dir, code := linkArgs(c, "unlink", args, false)
	if code != 0 {
		return code
	}
	p := &out.Printer{Stdout: c.Stdout, Stderr: c.Stderr}
	l := &linker.Linker{Dir: dir, Run: &proc.Runner{P: p, Env: c.Env, Stdout: c.Stdout, Stderr: c.Stderr}}
	if err := l.Unlink(c, p.Status); err != nil {
		p.Error("%v", err)
		return 1
	}
	return 0
}

func linkArgs(c *Context, cmd string, args []string, forceOK bool) (force bool, dir string, code int) {
	dir = c.Dir
	for _, a := range args {
		switch {
		case a == "--force" && forceOK:
			force = true
		case len(a) > 0 && a[0] == '-':
			fmt.Fprintf(c.Stderr, "%s: unknown option %q\n", cmd, a)
			return false, "", 2
		default:
			dir = a
		}
	}
	abs, err := filepath.Abs(dir)
	if err == nil {
		_, err = os.Stat(abs)
	}
	if err != nil {
		fmt.Fprintf(c.Stderr, "%s: %v\n", cmd, err)
		return false, "", 1
	}
	return force, abs, 0
}
