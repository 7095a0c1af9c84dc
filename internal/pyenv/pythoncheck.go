package pyenv

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyversion"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/settings"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// What is checked of a host Python before a venv is made with it, so
// that a refusal leaves nothing to delete: its version against the
// checkout's bounds (the checkout's own scripts make the venv first and
// check after), the modules of its own build OneTrainer needs, and on a
// Mac whether it runs natively. The advice names the fitting Pythons the
// machine already has before any way to install one.

// refuseGiven refuses the OT_PYTHON_CMD the user set, asked as c, where
// the venv it would make cannot serve; nil where it can (or where it
// could not be asked: the venv's own creation then says why, as in the
// original scripts — except for a pyenv shim pyenv cannot run, named as
// such). hardware is the Mac's own machine.
func (c candidate) refuseGiven(ctx context.Context, r Request, bounds pyversion.Range, hardware string) error {
	cmd := c.name
	var msg string
	var hints []string
	switch {
	case c.version == nil && strings.HasPrefix(c.why, "pyenv's shim"):
		return out.Errorf("%s=%q is %s.", upstream.VarPythonCmd, cmd, c.why).WithHints(c.shimHints(r)...)
	case c.version == nil:
		return nil
	case !bounds.Holds(c.version):
		msg = fmt.Sprintf("%s=%q (%s) is Python %s, outside %s, the versions this checkout supports; no venv was made with it.", upstream.VarPythonCmd, cmd, c.exe, c.version, bounds)
		hints = pythonWays(ctx, r, hardware, c.exe)
	case c.missing != "":
		msg = fmt.Sprintf("%s=%q (%s, Python %s) cannot make a venv with pip: it has no %s", upstream.VarPythonCmd, cmd, c.exe, c.version, strings.Join(strings.Fields(c.missing), " and "))
		hints = append(missingHints(r, c), "Nothing was created.")
	case c.lacks != "":
		msg = fmt.Sprintf("%s=%q (%s, Python %s) was built without %s: %s. No venv was made with it.", upstream.VarPythonCmd, cmd, c.exe, c.version, checkout.JoinAnd(strings.Fields(c.lacks)), lacksWhy(c.lacks))
		hints = append(rebuildHints(r, c), haveHints(ctx, r, hardware, c.exe)...)
	case !host.NativeMachine(c.machine, hardware):
		msg = fmt.Sprintf("%s=%q (%s, Python %s) is an %s Python, which runs under Rosetta on this Mac's Apple silicon (sysctl hw.optional.arm64 says 1, the Python's platform.machine() says %s): PyTorch publishes no macOS wheels for %s, so pip would end the install with \"No matching distribution found for torch\". No venv was made with it.",
			upstream.VarPythonCmd, cmd, c.exe, c.version, c.machine, c.machine, c.machine)
		hints = pythonWays(ctx, r, hardware, c.exe)
	default:
		return nil
	}
	return out.Errorf("%s", msg).WithHints(hints...)
}

// pythonWays is the advice for a Python that does not fit: the fitting
// ones the machine has, each with how to use it, then the ways to install
// one.
func pythonWays(ctx context.Context, r Request, hardware, except string) []string {
	have := haveHints(ctx, r, hardware, except)
	ways := venvSolutions(r, "")
	if len(have) == 0 {
		return ways
	}
	if len(ways) > 0 {
		ways[0] = strings.Replace(ways[0], "Solution: ", "Or install another: ", 1)
	}
	return append(have, ways...)
}

// haveHints names the fitting Pythons the machine already has (PATH,
// pyenv, uv, mise, asdf, Homebrew, python.org), newest first, and how to
// use one: unset OT_PYTHON_CMD, or set it to that path. except is the
// executable that does not fit.
func haveHints(ctx context.Context, r Request, hardware, except string) []string {
	fit := fittingPythons(ctx, r, hardware, except)
	if len(fit) == 0 {
		return nil
	}
	var found []string
	for _, c := range fit {
		found = append(found, fmt.Sprintf("%s (Python %s, %s)", c.exe, c.version, c.where))
	}
	best := fit[0]
	unset := "unset OT_PYTHON_CMD"
	if s := r.Settings.Setting(upstream.VarPythonCmd); s.Source != settings.SourceEnv && s.Source != settings.SourceDefault {
		unset = "remove OT_PYTHON_CMD from " + s.Source
	}
	return []string{
		fmt.Sprintf("Solution: a fitting Python is already on this machine: %s.", strings.Join(found, "; ")),
		fmt.Sprintf("Use it: %s, and the launcher takes the newest that fits by itself; or name it: OT_PYTHON_CMD=%s ./%s", unset, out.Quote(best.exe), r.Script),
	}
}

