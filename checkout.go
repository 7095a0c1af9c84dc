package main

import (
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/cli"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// findCheckout returns the checkout an applet serves: the directory holding
// the applet's link as it was invoked (argv0), not the directory of the
// binary the link resolves to. A bare name was found on PATH by the shell,
// and is looked up the same way. Through a chain of links, the last link
// that still carries an applet name decides.
func findCheckout(argv0, cwd, path string) (string, error) {
	p := argv0
	if !strings.Contains(p, "/") {
		found := pathutil.Look(p, cwd, path, "")
		if found == "" {
			return "", out.Errorf("cannot tell which checkout %q belongs to: it is not in PATH; run it by its path, such as ./%s", p, p)
		}
		p = found
	}
	last := pathutil.FollowLinks(pathutil.Resolve(cwd, p), func(target string) bool {
		cmd, ok := cli.Lookup(filepath.Base(target))
		return ok && cmd.Applet()
	})
	return filepath.Dir(last), nil
}
