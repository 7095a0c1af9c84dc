// Package pyenv acts on the env a launch decided (launch.Runtime: a venv,
// a conda env or a pixi environment): it finds it on disk, creates it,
// checks its Python version, installs the requirements, records what it
// did inside the env, says how to run Python there, and reports it for
// doctor (Inspect) without changing anything.
package pyenv

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyversion"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// Venv is the launch's venv (its folder, OT_PYTHON_VENV as the user gave
// it, the host Python that makes it) and the environment its processes
// start from.
type Venv struct {
	*launch.Venv
	base environ.List
}

// Python runs the venv's python by path, under the name "python": the name
// a shell that activated the venv would have found it by on PATH.
func (v Venv) Python(args ...string) proc.Cmd {
	return proc.Cmd{Path: v.python(), Argv: append([]string{"python"}, args...)}
}

func (v Venv) python() string { return filepath.Join(v.Dir, "bin", "python") }

// place is where the venv lives.
func (v Venv) place() Place {
	return Place{
		Dir: v.Dir, Python: v.python(), EnvFile: filepath.Join(v.Dir, "pyvenv.cfg"), Lock: layout.EnvLock(v.Dir),
		Label:  "Python Venv environment in " + strconv.Quote(v.Given),
		Remove: out.QuoteArgs([]string{"rm", "-rf", v.Dir}),
	}
}

// exists reports whether the venv is there, as the original scripts judged
// it: its bin/activate is a file. A venv the user may not enter is an
// error that says so, not a venv to make anew.
func (v Venv) exists() (bool, error) {
	activate := filepath.Join(v.Dir, "bin", "activate")
	fi, err := os.Stat(activate)
	switch {
	case err == nil:
		return fi.Mode().IsRegular(), nil
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		return false, nil
	}
	return false, pathutil.Explain(activate, err)
}

// Environ does what sourcing bin/activate does to the environment, computed
// here rather than by a shell: VIRTUAL_ENV, the venv's bin first in PATH, no
// PYTHONHOME, and the prompt variables. Like the original scripts it also
// sets OT_PYTHON_CMD to "python", the venv's own interpreter.
func (v Venv) Environ() environ.List {
	e := make(environ.List, len(v.base), len(v.base)+6)
	copy(e, v.base)
	e.Set("VIRTUAL_ENV", v.Dir)
	e.Set("PATH", filepath.Join(v.Dir, "bin")+":"+v.base.Get("PATH"))
	e.Unset("PYTHONHOME")
	name, modern := v.prompt()
	promptOn := v.base.Get("VIRTUAL_ENV_DISABLE_PROMPT") == ""
	switch {
	case modern: // Python 3.13 and later: always, without parentheses
		e.Set("VIRTUAL_ENV_PROMPT", name)
	case promptOn:
		e.Set("VIRTUAL_ENV_PROMPT", "("+name+") ")
	}
	if promptOn {
		e.Set("PS1", "("+name+") "+v.base.Get("PS1"))
	}
	e.Set(upstream.VarPythonCmd, "python")
	return e
}

// prompt returns the venv's prompt name (pyvenv.cfg's prompt, else the
// directory's name) and whether its Python is 3.13 or later, whose activate
// script spells VIRTUAL_ENV_PROMPT differently.
func (v Venv) prompt() (name string, modern bool) {
	name = filepath.Base(v.Dir)
	data, err := pathutil.ReadFile(filepath.Join(v.Dir, "pyvenv.cfg"), pathutil.TinyFile)
	if err != nil {
		return name, false
	}
	for _, line := range pathutil.Lines(data) {
		k, val, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k, val = strings.TrimSpace(k), strings.TrimSpace(val)
		switch k {
		case "prompt":
			if u, err := strconv.Unquote(val); err == nil {
				val = u
			} else if len(val) >= 2 && val[0] == '\'' && val[len(val)-1] == '\'' {
				val = val[1 : len(val)-1]
			}
			name = val
		case "version", "version_info":
			modern = pyversion.Leading(val).AtLeast(3, 13)
		}
	}
	return name, modern
}

// checkTarget refuses a venv path that venv would fail on or damage: a
// file, or a directory that already holds something other than a venv. A
// directory the launcher began to make a venv in (ours) is its to finish.
func (v Venv) checkTarget(ours bool) error {
	fi, err := os.Stat(v.Dir)
	if errors.Is(err, fs.ErrNotExist) || ours {
		return nil
	}
	if err != nil {
		return out.Errorf(upstream.VarPythonVenv+"=%q cannot be used: %w", v.Given, pathutil.Explain(v.Dir, err))
	}
	if !fi.IsDir() {
		return out.Errorf(upstream.VarPythonVenv+"=%q is a file, not a venv directory", v.Given).
			WithHints("Give a directory path that does not exist yet, or an existing venv.")
	}
	entries, err := os.ReadDir(v.Dir)
	if err != nil {
		return out.Errorf(upstream.VarPythonVenv+"=%q cannot be read: %w", v.Given, pathutil.Explain(v.Dir, err))
	}
	if len(entries) > 0 {
		// Another launch may be making the venv right now: it records that
		// before anything else (the record's temporary file first), so a
		// folder holding the record, or only the launcher's files, is ours.
		if _, err := os.Lstat(in(v.Dir, createdFile)); err == nil || onlyLauncherFiles(entries) {
			return nil
		}
		return out.Errorf(upstream.VarPythonVenv+"=%q is a directory with files in it but no venv (no bin/activate)", v.Given).
			WithHints("Give a directory path that does not exist yet, or an existing venv.")
	}
	return nil
}

// onlyLauncherFiles reports whether a folder holds nothing but the
// launcher's records (and their temporary files).
func onlyLauncherFiles(entries []os.DirEntry) bool {
	for _, e := range entries {
		if !isLauncherFile(e.Name()) {
			return false
		}
	}
	return true
}

// removeIfOnlyRecord undoes the first steps of a venv creation that made
// nothing: a directory the launcher created that holds only its record.
// Anything else there stays, for the next run to finish.
func removeIfOnlyRecord(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 || entries[0].Name() != createdFile {
		return
	}
	if os.Remove(in(dir, createdFile)) == nil {
		os.Remove(dir)
	}
}
