// Command bench measures the launcher's warm path against Python itself.
//
//	go run ./internal/cmd/bench [-rounds 40] [-upstream DIR] [-pixi DIR] [-original /path/to/OneTrainer]
//
// It builds the launcher as released (-trimpath -ldflags='-s -w'), prepares
// checkouts with a ready venv and UI stubs that exit at once, and times,
// interleaved round by round: the bare Python start; the Go floor (an
// empty Go program of the launcher's Go version, built with the same flags,
// that only execs the same Python) and the floor with mvdan.cc/sh/v3/syntax
// linked in (what linking the shell parser costs every start);
// `./start-ui.sh` and `./run-cmd.sh train` on a miniature checkout without
// launch files, and on one holding the launch files of -upstream (default:
// OneTrainer's HEAD from ../shared/fixtures/upstream/23df3832, when there)
// linked with `link`, as a user has it; a launch that falls back — the same
// files with a step in lib.include.sh that the launcher does not model, so
// that it runs the checkout's own start-ui.sh with bash — against `bash
// start-ui.sh` on an unlinked copy of those files; and, with -original, the
// original Bash scripts of a OneTrainer checkout on the same venv. The
// Python bounds come from the launch files, read by the launcher's own
// parser: the built-in ones for the miniature checkout, -upstream's for
// the others. It prints medians,
// their ratios to the bare start and to the Go floor, and minor page faults
// (this machine's largest start-up cost), then a first install against the
// same steps run directly, conda calls per warm launch, the launcher's peak
// RSS before it execs, and the cost of GPU detection. It asserts nothing.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gpu"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyenv"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyversion"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/settings"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

