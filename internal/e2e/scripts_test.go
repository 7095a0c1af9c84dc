// Package e2e_test runs the built launcher end to end, through the
// applet symlinks in throwaway OneTrainer-like checkouts, with a real
// Python making real venvs, real pip installing real wheels offline, and
// real git. The scripts in testdata/ say what each scenario does; the
// commands below build what they need.
package e2e_test

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// suite is what every script shares, built once in TestMain.
type suite struct {
	launcher string          // the built binary
	conda    string          // the conda stand-in, built from condastandin/
	pixi     string          // the pixi stand-in, built from pixistandin/
	python   testkit.Python  // a Python inside the default bounds
	old      *testkit.Python // a Python below them, if installed
	wheels   string          // pip's find-links folder
	err      error           // why the suite could not be built
	// quick is set when the quick loop chose the tests (no -run given, no
	// OT_TEST_FULL=1): TestScripts then runs shortScripts only; a -run of
	// the developer's own runs what it names.
	quick bool
}

var s suite

// shortScripts are what the quick loop (`go test ./...` without
// OT_TEST_FULL=1, or with -short) runs of this package: one
// script per applet (install.txtar runs install.sh, start-ui.sh and
// run-cmd.sh; update.txtar update.sh; runcmd_names.txtar run-cmd.sh's
// names), the own command line and doctor, the check that the tests'
// launch files are followed, and that a linked checkout whose launch files
// the launcher cannot follow runs its own script (no Python; about 10 s).
// CI and the README's test command run everything (testkit.Full).
var shortScripts = []string{"install", "update", "runcmd_names", "usage", "doctor"}

const shortTests = "^(TestScripts|TestFrameworkIsFollowed|TestFallbackRunsTheCheckoutsOwnScript)$"

