package e2e_test

// One launch, one decision, whatever Python the host has: every kind of
// env × every commit of the fixtures × the host's Python fitting that
// commit's bounds, below them, above them, or none at all, each side by
// side with that commit's own Bash scripts.
//
//   - conda (each commit's own form: a named env at 2024-09-29, a prefix
//     env since): install, start-ui, run-cmd and update — conda brings its
//     own Python, so the host's never matters, and is never run, by
//     either side; with no host Python at all, a venv is asked for first:
//     both sides fail, the launcher's advice names the bounds, conda and
//     the exact command, and that command then works;
//   - a venv, which needs a host Python: with one that fits, install,
//     start-ui and run-cmd; with one below or above the bounds, install:
//     both fail (the commit's scripts after making a venv of the wrong
//     Python where it can make one, the launcher before making anything),
//     and the launcher's advice names the bounds, the Python it passed
//     over, and conda (with none: conda's row);
//   - the pixi branch's environment: install, start-ui, run-cmd and
//     update; pixi's lock brings its own Python. With a host Python that
//     does not fit (below the bounds, or above where none is below), then
//     the branch's hand-over to its pip scripts (OT_PIP_INSTALL=true) with
//     conda, which brings its own: install, start-ui, run-cmd.
//
// Before the steps upstream moves on (a requirement more, or a pixi
// dependency more), which update.sh must pull and install. conda is on
// PATH in every row, so that a row that does not choose it would show it
// leaking in. doctor, asked after each row's steps, names the kind the
// launch used and no problem — or, with a venv chosen and no Python to
// make it, that the venv cannot be made. PATH holds only the test's bin
// folder (the host's `python`, a logging wrapper, and the stand-ins) and
// the system's tools without any Python, so that "none" is none; the
// wrapper's log tells who ran the host's Python.

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// hostCase is a host's Python for a commit: the interpreter `python`
// runs (a real one, or a stand-in for a version this machine lacks), or
// none.
type hostCase struct {
	name    string // "fits", "too old", "too new", "none"
	python  string // "" for none
	standin string // the version a stand-in answers as; "" for a real one
}

// hostCases are the four for bounds [lo, hi) (minor versions of 3), from
// this machine's Pythons; a case no Python can be had for is left out, and
// said (no Python 3 is below 3.0).
func hostCases(t *testing.T, lo, hi int, fits testkit.Python) []hostCase {
	cases := []hostCase{{name: "fits", python: fits.Path}}
	var old, young *testkit.Python
	all := testkit.Pythons()
	for i := range all {
		p := &all[i]
		if p.Major != 3 {
			continue
		}
		if p.Minor < lo {
			old = p // the newest below
		}
		if p.Minor >= hi && young == nil {
			young = p // the oldest above
		}
	}
	if old != nil {
		cases = append(cases, hostCase{name: "too old", python: old.Path})
	} else {
		t.Logf("no Python below 3.%d here (a lower bound of 3 has none): no 'too old' case", lo)
	}
	if young != nil {
		cases = append(cases, hostCase{name: "too new", python: young.Path})
	} else {
		cases = append(cases, hostCase{name: "too new", standin: "3." + strconv.Itoa(hi) + ".0"})
	}
	return append(cases, hostCase{name: "none"})
}

// install puts the host's Python in bin as `python`: a wrapper that logs
// every run to log and then runs it.
func (h hostCase) install(t *testing.T, bin, log string) {
	t.Helper()
	real := h.python
	if h.standin != "" {
		real = filepath.Join(t.TempDir(), "python"+h.standin)
		versionStandin(t, real, h.standin)
	}
	if real == "" {
		return
	}
	writeExec(t, filepath.Join(bin, "python"), "#!/bin/sh\n# The host's Python, each run logged.\necho \"python $*\" >>"+strconv.Quote(log)+"\nexec "+strconv.Quote(real)+" \"$@\"\n")
}

var (
	toolsOnce sync.Once
	toolsDir  string
	toolsErr  error
)

