package applets

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/linker"
	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
)

// link is `onetrainer-launcher link [--force] [DIR]`: a copy of this binary
// goes into the checkout, and its four scripts become links to the copy.
func link(c *Context, args []string) error {
	force, l, p, err := linkerFor(c, "link", args, true)
	if err != nil {
		return err
	}
	facts := l.State.Facts(c, &gitx.Git{Dir: l.Checkout, Run: l.Run})
	if err := envspec.CheckCheckout(l.Checkout, facts.UIScript.Value); err != nil {
		return out.Errorf("%v", err)
	}
	return l.Link(c, force, p.Status)
}

// unlink is `onetrainer-launcher unlink [DIR]`: the scripts as they were,
// and the copy of the binary gone.
func unlink(c *Context, args []string) error {
	_, l, p, err := linkerFor(c, "unlink", args, false)
	if err != nil {
		return err
	}
	linked := false
	for _, name := range l.Scripts {
		linked = linked || linker.IsLauncherLink(filepath.Join(l.Checkout, name), l.Self)
	}
	if !linked && !l.State.Exists() {
		if err := envspec.CheckCheckout(l.Checkout, ""); err != nil {
			return out.Errorf("nothing to unlink: %v", err)
		}
		p.Status("Nothing to unlink: none of %s is a link to the launcher.", strings.Join(l.Scripts, ", "))
		return nil
	}
	_, err = l.Unlink(c, p.Status)
	return err
}

// linkerFor reads link's and unlink's arguments and makes the Linker for
// the checkout they name, finishing a journal a cut-short update left.
func linkerFor(c *Context, cmd string, args []string, forceOK bool) (bool, *linker.Linker, *out.Printer, error) {
	force, dir := false, c.Dir
	for _, a := range args {
		switch {
		case a == "--force" && forceOK:
			force = true
		case len(a) > 0 && a[0] == '-':
			return false, nil, nil, usageErrorf("%s: unknown option %q", cmd, a)
		default:
			dir = a
		}
	}
	abs, err := filepath.Abs(dir)
	if err == nil {
		var fi os.FileInfo
		if fi, err = os.Stat(abs); err == nil && !fi.IsDir() {
			return false, nil, nil, out.Errorf("%s: %s is not a directory", cmd, abs)
		}
	}
	if err != nil {
		return false, nil, nil, out.Errorf("%s: %v", cmd, pathutil.Explain(dir, err))
	}
	self, err := selfPath()
	if err != nil {
		return false, nil, nil, out.Errorf("cannot tell where this binary is: %v", err)
	}
	p := &out.Printer{Stdout: c.Stdout, Stderr: c.Stderr}
	l := &linker.Linker{State: linker.StateOf(abs), Scripts: Scripts(), Self: self,
		Run: &proc.Runner{P: p, Dir: abs, Env: c.Env, Stdout: c.Stdout, Stderr: c.Stderr}}
	if l.Pending() {
		if err := l.Repair(c, p); err != nil {
			return false, nil, nil, err
		}
	}
	return force, l, p, nil
}
