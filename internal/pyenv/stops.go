package pyenv

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// Every stop of a launch ends with a closing "[OneTrainer] Error:" line that
// names the step and what to run next (docs/compatibility.md). A step the
// launcher runs speaks for itself above it (conda's, pixi's, venv's own
// messages); the closing line says which step it was, its exit status, and
// the ways forward.

// stepFailed is the closing error of a step that failed: "STEP failed: TOOL
// exited with status N (its messages are above).", or, for a step ended by
// a signal, "Interrupted while step (exit status N).", then next, the ways
// forward. A command that could not be started at all is returned as it
// is: cli.Report says so.
func stepFailed(err error, step, tool string, next ...string) error {
	var ee *proc.ExitError
	if !errors.As(err, &ee) || ee.Code == 126 || ee.Code == 127 {
		return err
	}
	if ee.Code > 128 {
		return &out.Error{Code: ee.Code, Err: err, Hints: next,
			Msg: fmt.Sprintf("Interrupted while %s (exit status %d).", lowerFirst(step), ee.Code)}
	}
	return &out.Error{Code: ee.Code, Err: err, Hints: next,
		Msg: fmt.Sprintf("%s failed: %s exited with status %d (its messages are above).", step, tool, ee.Code)}
}

// condaCreateFailed closes a failed conda create: conda said why above;
// the ways are conda's own (a channel or package it could not get), or a
// venv instead.
func condaCreateFailed(r Request, env string, err error) error {
	return stepFailed(err, fmt.Sprintf("Creating the Conda environment %q", env), "conda create",
		fmt.Sprintf("Fix what conda says above (a package or channel it cannot get: offline, a proxy, a mirror in ~/.condarc) and run ./%s again; or use a Python venv instead of conda: OT_PREFER_VENV=true ./%s", r.Script, r.Script))
}

// pixiSelfUpdateFailed closes a failed pixi self-update (update.sh): the
// environment was not touched.
func pixiSelfUpdateFailed(r Request, err error) error {
	return stepFailed(err, "Updating pixi", "pixi self-update",
		fmt.Sprintf("The pixi environment was not touched. Run ./%s again once pixi can reach its releases, or update pixi another way (your package manager, or its installer).", r.Script))
}

// recordFailed closes a write of the launcher's record (or another file the
// launcher keeps in the env) that failed: doing is what it was doing
// ("cannot record the install in DIR"), dir the env. A place that takes no writes
// — a read-only file system, a folder the user may not write — is named as
// such, with the ways: an env somewhere else, or the place made writable.
func recordFailed(t Target, doing, dir string, err error) error {
	e := out.Errorf("%s: %w", doing, pathutil.Explain(dir, err))
	var c *pathutil.Cause
	permission := errors.As(e, &c) && c.Permission()
	readOnly := errors.Is(err, syscall.EROFS)
	if !readOnly && !permission {
		return e
	}
	elsewhere := ""
	switch t.Kind {
	case launch.KindVenv:
		elsewhere = "make the env in a place you can write to: OT_PYTHON_VENV=/path/you/can/write ./install.sh; or "
	case launch.KindConda:
		elsewhere = "make the env in a place you can write to: OT_CONDA_ENV=/path/you/can/write ./install.sh (a prefix); or "
	}
	if readOnly {
		e.Msg = fmt.Sprintf("%s: the %s is on a read-only file system (a read-only mount), and the launcher keeps its record of the install inside the env", doing, t.Place.Label)
		return e.WithHints("To go on, " + elsewhere + "make this place writable: mount it read-write (for a container, a writable volume for the env instead of --read-only).")
	}
	return e.WithHints("To go on, " + elsewhere + "give yourself write access to it (ls -ld " + out.Quote(dir) + " shows its owner; sudo chown -R \"$(id -un)\" " + out.Quote(dir) + " makes it yours).")
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}
