package pyenv

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyversion"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// hostPy is the Python that makes a venv: the command's name, as argv
// shows it, and its executable.
type hostPy struct {
	name, exe string
}

// candidate is a Python the machine has, where it was found, and what
// asking it told.
type candidate struct {
	name    string // as argv shows it: the bare name for PATH's, else the path
	exe     string
	where   string // "on PATH", "pyenv", "uv", ...
	version pyversion.Version
	why     string // why it does not fit; "" when it does
	// missing is what it lacks to make a venv with pip ("ensurepip",
	// "venv"); "" when it has both.
	missing string
	// lacks are the modules of its own build that OneTrainer needs and it
	// was built without ("_ctypes _ssl"); "" when it has them all.
	lacks string
	// machine is its platform.machine() ("x86_64", "arm64").
	machine string
	// stderr is what it said when it did not run (a pyenv shim's
	// "pyenv: python3.9: command not found").
	stderr string
}

func (c candidate) describe() string {
	if c.exe == "" {
		return c.name
	}
	loc := c.exe
	if c.name != c.exe {
		loc = c.exe + ", " + c.where
	} else {
		loc = c.where
	}
	return fmt.Sprintf("%s (%s)", c.name, loc)
}

// pythonQuestion asks a Python its version, whether it is a virtualenv's,
// whether it can make a venv with pip, which of the modules of its own
// build OneTrainer needs it lacks (ctypes, ssl for pip's https, sqlite3,
// lzma, bz2: a Python built from source without libffi's, OpenSSL's, ...
// headers has none of them, and the UI then dies on its first import),
// and its machine, in five lines. It runs on every Python 3 from 3.6 on
// (and 2.7, which then says its version). It is asked only before a venv
// is made, never on a warm launch.
const pythonQuestion = `import sys
print("%d.%d.%d" % tuple(sys.version_info[:3]))
print("venv" if sys.prefix != getattr(sys, "base_prefix", sys.prefix) else "base")
missing = []
for m in ("venv", "ensurepip"):
    try:
        __import__(m)
    except Exception:
        missing.append(m)
if not missing:
    try:
        import ensurepip
        ensurepip.version()
    except Exception:
        missing.append("ensurepip")
print(" ".join(missing))
lacks = []
for m in ("_ctypes", "_ssl", "_sqlite3", "_lzma", "_bz2"):
    try:
        __import__(m)
    except Exception:
        lacks.append(m)
print(" ".join(lacks))
import platform
print(platform.machine())
`

// ask asks c what it is, quietly: a question, not a step. bounds is the
// range the launch accepts; hardware the Mac's own machine ("" elsewhere).
func (c *candidate) ask(ctx context.Context, r Request, bounds pyversion.Range, hardware string) {
	text, err := r.Run.With(r.Checkout.Root, r.Env).Ask(ctx, proc.Cmd{Path: c.exe, Argv: []string{c.exe, "-c", pythonQuestion}})
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if err != nil || len(lines) < 2 {
		var ee *proc.ExitError
		if errors.As(err, &ee) {
			c.stderr = ee.Stderr
		}
		if err == nil {
			err = fmt.Errorf("it answered %q", strings.TrimSpace(text))
		}
		c.why = fmt.Sprintf("does not run (%v)", err)
		if shim := c.pyenvShim(r); shim != "" {
			c.why = shim
		}
		return
	}
	v, perr := pyversion.Parse(strings.TrimSpace(lines[0]))
	if perr != nil {
		c.why = fmt.Sprintf("does not say its version (%q)", lines[0])
		return
	}
	c.version = v
	if len(lines) > 2 {
		c.missing = strings.TrimSpace(lines[2])
	}
	if len(lines) > 3 {
		c.lacks = strings.TrimSpace(lines[3])
	}
	if len(lines) > 4 {
		c.machine = strings.TrimSpace(lines[4])
	}
	switch {
	case !bounds.Holds(v):
		c.why = fmt.Sprintf("Python %s, outside %s", v, bounds)
	case strings.TrimSpace(lines[1]) == "venv":
		c.why = fmt.Sprintf("Python %s of a virtualenv, which is no base for a new venv", v)
	case c.missing != "":
		c.why = fmt.Sprintf("Python %s without %s, so it cannot make a venv with pip", v, strings.Join(strings.Fields(c.missing), " and "))
	case c.lacks != "":
		c.why = fmt.Sprintf("Python %s built without %s (%s)", v, checkout.JoinAnd(strings.Fields(c.lacks)), lacksWhy(c.lacks))
	case !host.NativeMachine(c.machine, hardware):
		c.why = fmt.Sprintf("Python %s for %s, which runs under Rosetta on this Mac's Apple silicon: PyTorch publishes no macOS wheels for %s", v, c.machine, c.machine)
	}
}

