package e2e_test

// The checkout decides: for each of OneTrainer's launch-file
// fixtures (../shared/fixtures/upstream, five commits from 2024-09 to
// HEAD), two checkouts of the same shape are made; one runs that commit's
// own Bash scripts, the other the launcher linked in. The same steps run in
// both, and what a user can observe must be equal: exit statuses, which env
// directories exist, which setuptools and which requirements got installed
// (fake setuptools 81.0.0 and 82.0.0 wheels are on offer), which Python
// script ran, its arguments, and its OT_*, PYTORCH_* and HF_* environment.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

func upstreamFixtures() string { return testkit.UpstreamFixtures() }

// probe stands in for OneTrainer's Python scripts: it writes what a user
// could observe of the run to $TEST_OUT/probe.txt.
const probe = `import os, sys
out = os.environ["TEST_OUT"]
co = os.environ.get("SCRIPT_DIR") or os.getcwd()
def norm(v):
    return v.replace(co, "$CO")
lines = ["script " + sys.argv[0], "args " + repr(sys.argv[1:])]
for k in sorted(os.environ):
    if k.startswith(("OT_", "PYTORCH_", "HF_", "PIXI_ENVIRONMENT_NAME", "PIXI_PROJECT_ROOT")) or k in ("SCRIPT_DIR", "CONDA_PREFIX", "VIRTUAL_ENV"):
        lines.append("env %s=%s" % (k, norm(os.environ[k])))
with open(os.path.join(out, "probe.txt"), "w") as f:
    f.write("\n".join(lines) + "\n")
`

// envState reports, from inside an env, its setuptools and which test
// requirements are installed.
const envState = `import importlib.metadata as md
names = sorted(d.metadata["Name"] for d in md.distributions())
try:
    print("setuptools " + md.version("setuptools"))
except md.PackageNotFoundError:
    print("setuptools none")
print("installed " + " ".join(n for n in names if n.startswith("ot")))
`

// fixture is one upstream commit's launch files and shape.
type fixture struct {
	name  string
	dir   string
	has   []string // files the commit had (MANIFEST "has" lines)
	patch func(name string, data []byte) []byte
}

func loadFixtures(t *testing.T) []fixture {
	entries, err := os.ReadDir(testkit.Fixtures(t))
	if err != nil {
		t.Fatal(err)
	}
	var fs []fixture
	for _, e := range entries {
		dir := filepath.Join(upstreamFixtures(), e.Name())
		manifest, err := os.ReadFile(filepath.Join(dir, "MANIFEST"))
		if err != nil {
			continue
		}
		if isPixiFixture(dir) {
			continue // the pixi family: TestFollowsThePixiCheckout
		}
		fs = append(fs, fixture{name: e.Name(), dir: dir, has: manifestHas(manifest)})
	}
	if len(fs) == 0 {
		testkit.SkipFixtures(t, "no fixtures with a MANIFEST in "+upstreamFixtures()+": tools/upstream-fixtures.sh writes them (docs/testing.md)")
	}
	// The seed's documented defaults: the 2024-09 framework with a .venv
	// default, as the launch-scripts guide describes it.
	for _, f := range fs {
		if f.name == "2da3d159" {
			seed := f
			seed.name = "seed-dotvenv"
			seed.patch = func(name string, data []byte) []byte {
				if name == "lib.include.sh" {
					return bytes.Replace(data, []byte(`OT_PYTHON_VENV:-venv}`), []byte(`OT_PYTHON_VENV:-.venv}`), 1)
				}
				return data
			}
			fs = append(fs, seed)
		}
		// HEAD after upstream adds settings the launcher's table lacks:
		// one in lib.include.sh, one whose default a launch-time condition
		// chooses, one that keeps an empty value (${NAME-DEFAULT}), and
		// one start-ui.sh gives itself. Each reaches the Python as the
		// scripts export it.
		if f.name == "23df3832" {
			grown := f
			grown.name = "head-newsettings"
			grown.patch = func(name string, data []byte) []byte {
				switch name {
				case "lib.include.sh":
					debug := []byte("export OT_SCRIPT_DEBUG=\"${OT_SCRIPT_DEBUG:-false}\"\n")
					return bytes.Replace(data, debug, append(debug, []byte("export OT_NEWTHING=\"${OT_NEWTHING:-abc}\"\n"+
						"if [[ \"${OT_CUDA_LOWMEM_MODE}\" == \"true\" ]]; then\n    export OT_LOWX=\"${OT_LOWX:-on}\"\n"+
						"else\n    export OT_LOWX=\"${OT_LOWX:-off}\"\nfi\n"+
						"export OT_KEEPEMPTY=\"${OT_KEEPEMPTY-kept}\"\n")...), 1)
				case "start-ui.sh":
					return bytes.Replace(data, []byte("\nprepare_runtime_environment\n"), []byte("\nexport OT_UIONLY=\"${OT_UIONLY:-ui}\"\nprepare_runtime_environment\n"), 1)
				}
				return data
			}
			fs = append(fs, grown)
		}
	}
	return fs
}