func main() {
	rounds := flag.Int("rounds", 40, "timed rounds; each runs every variant once")
	upstream := flag.String("upstream", filepath.Join("..", "shared", "fixtures", "upstream", "23df3832"),
		"a folder holding a OneTrainer commit's lib.include.sh, start-ui.sh, run-cmd.sh, install.sh and update.sh")
	original := flag.String("original", "", "a OneTrainer checkout whose Bash launch scripts to time beside the launcher")
	pixi := flag.String("pixi", filepath.Join("..", "shared", "fixtures", "upstream", "e079c1f2"),
		"a folder holding the launch files of OneTrainer's pixi-based branch")
	flag.Parse()
	if err := run(*rounds, *upstream, *original, *pixi); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type variant struct {
	name  string
	argv  []string
	env   []string
	dir   string
	runs  []time.Duration
	flts  []int64
	floor bool // the Go floor: ratios of launcher lines are also given to it
}

func run(rounds int, upstreamDir, original, pixiDir string) error {
	work, err := os.MkdirTemp("", "ot-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	launcher := filepath.Join(work, "onetrainer-launcher")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", launcher, ".")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build (run from the repository root): %v\n%s", err, out)
	}
	// The miniature checkout has no launch files: the built-in bounds.
	mini, err := constantsOf("")
	if err != nil {
		return err
	}
	bounds := mini.Python
	if _, err := os.Stat(filepath.Join(upstreamDir, layout.LibFile)); err == nil {
		up, err := constantsOf(upstreamDir)
		if err != nil {
			return err
		}
		bounds = intersect(bounds, up.Python)
	}
	py, err := findPython(bounds)
	if err != nil {
		return err
	}
	wheels := filepath.Join(work, "wheels")
	os.MkdirAll(wheels, 0o755)
	for _, w := range testkit.BundledWheels(testkit.Pythons()...) {
		data, _ := os.ReadFile(w)
		os.WriteFile(filepath.Join(wheels, filepath.Base(w)), data, 0o644)
	}

	co := filepath.Join(work, "checkout")
	if err := writeMini(co); err != nil {
		return err
	}
	for _, a := range []string{"install", "start-ui", "run-cmd"} {
		os.Symlink(launcher, filepath.Join(co, a+".sh"))
	}
	base := append(os.Environ(), upstream.VarPythonCmd+"="+py.Path, "PIP_NO_INDEX=1", "PIP_FIND_LINKS="+wheels,
		"PIP_DISABLE_PIP_VERSION_CHECK=1", upstream.VarPreferVenv+"=true", upstream.VarPythonVenv+"=.venv")
	install := exec.Command("./install.sh")
	install.Dir, install.Env = co, base
	if out, err := install.CombinedOutput(); err != nil {
		return fmt.Errorf("install.sh: %v\n%s", err, out)
	}

	goVersion, err := launcherGoVersion()
	if err != nil {
		return err
	}
	floor, err := buildFloor(work, "floor", goVersion, floorSource, "")
	if err != nil {
		return err
	}
	floorParser, err := buildFloor(work, "floor-parser", goVersion, floorParserSource, "mvdan.cc/sh/v3")
	if err != nil {
		return err
	}
	vs := []*variant{
		{name: "bare .venv/bin/python scripts/train_ui.py", argv: []string{".venv/bin/python", "scripts/train_ui.py"}},
		{name: "Go floor: an empty Go program's exec", argv: []string{floor, ".venv/bin/python", "scripts/train_ui.py"}, floor: true},
		{name: "Go floor + mvdan.cc/sh/v3/syntax linked", argv: []string{floorParser, ".venv/bin/python", "scripts/train_ui.py"}},
		{name: "./start-ui.sh (no launch files)", argv: []string{"./start-ui.sh"}},
		{name: "./run-cmd.sh train (no launch files)", argv: []string{"./run-cmd.sh", "train"}},
	}

	// The checkout with the upstream commit's launch files, linked as a
	// user links it; its venv is the commit's default (venv) and its UI
	// script the one its start-ui.sh names.
	if _, err := os.Stat(filepath.Join(upstreamDir, "lib.include.sh")); err == nil {
		head := filepath.Join(work, "head")
		if err := writeUpstream(head, upstreamDir, launcher, py.Path); err != nil {
			return err
		}
		vs = append(vs,
			&variant{name: "./start-ui.sh (upstream launch files, linked)", argv: []string{"./start-ui.sh"}, dir: head},
			&variant{name: "./run-cmd.sh train (upstream launch files, linked)", argv: []string{"./run-cmd.sh", "train"}, dir: head})
		// (Named …head, as head is, for its environment below.)
		fb, own := filepath.Join(work, "fallback-head"), filepath.Join(work, "own-head")
		if err := writeFallback(fb, own, upstreamDir, launcher, py.Path); err != nil {
			return err
		}
		vs = append(vs,
			&variant{name: "bash ./start-ui.sh (step not modelled, not linked)", argv: []string{"bash", "./start-ui.sh"}, dir: own},
			&variant{name: "./start-ui.sh (step not modelled, linked: fallback)", argv: []string{"./start-ui.sh"}, dir: fb})
	} else {
		fmt.Printf("(no %s: the upstream-files case is left out)\n", filepath.Join(upstreamDir, "lib.include.sh"))
	}

	// The pixi branch's launch files, linked, with the pixi stand-in (pixi
	// cannot be had here): the stand-in's own `pixi run` is timed too, so
	// that the launcher's share shows apart from the stand-in's.
	if _, err := os.Stat(filepath.Join(pixiDir, "lib.include.sh")); err == nil {
		px := filepath.Join(work, "pixi")
		standin, err := writePixi(px, pixiDir, launcher, py.Path, filepath.Join(work, "bin"))
		if err != nil {
			return err
		}
		vs = append(vs,
			&variant{name: "pixi stand-in: pixi run … python train_ui.py", argv: []string{standin, "run", "--locked", "-e", "cpu", "python", "scripts/train_ui.py"}, dir: px},
			&variant{name: "./start-ui.sh (pixi branch, linked)", argv: []string{"./start-ui.sh"}, dir: px})
	} else {
		fmt.Printf("(no %s: the pixi case is left out)\n", filepath.Join(pixiDir, "lib.include.sh"))
	}

	if original != "" {
		orig := filepath.Join(work, "original")
		os.MkdirAll(orig, 0o755)
		for _, f := range []string{"lib.include.sh", "start-ui.sh", "run-cmd.sh"} {
			data, err := os.ReadFile(filepath.Join(original, f))
			if err != nil {
				return fmt.Errorf("-original: %v", err)
			}
			os.WriteFile(filepath.Join(orig, f), data, 0o755)
		}
		for _, e := range []string{"scripts", ".venv", "requirements-global.txt", "requirements-default.txt"} {
			os.Symlink(filepath.Join(co, e), filepath.Join(orig, e))
		}
		vs = append(vs,
			&variant{name: "original ./start-ui.sh (Bash)", argv: []string{"./start-ui.sh"}, dir: orig},
			&variant{name: "original ./run-cmd.sh train (Bash)", argv: []string{"./run-cmd.sh", "train"}, dir: orig})
	}
	for _, v := range vs {
		if v.dir == "" {
			v.dir = co
		}
		v.env = base
		if v.dir != co {
			v.env = append(append([]string(nil), os.Environ()...), upstream.VarPythonVenv+"=.venv", upstream.VarPreferVenv+"=true")
			if strings.HasSuffix(v.dir, "head") {
				v.env = os.Environ()
			}
			if strings.HasSuffix(v.dir, "pixi") {
				v.env = append(os.Environ(), "PATH="+filepath.Join(work, "bin")+":"+os.Getenv("PATH"), "PIXI_STANDIN_PYTHON="+py.Path)
			}
		}
		if _, _, err := timeOnce(v); err != nil { // warm-up, and a check that it works
			return fmt.Errorf("%s: %v", v.name, err)
		}
	}
	for i := 0; i < rounds; i++ {
		for _, v := range vs {
			d, flt, err := timeOnce(v)
			if err != nil {
				return fmt.Errorf("%s: %v", v.name, err)
			}
			v.runs = append(v.runs, d)
			v.flts = append(v.flts, flt)
		}
	}

	host, _ := os.Hostname()
	fmt.Printf("onetrainer-launcher warm-path benchmark: %d interleaved rounds, %s, %s, %s, on %s\n\n", rounds, py, goVersion, runtimeInfo(), host)
	bare, floorMed := median(vs[0].runs), median(vs[1].runs)
	fmt.Printf("%-52s %10s %8s %9s %12s\n", "command", "median", "ratio", "to floor", "page faults")
	for _, v := range vs {
		m := median(v.runs)
		fmt.Printf("%-52s %10s %8.3f %9.3f %12d\n", v.name, ms(m), float64(m)/float64(bare), float64(m)/float64(floorMed), medianInt(v.flts))
	}
	if err := firstInstall(work, co, base, py.Path, mini); err != nil {
		return err
	}
	if err := condaCalls(work, co, base, original != ""); err != nil {
		return err
	}
	rss, err := launcherRSS(work, launcher, base)
	if err != nil {
		return err
	}
	fmt.Printf("\nlauncher peak RSS before exec: %.1f MB\n", float64(rss)/1024)
	look, pci := detectionCost()
	fmt.Printf("GPU detection, median of 1000 on this machine: device nodes and nvidia-smi/nvcc lookup %s; PCI bus with the built-in id table %s\n", look, pci)
	return nil
}

