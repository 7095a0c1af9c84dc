package launch

import (
	"errors"
	"os"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
)

// Fallback is a launch that runs the checkout's own script as it is, with
// bash, as the unlinked checkout would. It is the one place where that is
// decided: a linked checkout is never stopped by launch files the
// launcher cannot follow (a step or function it does not model, a family
// it does not know, in the checkout's top or in a folder handed over to),
// and a script that is the user's own version, kept by link --force, runs
// as the user wrote it. The launcher never guesses: it either follows the
// launch files completely or runs them as they are. A checkout that is
// not linked keeps the refusal: its own scripts are there and run as
// before.
type Fallback struct {
	// Script is the launch script that runs ("start-ui.sh"), and File
	// the file bash reads for it: git's copy kept in the launcher's state,
	// or the user's own version (Own) kept there by link --force.
	Script string
	File   string
	Own    bool
	// Where is the file:line the launcher cannot follow ("start-ui.sh:7"),
	// "" when it could follow all of them (the user's own version).
	Where string
	// Why is what the launcher cannot follow, each "file:line: why", or
	// that the script is the user's own version.
	Why string
}

// fallback is the Fallback of the launch decided so far, or nil: the
// script is a link to the launcher, and either the launch files are
// refused (checkout.Follow's *NotFollowed) or the script is the user's
// own version. Its warm cost is one stat (no backup there); a link is
// read only where one of them holds.
func (l *Launch) fallback() *Fallback {
	return fallbackOf(l.Checkout, l.Script, l.Family.Refused)
}

// UpdateFallback is update.sh's Fallback before its pull: the launcher
// cannot follow update.sh's own steps (err, UpdatePlan's), or update.sh
// is the user's own version. Then the checkout's own update.sh runs from
// its start, its pull included.
func UpdateFallback(co layout.Checkout, err error) *Fallback {
	return fallbackOf(co, layout.UpdateScript, err)
}

// fallbackOf is the Fallback of script, refused by err or not.
func fallbackOf(co layout.Checkout, script string, err error) *Fallback {
	own := checkout.OwnVersion(co, script)
	var nf *checkout.NotFollowed
	refused := errors.As(err, &nf)
	if own == "" && !refused {
		return nil
	}
	if !checkout.IsLauncherLink(co.Path(script), "") {
		return nil // not linked: the checkout's own script is there
	}
	if !checkout.CanRunOwn(co) {
		// A git worktree or submodule: its state is in the git folder
		// elsewhere, and no path there leads bash back to the checkout.
		// The launcher keeps to what it can follow, and refuses the rest.
		return nil
	}
	fb := &Fallback{Script: script, File: co.Kept(script)}
	if own != "" {
		fb.File, fb.Own = own, true
		fb.Why = script + " is your own version (kept by link --force)"
	}
	if refused {
		fb.Where = where(nf.Refusals[0])
		fb.Why = strings.Join(nf.Refusals, "; ")
	}
	if fi, err := os.Stat(fb.File); err != nil || !fi.Mode().IsRegular() {
		return nil // nothing to run: the refusal stands
	}
	return fb
}

// where is the "file:line" a refusal ("file:line: why") starts with, ""
// for one that names no line.
func where(refusal string) string {
	file, rest, ok := strings.Cut(refusal, ":")
	if !ok || strings.Contains(file, " ") {
		return ""
	}
	line, _, _ := strings.Cut(rest, ":")
	if line == "" || strings.Trim(line, "0123456789") != "" {
		return ""
	}
	return file + ":" + line
}