// pixiFixture is the fixture of the pixi family in the fixtures' folder
// (the last, should there be more), or nil when there is none.
func pixiFixture(t *testing.T) *fixture {
	t.Helper()
	entries, err := os.ReadDir(testkit.Fixtures(t))
	if err != nil {
		t.Fatal(err)
	}
	var px *fixture
	for _, e := range entries {
		dir := filepath.Join(upstreamFixtures(), e.Name())
		if isPixiFixture(dir) {
			manifest, _ := os.ReadFile(filepath.Join(dir, "MANIFEST"))
			px = &fixture{name: e.Name(), dir: dir, has: manifestHas(manifest)}
		}
	}
	return px
}

// manifestHas is the files a fixture's commit had: its MANIFEST's "has"
// lines.
func manifestHas(manifest []byte) []string {
	var has []string
	for _, line := range strings.Split(string(manifest), "\n") {
		if h, ok := strings.CutPrefix(line, "has "); ok {
			has = append(has, strings.TrimSpace(h))
		}
	}
	return has
}

// upstreamWheels is pip's find-links folder for these tests: the chosen
// Python's own bundled pip (so that pip is not upgraded), fake setuptools
// 81.0.0 and 82.0.0, and one small wheel per requirements file.
func upstreamWheels(t *testing.T, py testkit.Python) string {
	dir := t.TempDir()
	for _, w := range testkit.BundledWheels(py) {
		if strings.Contains(filepath.Base(w), "pip-") {
			if err := copyFile(w, filepath.Join(dir, filepath.Base(w))); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, v := range []string{"81.0.0", "82.0.0"} {
		if _, err := testkit.BuildWheel(dir, "setuptools", v, map[string]string{
			"setuptools/__init__.py": fmt.Sprintf("__version__ = %q  # a stand-in, for which version gets installed\n", v),
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"otglobal", "otdefault", "otcuda", "otlegacy", "otrocm"} {
		if _, err := moduleWheel(dir, name, "1.0"); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// makeUpstreamCheckout writes a checkout of f's shape: its launch files,
// probe scripts for its Python scripts, and a requirements file per
// platform naming one test wheel. linked makes it a git checkout with the
// launcher linked in by `link`.
func makeUpstreamCheckout(t *testing.T, f fixture, dir string, linked bool) {
	t.Helper()
	write := func(name string, data []byte, mode os.FileMode) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if f.patch != nil {
			data = f.patch(name, data)
		}
		if err := os.WriteFile(p, data, mode); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"lib.include.sh", "install.sh", "update.sh", "start-ui.sh", "run-cmd.sh", "scripts/util/version_check.py"} {
		data, err := os.ReadFile(filepath.Join(f.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		write(name, data, 0o755)
	}
	for _, h := range f.has {
		switch {
		case strings.HasSuffix(h, ".py"):
			write(h, []byte(probe), 0o644)
		case strings.HasPrefix(h, "requirements-"):
			mod := map[string]string{"requirements-global.txt": "otglobal", "requirements-cuda.txt": "otcuda",
				"requirements-cuda-legacy.txt": "otlegacy", "requirements-rocm.txt": "otrocm", "requirements-default.txt": "otdefault"}[h]
			write(h, []byte(mod+"\n"), 0o644)
		}
	}
	write(".gitignore", []byte("/venv*\n/.venv*\n/conda_env*\n/update.var\n/out/\n"), 0o644)
	if !linked {
		return
	}
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"commit", "-q", "-m", "fixture " + f.name}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t.invalid", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t.invalid")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if out, err := exec.Command(s.launcher, "link", dir).CombinedOutput(); err != nil {
		t.Fatalf("link: %v\n%s", err, out)
	}
}

// scenario is a sequence of steps run in both checkouts with the same
// environment.
type scenario struct {
	name  string
	env   []string                       // added to the base environment
	tools func(t *testing.T, bin string) // stand-ins put on PATH
	steps [][]string                     // each: VAR=VALUE words, then a script and its arguments
	conda bool                           // put the conda stand-in on PATH
	// pixi: "path" puts the pixi stand-in on PATH; "installer" leaves it
	// to the checkout's install-pixi.sh (a stand-in, which puts it in
	// ~/.pixi/bin); "" has no pixi at all.
	pixi string
	// after, when set, adds what a step left in the checkout.
	after func(t *testing.T, dir string, step int) []string
	// seed marks the scenario the seed's fixture also runs.
	seed bool
	// python, when set, puts the host's Python in bin in place of the one
	// inside every fixture's bounds (matrix_test.go); path, when set, is
	// what follows bin on PATH instead of the system's folders.
	python func(t *testing.T, bin string)
	path   string
	// check, when set, is shown each step's output; finally, when set,
	// runs after the steps with their environment.
	check   func(step int, output string)
	finally func(t *testing.T, dir string, env []string)
}

var nvidiaBanner = `Mon Nov 23 10:00:00 2026
+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI 550.54.15              Driver Version: 550.54.15      CUDA Version: 12.4     |
|-----------------------------------------+------------------------+----------------------+
`

func upstreamScenarios() []scenario {
	runAll := [][]string{{"./install.sh"}, {"./start-ui.sh", "--ui-flag", "two words"}, {"./run-cmd.sh", "train", "--config-path", "x.json"},
		{"OT_CUDA_LOWMEM_MODE=true", "HF_HUB_DISABLE_XET=0", "./start-ui.sh"}}
	return []scenario{
		{name: "venv", steps: runAll, seed: true},
		{name: "nvidia-smi CUDA 12", steps: [][]string{{"./install.sh"}}, tools: func(t *testing.T, bin string) {
			// A stand-in for nvidia-smi: no GPU can be had here. It prints
			// the banner of a real 550 driver.
			writeExec(t, filepath.Join(bin, "nvidia-smi"), "#!/bin/sh\ncat <<'EOF'\n"+nvidiaBanner+"EOF\n")
		}},
		{name: "nvcc alone", steps: [][]string{{"./install.sh"}}, tools: func(t *testing.T, bin string) {
			// A stand-in for CUDA's compiler: only its presence counts.
			writeExec(t, filepath.Join(bin, "nvcc"), "#!/bin/sh\necho 'nvcc: NVIDIA (R) Cuda compiler driver'\n")
		}},
	}
}

func writeExec(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
}

// observe runs sc's steps in the checkout at dir and returns what a user
// can observe, paths of the checkout written as $CO.
func observe(t *testing.T, dir string, sc scenario, py testkit.Python, wheels string) []string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	// `python` is the Python inside every fixture's bounds, unless the
	// scenario gives the host another.
	if sc.python != nil {
		sc.python(t, bin)
	} else if err := os.Symlink(py.Path, filepath.Join(bin, "python")); err != nil {
		t.Fatal(err)
	}
	condaRoot := filepath.Join(t.TempDir(), "miniconda3")
	if sc.conda {
		// conda cannot be installed here: its stand-in, which makes envs
		// as real venvs of CONDA_STANDIN_PYTHON.
		if err := os.MkdirAll(filepath.Join(condaRoot, "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(s.conda)
		if err != nil {
			t.Fatal(err)
		}
		writeExec(t, filepath.Join(condaRoot, "bin", "conda"), string(data))
		writeExec(t, filepath.Join(bin, "conda"), "#!/bin/sh\nexec "+filepath.Join(condaRoot, "bin", "conda")+` "$@"`+"\n")
	}
	if sc.tools != nil {
		sc.tools(t, bin)
	}
	pixiLog := filepath.Join(t.TempDir(), "pixi.log")
	if sc.pixi == "path" {
		data, err := os.ReadFile(s.pixi)
		if err != nil {
			t.Fatal(err)
		}
		writeExec(t, filepath.Join(bin, "pixi"), string(data))
	}
	out := filepath.Join(dir, "out")
	home := t.TempDir()
	condaLog := filepath.Join(t.TempDir(), "conda.log")
	system := "/usr/local/bin:/usr/bin:/bin"
	if sc.path != "" {
		system = sc.path
	}
	env := []string{
		"PATH=" + bin + ":" + system, "HOME=" + home, "TEST_OUT=" + out, "CONDA_STANDIN_LOG=" + condaLog,
		"PIP_NO_INDEX=1", "PIP_FIND_LINKS=" + wheels, "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_CACHE_DIR=1",
		"CONDA_STANDIN_PYTHON=" + py.Path, "CONDA_STANDIN_PKGS=" + os.Getenv("CONDA_STANDIN_PKGS"), "LANG=C.UTF-8",
		"PIXI_STANDIN_PYTHON=" + py.Path, "PIXI_STANDIN_LOG=" + pixiLog, "PIXI_STANDIN_BINARY=" + s.pixi,
	}
	env = append(env, sc.env...)
	var obs []string
	for i, step := range sc.steps {
		os.RemoveAll(out)
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		stepEnv := append([]string(nil), env...)
		for len(step) > 0 && strings.Contains(step[0], "=") {
			stepEnv, step = append(stepEnv, step[0]), step[1:]
		}
		cmd := exec.Command(step[0], step[1:]...)
		cmd.Dir, cmd.Env = dir, stepEnv
		output, err := cmd.CombinedOutput()
		code := 0
		if xe, ok := err.(*exec.ExitError); ok {
			code = xe.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s in %s: status %d\n%s", strings.Join(step, " "), dir, code, output)
		if sc.check != nil {
			sc.check(i, string(output))
		}
		obs = append(obs, fmt.Sprintf("step %d %s: status %d", i, strings.Join(step, " "), code))
		if data, err := os.ReadFile(filepath.Join(out, "probe.txt")); err == nil {
			for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				obs = append(obs, fmt.Sprintf("step %d %s", i, strings.ReplaceAll(strings.ReplaceAll(line, dir, "$CO"), condaRoot, "$CONDA_ROOT")))
			}
		}
		// The conda envs the step made, and how: the create commands.
		if data, err := os.ReadFile(condaLog); err == nil {
			for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				if strings.Contains(line, ` "create" `) {
					obs = append(obs, fmt.Sprintf("step %d conda %s", i, strings.ReplaceAll(strings.ReplaceAll(line, dir, "$CO"), condaRoot, "$CONDA_ROOT")))
				}
			}
			os.Remove(condaLog)
		}
		// The pixi calls of the step, in order.
		if data, err := os.ReadFile(pixiLog); err == nil {
			for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				obs = append(obs, fmt.Sprintf("step %d %s", i, strings.ReplaceAll(strings.ReplaceAll(line, dir, "$CO"), home, "$HOME")))
			}
			os.Remove(pixiLog)
		}
		if sc.after != nil {
			for _, line := range sc.after(t, dir, i) {
				obs = append(obs, fmt.Sprintf("step %d %s", i, line))
			}
		}
	}
	if sc.finally != nil {
		sc.finally(t, dir, env)
	}
	// The envs the steps left, and what is installed in each.
	var envs []string
	for _, d := range []string{"venv", ".venv", "conda_env"} {
		if _, err := os.Stat(filepath.Join(dir, d, "bin", "python")); err == nil {
			envs = append(envs, filepath.Join(dir, d))
		}
	}
	if named, _ := filepath.Glob(filepath.Join(condaRoot, "envs", "*")); len(named) > 0 {
		envs = append(envs, named...)
	}
	if pixiEnvs, _ := filepath.Glob(filepath.Join(dir, ".pixi", "envs", "*", "bin", "python")); len(pixiEnvs) > 0 {
		for _, p := range pixiEnvs {
			envs = append(envs, filepath.Dir(filepath.Dir(p)))
		}
	}
	sort.Strings(envs)
	for _, e := range envs {
		state, err := exec.Command(filepath.Join(e, "bin", "python"), "-c", envState).CombinedOutput()
		if err != nil {
			t.Fatalf("asking the env %s: %v\n%s", e, err, state)
		}
		label := strings.Replace(strings.Replace(e, dir, "$CO", 1), condaRoot, "$CONDA_ROOT", 1)
		obs = append(obs, "env "+label)
		for _, line := range strings.Split(strings.TrimSpace(string(state)), "\n") {
			obs = append(obs, "env "+label+" "+line)
		}
	}
	return obs
}

func TestFollowsTheCheckout(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("the original scripts need bash:", err)
	}
	fixtures := loadFixtures(t)
	py, err := testkit.Find(10, 11)
	if err != nil {
		t.Fatalf("the fixtures' bounds meet at Python 3.10 only (2024-11 needed >= 3.10 and < 3.11): %v", err)
	}
	wheels := upstreamWheels(t, py)
	for _, f := range fixtures {
		for _, sc := range upstreamScenarios() {
			if f.patch != nil && !sc.seed {
				continue
			}
			t.Run(f.name+"/"+sc.name, func(t *testing.T) {
				t.Parallel()
				orig, ours := t.TempDir(), t.TempDir()
				makeUpstreamCheckout(t, f, orig, false)
				makeUpstreamCheckout(t, f, ours, true)
				want := observe(t, orig, sc, py, wheels)
				got := observe(t, ours, sc, py, wheels)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("the launcher differs from the commit's own scripts:\n%s", diffLines(want, got))
				}
				if len(want) < len(sc.steps)+2 {
					t.Errorf("too little observed to compare: %q", want)
				}
			})
		}
	}
}

// diffLines shows two observation lists side by side where they differ.
func diffLines(want, got []string) string {
	var b strings.Builder
	n := len(want)
	if len(got) > n {
		n = len(got)
	}
	for i := 0; i < n; i++ {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		mark := "  "
		if w != g {
			mark = "!="
		}
		fmt.Fprintf(&b, "%s bash: %s\n   ours: %s\n", mark, w, g)
	}
	return b.String()
}

// isPixiFixture reports a fixture of the pixi family: its manifest has
// [tool.pixi].
func isPixiFixture(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "pyproject.toml"))
	return err == nil && strings.Contains(string(data), "[tool.pixi")
}
