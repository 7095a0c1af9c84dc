package pyenv

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyversion"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// The advice for a Python the venv cannot be made from names the exact
// command for this machine: its distribution's package (from os-release,
// read under the launch's machine root) or macOS's, uv's and pyenv's
// installs with the real version number, and conda, which brings its own
// Python — the way out OneTrainer's own advice names — with where conda is
// or that it is not there. Nothing is a placeholder.

// distroPythons are the Pythons a distribution release ships as packages,
// newest first: the ones apt or dnf installs with venv support.
func distroPythons(osr host.OSRelease) []int {
	switch {
	case osr.ID == "debian":
		return map[string][]int{"11": {9}, "12": {11}, "13": {13}}[osr.VersionID]
	case osr.ID == "ubuntu":
		return map[string][]int{"20.04": {8}, "22.04": {11, 10}, "24.04": {12}, "24.10": {12}, "25.04": {13},
			"25.10": {13}, "26.04": {14}}[osr.VersionID]
	case osr.Is("fedora"):
		return []int{14, 13, 12, 11, 10}
	}
	return nil
}

// distroFix is the package command that brings a Python in the bounds on
// this distribution (way), or a sentence saying why it has none (note);
// both "" when the launcher knows nothing of it.
func distroFix(osr host.OSRelease, b pyversion.Range) (way, note string) {
	lo, hi := b.Lo, b.Hi
	ships := distroPythons(osr)
	for _, minor := range ships {
		if !b.Holds(pyversion.Version{3, minor}) && !b.Holds(pyversion.Version{3, minor, 0}) {
			continue
		}
		switch {
		case debianLike(osr):
			return fmt.Sprintf("On %s: sudo apt install python3.%d python3.%d-venv", osrName(osr), minor, minor), ""
		case osr.Is("fedora"):
			return fmt.Sprintf("On %s: sudo dnf install python3.%d", osrName(osr), minor), ""
		}
	}
	switch {
	case osr.ID == "ubuntu" && osr.VersionID == "26.04":
		return "", "Ubuntu 26.04's own Python is 3.14, which OneTrainer does not support yet"
	case len(ships) > 0:
		return "", fmt.Sprintf("%s ships no Python >= %s and < %s as a package", osrName(osr), lo, hi)
	case osr.ID == "arch":
		return "", "Arch Linux's python package is the newest Python only"
	}
	return "", ""
}

func osrName(osr host.OSRelease) string {
	if osr.PrettyName != "" {
		return osr.PrettyName
	}
	return strings.TrimSpace(osr.ID + " " + osr.VersionID)
}

// pythonAdvice is how to get a Python in the bounds on this machine.
type pythonAdvice struct {
	// note says why the distribution's own packages are no way, and so
	// that the ways install another Python beside its own; "" otherwise.
	note string
	// ways are the ways to get one, each a command to run.
	ways []string
	// after are the lines that follow the ways: that the launcher finds
	// such a Python by itself, and the way around needing one, conda.
	after []string
	want  string // the version the ways install, "3.13"
}

// lead is the advice's first line: start (what is needed), the note, and
// the ways announced as one or a list, as they are.
func (a pythonAdvice) lead(start string, extra int) string {
	n := len(a.ways) + extra
	if a.note != "" {
		return fmt.Sprintf("%s. %s: install %s beside it %s:", start, a.note, a.want, either(n, "this way", "in one of these ways"))
	}
	return fmt.Sprintf("%s; get one %s:", start, either(n, "this way", "in one of these ways"))
}

func pythonFixes(r Request) pythonAdvice {
	b := r.Constants.Python
	if len(b.Hi) == 0 {
		return pythonAdvice{}
	}
	want := "3." + strconv.Itoa(topMinor(b.Hi))
	var fixes []string
	var note string
	path := r.Env.Get("PATH")
	have := func(cmd string) bool { return pathutil.Look(cmd, r.Checkout.Root, path, "") != "" }
	if r.Host.MacOS() {
		if have("brew") {
			fixes = append(fixes, "With Homebrew: brew install python@"+want)
		} else {
			fixes = append(fixes, "Install Python "+want+" from python.org (https://www.python.org/downloads/macos/), or with Homebrew (https://brew.sh): brew install python@"+want)
		}
	} else {
		var way string
		if way, note = distroFix(host.ReadOSRelease(r.Root), b); way != "" {
			fixes = append(fixes, way)
		}
	}
	if have("uv") {
		fixes = append(fixes, "With uv, which is installed: uv python install "+want)
	} else {
		fixes = append(fixes, "With uv (https://docs.astral.sh/uv/): uv python install "+want)
	}
	pyenvRoot := r.Env.Get("PYENV_ROOT")
	if pyenvRoot == "" && r.Env.Get("HOME") != "" {
		pyenvRoot = r.Env.Get("HOME") + "/.pyenv"
	}
	if have("pyenv") || pyenvRoot != "" && statOK(pyenvRoot) {
		fixes = append(fixes, "With pyenv, which is installed: pyenv install "+want)
	}
	found := "The launcher finds a Python installed " + either(len(fixes), "this way", "any of these ways") + " on the next run; OT_PYTHON_CMD names one by hand."
	if r.Settings.Given(upstream.VarPythonCmd) {
		found = "Then set OT_PYTHON_CMD to it, or unset OT_PYTHON_CMD and the launcher finds it on the next run."
	}
	after := []string{found}
	if way := condaWay(r); way != "" {
		after = append(after, way)
	}
	return pythonAdvice{note: note, ways: fixes, after: after, want: want}
}

