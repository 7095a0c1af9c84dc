package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/applets"
)

// findCheckout returns the checkout an applet serves: the directory holding
// the applet's link as it was invoked (argv0), not the directory of the
// binary the link resolves to. A bare name was found on PATH by the shell,
// and is looked up the same way. Through a chain of links, the last link
// that still carries an applet name decides.
func findCheckout(argv0, cwd, path string) (string, error) {
	p := argv0
	if !strings.Contains(p, "/") {
		found := ""
		for _, dir := range filepath.SplitList(path) {
			if dir == "" {
				dir = "."
			}
			cand := filepath.Join(dir, p)
			if fi, err := os.Stat(cand); err == nil && !fi.IsDir() && fi.Mode().Perm()&0o111 != 0 {
				found = cand
				break
			}
		}
		if found == "" {
			return "", fmt.Errorf("cannot tell which checkout %q belongs to: it is not in PATH; run it by its path, such as ./%s", p, p)
		}
		p = found
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(cwd, p)
	}
	p = filepath.Clean(p)
	for hops := 0; hops < 40; hops++ {
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			break
		}
		target, err := os.Readlink(p)
		if err != nil {
			break
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		if _, ok := applets.Lookup(filepath.Base(target)); !ok {
			break
		}
		p = filepath.Clean(target)
	}
	return filepath.Dir(p), nil
}