// hostPython finds the Python that makes the venv v — a venv's need, and
// no other kind's. An OT_PYTHON_CMD the user set is never swapped for
// another, as the original scripts did — but it must be one this user can
// run, inside the checkout's bounds, able to make a venv with pip, built
// with the modules OneTrainer needs and, on a Mac, native; all of it is
// found out before anything is made (refuseGiven). Left unset, the checkout's default (`python`) is taken when it
// fits, as the scripts would run it; else the newest fitting Python the
// machine has, from PATH, pyenv, uv, mise, asdf and, on macOS, Homebrew and
// python.org, each asked what it is (pythonQuestion) without a "+" line. The line that
// says which was chosen says where it was found and why the ones before it
// were passed over; when none fits, the error lists every one found and
// the fixes for this machine, conda's own Python among them.
func hostPython(ctx context.Context, r Request, v *launch.Venv) (hostPy, error) {
	bounds := r.Constants.Python
	hw := macHardware(ctx, r)
	warnRosetta(r, hw)
	if v.Python.Given {
		cmd := v.Python.Cmd
		exe, err := lookGivenPython(ctx, r, v)
		if err != nil {
			return hostPy{}, err
		}
		c := candidate{name: cmd, exe: exe, where: upstream.VarPythonCmd}
		c.ask(ctx, r, bounds, hw)
		// Its version is checked before the venv is made, so that nothing
		// is left to delete (the checkout's own scripts check it after).
		if err := c.refuseGiven(ctx, r, bounds, hw); err != nil {
			return hostPy{}, err
		}
		return hostPy{cmd, exe}, nil
	}
	cands := discover(r, v.Python.Cmd)
	var seen []candidate
	for i := range cands {
		c := &cands[i]
		if c.exe == "" {
			continue // not found: its why says so
		}
		c.ask(ctx, r, bounds, hw)
		if c.why == "" && c.name == v.Python.Cmd {
			return hostPy{c.name, c.exe}, nil // the checkout's default fits: as the scripts
		}
	}
	// The newest that fits; the default (first) among equals.
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		va, vb := cands[order[a]].version, cands[order[b]].version
		return va.Compare(vb) > 0
	})
	for _, i := range order {
		c := cands[i]
		if c.why != "" {
			continue
		}
		for _, p := range cands {
			if p.why != "" {
				seen = append(seen, p)
			}
		}
		var s []string
		for _, p := range seen {
			s = append(s, p.describe()+": "+p.why)
		}
		passed := strings.Join(s, "; ")
		r.Out.Status("Using %s (%s, Python %s) to create the venv, passing over %s. Set OT_PYTHON_CMD to choose another.", c.name, c.whereText(), c.version, passed)
		return hostPy{c.name, c.exe}, nil
	}
	return hostPy{}, noPython(r, cands, bounds)
}

func (c candidate) whereText() string {
	if c.name == c.exe {
		return c.where
	}
	return c.exe + ", " + c.where
}

// lookGivenPython finds the venv's set OT_PYTHON_CMD, as the original
// scripts' check of it: a command this user can run. All a ready venv
// needs of it.
func lookGivenPython(ctx context.Context, r Request, v *launch.Venv) (string, error) {
	cmd, path := v.Python.Cmd, r.Env.Get("PATH")
	if exe := pathutil.Look(cmd, r.Checkout.Root, path, ""); exe != "" {
		return exe, nil
	}
	return "", givenPythonUnusable(ctx, r, cmd, path)
}

// givenPythonUnusable says why an OT_PYTHON_CMD cannot be run: not there,
// or there but not for this user (permission, named as such), or no
// executable.
func givenPythonUnusable(ctx context.Context, r Request, cmd, path string) error {
	err := pathutil.Why(cmd, r.Checkout.Root, path, "")
	if err == pathutil.ErrNotFound || pathutil.IsNotExist(err) {
		// The original scripts' sentence, then which part is missing, then
		// the fitting Pythons the machine has before the ways to get one.
		hints := pythonWays(ctx, r, macHardware(ctx, r), "")
		var c *pathutil.Cause
		if errors.As(err, &c) {
			hints = append([]string{c.Error() + "."}, hints...)
		}
		return out.Errorf("Python command %q does not exist on your system.", cmd).WithHints(hints...)
	}
	return out.Errorf("Python command %q cannot be used: %w", cmd, err).
		WithHints("It is there, but not for you: run as the user it belongs to, give yourself access, or set OT_PYTHON_CMD to a Python of your own.")
}