func TestMain(m *testing.M) {
	flag.Parse()
	if !testkit.Full() && flag.Lookup("test.run").Value.String() == "" {
		flag.Set("test.run", shortTests)
		s.quick = true
	}
	dir, err := os.MkdirTemp("", "ot-scripts-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s.err = s.build(dir)
	// The conda stand-in's package cache, shared by every test: each
	// Python's venv is made once, then copied, as conda links from its own.
	os.Setenv("CONDA_STANDIN_PKGS", filepath.Join(dir, "conda-pkgs"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func (s *suite) build(dir string) error {
	s.launcher = filepath.Join(dir, "bin", "onetrainer-launcher")
	// Without VCS stamping, whatever GOFLAGS says: the tests see one
	// --version form (release_test.go builds each of the others).
	build := exec.Command("go", "build", "-buildvcs=false", "-o", s.launcher, testkit.Root())
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the launcher: %v\n%s", err, out)
	}
	s.conda = filepath.Join(dir, "bin", "conda-standin")
	build = exec.Command("go", "build", "-o", s.conda, "./condastandin")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the conda stand-in: %v\n%s", err, out)
	}
	s.pixi = filepath.Join(dir, "bin", "pixi-standin")
	build = exec.Command("go", "build", "-o", s.pixi, "./pixistandin")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the pixi stand-in: %v\n%s", err, out)
	}
	py, err := testkit.Find(10, 14)
	if err != nil {
		return fmt.Errorf("these tests need a real Python: %v", err)
	}
	s.python = py
	all := testkit.Pythons()
	for i := range all {
		if all[i].Major == 3 && all[i].Minor < 10 && all[i].Minor >= 6 {
			s.old = &all[i]
		}
	}
	s.wheels = filepath.Join(dir, "wheels")
	if err := os.MkdirAll(s.wheels, 0o755); err != nil {
		return err
	}
	bundled := testkit.BundledWheels(all...)
	if len(bundled) == 0 {
		return fmt.Errorf("no bundled pip/setuptools wheels found beside %v: pip cannot install offline", all)
	}
	for _, w := range bundled {
		if err := copyFile(w, filepath.Join(s.wheels, filepath.Base(w))); err != nil {
			return err
		}
	}
	for _, name := range []string{"otglobal", "otdefault", "otcuda", "otlegacy", "otrocm"} {
		if _, err := moduleWheel(s.wheels, name, "1.0"); err != nil {
			return err
		}
	}
	return nil
}

func moduleWheel(dir, name, version string) (string, error) {
	return testkit.BuildWheel(dir, name, version, map[string]string{
		name + "/__init__.py": fmt.Sprintf("VERSION = %q\n", version),
	})
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

func TestScripts(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	dir, files := "testdata", []string(nil)
	if s.quick {
		dir = ""
		for _, name := range shortScripts {
			files = append(files, filepath.Join("testdata", name+".txtar"))
		}
	}
	testscript.Run(t, testscript.Params{
		Dir:                 dir,
		Files:               files,
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("UPDATE_GOLDEN") != "",
		Setup: func(e *testscript.Env) error {
			home := filepath.Join(e.WorkDir, "home")
			if err := os.MkdirAll(home, 0o755); err != nil {
				return err
			}
			e.Setenv("HOME", home)
			e.Setenv("LAUNCHER", s.launcher)
			e.Setenv("PYTHON", s.python.Path)
			e.Setenv("OT_PYTHON_CMD", s.python.Path)
			e.Setenv("WHEELS", s.wheels)
			e.Setenv("PIP_NO_INDEX", "1")
			e.Setenv("PIP_FIND_LINKS", s.wheels)
			e.Setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
			e.Setenv("PIP_NO_CACHE_DIR", "1")
			e.Setenv("CONDA_STANDIN_PYTHON", s.python.Path)
			e.Setenv("CONDA_STANDIN_PKGS", os.Getenv("CONDA_STANDIN_PKGS"))
			e.Setenv("CONDA_STANDIN_LOG", filepath.Join(e.WorkDir, "conda.log"))
			if s.old != nil {
				e.Setenv("OLDPYTHON", s.old.Path)
			}
			for _, py := range testkit.Pythons() { // PYTHON3_12=/path/to/python3.12, ...
				e.Setenv(fmt.Sprintf("PYTHON%d_%d", py.Major, py.Minor), py.Path)
			}
			for k, v := range map[string]string{
				"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
				"GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
				"GIT_CONFIG_NOSYSTEM": "1",
			} {
				e.Setenv(k, v)
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "oldpython":
				return s.old != nil, nil
			case "py312", "py313":
				for _, py := range testkit.Pythons() {
					if fmt.Sprintf("py%d%d", py.Major, py.Minor) == cond {
						return true, nil
					}
				}
				return false, nil
			case "root":
				return os.Geteuid() == 0, nil
			case "pidns":
				// unshare --pid needs root and a kernel and sandbox that allow it
				err := exec.Command("unshare", "--pid", "--fork", "true").Run()
				return err == nil, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"checkout":      cmdCheckout,
			"wheel":         cmdWheel,
			"interrupt":     cmdInterrupt,
			"untar-fixture": cmdUntarFixture,
			"json-valid":    cmdJSONValid,
			"doctor-golden": cmdDoctorGolden,
			"framework":     cmdFramework,
			"torch-standin": cmdTorchStandin,
			"conda-install": func(ts *testscript.TestScript, neg bool, args []string) {
				// conda-install ROOT: the conda stand-in as ROOT/bin/conda.
				if neg || len(args) != 1 {
					ts.Fatalf("usage: conda-install ROOT")
				}
				bin := filepath.Join(ts.MkAbs(args[0]), "bin")
				ts.Check(os.MkdirAll(bin, 0o755))
				data, err := os.ReadFile(s.conda)
				ts.Check(err)
				ts.Check(os.WriteFile(filepath.Join(bin, "conda"), data, 0o755))
			},
		},
	})
}
