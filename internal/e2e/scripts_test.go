// Package e2e_test runs the built launcher end to end, through the
// applet symlinks in throwaway OneTrainer-like checkouts, with a real
// Python making real venvs, real pip installing real wheels offline, and
// real git. The scripts in testdata/ say what each scenario does; the
// commands below build what they need.
package e2e_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/doctor"
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
}

var s suite

// shortScripts are what `go test -short` runs of this package: one
// script per applet (install.txtar runs install.sh, start-ui.sh and
// run-cmd.sh; update.txtar update.sh; runcmd_names.txtar run-cmd.sh's
// names), the own command line and doctor, and the check that the tests'
// launch files are followed — the quick loop for contributors. CI runs
// everything.
var shortScripts = []string{"install", "update", "runcmd_names", "usage", "doctor"}

const shortTests = "^(TestScripts|TestFrameworkIsFollowed)$"

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() && flag.Lookup("test.run").Value.String() == "" {
		flag.Set("test.run", shortTests)
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
	if testing.Short() {
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

// recorder stands in for OneTrainer's scripts: it writes what it was given
// to files in $TEST_OUT (default: its working directory): record.txt (interpreter, environment:
// OT_*, PYTORCH_*, the env's variables and those $TEST_RECORD names),
// args.txt (each argument as Python's ascii() shows it) and pid.txt, and
// exits with $TEST_EXIT, after sleeping $TEST_SLEEP seconds if set.
const recorder = `import os, sys
names = ("SCRIPT_DIR", "VIRTUAL_ENV", "VIRTUAL_ENV_PROMPT", "PYTHONHOME", "CONDA_PREFIX", "CONDA_DEFAULT_ENV") + tuple(os.environ.get("TEST_RECORD", "").split())
out = os.environ.get("TEST_OUT", ".")
lines = ["script %s" % sys.argv[0], "exe %s" % sys.executable, "cwd %s" % os.getcwd()]
for k in sorted(os.environ):
    if (k.startswith(("OT_", "PYTORCH_")) or k in names) and not k.startswith("OT_TEST"):
        lines.append("env %s=%s" % (k, os.environ[k]))
lines.append("path0 %s" % os.environ.get("PATH", "").split(os.pathsep)[0])
with open(os.path.join(out, "record.txt"), "w") as f:
    f.write("\n".join(lines) + "\n")
with open(os.path.join(out, "args.txt"), "w") as f:
    f.write("".join("%s\n" % ascii(a) for a in sys.argv[1:]))
with open(os.path.join(out, "pid.txt"), "w") as f:
    f.write("%d\n" % os.getpid())
print("recorded " + sys.argv[0], flush=True)
if os.environ.get("TEST_SLEEP"):
    import time
    time.sleep(float(os.environ["TEST_SLEEP"]))
sys.exit(int(os.environ.get("TEST_EXIT", "0")))
`

// versionCheck does what OneTrainer's scripts/util/version_check.py does.
const versionCheck = `import sys
def v(s):
    return tuple(int(x) for x in s.split("."))
here = tuple(sys.version_info[:3])
if not (v(sys.argv[1]) <= here < v(sys.argv[2])):
    sys.stderr.write("Error: Python %s is outside >= %s and < %s\n" % (".".join(map(str, here)), sys.argv[1], sys.argv[2]))
    sys.exit(1)
`

// checkout DIR [legacy] [nolinks]: a miniature OneTrainer checkout whose
// four scripts are links to the launcher. Each requirements file names one
// test wheel, so the installed packages show which file was used.
func cmdCheckout(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: checkout DIR [legacy] [nolinks]")
	}
	opts := strings.Join(args[1:], " ")
	ts.Check(writeCheckout(ts.MkAbs(args[0]), strings.Contains(opts, "legacy"), !strings.Contains(opts, "nolinks")))
}

// linkedCheckout is a fresh miniature checkout with the four scripts
// linked to the launcher under test.
func linkedCheckout(t *testing.T) string {
	t.Helper()
	if s.err != nil {
		t.Fatal(s.err)
	}
	dir := t.TempDir()
	if err := writeCheckout(dir, false, true); err != nil {
		t.Fatal(err)
	}
	return dir
}

// writeCheckout writes the miniature checkout cmdCheckout describes.
func writeCheckout(dir string, legacy, links bool) error {
	files := map[string]string{
		"scripts/train_ui.py":           recorder,
		"scripts/train.py":              recorder,
		"scripts/sub/tool.py":           recorder,
		"scripts/util/version_check.py": versionCheck,
		"requirements-global.txt":       "otglobal\n",
		"requirements-default.txt":      "otdefault\n",
		"requirements-cuda.txt":         "otcuda\n",
		"requirements-rocm.txt":         "otrocm\n",
		// OneTrainer's own .gitignore lines for what the launch scripts make.
		".gitignore": "/.venv*\n/venv*\n/conda_env*\n/update.var\n",
	}
	if legacy {
		files["requirements-cuda-legacy.txt"] = "otlegacy\n"
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	if !links {
		return nil
	}
	for _, a := range layout.Scripts() {
		if err := os.Symlink(s.launcher, filepath.Join(dir, a)); err != nil {
			return err
		}
	}
	return nil
}

// wheel DIR NAME VERSION: a wheel of module NAME whose VERSION is VERSION.
func cmdWheel(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: wheel DIR NAME VERSION")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	_, err := moduleWheel(dir, args[1], args[2])
	ts.Check(err)
}

// untar-fixture NAME DIR: unpacks testdata/sysfs/NAME.tar.gz at the
// project's top, a real machine's sysfs snapshot, into DIR.
func cmdUntarFixture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: untar-fixture NAME DIR")
	}
	tarball := testkit.Snapshot(args[0])
	if _, err := os.Stat(tarball); err != nil {
		ts.Fatalf("snapshot missing from the project: %v", err)
	}
	dir := ts.MkAbs(args[1])
	ts.Check(os.MkdirAll(dir, 0o755))
	if out, err := exec.Command("tar", "-xzf", tarball, "-C", dir).CombinedOutput(); err != nil {
		ts.Fatalf("unpacking %s: %v\n%s", tarball, err, out)
	}
}

