package e2e_test

// The pixi family (OneTrainer's PR #1244, fixture e079c1f2): twin
// checkouts, one running the branch's own Bash scripts and one the linked
// launcher, with the same stand-in pixi (pixistandin: pixi cannot be had
// here) and the same steps. What a user can observe must be equal: exit
// statuses, the pixi calls and their order, the environments made and what
// they hold, and which script ran with which arguments and OT_*, PYTORCH_*
// and pixi environment.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// pixiManifest is the twins' pyproject.toml: the fixture's pixi tables,
// with one small test wheel per environment for OneTrainer's packages.
const pixiManifest = `[project]
name = "onetrainer"
requires-python = ">=3.10,<3.14"
version = "0.1.0"
dependencies = ["otglobal"]

[project.optional-dependencies]
cpu = ["otdefault"]
cuda12 = ["otlegacy"]
cuda13 = ["otcuda"]
rocm = ["otrocm"]

[tool.pixi.workspace]
channels = ["conda-forge"]
platforms = ["linux-64"]
requires-pixi = ">=0.71.2"

[tool.pixi.environments]
cpu = ["cpu"]
cuda13 = ["cuda13"]
cuda12 = ["cuda12"]
rocm = ["rocm"]
`

// installPixiStandin stands in for the checkout's install-pixi.sh (pixi's
// own installer, which downloads pixi): it puts the pixi stand-in where
// the real one puts pixi, ${PIXI_HOME:-$HOME/.pixi}/bin.
const installPixiStandin = `#!/bin/sh
# A STAND-IN for pixi's installer: it copies the pixi stand-in instead of downloading pixi.
set -eu
PIXI_HOME="${PIXI_HOME:-$HOME/.pixi}"
mkdir -p "$PIXI_HOME/bin"
cp "$PIXI_STANDIN_BINARY" "$PIXI_HOME/bin/pixi"
echo "The 'pixi' binary is installed into '$PIXI_HOME/bin'"
`

// pixiTwin writes a checkout of the pixi fixture's shape into dir: its
// launch files (and scripts/pip-install/), probe scripts, requirements,
// the test manifest and a pixi.lock for it, and the installer stand-in.
// /dev/kfd in the checkout's own detection is a path of the test's
// (kfd), so that both twins see the same AMD sign.
func pixiTwin(t *testing.T, fx fixture, dir, kfd string) {
	t.Helper()
	write := func(name string, data []byte, mode os.FileMode) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, mode); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"lib.include.sh", "install.sh", "update.sh", "start-ui.sh", "run-cmd.sh", "scripts/util/version_check.py",
		"scripts/pip-install/lib.include.sh", "scripts/pip-install/install.sh", "scripts/pip-install/update.sh",
		"scripts/pip-install/start-ui.sh", "scripts/pip-install/run-cmd.sh"} {
		data, err := os.ReadFile(filepath.Join(fx.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "lib.include.sh" {
			data = bytes.ReplaceAll(data, []byte(`"/dev/kfd"`), []byte(`"`+kfd+`"`))
		}
		write(name, data, 0o755)
	}
	for _, h := range fx.has {
		switch {
		case strings.HasSuffix(h, ".py"):
			write(h, []byte(probe), 0o644)
		case strings.HasPrefix(h, "requirements-"):
			mod := map[string]string{"requirements-global.txt": "otglobal", "requirements-cuda.txt": "otcuda",
				"requirements-cuda-legacy.txt": "otlegacy", "requirements-rocm.txt": "otrocm", "requirements-default.txt": "otdefault"}[h]
			if mod != "" {
				write(h, []byte(mod+"\n"), 0o644)
			}
		}
	}
	write("pyproject.toml", []byte(pixiManifest), 0o644)
	write("install-pixi.sh", []byte(installPixiStandin), 0o755)
	write(".gitignore", []byte("/venv*\n/.venv*\n/conda_env*\n/update.var\n/out/\n.pixi/*\n"), 0o644)
	lock := exec.Command(s.pixi, "lock")
	lock.Dir = dir
	if out, err := lock.CombinedOutput(); err != nil {
		t.Fatalf("writing pixi.lock: %v\n%s", err, out)
	}
}

// gitRun runs git in dir.
func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t.invalid", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t.invalid")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func linkLauncher(t *testing.T, dir string) {
	t.Helper()
	if out, err := exec.Command(s.launcher, "link", dir).CombinedOutput(); err != nil {
		t.Fatalf("link: %v\n%s", err, out)
	}
}

// pixiScenario is a scenario with how its twins are made.
type pixiScenario struct {
	scenario
	// git: "clone" makes the twins clones of an origin that gets a new
	// commit before the steps (a dependency added); "none" makes them
	// trees without git, whose update.sh makes them clones of the
	// origin; "" makes plain git checkouts.
	git string
	kfd bool // the AMD sign exists
	// early: an OT_PLATFORM the manifest does not define is refused by
	// the launcher before pixi runs, where the scripts leave it to pixi
	// to refuse; the same statuses, and no pixi call of the launcher's.
	early bool
}