// fittingPythons are the Pythons the machine has that can make the venv,
// newest first, but the one at except.
func fittingPythons(ctx context.Context, r Request, hardware, except string) []candidate {
	var fit []candidate
	seen := map[string]bool{} // one per version and folder: PATH's python, python3 and python3.X of one install
	realExcept, _ := filepath.EvalSymlinks(except)
	for _, c := range discover(r, "python") {
		if c.exe == "" {
			continue
		}
		if real, _ := filepath.EvalSymlinks(c.exe); c.exe == except || real != "" && real == realExcept {
			continue
		}
		c.ask(ctx, r, r.Constants.Python, hardware)
		key := c.version.String() + "\x00" + filepath.Dir(c.exe)
		if c.why == "" && !seen[key] {
			seen[key] = true
			fit = append(fit, c)
		}
	}
	sort.SliceStable(fit, func(i, j int) bool { return fit[i].version.Compare(fit[j].version) > 0 })
	return fit
}

// lacksWhy says what each missing module breaks.
func lacksWhy(lacks string) string {
	what := map[string]string{
		"_ctypes":  "OneTrainer's UI and torch import ctypes",
		"_ssl":     "pip cannot reach any https package index",
		"_sqlite3": "sqlite3 cannot be imported",
		"_lzma":    "lzma archives cannot be read",
		"_bz2":     "bz2 archives cannot be read",
	}
	var s []string
	for _, m := range strings.Fields(lacks) {
		if w := what[m]; w != "" {
			s = append(s, w)
		}
	}
	return strings.Join(s, "; ")
}

// devPackages are the packages whose headers a Python built from source
// needs for each module, by distribution family.
var devPackages = map[string]map[string]string{
	"debian":   {"_ctypes": "libffi-dev", "_ssl": "libssl-dev", "_sqlite3": "libsqlite3-dev", "_lzma": "liblzma-dev", "_bz2": "libbz2-dev"},
	"fedora":   {"_ctypes": "libffi-devel", "_ssl": "openssl-devel", "_sqlite3": "sqlite-devel", "_lzma": "xz-devel", "_bz2": "bzip2-devel"},
	"suse":     {"_ctypes": "libffi-devel", "_ssl": "libopenssl-devel", "_sqlite3": "sqlite3-devel", "_lzma": "xz-devel", "_bz2": "libbz2-devel"},
	"arch":     {"_ctypes": "libffi", "_ssl": "openssl", "_sqlite3": "sqlite", "_lzma": "xz", "_bz2": "bzip2"},
	"alpine":   {"_ctypes": "libffi-dev", "_ssl": "openssl-dev", "_sqlite3": "sqlite-dev", "_lzma": "xz-dev", "_bz2": "bzip2-dev"},
	"homebrew": {"_ssl": "openssl", "_sqlite3": "sqlite", "_lzma": "xz", "_bz2": "bzip2"},
}

// packageCommand is the command that installs the headers for lacks on
// this machine, or "" when the launcher does not know its packages.
func packageCommand(r Request, lacks string) string {
	family, install := "", ""
	if r.Host.MacOS() {
		family, install = "homebrew", "brew install"
	} else {
		osr := host.ReadOSRelease(r.Root)
		switch {
		case debianLike(osr):
			family, install = "debian", "sudo apt install"
		case osr.Is("fedora") || osr.Is("rhel") || osr.Is("centos"):
			family, install = "fedora", "sudo dnf install"
		case osr.Is("suse") || osr.Is("opensuse"):
			family, install = "suse", "sudo zypper install"
		case osr.Is("arch"):
			family, install = "arch", "sudo pacman -S --needed"
		case osr.Is("alpine"):
			family, install = "alpine", "sudo apk add"
		}
	}
	var pkgs []string
	for _, m := range strings.Fields(lacks) {
		if p := devPackages[family][m]; p != "" {
			pkgs = append(pkgs, p)
		}
	}
	if len(pkgs) == 0 {
		return ""
	}
	return install + " " + strings.Join(pkgs, " ")
}

// rebuildHints say how to give a Python the modules it was built without:
// the packages of the user's distribution, then the rebuild (pyenv's
// exact command for a pyenv Python).
func rebuildHints(r Request, c candidate) []string {
	var s []string
	pkgs := packageCommand(r, c.lacks)
	if pkgs != "" {
		s = append(s, "Solution: install what its build needs: "+pkgs)
	} else {
		s = append(s, "Solution: install the development files of "+checkout.JoinAnd(libsOf(c.lacks))+" with your system's package manager")
	}
	if v := pyenvVersionOf(r, c.exe); v != "" {
		s = append(s, "then build that Python again: pyenv install --force "+v)
	} else {
		s = append(s, fmt.Sprintf("then build or install that Python again (a pyenv Python: pyenv install --force %s), or use another Python.", c.version))
	}
	return s
}