// writePixi makes a git checkout of the pixi branch's shape: its launch
// files, the miniature's stubs, a manifest without packages, a lock for
// it, the launcher linked in, and the cpu environment installed, all with
// the pixi stand-in, built into bin. It returns the stand-in.
func writePixi(dir, pixiDir, launcher, python, bin string) (string, error) {
	standin := filepath.Join(bin, "pixi")
	if out, err := exec.Command("go", "build", "-o", standin, "./internal/e2e/pixistandin").CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the pixi stand-in: %v\n%s", err, out)
	}
	if err := writeMini(dir); err != nil {
		return "", err
	}
	for _, f := range []string{"lib.include.sh", "start-ui.sh", "run-cmd.sh", "install.sh", "update.sh"} {
		data, err := os.ReadFile(filepath.Join(pixiDir, f))
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o755); err != nil {
			return "", err
		}
	}
	manifest := "[project]\nname = \"onetrainer\"\nversion = \"0.1.0\"\ndependencies = []\n\n[tool.pixi.workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\n\n[tool.pixi.environments]\ncpu = []\ncuda13 = []\ncuda12 = []\nrocm = []\n"
	if err := os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(manifest), 0o644); err != nil {
		return "", err
	}
	env := append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "PIXI_STANDIN_PYTHON="+python, "GIT_AUTHOR_NAME=b", "GIT_AUTHOR_EMAIL=b@b.invalid",
		"GIT_COMMITTER_NAME=b", "GIT_COMMITTER_EMAIL=b@b.invalid")
	for _, argv := range [][]string{{standin, "lock"}, {"git", "init", "-q"}, {"git", "add", "-A"}, {"git", "commit", "-q", "-m", "pixi"},
		{launcher, "link", "."}, {"./install.sh"}} {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("preparing the pixi checkout, %v: %v\n%s", argv, err, out)
		}
	}
	return standin, nil
}

