package checkout

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
	"golang.org/x/sys/unix"
)

// NotOneTrainer is the answer to "is this a OneTrainer checkout?" when it
// is not: the files it lacks.
type NotOneTrainer struct {
	Dir     string
	Missing []string
	// Denied are files that are there but this user may not read, each
	// with its cause (owner, mode, user): permission, not absence.
	Denied []string
	// Source is set when Dir is the launcher's own source tree, whose
	// committed links would otherwise fail in a confusing way.
	Source bool
}

func (e *NotOneTrainer) Error() string {
	if e.Source {
		return fmt.Sprintf("%s is %s's own source, not a OneTrainer checkout: build it and link it into one (go build -o %[2]s . && ./%[2]s link /path/to/OneTrainer), or run it there", e.Dir, layout.OwnName)
	}
	if len(e.Missing) == 0 {
		return fmt.Sprintf("%s cannot be used by you: %s", e.Dir, strings.Join(e.Denied, "; "))
	}
	verb := "is"
	if len(e.Missing) > 1 {
		verb = "are"
	}
	msg := fmt.Sprintf("%s does not look like a OneTrainer checkout: %s %s missing", e.Dir, JoinAnd(e.Missing), verb)
	if len(e.Denied) > 0 {
		msg += "; and " + strings.Join(e.Denied, "; ")
	}
	return msg
}

// Identify is the one answer to "is co a OneTrainer checkout?", by the
// files its family of launch logic needs: the UI script its start-ui.sh
// runs (left out with ui false: update.sh asks before its pull, which may
// change it), and the version check and the global requirements (pip) or
// the pixi manifest (pixi). It is nil, or a *NotOneTrainer.
func Identify(co layout.Checkout, f *upstream.Facts, ui bool) error {
	need := []string{layout.VersionCheckScript, layout.RequirementsGlobal}
	if f.Family.Value == upstream.FamilyPixi {
		need = []string{layout.PyProject}
		if _, err := os.Stat(co.Path(layout.PixiManifest)); err == nil {
			need = []string{layout.PixiManifest}
		}
	}
	if ui {
		need = append([]string{f.UIScript.Value}, need...)
	}
	var missing, denied []string
	for _, f := range need {
		if f == "" {
			continue
		}
		fi, err := os.Stat(co.Path(f))
		switch {
		case err != nil && errors.Is(err, fs.ErrPermission):
			denied = append(denied, pathutil.Explain(co.Path(f), err).Error())
		case err != nil || !fi.Mode().IsRegular():
			missing = append(missing, f)
		case unix.Access(co.Path(f), unix.R_OK) != nil:
			denied = append(denied, pathutil.Explain(co.Path(f), syscall.EACCES).Error())
		}
	}
	if len(missing) == 0 && len(denied) == 0 {
		return nil
	}
	return &NotOneTrainer{Dir: co.Root, Missing: missing, Denied: denied, Source: len(missing) > 0 && co.IsLauncherSource()}
}

// JoinAnd joins "a", "b" and "c" as "a, b and c".
func JoinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// NotFollowed is a checkout whose launch files the launcher cannot follow.
type NotFollowed struct {
	Dir      string
	Refusals []string
}

func (e *NotFollowed) Error() string {
	return fmt.Sprintf("the launcher cannot follow the launch files of %s, so it changes nothing: %s", e.Dir, strings.Join(e.Refusals, "; "))
}

// Follow is nil when the launcher can follow what the facts describe, else
// a *NotFollowed naming every file:line it cannot. With only set (a launch
// script's name), only what that script needs counts: update.sh is
// followed before its pull, which may bring launch files that can be.
func Follow(co layout.Checkout, f *upstream.Facts, only string) error {
	var refused []string
	for _, r := range f.Refusals {
		if only == "" || strings.HasPrefix(r, only+":") || strings.HasPrefix(r, "the checkout's "+only+" ") {
			refused = append(refused, r)
		}
	}
	if len(refused) == 0 {
		return nil
	}
	return &NotFollowed{Dir: co.Root, Refusals: refused}
}
