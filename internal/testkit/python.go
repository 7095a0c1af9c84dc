// Package testkit finds and builds the real parts the tests use: installed
// Python interpreters, their bundled pip and setuptools wheels, and small
// wheels made on the spot; and launch files of OneTrainer's shape written
// for the tests (framework.go), which only the launcher reads.
package testkit

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Python is one installed interpreter.
type Python struct {
	Path         string // absolute path of the executable
	Major, Minor int
}

func (p Python) String() string { return fmt.Sprintf("Python %d.%d at %s", p.Major, p.Minor, p.Path) }

// Pythons finds the interpreters on this machine: python3.X on PATH and in
// pyenv's versions (PYENV_ROOT, else ~/.pyenv), each asked for its version.
// It returns one per minor version, sorted by version.
func Pythons() []Python {
	var dirs []string
	dirs = append(dirs, filepath.SplitList(os.Getenv("PATH"))...)
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		if home, err := os.UserHomeDir(); err == nil {
			root = filepath.Join(home, ".pyenv")
		}
	}
	if vs, err := filepath.Glob(filepath.Join(root, "versions", "*", "bin")); err == nil {
		dirs = append(dirs, vs...)
	}
	seen := map[[2]int]Python{}
	for _, d := range dirs {
		if strings.Contains(d, "shims") {
			continue // pyenv's shims pick a version by configuration
		}
		cands, _ := filepath.Glob(filepath.Join(d, "python3.*"))
		for _, c := range cands {
			base := filepath.Base(c)
			if strings.Count(base, ".") != 1 || strings.HasSuffix(base, "-config") {
				continue
			}
			if _, err := strconv.Atoi(strings.TrimPrefix(base, "python3.")); err != nil {
				continue
			}
			py, err := Inspect(c)
			if err != nil {
				continue
			}
			if _, dup := seen[[2]int{py.Major, py.Minor}]; !dup {
				seen[[2]int{py.Major, py.Minor}] = py
			}
		}
	}
	var all []Python
	for _, p := range seen {
		all = append(all, p)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Major != all[j].Major {
			return all[i].Major < all[j].Major
		}
		return all[i].Minor < all[j].Minor
	})
	return all
}

// Inspect asks the interpreter at path for its version.
func Inspect(path string) (Python, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Python{}, err
	}
	out, err := exec.Command(abs, "-c", "import sys; print('%d %d' % sys.version_info[:2])").Output()
	if err != nil {
		return Python{}, fmt.Errorf("%s: %v", abs, err)
	}
	var p Python
	if _, err := fmt.Sscanf(string(out), "%d %d", &p.Major, &p.Minor); err != nil {
		return Python{}, fmt.Errorf("%s printed %q", abs, out)
	}
	p.Path = abs
	return p, nil
}

// Find returns the newest interpreter with minMinor <= 3.minor < tooHighMinor,
// or an error that says what was looked for and what was found.
func Find(minMinor, tooHighMinor int) (Python, error) {
	all := Pythons()
	for i := len(all) - 1; i >= 0; i-- {
		if p := all[i]; p.Major == 3 && p.Minor >= minMinor && p.Minor < tooHighMinor {
			return p, nil
		}
	}
	return Python{}, fmt.Errorf("no Python >= 3.%d and < 3.%d found on PATH or under pyenv; found: %v", minMinor, tooHighMinor, all)
}

// BundledWheels returns the pip and setuptools wheels that the interpreters'
// ensurepip carries, so that pip can install offline.
func BundledWheels(pys ...Python) []string {
	var wheels []string
	for _, p := range pys {
		prefix := filepath.Dir(filepath.Dir(p.Path))
		w, _ := filepath.Glob(filepath.Join(prefix, "lib", fmt.Sprintf("python%d.%d", p.Major, p.Minor), "ensurepip", "_bundled", "*.whl"))
		wheels = append(wheels, w...)
	}
	return wheels
}