// writeMini writes the miniature checkout: stubs that exit at once, a
// plain version check, empty requirements, no launch files.
func writeMini(co string) error {
	files := map[string]string{
		"scripts/train_ui.py":           "",
		"scripts/train_ui_qt.py":        "", // what the newest original start-ui.sh runs
		"scripts/train.py":              "",
		"scripts/util/version_check.py": versionCheck,
		"requirements-global.txt":       "",
		"requirements-default.txt":      "",
		"requirements-cuda.txt":         "",
		"requirements-rocm.txt":         "",
	}
	for name, body := range files {
		p := filepath.Join(co, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeUpstream makes a git checkout holding the launch files of the
// upstream folder and the miniature's stubs, links the launcher into it,
// and gives it a ready venv in `venv` (a venv without pip: what the warm
// path looks at is its Python and pyvenv.cfg).
func writeUpstream(head, upstreamDir, launcher, python string) error {
	if err := writeMini(head); err != nil {
		return err
	}
	for _, f := range []string{"lib.include.sh", "start-ui.sh", "run-cmd.sh", "install.sh", "update.sh", "scripts/util/version_check.py"} {
		data, err := os.ReadFile(filepath.Join(upstreamDir, f))
		if err != nil {
			if f == "scripts/util/version_check.py" {
				continue
			}
			return err
		}
		if err := os.WriteFile(filepath.Join(head, f), data, 0o755); err != nil {
			return err
		}
	}
	steps := [][]string{
		{"git", "init", "-q", "-b", "main"}, {"git", "add", "-A"},
		{"git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "upstream files"},
		{launcher, "link"}, {python, "-m", "venv", "--without-pip", "venv"},
	}
	for _, st := range steps {
		cmd := exec.Command(st[0], st[1:]...)
		cmd.Dir = head
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("preparing the upstream checkout, %v: %v\n%s", st, err, out)
		}
	}
	// The records an install through the launcher leaves, so that the warm
	// path checks them as it does for users.
	venv := filepath.Join(head, "venv")
	files, err := pyenv.HashFiles(head, "requirements-global.txt", "requirements-default.txt")
	if err == nil {
		err = pyenv.MarkCreated(venv)
	}
	if err == nil {
		err = pyenv.CompleteInstall(venv, files)
	}
	if err != nil {
		return err
	}
	cmd := exec.Command("./start-ui.sh")
	cmd.Dir = head
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("the upstream checkout's first start: %v\n%s", err, out)
	}
	return nil
}

// writeFallback makes two checkouts holding the launch files of the
// upstream folder with one step more that the launcher does not model (a
// function of lib.include.sh that prepare_runtime_environment calls, made
// of Bash builtins only): fb, linked before that step came (by a commit),
// so that its ./start-ui.sh runs the checkout's own script with bash after
// one warning line; own, not linked, whose start-ui.sh is run with bash
// directly. Each has a ready venv of its own.
func writeFallback(fb, own, upstreamDir, launcher, python string) error {
	if err := writeUpstream(fb, upstreamDir, launcher, python); err != nil {
		return err
	}
	u, err := testkit.ReadUpstream(fb)
	if err != nil {
		return err
	}
	u.AddFunction("check_checkout_writable", `if [[ ! -w "${SCRIPT_DIR}" ]]; then
    print_warning "${SCRIPT_DIR} is not writable: updates will fail."
fi`).After(layout.LibFile, "activate_chosen_env", "check_checkout_writable")
	if err := u.Write(fb); err != nil {
		return err
	}
	commit := exec.Command("git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-am", "a step not modelled")
	commit.Dir = fb
	if out, err := commit.CombinedOutput(); err != nil {
		return fmt.Errorf("committing the step not modelled: %v\n%s", err, out)
	}
	if err := writeMini(own); err != nil {
		return err
	}
	if err := u.Write(own); err != nil {
		return err
	}
	check, err := os.ReadFile(filepath.Join(fb, "scripts", "util", "version_check.py"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(own, "scripts", "util", "version_check.py"), check, 0o644); err != nil {
		return err
	}
	if out, err := exec.Command(python, "-m", "venv", "--without-pip", filepath.Join(own, "venv")).CombinedOutput(); err != nil {
		return fmt.Errorf("the unlinked copy's venv: %v\n%s", err, out)
	}
	// The linked checkout falls back: one warning line, then the script.
	cmd := exec.Command("./start-ui.sh")
	cmd.Dir = fb
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "[OneTrainer] Warning: ") {
		return fmt.Errorf("the linked checkout with a step not modelled does not fall back to its own script: %v\n%s", err, out)
	}
	return nil
}

// constantsOf is the Python bounds and conda's Python of the launch files
// in dir, read by the launcher's own parser: with dir "", the built-in
// ones, which a checkout without launch files gets.
func constantsOf(dir string) (settings.Constants, error) {
	var srcs []upstream.Source
	if dir != "" {
		for _, name := range append([]string{layout.LibFile}, layout.Scripts()...) {
			if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
				srcs = append(srcs, upstream.Source{Name: name, Data: data})
			}
		}
	}
	return settings.ConstantsOf(upstream.Extract(dir, host.Current().Uname(), srcs))
}

// intersect is the Pythons both ranges accept.
func intersect(a, b pyversion.Range) pyversion.Range {
	if b.Lo.Compare(a.Lo) > 0 {
		a.Lo = b.Lo
	}
	if b.Hi.Compare(a.Hi) < 0 {
		a.Hi = b.Hi
	}
	return a
}

// findPython is the newest installed Python 3 the range accepts.
func findPython(r pyversion.Range) (testkit.Python, error) {
	minor := func(v pyversion.Version, above int) int {
		switch {
		case len(v) == 0 || v[0] < 3:
			return 0
		case v[0] > 3:
			return above
		case len(v) < 2:
			return 0
		}
		return v[1]
	}
	py, err := testkit.Find(minor(r.Lo, 1000), minor(r.Hi, 1000))
	if err != nil {
		return py, fmt.Errorf("a Python %s: %v", r, err)
	}
	return py, nil
}

// condaCalls counts the conda calls of one warm launch on a conda prefix
// env, with the conda stand-in from internal/e2e/condastandin (conda itself
// cannot be installed here), for the launcher and, with -original, the
// original scripts.
func condaCalls(work, co string, base []string, original bool) error {
	root := filepath.Join(work, "miniconda")
	conda := filepath.Join(root, "bin", "conda")
	if out, err := exec.Command("go", "build", "-o", conda, "./internal/e2e/condastandin").CombinedOutput(); err != nil {
		return fmt.Errorf("building the conda stand-in: %v\n%s", err, out)
	}
	log := filepath.Join(work, "conda.log")
	k, err := constantsOf("")
	if err != nil {
		return err
	}
	py, err := findPython(k.Python)
	if err != nil {
		return err
	}
	env := append(append([]string(nil), base...), upstream.VarPreferVenv+"=false", upstream.VarCondaEnv+"=./conda_env",
		upstream.VarCondaCmd+"="+conda, "CONDA_STANDIN_PYTHON="+py.Path, "CONDA_STANDIN_LOG="+log)
	install := exec.Command("./install.sh")
	install.Dir, install.Env = co, env
	if out, err := install.CombinedOutput(); err != nil {
		return fmt.Errorf("install.sh on conda: %v\n%s", err, out)
	}
	count := func(dir string) (int, error) {
		os.Remove(log)
		cmd := exec.Command("./start-ui.sh")
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("start-ui.sh on conda in %s: %v\n%s", dir, err, out)
		}
		data, _ := os.ReadFile(log)
		return strings.Count(string(data), "\n"), nil
	}
	n, err := count(co)
	if err != nil {
		return err
	}
	fmt.Printf("\nconda calls per warm ./start-ui.sh (conda stand-in, prefix env): launcher %d", n)
	if original {
		os.Symlink(filepath.Join(co, "conda_env"), filepath.Join(work, "original", "conda_env"))
		m, err := count(filepath.Join(work, "original"))
		if err != nil {
			return err
		}
		fmt.Printf(", original %d", m)
	}
	fmt.Println()
	return nil
}