// systemTools is a folder of links to every program of the system's
// folders but its Pythons, for a PATH on which no Python is found.
func systemTools(t *testing.T) string {
	toolsOnce.Do(func() {
		toolsDir, toolsErr = os.MkdirTemp("", "ot-tools")
		if toolsErr != nil {
			return
		}
		for _, d := range []string{"/usr/local/bin", "/usr/bin", "/bin"} {
			entries, _ := os.ReadDir(d)
			for _, e := range entries {
				n := e.Name()
				if strings.HasPrefix(n, "python") || strings.HasPrefix(n, "pip") || strings.HasPrefix(n, "pydoc") {
					continue
				}
				os.Symlink(filepath.Join(d, n), filepath.Join(toolsDir, n)) // the first folder's wins
			}
		}
	})
	if toolsErr != nil {
		t.Fatal(toolsErr)
	}
	return toolsDir
}

var boundRE = regexp.MustCompile(`export OT_PYTHON_VERSION_(MINIMUM|TOO_HIGH)="(3(?:\.(\d+))?)"`)

// boundsOf reads a commit's Python bounds from its lib.include.sh, as
// minor versions of 3, and as the launcher's messages write them
// (">= 3.10 and < 3.14").
func boundsOf(t *testing.T, dir string) (lo, hi int, text string) {
	data, err := os.ReadFile(filepath.Join(dir, "lib.include.sh"))
	if err != nil {
		t.Fatal(err)
	}
	lo, hi = -1, -1
	var loText, hiText string
	for _, m := range boundRE.FindAllStringSubmatch(string(data), -1) {
		n := 0
		if m[3] != "" {
			n, _ = strconv.Atoi(m[3])
		}
		if m[1] == "MINIMUM" {
			lo, loText = n, m[2]
		} else {
			hi, hiText = n, m[2]
		}
	}
	if lo < 0 || hi < 0 {
		t.Fatalf("no Python bounds in %s", dir)
	}
	return lo, hi, ">= " + loText + " and < " + hiText
}

// clonedTwins makes two clones of an origin holding the checkout that
// write makes — one for the commit's own scripts, one with the launcher
// linked in — and then moves the origin on by a commit of what next
// changes there, for update.sh to pull.
func clonedTwins(t *testing.T, write, next func(dir string)) (orig, ours string) {
	return clonedTwinsWith(t, write, nil, next)
}

// clonedTwinsWith is clonedTwins where user, when set, first changes both
// clones as a user changes their checkout (an uncommitted edit of a launch
// script, say): the launcher is then linked over it with link --force, as
// a user with such an edit links. next's commit takes every file it
// changed or added.
func clonedTwinsWith(t *testing.T, write, user, next func(dir string)) (orig, ours string) {
	t.Helper()
	work := filepath.Join(t.TempDir(), "work")
	write(work)
	gitRun(t, work, "init", "-q", "-b", "master")
	gitRun(t, work, "add", "-A")
	gitRun(t, work, "commit", "-q", "-m", "the fixture")
	origin := filepath.Join(t.TempDir(), "origin.git")
	gitRun(t, filepath.Dir(origin), "clone", "-q", "--bare", work, origin)
	orig, ours = filepath.Join(t.TempDir(), "OneTrainer"), filepath.Join(t.TempDir(), "OneTrainer")
	for _, twin := range []string{orig, ours} {
		gitRun(t, filepath.Dir(twin), "clone", "-q", origin, twin)
	}
	if user != nil {
		user(orig)
		user(ours)
		if out, err := exec.Command(s.launcher, "link", "--force", ours).CombinedOutput(); err != nil {
			t.Fatalf("link --force: %v\n%s", err, out)
		}
	} else {
		linkLauncher(t, ours)
	}
	next(work)
	gitRun(t, work, "add", "-A")
	gitRun(t, work, "commit", "-q", "-m", "upstream moves on")
	gitRun(t, work, "push", "-q", origin, "master")
	return orig, ours
}