// discover lists the Pythons the machine has: PATH's def (the checkout's
// default OT_PYTHON_CMD), python3 and python3.X; pyenv's, uv's, mise's and asdf's installs; on macOS
// Homebrew's and python.org's. Each executable is listed once, under the
// first name it was found by.
func discover(r Request, def string) []candidate {
	var cands []candidate
	seen := map[string]bool{}
	add := func(name, exe, where string) {
		real, err := filepath.EvalSymlinks(exe)
		if err != nil {
			real = exe
		}
		if seen[real] {
			return
		}
		seen[real] = true
		cands = append(cands, candidate{name: name, exe: exe, where: where})
	}
	path := r.Env.Get("PATH")
	names := []string{def, "python3"}
	for _, d := range filepath.SplitList(path) {
		m, _ := filepath.Glob(filepath.Join(pathutil.Resolve(r.Checkout.Root, d), "python3.*"))
		for _, p := range m {
			if isVersionedPython(filepath.Base(p)) {
				names = append(names, filepath.Base(p))
			}
		}
	}
	for _, n := range sortedNames(names) {
		if exe := pathutil.Look(n, r.Checkout.Root, path, ""); exe != "" {
			add(n, exe, "on PATH")
		} else if n == def || n == "python3" {
			cands = append(cands, candidate{name: n, why: "not on PATH"})
		}
	}
	home := r.Env.Get("HOME")
	dataHome := r.Env.Get("XDG_DATA_HOME")
	if dataHome == "" && home != "" {
		dataHome = filepath.Join(home, ".local", "share")
	}
	or := func(v, def string) string {
		if v != "" {
			return v
		}
		return def
	}
	type tool struct{ where, dir string }
	var tools []tool
	if d := or(r.Env.Get("PYENV_ROOT"), joinIf(home, ".pyenv")); d != "" {
		tools = append(tools, tool{"pyenv", filepath.Join(d, "versions")})
	}
	if d := or(r.Env.Get("UV_PYTHON_INSTALL_DIR"), joinIf(dataHome, "uv", "python")); d != "" {
		tools = append(tools, tool{"uv", d})
	}
	if d := or(r.Env.Get("MISE_DATA_DIR"), joinIf(dataHome, "mise")); d != "" {
		tools = append(tools, tool{"mise", filepath.Join(d, "installs", "python")})
	}
	if d := or(r.Env.Get("ASDF_DATA_DIR"), joinIf(home, ".asdf")); d != "" {
		tools = append(tools, tool{"asdf", filepath.Join(d, "installs", "python")})
	}
	if r.Host.MacOS() {
		root := r.Root
		for _, t := range []tool{{"Homebrew", "/opt/homebrew/opt"}, {"Homebrew", "/usr/local/opt"}} {
			tools = append(tools, tool{t.where, pathutil.Under(root, t.dir)})
		}
		tools = append(tools, tool{"python.org", pathutil.Under(root, "/Library/Frameworks/Python.framework/Versions")})
	}
	for _, t := range tools {
		found, _ := filepath.Glob(filepath.Join(t.dir, "*", "bin", "python3.*"))
		sort.Slice(found, func(i, j int) bool { return pythonMinor(found[i]) > pythonMinor(found[j]) })
		for _, p := range found {
			if isVersionedPython(filepath.Base(p)) && pathutil.Look(p, "/", "", "") != "" {
				add(p, p, t.where)
			}
		}
	}
	return cands
}

func joinIf(base string, parts ...string) string {
	if base == "" {
		return ""
	}
	return filepath.Join(append([]string{base}, parts...)...)
}

// isVersionedPython reports "python3.12", not "python3.12-config".
func isVersionedPython(name string) bool {
	minor, ok := strings.CutPrefix(name, "python3.")
	if !ok {
		return false
	}
	_, err := strconv.Atoi(minor)
	return err == nil
}

func pythonMinor(p string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(filepath.Base(p), "python3."))
	return n
}

// sortedNames keeps the first two (the default and python3) in front and
// the python3.X after them, newest first, each once.
func sortedNames(names []string) []string {
	head, rest := names[:2], append([]string(nil), names[2:]...)
	sort.SliceStable(rest, func(i, j int) bool { return pythonMinor(rest[i]) > pythonMinor(rest[j]) })
	var outNames []string
	seen := map[string]bool{}
	for _, n := range append(append([]string(nil), head...), rest...) {
		if !seen[n] && n != "" {
			seen[n] = true
			outNames = append(outNames, n)
		}
	}
	return outNames
}

// topMinor is the newest 3.X the too-high bound allows.
func topMinor(hi pyversion.Version) int {
	top := 30 // a too-high bound of 4.x allows every 3.x
	if hi[0] == 3 && len(hi) >= 2 {
		top = hi[1]
		if len(hi) == 2 || hi[2] == 0 {
			top-- // < 3.14 rules out 3.14 itself
		}
	}
	return top
}

// versionQuestion asks a Python its version, as three numbers.
const versionQuestion = "import sys; print('%d.%d.%d' % tuple(sys.version_info[:3]))"