// firstInstall times ./install.sh on a fresh copy of the checkout against
// the same steps run directly (venv creation, the version check, both pip
// commands), interleaved over five rounds, and prints the medians.
func firstInstall(work, co string, base []string, python string, k settings.Constants) error {
	var ours, direct []time.Duration
	for i := 0; i < 5; i++ {
		for _, viaLauncher := range []bool{true, false} {
			dir := filepath.Join(work, fmt.Sprintf("fresh-%d-%v", i, viaLauncher))
			if out, err := exec.Command("cp", "-a", co, dir).CombinedOutput(); err != nil {
				return fmt.Errorf("copying the checkout: %v\n%s", err, out)
			}
			os.RemoveAll(filepath.Join(dir, ".venv"))
			steps := [][]string{{"./install.sh"}}
			if !viaLauncher {
				pip := []string{".venv/bin/python", "-m", "pip", "install", "--upgrade", "--upgrade-strategy", "eager"}
				steps = [][]string{
					{python, "-m", "venv", ".venv"},
					{".venv/bin/python", "scripts/util/version_check.py", k.PythonVersionMinimum, k.PythonVersionTooHigh},
					append(append([]string(nil), pip...), "pip", "setuptools"),
					append(append([]string(nil), pip...), "-r", "requirements-global.txt", "-r", "requirements-default.txt"),
				}
			}
			start := time.Now()
			for _, st := range steps {
				cmd := exec.Command(st[0], st[1:]...)
				cmd.Dir, cmd.Env = dir, base
				if out, err := cmd.CombinedOutput(); err != nil {
					return fmt.Errorf("first install %v: %v\n%s", st, err, out)
				}
			}
			if viaLauncher {
				ours = append(ours, time.Since(start))
			} else {
				direct = append(direct, time.Since(start))
			}
		}
	}
	o, d := median(ours), median(direct)
	fmt.Printf("first install (venv, version check, both pip commands), median of 5: ./install.sh %s, the same steps run directly %s, ratio %.3f\n",
		ms(o), ms(d), float64(o)/float64(d))
	return nil
}