// aRequirementMore is upstream moving on in the pip family: a requirement
// more for every platform, which update.sh installs.
func aRequirementMore(t *testing.T) func(dir string) {
	return func(dir string) {
		if err := os.WriteFile(filepath.Join(dir, "requirements-global.txt"), []byte("otglobal\notlegacy\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// aDependencyMore is upstream moving on in the pixi family: a dependency
// more in the manifest, and its lock.
func aDependencyMore(t *testing.T) func(dir string) {
	return func(dir string) {
		manifest := strings.Replace(pixiManifest, `dependencies = ["otglobal"]`, `dependencies = ["otglobal", "otrocm"]`, 1)
		if err := os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(manifest), 0o644); err != nil {
			t.Fatal(err)
		}
		lock := exec.Command(s.pixi, "lock")
		lock.Dir = dir
		if out, err := lock.CombinedOutput(); err != nil {
			t.Fatalf("writing pixi.lock: %v\n%s", err, out)
		}
	}
}

// installedIn reports whether the env whose label begins with env holds
// the test requirement req when the steps are done.
func installedIn(obs []string, env, req string) bool {
	for _, o := range obs {
		if strings.HasPrefix(o, "env "+env) {
			if _, list, ok := strings.Cut(o, " installed "); ok && strings.Contains(" "+list+" ", " "+req+" ") {
				return true
			}
		}
	}
	return false
}

// hostSteps are conda's steps for a host's Python: every applet,
// update.sh too; with no Python at all, a venv first, refused, then the
// way the advice names (a venv of a Python that does not fit: the venv
// rows).
// hostSide is one side's scenario of a host-Python row at dir: the host's
// python installed as h says (a wrapper that logs each run), who ran it
// after each step, the launcher's output of the first step kept in
// advice, and finally run on the launcher's side (ours) only.
func hostSide(h hostCase, dir, ours string, steps [][]string, tools string, advice *string, finally func(t *testing.T, dir string, env []string)) scenario {
	log := filepath.Join(filepath.Dir(dir), "host-python.log")
	return scenario{name: h.name, conda: true, steps: steps, path: tools,
		python: func(t *testing.T, bin string) { h.install(t, bin, log) },
		// Who ran the host's Python, step by step.
		after: func(t *testing.T, dir string, step int) []string { return hostRuns(log, dir) },
		check: func(step int, output string) {
			if step == 0 && dir == ours {
				*advice = output
			}
		},
		finally: func(t *testing.T, d string, env []string) {
			if d == ours {
				finally(t, d, env)
			}
		}}
}

func hostSteps(h hostCase) [][]string {
	conda := "OT_PREFER_VENV=false"
	steps := [][]string{{conda, "./install.sh"}, {conda, "./start-ui.sh", "--ui-flag", "two words"},
		{conda, "./run-cmd.sh", "train", "--config-path", "x.json"}, {conda, "./update.sh"}}
	if h.name == "none" {
		return append([][]string{{"OT_PREFER_VENV=true", "./install.sh"}}, steps...)
	}
	return steps
}

// venvSteps are a venv's steps: with a Python that fits, every applet but
// update.sh (TestFollowsTheCheckout's and update_test.go's); else
// install, refused.
func venvSteps(h hostCase) [][]string {
	venv := "OT_PREFER_VENV=true"
	if h.name != "fits" {
		return [][]string{{venv, "./install.sh"}}
	}
	return [][]string{{venv, "./install.sh"}, {venv, "./start-ui.sh", "--ui-flag", "two words"},
		{venv, "./run-cmd.sh", "train", "--config-path", "x.json"}}
}

// adviceNames holds the launcher's refusal of a venv without a Python
// that fits to the advice of internal/pyenv/advice.go: the bounds, the
// host's Python passed over (where there is one), and conda, which is
// installed, with the exact command.
func adviceNames(t *testing.T, advice, bounds string, h hostCase) {
	t.Helper()
	want := []string{"No Python " + bounds + " that can make a venv was found.",
		"[OneTrainer] Or use conda, which is installed (", "run OT_PREFER_VENV=false ./install.sh,"}
	if h.name != "none" {
		want = append(want, ", outside "+bounds)
	}
	for _, w := range want {
		if !strings.Contains(advice, w) {
			t.Errorf("the advice for a venv without a Python that fits does not say %q:\n%s", w, advice)
		}
	}
}

func TestEveryKindAnyHostPython(t *testing.T) {
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
		t.Fatalf("the fixtures' bounds meet at Python 3.10 only: %v", err)
	}
	wheels := upstreamWheels(t, py)
	tools := systemTools(t)
	for _, f := range fixtures {
		if f.patch != nil {
			continue // the seed's variant differs in its venv's name only
		}
		lo, hi, bounds := boundsOf(t, f.dir)
		cases := hostCases(t, lo, hi, py)
		for _, h := range cases {
			t.Run(f.name+"/conda/"+h.name, func(t *testing.T) {
				t.Parallel()
				orig, ours := clonedTwins(t, func(dir string) { makeUpstreamCheckout(t, f, dir, false) }, aRequirementMore(t))
				var advice string
				side := func(dir string) scenario {
					return hostSide(h, dir, ours, hostSteps(h), tools, &advice, func(t *testing.T, dir string, env []string) {
						doctorSays(t, dir, env, "conda", "", "OT_PREFER_VENV=false")
						if h.name != "fits" {
							doctorSays(t, dir, env, "venv", "the venv cannot be made: No Python ", "OT_PREFER_VENV=true")
						}
					})
				}
				want := observe(t, orig, side(orig), py, wheels)
				got := observe(t, ours, side(ours), py, wheels)
				if h.name == "none" {
					// A venv with no Python to make it: both fail, each
					// looking for the host's Python in its own way; the
					// launcher makes nothing, and names conda.
					if !strings.HasPrefix(want[0], "step 0 ./install.sh: status 1") || !strings.HasPrefix(got[0], "step 0 ./install.sh: status 1") {
						t.Errorf("a venv without a Python: the commit's scripts %q, the launcher %q", want[0], got[0])
					}
					adviceNames(t, advice, bounds, h)
					for _, v := range []string{"venv", ".venv"} {
						if _, err := os.Stat(filepath.Join(ours, v)); err == nil {
							t.Errorf("the launcher made %s with a Python that does not fit", v)
						}
					}
					want, got = withoutFirstStep(want), withoutFirstStep(got)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("the launcher differs from the commit's own scripts:\n%s", diffLines(want, got))
				}
				if !containsLine(got, "env $CONDA_ROOT") && !containsLine(got, "env $CO/conda_env") {
					t.Errorf("no conda env was made: %q", got)
				}
				// update.sh pulled upstream's new requirement, and installed it.
				if last := len(hostSteps(h)) - 1; !containsLine(got, "step "+strconv.Itoa(last)+" ./update.sh: status 0") ||
					!installedIn(got, "$CONDA_ROOT/envs/", "otlegacy") && !installedIn(got, "$CO/conda_env", "otlegacy") {
					t.Errorf("update.sh did not install upstream's new requirement: %q", got)
				}
				// Neither side runs the host's Python where the env is conda's.
				for _, o := range append(got, want...) {
					if strings.Contains(o, " host python") {
						t.Errorf("the host's Python ran in a conda step: %s", o)
					}
				}
			})
		}
		for _, h := range cases {
			if h.name == "none" {
				continue // conda's row asks for a venv first
			}
			t.Run(f.name+"/venv/"+h.name, func(t *testing.T) {
				t.Parallel()
				orig, ours := filepath.Join(t.TempDir(), "OneTrainer"), filepath.Join(t.TempDir(), "OneTrainer")
				makeUpstreamCheckout(t, f, orig, false)
				makeUpstreamCheckout(t, f, ours, true)
				var advice string
				side := func(dir string) scenario {
					return hostSide(h, dir, ours, venvSteps(h), tools, &advice, func(t *testing.T, dir string, env []string) {
						if h.name == "fits" {
							doctorSays(t, dir, env, "venv", "", "OT_PREFER_VENV=true")
						} else {
							doctorSays(t, dir, env, "venv", "the venv cannot be made: No Python ", "OT_PREFER_VENV=true")
						}
					})
				}
				wantAll := observe(t, orig, side(orig), py, wheels)
				gotAll := observe(t, ours, side(ours), py, wheels)
				// The host's `python` makes the venv, where it fits: on
				// both sides; else on the launcher's, never.
				const makes = "step 0 host python -m venv venv"
				if containsLine(gotAll, makes) != (h.name == "fits") || (h.name == "fits" && !containsLine(wantAll, makes)) {
					t.Errorf("who made the venv with the host's Python %s: the commit's scripts %q, the launcher %q", h.name, wantAll, gotAll)
				}
				// Beyond that, each side asks the host's Python in its own
				// way (the launcher its version first).
				want, got := withoutFirstStep(wantAll), withoutFirstStep(gotAll)
				if h.name != "fits" {
					// Both fail; the launcher before making anything, the
					// commit's scripts after `python -m venv`, which a real
					// Python below or above the bounds does (and the
					// stand-in for one does not): its venv is left out.
					if len(want) == 0 || len(got) == 0 || want[0] != "step 0 ./install.sh: status 1" || got[0] != want[0] {
						t.Errorf("a venv of a Python %s: the commit's scripts %q, the launcher %q", h.name, want, got)
					}
					adviceNames(t, advice, bounds, h)
					for _, v := range []string{"venv", ".venv"} {
						if _, err := os.Stat(filepath.Join(ours, v)); err == nil {
							t.Errorf("the launcher made %s with a Python that does not fit", v)
						}
					}
					want = slices.DeleteFunc(want, func(w string) bool { return strings.HasPrefix(w, "env $CO/venv") })
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("the launcher differs from the commit's own scripts:\n%s", diffLines(want, got))
				}
				if h.name == "fits" && !containsLine(got, "env $CO/venv setuptools ") {
					t.Errorf("no venv was made: %q", got)
				}
				if containsLine(got, "env $CO/conda_env") || containsLine(got, "env $CONDA_ROOT") {
					t.Errorf("a conda env was made where a venv was asked for: %q", got)
				}
			})
		}
	}

	// The pixi branch: pixi's lock brings the Python, whatever the host has.
	px := pixiFixture(t)
	if px == nil {
		t.Logf("no fixture of the pixi family in %s: its rows are left out", upstreamFixtures())
		return
	}
	lo, hi, _ := boundsOf(t, px.dir)
	pxCases := hostCases(t, lo, hi, py)
	// The hand-over's row: a host Python that does not fit, below the
	// bounds where this machine has one (a Python a launcher could run by
	// mistake), else above.
	handoverCase := pxCases[1].name
	for _, h := range pxCases {
		t.Run(px.name+"/pixi/"+h.name, func(t *testing.T) {
			t.Parallel()
			kfd := filepath.Join(t.TempDir(), "dev", "kfd") // not there: no AMD sign
			orig, ours := clonedTwins(t, func(dir string) { pixiTwin(t, *px, dir, kfd) }, aDependencyMore(t))
			steps := [][]string{{"./install.sh"}, {"./start-ui.sh", "--ui-flag"}, {"./run-cmd.sh", "train", "--config-path", "x.json"}, {"./update.sh"}}
			// With a host Python that does not fit, the hand-over to the
			// branch's pip scripts, with conda: chosen on install and
			// run-cmd, the pip scripts' default on start-ui.
			handover := len(steps)
			if h.name == handoverCase {
				pip := "OT_PIP_INSTALL=true"
				steps = append(steps, []string{pip, "OT_PREFER_VENV=false", "./install.sh"}, []string{pip, "./start-ui.sh", "--ui-flag"},
					[]string{pip, "OT_PREFER_VENV=false", "./run-cmd.sh", "train", "--config-path", "x.json"})
			}
			side := func(dir string) scenario {
				log := filepath.Join(filepath.Dir(dir), "host-python.log")
				return scenario{name: h.name, pixi: "path", conda: true, path: tools, steps: steps,
					python: func(t *testing.T, bin string) { h.install(t, bin, log) },
					after:  func(t *testing.T, dir string, step int) []string { return hostRuns(log, dir) },
					finally: func(t *testing.T, dir string, env []string) {
						if dir != ours {
							return
						}
						doctorSays(t, dir, env, "pixi", "")
						if len(steps) > handover {
							doctorSays(t, dir, env, "conda", "", "OT_PIP_INSTALL=true", "OT_PREFER_VENV=false")
						}
					}}
			}
			want := normalPixi(observe(t, orig, side(orig), py, wheels))
			got := normalPixi(observe(t, ours, side(ours), py, wheels))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("the launcher differs from the pixi branch's own scripts:\n%s", diffLines(want, got))
			}
			if !containsLine(got, "env $CO/.pixi/envs/") {
				t.Errorf("no pixi environment was made: %q", got)
			}
			if !containsLine(got, "step 3 ./update.sh: status 0") || !installedIn(got, "$CO/.pixi/envs/", "otrocm") {
				t.Errorf("update.sh did not install upstream's new dependency: %q", got)
			}
			if len(steps) > handover {
				// conda's env, made by the hand-over's install, and the
				// scripts run in it.
				n := strconv.Itoa(handover)
				if !containsLine(got, "step "+n+" conda ") || !containsLine(got, "env $CO/conda_env setuptools ") {
					t.Errorf("no conda env was made by the hand-over: %q", got)
				}
				for i := handover + 1; i < len(steps); i++ {
					if !containsLine(got, "step "+strconv.Itoa(i)+" env CONDA_PREFIX=$CO/conda_env") {
						t.Errorf("step %d ran outside conda's env: %q", i, got)
					}
				}
			} else if containsLine(got, "env $CO/conda_env") {
				t.Errorf("a conda env was made for the pixi branch: %q", got)
			}
			for _, o := range append(got, want...) {
				if strings.Contains(o, " host python") {
					t.Errorf("the host's Python ran for a pixi environment: %s", o)
				}
			}
		})
	}
}

// doctorSays holds `doctor --json`, asked with env and settings, to the
// decision the launch made: an env of kind, and either (problem "") no
// problem at all, the env's requirements installed, or, where the launch
// fails, the env's problem naming problem.
func doctorSays(t *testing.T, dir string, env []string, kind, problem string, settings ...string) {
	t.Helper()
	cmd := exec.Command(s.launcher, "-C", dir, "doctor", "--json")
	cmd.Env = append(append([]string(nil), env...), settings...)
	data, err := cmd.Output()
	var rep struct {
		Environment *struct {
			Kind, State, Problem string
		}
		Problems []string
	}
	if jerr := json.Unmarshal(data, &rep); jerr != nil || rep.Environment == nil {
		t.Fatalf("doctor %q: %v, %v\n%s", settings, err, jerr, data)
	}
	e := rep.Environment
	switch {
	case problem == "" && (err != nil || e.Kind != kind || e.State != "requirements installed" || e.Problem != "" || len(rep.Problems) > 0):
		t.Errorf("doctor %q, where the launch used %s: %v, %+v, problems %q", settings, kind, err, *e, rep.Problems)
	case problem != "" && (err == nil || e.Kind != kind || !strings.Contains(e.Problem, problem)):
		t.Errorf("doctor %q, where the launch's %s cannot be made: %v, %+v", settings, kind, err, *e)
	}
}

// hostRuns reads and empties the host-Python log: one line per run, the
// checkout written as $CO.
func hostRuns(log, dir string) []string {
	data, _ := os.ReadFile(log)
	os.Remove(log)
	var ran []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line != "" {
			ran = append(ran, "host "+strings.ReplaceAll(line, dir, "$CO"))
		}
	}
	return ran
}

// withoutFirstStep drops what step 0 observed of the host's Python: the
// venv step asks it, each side in its own way.
func withoutFirstStep(obs []string) []string {
	var kept []string
	for _, o := range obs {
		if !strings.HasPrefix(o, "step 0 host ") {
			kept = append(kept, o)
		}
	}
	return kept
}

func containsLine(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}
