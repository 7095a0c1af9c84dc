// Package pyenv prepares the Python environment OneTrainer runs in: it
// finds or creates it, checks its Python version, installs requirements,
// and says how to run Python inside it.
package pyenv

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
)

// Env is a prepared environment: how to run its Python, and the
// environment its processes get.
type Env interface {
	// Python returns the command that runs python with args in the env.
	Python(args ...string) proc.Cmd
	// Environ is the environment for processes in the env.
	Environ() envspec.Environ
}

// Venv is a Python venv. Dir is absolute.
type Venv struct {
	Dir  string
	base envspec.Environ
}

// Python runs the venv's python by path, under the name "python": the name
// a shell that activated the venv would have found it by on PATH.
func (v *Venv) Python(args ...string) proc.Cmd {
	return proc.Cmd{Path: v.python(), Argv: append([]string{"python"}, args...)}
}

func (v *Venv) python() string { return filepath.Join(v.Dir, "bin", "python") }

// Exists reports whether the venv is there, as the original scripts judged
// it: its bin/activate is a file. A venv the user may not enter is an
// error that says so, not a venv to make anew.
func (v *Venv) Exists() (bool, error) {
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
func (v *Venv) Environ() envspec.Environ {
	e := make(envspec.Environ, len(v.base), len(v.base)+6)
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
	e.Set("OT_PYTHON_CMD", "python")
	return e
}

// prompt returns the venv's prompt name (pyvenv.cfg's prompt, else the
// directory's name) and whether its Python is 3.13 or later, whose activate
// script spells VIRTUAL_ENV_PROMPT differently.
func (v *Venv) prompt() (name string, modern bool) {
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
			modern = versionAtLeast(val, 3, 13)
		}
	}
	return name, modern
}

func versionAtLeast(v string, major, minor int) bool {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return ma > major || ma == major && mi >= minor
}