// floorSource is the least a Go launcher can do: start, and exec Python.
// Its time over the bare start is the Go runtime's own start-up cost on this
// machine, a floor under any Go launcher's figure.
const floorSource = `package main

import (
	"os"
	"syscall"
)

func main() {
	err := syscall.Exec(os.Args[1], os.Args[1:], os.Environ())
	panic(err)
}
`

// floorParserSource is the floor with the shell parser the launcher reads
// the checkout's launch files with linked in (and never called on this
// path): what linking it costs every start, its package initialisation
// included.
const floorParserSource = `package main

import (
	"os"
	"syscall"

	"mvdan.cc/sh/v3/syntax"
)

func main() {
	if len(os.Args) > 1<<20 {
		syntax.NewParser().Parse(os.Stdin, "")
	}
	err := syscall.Exec(os.Args[1], os.Args[1:], os.Environ())
	panic(err)
}
`

// launcherGoVersion is the go line of the launcher's go.mod: the floor is
// built for the same language version, so that both get the same GODEBUG
// defaults.
func launcherGoVersion() (string, error) {
	data, err := os.ReadFile("go.mod")
	if err != nil {
		return "", fmt.Errorf("reading go.mod (run from the repository root): %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "go "); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", fmt.Errorf("go.mod names no go version")
}

// buildFloor builds a floor program; with require, it requires that
// module at the launcher's version (copied from the launcher's go.mod and
// go.sum).
func buildFloor(work, name, goVersion, source, require string) (string, error) {
	dir := filepath.Join(work, name)
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte(source), 0o644)
	mod := "module " + name + "\n\ngo " + goVersion + "\n"
	if require != "" {
		data, _ := os.ReadFile("go.mod")
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == require {
				mod += "\nrequire " + f[0] + " " + f[1] + "\n"
			}
		}
		sum, _ := os.ReadFile("go.sum")
		os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644)
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s: %v\n%s", name, err, out)
	}
	return bin, nil
}

