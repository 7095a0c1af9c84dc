package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// link is `onetrainer-launcher link [--force] [DIR]`: a copy of this binary
// goes into the checkout, and its four scripts become links to the copy.
func link(ctx context.Context, inv Invocation, args []string) error {
	force, s, err := siteFor(ctx, inv, "link", args, true)
	if err != nil {
		return err
	}
	git := s.git()
	facts := checkout.Facts(ctx, s.co, inv.Host.Uname(), &git)
	if err := checkout.Follow(s.co, facts, ""); err != nil {
		l := s.linker()
		again := "link again: " + l.Command() + " link " + out.Quote(s.co.Root)
		return out.Errorf("nothing was linked: %w", err).WithHints(checkout.RefusedHints(ctx, s.co, &git, facts.Refusals, again, true)...)
	}
	if err := checkout.Identify(s.co, facts, true); err != nil {
		return out.Errorf("%w", err)
	}
	return s.linker().Link(ctx, force, s.out.Status)
}

// unlink is `onetrainer-launcher unlink [DIR]`: the scripts as they were,
// and the copy of the binary gone.
func unlink(ctx context.Context, inv Invocation, args []string) error {
	_, s, err := siteFor(ctx, inv, "unlink", args, false)
	if err != nil {
		return err
	}
	l := s.linker()
	linked := false
	for _, name := range layout.Scripts() {
		linked = linked || checkout.IsLauncherLink(s.co.Path(name), l.Self)
	}
	if !linked && !s.co.HasState() {
		if err := checkout.Identify(s.co, checkout.Facts(ctx, s.co, inv.Host.Uname(), nil), false); err != nil {
			return out.Errorf("nothing to unlink: %w", err)
		}
		s.out.Status("Nothing to unlink: none of %s is a link to the launcher.", strings.Join(layout.Scripts(), ", "))
		return nil
	}
	_, err = l.Unlink(ctx, s.out.Status)
	return err
}

// siteFor reads link's and unlink's arguments and opens the checkout they
// name, finishing a journal a cut-short update left.
func siteFor(ctx context.Context, inv Invocation, cmd string, args []string, forceOK bool) (bool, site, error) {
	force, dir := false, inv.Dir
	for _, a := range args {
		switch {
		case a == "--force" && forceOK:
			force = true
		case len(a) > 0 && a[0] == '-':
			return false, site{}, argsErrorf(cmd, "unknown option %q", a)
		default:
			dir = a
		}
	}
	abs, err := filepath.Abs(dir)
	if err == nil {
		var fi os.FileInfo
		if fi, err = os.Stat(abs); err == nil && !fi.IsDir() {
			return false, site{}, out.Errorf("%s: %s is not a directory", cmd, abs)
		}
	}
	if err != nil {
		return false, site{}, out.Errorf("%s: %w", cmd, pathutil.Explain(dir, err))
	}
	if _, err := selfPath(); err != nil {
		return false, site{}, out.Errorf("cannot tell where this binary is: %w", err)
	}
	inv.Dir = abs
	s, err := openSite(ctx, inv)
	return force, s, err
}