// either is one or many, as a list of n reads.
func either(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// condaWay is the way around a host Python that OneTrainer's own advice
// names: a conda environment, which conda makes with its own Python. It
// says where conda is, or that it is not there and how to get it, and the
// exact command; "" where the checkout's scripts know no conda.
func condaWay(r Request) string {
	if r.Settings.Unknown(upstream.VarPreferVenv) || r.Settings.Unknown(upstream.VarCondaCmd) {
		return ""
	}
	py := r.Constants.CondaUsePythonVersion
	// The launcher reads the settings file on every system (macOS too).
	keep := "and keep OT_PREFER_VENV=false for every launch after it (export it, or put it in ~/.config/environment.d/onetrainer.conf)"
	if c := r.Conda(); c != nil {
		return fmt.Sprintf("Or use conda, which is installed (%s) and brings its own Python %s: run OT_PREFER_VENV=false ./install.sh, %s.", c.Exe, py, keep)
	}
	missing := fmt.Sprintf("conda is not installed (%s is not on PATH)", quote(r.Settings.CondaCmd))
	if r.Settings.Given(upstream.VarCondaCmd) {
		missing = fmt.Sprintf(upstream.VarCondaCmd+"=%s is no conda that can be run", quote(r.Settings.CondaCmd))
	}
	return fmt.Sprintf("Or use conda, which brings its own Python %s: %s; install Miniconda (https://docs.anaconda.com/miniconda/), then run OT_PREFER_VENV=false ./install.sh, %s.", py, missing, keep)
}

// venvSolutions tells a user whose Python is missing or of the wrong
// version how to get a suitable one on this machine. venvDir is the venv
// that a wrong version lives in, or "" when there is none yet.
func venvSolutions(r Request, venvDir string) []string {
	a := pythonFixes(r)
	s := []string{a.lead(fmt.Sprintf("Solution: OneTrainer needs a Python %s to make its venv", r.Constants.Python), 0)}
	s = append(append(s, a.ways...), a.after...)
	if venvDir != "" {
		s = append(s, fmt.Sprintf("The venv %s was made with another Python: delete it first: rm -rf %s (the launcher never deletes it).", venvDir, out.Quote(venvDir)))
	}
	return s
}

// missingHints says how to give a Python the venv support it lacks.
func missingHints(r Request, c candidate) []string {
	osr := host.ReadOSRelease(r.Root)
	if !r.Host.MacOS() && debianLike(osr) && len(c.version) >= 2 && strings.Contains(c.missing, "ensurepip") {
		return []string{fmt.Sprintf("%s ships ensurepip apart from Python: sudo apt install python%d.%d-venv", osrName(osr), c.version[0], c.version[1])}
	}
	return []string{fmt.Sprintf("Its %s is missing: give it one (reinstall that Python), or use another Python.", strings.Join(strings.Fields(c.missing), " and "))}
}

// noPython is the error when no Python the machine has fits: every one
// found with its version and why not, then the fixes for this machine.
func noPython(r Request, cands []candidate, bounds pyversion.Range) error {
	var found []string
	var hints []string
	for _, c := range cands {
		found = append(found, c.describe()+": "+c.why)
		if c.missing != "" && bounds.Holds(c.version) {
			hints = append(hints, missingHints(r, c)...)
		}
		if c.missing == "" && c.lacks != "" && bounds.Holds(c.version) {
			fix := rebuildHints(r, c)
			hints = append(hints, fmt.Sprintf("%s was built without %s: %s, %s", c.exe, checkout.JoinAnd(strings.Fields(c.lacks)),
				strings.TrimPrefix(fix[0], "Solution: "), strings.TrimSuffix(fix[1], ".")+"."))
		}
	}
	msg := fmt.Sprintf("No Python %s that can make a venv was found. Found: %s.", bounds, strings.Join(found, "; "))
	a := pythonFixes(r)
	start := fmt.Sprintf("Solution: OneTrainer needs a Python %s to make its venv", bounds)
	if len(hints) > 0 {
		start = fmt.Sprintf("Solution: OneTrainer needs a Python %s with venv support to make its venv", bounds)
	}
	hints = append(append(hints, a.ways...), a.after...)
	return out.Errorf("%s", msg).WithHints(append([]string{a.lead(start, len(hints)-len(a.ways)-len(a.after))}, hints...)...)
}

// solutions says what to do about a wrong Python in the target's env.
func (t Target) solutions(r Request) []string {
	if t.Kind == launch.KindConda {
		return []string{fmt.Sprintf("Solution: the conda environment %q has a Python outside the accepted range. Delete it, and the next run creates a new one with Python %s. To delete it, run: %s (the launcher never deletes it).",
			t.conda.Given, r.Constants.CondaUsePythonVersion, t.conda.removeCommand(t.loc))}
	}
	return venvSolutions(r, t.venv.Dir)
}

// quotedErr is a setting that cannot be used, and why.
func quotedErr(name, value string, err error) error {
	return out.Errorf("%s=%q cannot be used: %w", name, value, err)
}

func quote(s string) string { return strconv.Quote(s) }

func statOK(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// debianLike: Debian and the distributions built on it (Ubuntu), whose
// apt ships Python's venv support as a package of its own.
func debianLike(osr host.OSRelease) bool { return osr.Is("debian") || osr.Is("ubuntu") }