func pixiScenarios() []pixiScenario {
	smi := func(cuda string) func(t *testing.T, bin string) {
		return func(t *testing.T, bin string) {
			// A stand-in for nvidia-smi: no GPU can be had here. It prints
			// a real driver's banner.
			writeExec(t, filepath.Join(bin, "nvidia-smi"), "#!/bin/sh\ncat <<'EOF'\n"+strings.Replace(nvidiaBanner, "12.4", cuda, 1)+"EOF\n")
		}
	}
	all := [][]string{{"./install.sh"}, {"./start-ui.sh", "--ui-flag", "two words"}, {"./run-cmd.sh", "train", "--config-path", "x.json"},
		{"OT_CUDA_LOWMEM_MODE=true", "./start-ui.sh"}}
	return []pixiScenario{
		{scenario: scenario{name: "detect cpu", pixi: "path", steps: all}},
		{scenario: scenario{name: "start-ui first", pixi: "path", steps: [][]string{{"./start-ui.sh", "x"}, {"./install.sh"}}}},
		{scenario: scenario{name: "OT_PLATFORM given", pixi: "path", env: []string{"OT_PLATFORM=cuda13"}, steps: all[:3]}},
		{scenario: scenario{name: "OT_PLATFORM unknown", pixi: "path", env: []string{"OT_PLATFORM=tpu"}, steps: all[:2]}, early: true},
		{scenario: scenario{name: "driver CUDA 12", pixi: "path", tools: smi("12.4"), steps: all[:2]}},
		{scenario: scenario{name: "driver CUDA 13", pixi: "path", tools: smi("13.0"), steps: all[:2]}},
		// nvidia-smi that cannot reach the driver tells no CUDA version:
		// the scripts' awk comparison then fails, which is their legacy
		// environment (with their warning); a STAND-IN for it, as above.
		{scenario: scenario{name: "nvidia-smi without a driver", pixi: "path", steps: all[:2], tools: func(t *testing.T, bin string) {
			writeExec(t, filepath.Join(bin, "nvidia-smi"), "#!/bin/sh\necho \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\"\nexit 9\n")
		}}},
		{scenario: scenario{name: "kfd", pixi: "path", steps: all[:2]}, kfd: true},
		{scenario: scenario{name: "pixi missing", pixi: "installer", steps: all[:3]}},
		{scenario: scenario{name: "update", pixi: "path", steps: [][]string{{"./install.sh"}, {"./update.sh"}, {"./start-ui.sh"}}}, git: "clone"},
		{scenario: scenario{name: "update a tree without git", pixi: "path", steps: [][]string{{"./update.sh"}, {"./start-ui.sh"}},
			after: func(t *testing.T, dir string, step int) []string {
				out, _ := exec.Command("git", "-C", dir, "status", "--porcelain").Output()
				return []string{"git status: " + strings.Join(strings.Fields(string(out)), " ")}
			}}, git: "none"},
		{scenario: scenario{name: "OT_PIP_INSTALL", pixi: "path", env: []string{"OT_PIP_INSTALL=true"}, steps: all}},
		{scenario: scenario{name: "OT_PIP_INSTALL update", pixi: "path", env: []string{"OT_PIP_INSTALL=true"},
			steps: [][]string{{"./install.sh"}, {"./update.sh"}}}, git: "clone"},
	}
}

// normalPixi writes what the pip-install scripts of the pixi branch get
// wrong in their own words as the launcher has it: their lib.include.sh
// computes SCRIPT_DIR with `cd --"…"`, which fails, so it is empty and the
// update record's path is /update.var; the launcher exports the checkout
// (docs/compatibility.md).
func normalPixi(obs []string) []string {
	out := make([]string, len(obs))
	for i, o := range obs {
		o = strings.Replace(o, "env SCRIPT_DIR=", "env SCRIPT_DIR=$CO", 1)
		o = strings.Replace(o, "env SCRIPT_DIR=$CO$CO", "env SCRIPT_DIR=$CO", 1)
		o = strings.Replace(o, "env OT_UPDATE_METADATA_FILE=/update.var", "env OT_UPDATE_METADATA_FILE=$CO/update.var", 1)
		out[i] = o
	}
	return out
}