// versionCheck is a plain version check for the miniature checkout.
const versionCheck = `import sys
def v(s):
    return tuple(int(x) for x in s.split("."))
if not (v(sys.argv[1]) <= tuple(sys.version_info[:3]) < v(sys.argv[2])):
    sys.exit(1)
`

// timeOnce runs v once and returns its wall time and minor page faults
// (its own and the Python's it becomes).
func timeOnce(v *variant) (time.Duration, int64, error) {
	cmd := exec.Command(v.argv[0], v.argv[1:]...)
	cmd.Dir, cmd.Env = v.dir, v.env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("%v\n%s", err, out)
	}
	var flt int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		flt = ru.Minflt
	}
	return d, flt, nil
}

// launcherRSS runs start-ui in a checkout whose venv python is /bin/true,
// a program far smaller than the launcher, and reads the peak RSS of the
// process and its descendants: the launcher's own, before it execs.
func launcherRSS(work, launcher string, env []string) (int64, error) {
	co := filepath.Join(work, "rss")
	for _, d := range []string{".venv/bin", "scripts/util"} {
		os.MkdirAll(filepath.Join(co, d), 0o755)
	}
	os.WriteFile(filepath.Join(co, ".venv/bin/activate"), nil, 0o644)
	os.WriteFile(filepath.Join(co, "scripts/util/version_check.py"), nil, 0o644)
	os.WriteFile(filepath.Join(co, "scripts/train_ui.py"), nil, 0o644)
	os.WriteFile(filepath.Join(co, "requirements-global.txt"), nil, 0o644)
	truePath, err := exec.LookPath("true")
	if err != nil {
		return 0, err
	}
	os.Symlink(truePath, filepath.Join(co, ".venv/bin/python"))
	os.Symlink(launcher, filepath.Join(co, "start-ui.sh"))
	var peak int64
	for i := 0; i < 5; i++ {
		cmd := exec.Command("./start-ui.sh")
		cmd.Dir, cmd.Env = co, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("start-ui with /bin/true as python: %v\n%s", err, out)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > peak {
			peak = ru.Maxrss // KiB on Linux
		}
	}
	return peak, nil
}

func detectionCost() (look, pci time.Duration) {
	p := gpu.ProbeFromEnv(host.Current(), "", os.Getenv("PATH"), ".")
	var a, b []time.Duration
	for i := 0; i < 1000; i++ {
		start := time.Now()
		p.Look()
		a = append(a, time.Since(start))
		start = time.Now()
		p.PCI()
		b = append(b, time.Since(start))
	}
	return median(a), median(b)
}

func medianInt(xs []int64) int64 {
	s := append([]int64(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func runtimeInfo() string {
	out, err := exec.Command("uname", "-srm").Output()
	if err != nil {
		return "unknown OS"
	}
	return strings.TrimSpace(string(out))
}