func libsOf(lacks string) []string {
	lib := map[string]string{"_ctypes": "libffi", "_ssl": "OpenSSL", "_sqlite3": "SQLite", "_lzma": "xz (liblzma)", "_bz2": "bzip2"}
	var s []string
	for _, m := range strings.Fields(lacks) {
		s = append(s, lib[m])
	}
	return s
}

// pyenvVersionOf is the pyenv version exe belongs to, "3.12.1" for
// PYENV_ROOT/versions/3.12.1/bin/python3.12; "" for none.
func pyenvVersionOf(r Request, exe string) string {
	root := r.Env.Get("PYENV_ROOT")
	if root == "" && r.Env.Get("HOME") != "" {
		root = filepath.Join(r.Env.Get("HOME"), ".pyenv")
	}
	if root == "" {
		return ""
	}
	rel, err := filepath.Rel(filepath.Join(root, "versions"), exe)
	if err != nil || strings.HasPrefix(rel, "..") {
		return ""
	}
	v, _, _ := strings.Cut(rel, string(filepath.Separator))
	return v
}

// pyenvShim says what c is when it is a pyenv shim that pyenv could not
// run ("pyenv: python3.9: command not found": the version that has it is
// not installed, or not selected); "" otherwise.
func (c candidate) pyenvShim(r Request) string {
	if !strings.Contains(c.stderr, "pyenv: ") || !strings.Contains(c.stderr, "command not found") {
		return ""
	}
	first, _, _ := strings.Cut(c.stderr, "\n")
	return fmt.Sprintf("pyenv's shim %s, which pyenv cannot run (%q): the Python version that has it is not installed, or not selected", c.exe, strings.TrimSpace(first))
}

// shimHints are the ways out of a shim pyenv cannot run: pyenv's own list
// of the versions that have the command, and how to select one or name
// its Python directly.
func (c candidate) shimHints(r Request) []string {
	name := filepath.Base(c.exe)
	s := []string{"See the versions pyenv has and which are selected: pyenv versions"}
	// pyenv lists the versions that have the command after "The `X'
	// command exists in these Python versions:".
	var versions []string
	if _, rest, ok := strings.Cut(c.stderr, "exists in these Python versions:"); ok {
		for _, line := range strings.Split(rest, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				if len(versions) > 0 {
					break
				}
				continue
			}
			if strings.HasPrefix(line, "Note:") {
				break
			}
			versions = append(versions, line)
		}
	}
	root := r.Env.Get("PYENV_ROOT")
	if root == "" {
		root = filepath.Join(r.Env.Get("HOME"), ".pyenv")
	}
	if len(versions) > 0 {
		v := versions[len(versions)-1]
		s = append(s, fmt.Sprintf("%s is installed in pyenv's %s but not selected: select it with pyenv global %s (or pyenv shell %s in this shell), or name its Python directly: OT_PYTHON_CMD=%s ./%s",
			name, strings.Join(versions, ", "), v, v, out.Quote(filepath.Join(root, "versions", v, "bin", name)), r.Script))
	} else {
		s = append(s, fmt.Sprintf("No installed pyenv version has %s: install one (pyenv install 3.X), or set OT_PYTHON_CMD to a Python that is installed.", name))
	}
	return s
}

// macHardware is the Mac's own machine (host.MachineARM64 on Apple
// silicon, host.MachineX86 on an Intel Mac), asked of sysctl only where
// the launcher's own build does not tell it; "" elsewhere.
func macHardware(ctx context.Context, r Request) string {
	if !r.Host.MacOS() {
		return ""
	}
	answer, answered := "", false
	if r.Host.GOARCH != "arm64" {
		sysctl := pathutil.Look("sysctl", r.Checkout.Root, r.Env.Get("PATH"), "")
		if sysctl == "" {
			sysctl = "/usr/sbin/sysctl"
		}
		text, err := r.Run.With(r.Checkout.Root, r.Env).Ask(ctx, proc.Cmd{Path: sysctl, Argv: append([]string{"sysctl"}, host.SysctlARM64...)})
		answer, answered = text, err == nil
	}
	return r.Host.MacHardware(answer, answered)
}

// warnRosetta says, where the launcher itself runs translated, that it
// does and which build to take instead.
func warnRosetta(r Request, hw string) {
	if r.Host.UnderRosetta(hw) {
		r.Out.Warn("This launcher is the macOS x86_64 (amd64) build, running under Rosetta on Apple silicon (sysctl hw.optional.arm64 says 1): use the darwin-arm64 build. `uname -m` says x86_64 under Rosetta; `sysctl -n hw.optional.arm64` tells the hardware.")
	}
}