func TestFollowsThePixiCheckout(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("the original scripts need bash:", err)
	}
	fx := pixiFixture(t)
	if fx == nil {
		testkit.SkipFixtures(t, "no fixture of the pixi family in "+upstreamFixtures()+": tools/upstream-fixtures.sh writes it from a clone with PR #1244's merge (docs/testing.md)")
	}
	py, err := testkit.Find(10, 14)
	if err != nil {
		t.Fatal(err)
	}
	wheels := upstreamWheels(t, py)
	for _, sc := range pixiScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			kfdDir := t.TempDir()
			kfd := filepath.Join(kfdDir, "dev", "kfd")
			if sc.kfd {
				os.MkdirAll(filepath.Dir(kfd), 0o755)
				os.WriteFile(kfd, nil, 0o644)
			}
			orig, ours := filepath.Join(t.TempDir(), "OneTrainer"), filepath.Join(t.TempDir(), "OneTrainer")
			switch sc.git {
			case "clone", "none":
				origin := filepath.Join(t.TempDir(), "origin.git")
				work := filepath.Join(t.TempDir(), "work")
				pixiTwin(t, *fx, work, kfd)
				// update.sh makes a tree without git a clone of this origin.
				for _, name := range []string{"update.sh"} {
					p := filepath.Join(work, name)
					data, _ := os.ReadFile(p)
					os.WriteFile(p, bytes.ReplaceAll(data, []byte("https://github.com/Nerogar/OneTrainer.git"), []byte(origin)), 0o755)
				}
				gitRun(t, work, "init", "-q", "-b", "master")
				gitRun(t, work, "add", "-A")
				gitRun(t, work, "commit", "-q", "-m", "the pixi branch")
				gitRun(t, filepath.Dir(origin), "clone", "-q", "--bare", work, origin)
				for _, twin := range []string{orig, ours} {
					if sc.git == "clone" {
						gitRun(t, filepath.Dir(twin), "clone", "-q", origin, twin)
					} else {
						if out, err := exec.Command("cp", "-a", work, twin).CombinedOutput(); err != nil {
							t.Fatalf("%v\n%s", err, out)
						}
						os.RemoveAll(filepath.Join(twin, ".git"))
					}
				}
				if sc.git == "clone" {
					// Upstream moves on: a dependency more, and its lock.
					manifest := strings.Replace(pixiManifest, `dependencies = ["otglobal"]`, `dependencies = ["otglobal", "otrocm"]`, 1)
					os.WriteFile(filepath.Join(work, "pyproject.toml"), []byte(manifest), 0o644)
					lock := exec.Command(s.pixi, "lock")
					lock.Dir = work
					if out, err := lock.CombinedOutput(); err != nil {
						t.Fatalf("%v\n%s", err, out)
					}
					gitRun(t, work, "commit", "-q", "-am", "a dependency more")
					gitRun(t, work, "push", "-q", origin, "master")
				}
			default:
				for _, twin := range []string{orig, ours} {
					pixiTwin(t, *fx, twin, kfd)
					gitRun(t, twin, "init", "-q", "-b", "master")
					gitRun(t, twin, "add", "-A")
					gitRun(t, twin, "commit", "-q", "-m", "the pixi branch")
				}
			}
			linkLauncher(t, ours)
			want := normalPixi(observe(t, orig, sc.scenario, py, wheels))
			got := normalPixi(observe(t, ours, sc.scenario, py, wheels))
			if sc.early {
				want = slices.DeleteFunc(want, func(w string) bool { return strings.Contains(w, " pixi ") })
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("the launcher differs from the pixi branch's own scripts:\n%s", diffLines(want, got))
			}
			if !sc.early && len(want) < len(sc.steps)+1 {
				t.Errorf("too little observed to compare: %q", want)
			}
		})
	}
}

