package pyenv

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyversion"
)

// The advice for a Python the venv cannot be made from names the exact
// command for this machine: its distribution's package (from os-release,
// read under GHW_CHROOT when that is set) or macOS's, uv's and pyenv's
// installs with the real version number, and conda's own Python where
// conda is there. Nothing is a placeholder.

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
// this distribution, or a sentence saying it has none; "" when the
// launcher knows nothing of it.
func distroFix(osr host.OSRelease, lo, hi pyversion.Version) string {
	ships := distroPythons(osr)
	for _, minor := range ships {
		v := pyversion.Version{3, minor}
		if !v.In(lo, hi) && !(pyversion.Version{3, minor, 0}).In(lo, hi) {
			continue
		}
		switch {
		case debianLike(osr):
			return fmt.Sprintf("On %s: sudo apt install python3.%d python3.%d-venv", osrName(osr), minor, minor)
		case osr.Is("fedora"):
			return fmt.Sprintf("On %s: sudo dnf install python3.%d", osrName(osr), minor)
		}
	}
	if osr.ID == "ubuntu" && osr.VersionID == "26.04" {
		return fmt.Sprintf("Ubuntu 26.04's own Python is 3.14, which OneTrainer does not support yet (it takes Python >= %s and < %s): install 3.%d alongside it, as below.", lo, hi, topMinor(hi))
	}
	if len(ships) > 0 {
		return fmt.Sprintf("%s ships no Python >= %s and < %s as a package: install 3.%d alongside it, as below.", osrName(osr), lo, hi, topMinor(hi))
	}
	if osr.ID == "arch" {
		return fmt.Sprintf("Arch Linux's python package is the newest Python only: install 3.%d alongside it, as below.", topMinor(hi))
	}
	return ""
}

func osrName(osr host.OSRelease) string {
	if osr.PrettyName != "" {
		return osr.PrettyName
	}
	return strings.TrimSpace(osr.ID + " " + osr.VersionID)
}

// pythonFixes are the ways to get a Python in the bounds here, each a
// command to run.
func pythonFixes(r Request) []string {
	lo, err1 := pyversion.Parse(r.Constants.PythonVersionMinimum)
	hi, err2 := pyversion.Parse(r.Constants.PythonVersionTooHigh)
	if err1 != nil || err2 != nil || len(hi) == 0 {
		return nil
	}
	want := "3." + strconv.Itoa(topMinor(hi))
	path := r.Env.Get("PATH")
	have := func(cmd string) bool { return pathutil.Look(cmd, r.Checkout.Root, path, "") != "" }
	var fixes []string
	if r.Host.MacOS() {
		if have("brew") {
			fixes = append(fixes, "With Homebrew: brew install python@"+want)
		} else {
			fixes = append(fixes, "Install Python "+want+" from python.org (https://www.python.org/downloads/macos/), or with Homebrew (https://brew.sh): brew install python@"+want)
		}
	} else if fix := distroFix(host.ReadOSRelease(r.Env.Get("GHW_CHROOT")), lo, hi); fix != "" {
		fixes = append(fixes, fix)
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
	if c, _ := condaOf(r); c != nil && r.Settings.PreferVenv && !r.Settings.Unknown("OT_PREFER_VENV") {
		fixes = append(fixes, fmt.Sprintf("conda is installed (%s): with OT_PREFER_VENV=false it makes a conda environment with its own Python %s (OT_CONDA_USE_PYTHON_VERSION).", c.Exe, r.Constants.CondaUsePythonVersion))
	}
	return append(fixes, "The launcher finds a Python installed any of these ways on the next run; OT_PYTHON_CMD names one by hand.")
}

// venvSolutions tells a user whose Python is missing or of the wrong
// version how to get a suitable one on this machine. venvDir is the venv
// that a wrong version lives in, or "" when there is none yet.
func venvSolutions(r Request, venvDir string) []string {
	s := []string{fmt.Sprintf("Solution: OneTrainer needs a Python >= %s and < %s to make its venv.", r.Constants.PythonVersionMinimum, r.Constants.PythonVersionTooHigh)}
	s = append(s, pythonFixes(r)...)
	if venvDir != "" {
		s = append(s, fmt.Sprintf("The venv %s was made with another Python: delete it first: rm -rf %s (the launcher never deletes it).", venvDir, out.Quote(venvDir)))
	}
	return s
}

// missingHints says how to give a Python the venv support it lacks.
func missingHints(r Request, c candidate) []string {
	osr := host.ReadOSRelease(r.Env.Get("GHW_CHROOT"))
	if !r.Host.MacOS() && debianLike(osr) && len(c.version) >= 2 && strings.Contains(c.missing, "ensurepip") {
		return []string{fmt.Sprintf("%s ships ensurepip apart from Python: sudo apt install python%d.%d-venv", osrName(osr), c.version[0], c.version[1])}
	}
	return []string{fmt.Sprintf("Its %s is missing: give it one (reinstall that Python), or use another Python.", strings.Join(strings.Fields(c.missing), " and "))}
}

// noPython is the error when no Python the machine has fits: every one
// found with its version and why not, then the fixes for this machine.
func noPython(r Request, cands []candidate, bounds string, lo, hi pyversion.Version) error {
	var found []string
	var hints []string
	for _, c := range cands {
		found = append(found, c.describe()+": "+c.why)
		if c.missing != "" && c.version.In(lo, hi) {
			hints = append(hints, missingHints(r, c)...)
		}
	}
	msg := fmt.Sprintf("No Python %s that can make a venv was found. Found: %s.", bounds, strings.Join(found, "; "))
	hints = append(hints, pythonFixes(r)...)
	lead := fmt.Sprintf("Solution: install a Python %s (or give one venv support), in one of these ways:", bounds)
	return out.Errorf("%s", msg).WithHints(append([]string{lead}, hints...)...)
}

// solutions says what to do about a wrong Python in the target's env.
func (t Target) solutions(r Request) []string {
	if t.Kind == KindConda {
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