// json-valid stdout: the last command's stdout decodes as JSON into the
// doctor report's shape, and encodes back to the same value.
func cmdJSONValid(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 || args[0] != "stdout" {
		ts.Fatalf("usage: json-valid stdout")
	}
	var rep doctor.Report
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile("stdout")))
	dec.DisallowUnknownFields()
	ts.Check(dec.Decode(&rep))
	again, err := json.Marshal(rep)
	ts.Check(err)
	var back doctor.Report
	ts.Check(json.Unmarshal(again, &back))
	if !reflect.DeepEqual(rep, back) {
		ts.Fatalf("the report does not survive a JSON round trip")
	}
	if rep.GPU.Root == "" || rep.Checkout.Path == "" || len(rep.Settings) == 0 {
		ts.Fatalf("the report lacks its main parts: %+v", rep)
	}
}

// torch-standin DIR cpu|cuda: a wheel of a stand-in for torch (torch
// itself cannot be installed here) that answers the questions doctor
// --torch asks as a CPU build, or as a CUDA 12.6 build that sees one GPU.
func cmdTorchStandin(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || (args[1] != "cpu" && args[1] != "cuda") {
		ts.Fatalf("usage: torch-standin DIR cpu|cuda")
	}
	cuda, available, devices := "None", "False", "[]"
	if args[1] == "cuda" {
		cuda, available, devices = `"12.6"`, "True", `["NVIDIA Stand-in GPU"]`
	}
	src := fmt.Sprintf(`# A stand-in for torch, for doctor --torch: not the real thing.
__version__ = "2.9.1+%s"
class _Version:
    cuda = %s
    hip = None
version = _Version()
class _Cuda:
    _devices = %s
    @staticmethod
    def is_available():
        return %s
    @classmethod
    def device_count(cls):
        return len(cls._devices)
    @classmethod
    def get_device_name(cls, i):
        return cls._devices[i]
cuda = _Cuda()
class _MPS:
    @staticmethod
    def is_available():
        return False
class _Backends:
    mps = _MPS()
backends = _Backends()
`, args[1], cuda, devices, available)
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	_, err := testkit.BuildWheel(dir, "torch", "2.9.1", map[string]string{"torch/__init__.py": src})
	ts.Check(err)
}

// doctor-golden stdout FILE: the last command's stdout, a doctor --json
// report, written to FILE with what differs from run to run and machine to
// machine in placeholders: this run's folder ($WORK), the launcher's and
// the Python's paths, and the versions of the launcher, Go and Python.
func cmdDoctorGolden(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || args[0] != "stdout" {
		ts.Fatalf("usage: doctor-golden stdout FILE")
	}
	var rep any
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile("stdout")))
	dec.UseNumber()
	ts.Check(dec.Decode(&rep))
	work := ts.Getenv("WORK")
	placeholder := map[string]string{"version": "<version>", "revision": "<revision>", "go": "<go version>",
		"os": "<os>", "arch": "<arch>", "python_version": "<python version>"}
	var walk func(key string, v any) any
	walk = func(key string, v any) any {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				v[k] = walk(k, x)
			}
			return v
		case []any:
			for i, x := range v {
				v[i] = walk(key, x)
			}
			return v
		case string:
			if p, ok := placeholder[key]; ok && v != "" {
				return p
			}
			v = strings.ReplaceAll(v, s.launcher, "$LAUNCHER")
			v = strings.ReplaceAll(v, s.python.Path, "$PYTHON")
			return strings.ReplaceAll(v, work, "$WORK")
		}
		return v
	}
	var normal strings.Builder
	enc := json.NewEncoder(&normal)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	ts.Check(enc.Encode(walk("", rep)))
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(normal.String()), 0o644))
}