// A checkout whose launch files do something the launcher does not model
// is refused, naming the line, and nothing is created or changed; link
// refuses it the same way.
func TestRefusesWhatItCannotFollow(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	dir := testkit.Fixture(t, "e079c1f2")
	fx := fixture{name: "e079c1f2", dir: dir, has: []string{"scripts/train_ui.py", "scripts/train.py", "requirements-global.txt"}}
	co := filepath.Join(t.TempDir(), "OneTrainer")
	pixiTwin(t, fx, co, "/dev/kfd")
	start := filepath.Join(co, "start-ui.sh")
	data, _ := os.ReadFile(start)
	os.WriteFile(start, bytes.Replace(data, []byte("prepare_runtime_environment\n"), []byte("prepare_runtime_environment\nconda activate onetrainer\n"), 1), 0o755)
	gitRun(t, co, "init", "-q", "-b", "master")
	gitRun(t, co, "add", "-A")
	gitRun(t, co, "commit", "-q", "-m", "x")
	before := snapshot(t, co)
	out, err := exec.Command(s.launcher, "link", co).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "start-ui.sh:14: conda activate onetrainer: the launcher does not model this step") {
		t.Errorf("link: %v\n%s", err, out)
	}
	if after := snapshot(t, co); after != before {
		t.Errorf("link changed the checkout:\n%s\n---\n%s", before, after)
	}
	// Linked by hand (an older launcher did not refuse): no applet is
	// stopped, each runs the checkout's own script with bash
	// (fallback_test.go runs them); with no bash on PATH, as that script's
	// #!/usr/bin/env bash, it cannot start: 127, and nothing changed.
	for _, name := range []string{"install.sh", "start-ui.sh"} {
		os.Remove(filepath.Join(co, name))
		os.Symlink(s.launcher, filepath.Join(co, name))
	}
	os.MkdirAll(filepath.Join(co, ".git", "onetrainer-launcher", "upstream"), 0o755)
	os.WriteFile(filepath.Join(co, ".git", "onetrainer-launcher", "upstream", "start-ui.sh"), bytes.Replace(data, []byte("prepare_runtime_environment\n"), []byte("prepare_runtime_environment\nconda activate onetrainer\n"), 1), 0o644)
	before = withoutState(snapshot(t, co))
	gitOnly := t.TempDir() // git, which keeps git's copy of install.sh, and no bash
	if gitPath, err := exec.LookPath("git"); err != nil {
		t.Fatal(err)
	} else if err := os.Symlink(gitPath, filepath.Join(gitOnly, "git")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"install.sh", "start-ui.sh"} {
		cmd := exec.Command("./"+name, "x")
		cmd.Dir = co
		cmd.Env = append(os.Environ(), "PATH="+gitOnly)
		out, err := cmd.CombinedOutput()
		code := -1
		if xe, ok := err.(*exec.ExitError); ok {
			code = xe.ExitCode()
		}
		if code != 127 || !strings.Contains(string(out), "[OneTrainer] Warning: the launcher cannot follow this checkout's launch files (start-ui.sh:14: conda activate onetrainer") ||
			!strings.Contains(string(out), "so the checkout's own "+name+" runs as it is, with bash") || !strings.Contains(string(out), "onetrainer-launcher unlink") ||
			!strings.Contains(string(out), "[OneTrainer] Error: the checkout's own "+name+" needs bash, which is not on PATH") {
			t.Errorf("%s: %d\n%s", name, code, out)
		}
	}
	if after := withoutState(snapshot(t, co)); after != before {
		t.Errorf("a refused launch changed the checkout:\n%s\n---\n%s", before, after)
	}
}

// The pixi family's own settings get the same checks as every other: a
// bad value is an error naming it, before pixi or anything else runs.
func TestPixiBadInput(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	dir := testkit.Fixture(t, "e079c1f2")
	fx := fixture{name: "e079c1f2", dir: dir, has: []string{"scripts/train_ui.py", "scripts/train.py", "requirements-global.txt"}}
	co := filepath.Join(t.TempDir(), "OneTrainer")
	pixiTwin(t, fx, co, "/dev/kfd")
	gitRun(t, co, "init", "-q", "-b", "master")
	gitRun(t, co, "add", "-A")
	gitRun(t, co, "commit", "-q", "-m", "x")
	linkLauncher(t, co)
	bin := t.TempDir()
	pixi, _ := os.ReadFile(s.pixi)
	writeExec(t, filepath.Join(bin, "pixi"), string(pixi))
	log := filepath.Join(t.TempDir(), "pixi.log")
	before := withoutState(snapshot(t, co))
	for _, tc := range []struct{ env, want string }{
		{"OT_PLATFORM= ", `OT_PLATFORM=" " holds only whitespace`},
		{"OT_PIP_INSTALL=maybe", `OT_PIP_INSTALL="maybe" is not a boolean`},
		{"OT_CUDA_LOWMEM_MODE=sometimes", `OT_CUDA_LOWMEM_MODE="sometimes" is not a boolean`},
	} {
		code, _, stderr := launch(t, co, "install.sh", []string{tc.env, "PATH=" + bin + ":/usr/bin:/bin", "PIXI_STANDIN_LOG=" + log})
		if code != 1 || !errorLine(stderr, tc.want) {
			t.Errorf("%s: %d\n%s", tc.env, code, stderr)
		}
	}
	if _, err := os.Stat(log); err == nil {
		t.Error("pixi ran for a bad setting")
	}
	if after := withoutState(snapshot(t, co)); after != before {
		t.Errorf("a bad setting changed the checkout:\n%s\n---\n%s", before, after)
	}
}

// withoutState is a snapshot without the launcher's memo of what the
// checkout's files say (and git's copies it keeps to read them), which a
// refused launch may write, nor its launch logs, which a refused launch
// writes: the checkout and its env may not change.
func withoutState(snap string) string {
	var keep []string
	for _, line := range strings.Split(snap, "\n") {
		if !strings.HasPrefix(line, ".git/onetrainer-launcher/facts") && !strings.HasPrefix(line, ".git/onetrainer-launcher/upstream/") &&
			!strings.HasPrefix(line, ".git/onetrainer-launcher/logs") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}
