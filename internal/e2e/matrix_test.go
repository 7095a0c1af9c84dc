package e2e_test

// One launch, one decision, whatever Python the host has: every kind of
// env × every commit of the fixtures × the host's Python fitting that
// commit's bounds, below them, above them, or none at all, each side by
// side with that commit's own Bash scripts.
//
//   - conda (each commit's own form: a named env at 2024-09-29, a prefix
//     env since): install, start-ui, run-cmd and, with no host Python at
//     all, update — conda brings its own Python, so the host's never
//     matters, and is never run, by either side;
//   - a venv, which needs a host Python: with none, both sides fail, the
//     launcher's advice names conda and the exact command, and that
//     command then works, as above (a venv of a Python that does not
//     fit, refused with the same advice: TestDiscoversPythons);
//   - the pixi branch's environment: install, start-ui, run-cmd; pixi's
//     lock brings its own Python.
//
// The venv with a fitting Python is TestFollowsTheCheckout's. PATH holds
// only the test's bin folder (the host's `python`, a logging wrapper, and
// the stand-ins) and the system's tools without any Python, so that
// "none" is none; the wrapper's log tells who ran the host's Python.

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
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

var boundRE = regexp.MustCompile(`export OT_PYTHON_VERSION_(MINIMUM|TOO_HIGH)="3(?:\.(\d+))?"`)

// boundsOf reads a commit's Python bounds from its lib.include.sh, as
// minor versions of 3.
func boundsOf(t *testing.T, dir string) (lo, hi int) {
	data, err := os.ReadFile(filepath.Join(dir, "lib.include.sh"))
	if err != nil {
		t.Fatal(err)
	}
	lo, hi = -1, -1
	for _, m := range boundRE.FindAllStringSubmatch(string(data), -1) {
		n := 0
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
		}
		if m[1] == "MINIMUM" {
			lo = n
		} else {
			hi = n
		}
	}
	if lo < 0 || hi < 0 {
		t.Fatalf("no Python bounds in %s", dir)
	}
	return lo, hi
}

// clonedTwins makes two clones of an origin holding a checkout of f's
// shape — one for the commit's own scripts, one with the launcher linked
// in — so that update.sh has something to pull from.
func clonedTwins(t *testing.T, f fixture) (orig, ours string) {
	t.Helper()
	work := filepath.Join(t.TempDir(), "work")
	makeUpstreamCheckout(t, f, work, false)
	gitRun(t, work, "init", "-q", "-b", "master")
	gitRun(t, work, "add", "-A")
	gitRun(t, work, "commit", "-q", "-m", "fixture "+f.name)
	origin := filepath.Join(t.TempDir(), "origin.git")
	gitRun(t, filepath.Dir(origin), "clone", "-q", "--bare", work, origin)
	orig, ours = filepath.Join(t.TempDir(), "OneTrainer"), filepath.Join(t.TempDir(), "OneTrainer")
	for _, twin := range []string{orig, ours} {
		gitRun(t, filepath.Dir(twin), "clone", "-q", origin, twin)
	}
	linkLauncher(t, ours)
	return orig, ours
}

// hostSteps are the steps for a host's Python: conda straight away where
// a Python is there (fitting or not: for a venv of one that does not fit,
// the refusal and its advice are TestDiscoversPythons'); with no Python at
// all, a venv first, refused, then the way the advice names, every applet,
// update.sh too.
func hostSteps(h hostCase) [][]string {
	conda := "OT_PREFER_VENV=false"
	if h.name == "none" {
		return [][]string{{"OT_PREFER_VENV=true", "./install.sh"}, {conda, "./install.sh"}, {conda, "./start-ui.sh", "--ui-flag"},
			{conda, "./run-cmd.sh", "train", "--config-path", "x.json"}, {conda, "./update.sh"}}
	}
	return [][]string{{conda, "./install.sh"}, {conda, "./start-ui.sh", "--ui-flag", "two words"},
		{conda, "./run-cmd.sh", "train", "--config-path", "x.json"}}
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
		lo, hi := boundsOf(t, f.dir)
		for _, h := range hostCases(t, lo, hi, py) {
			t.Run(f.name+"/conda/"+h.name, func(t *testing.T) {
				t.Parallel()
				orig, ours := clonedTwins(t, f)
				var advice string
				side := func(dir string) scenario {
					log := filepath.Join(filepath.Dir(dir), "host-python.log")
					return scenario{name: h.name, conda: true, steps: hostSteps(h), path: tools,
						python: func(t *testing.T, bin string) { h.install(t, bin, log) },
						// Who ran the host's Python, step by step.
						after: func(t *testing.T, dir string, step int) []string { return hostRuns(log, dir) },
						check: func(step int, output string) {
							if step == 0 && dir == ours {
								advice = output
							}
						},
						finally: func(t *testing.T, dir string, env []string) {
							if dir == ours {
								doctorAgrees(t, dir, env, h.name == "fits")
							}
						}}
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
					if !strings.Contains(advice, "[OneTrainer] Or use conda, which is installed (") || !strings.Contains(advice, "run OT_PREFER_VENV=false ./install.sh,") {
						t.Errorf("the advice names no conda way out:\n%s", advice)
					}
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
				// Neither side runs the host's Python where the env is conda's.
				for _, o := range got {
					if strings.Contains(o, " host python") {
						t.Errorf("the host's Python ran in a conda step: %s", o)
					}
				}
			})
		}
	}

	// The pixi branch: pixi's lock brings the Python, whatever the host has.
	var px *fixture
	entries, _ := os.ReadDir(upstreamFixtures())
	for _, e := range entries {
		if dir := filepath.Join(upstreamFixtures(), e.Name()); isPixiFixture(dir) {
			px = &fixture{name: e.Name(), dir: dir}
			manifest, _ := os.ReadFile(filepath.Join(dir, "MANIFEST"))
			for _, line := range strings.Split(string(manifest), "\n") {
				if h, ok := strings.CutPrefix(line, "has "); ok {
					px.has = append(px.has, strings.TrimSpace(h))
				}
			}
		}
	}
	if px == nil {
		t.Logf("no fixture of the pixi family in %s: its rows are left out", upstreamFixtures())
		return
	}
	lo, hi := boundsOf(t, px.dir)
	for _, h := range hostCases(t, lo, hi, py) {
		t.Run(px.name+"/pixi/"+h.name, func(t *testing.T) {
			t.Parallel()
			kfd := filepath.Join(t.TempDir(), "dev", "kfd") // not there: no AMD sign
			orig, ours := filepath.Join(t.TempDir(), "OneTrainer"), filepath.Join(t.TempDir(), "OneTrainer")
			for _, twin := range []string{orig, ours} {
				pixiTwin(t, *px, twin, kfd)
				gitRun(t, twin, "init", "-q", "-b", "master")
				gitRun(t, twin, "add", "-A")
				gitRun(t, twin, "commit", "-q", "-m", "the pixi branch")
			}
			linkLauncher(t, ours)
			side := func(dir string) scenario {
				log := filepath.Join(filepath.Dir(dir), "host-python.log")
				return scenario{name: h.name, pixi: "path", path: tools,
					steps:  [][]string{{"./install.sh"}, {"./start-ui.sh", "--ui-flag"}, {"./run-cmd.sh", "train", "--config-path", "x.json"}},
					python: func(t *testing.T, bin string) { h.install(t, bin, log) },
					after:  func(t *testing.T, dir string, step int) []string { return hostRuns(log, dir) }}
			}
			want := normalPixi(observe(t, orig, side(orig), py, wheels))
			got := normalPixi(observe(t, ours, side(ours), py, wheels))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("the launcher differs from the pixi branch's own scripts:\n%s", diffLines(want, got))
			}
			if !containsLine(got, "env $CO/.pixi/envs/") {
				t.Errorf("no pixi environment was made: %q", got)
			}
			for _, o := range append(got, want...) {
				if strings.Contains(o, " host python") {
					t.Errorf("the host's Python ran for a pixi environment: %s", o)
				}
			}
		})
	}
}

// doctorAgrees holds doctor to the launch's decision on the host's
// Python: with conda chosen it reports a conda env and no problem at all,
// whatever Python the host has; with a venv chosen and no Python that
// fits, it reports the venv and that it cannot be made, as the launch
// would find.
func doctorAgrees(t *testing.T, dir string, env []string, hostFits bool) {
	t.Helper()
	for _, prefer := range []string{"false", "true"} {
		cmd := exec.Command(s.launcher, "-C", dir, "doctor", "--json")
		cmd.Env = append(append([]string(nil), env...), "OT_PREFER_VENV="+prefer)
		data, err := cmd.Output()
		var rep struct {
			Environment *struct {
				Kind, State, Problem string
			}
			Problems []string
		}
		if jerr := json.Unmarshal(data, &rep); jerr != nil || rep.Environment == nil {
			t.Fatalf("doctor (OT_PREFER_VENV=%s): %v, %v\n%s", prefer, err, jerr, data)
		}
		e := rep.Environment
		switch {
		case prefer == "false" && (err != nil || e.Kind != "conda" || e.State != "requirements installed" || len(rep.Problems) > 0):
			t.Errorf("doctor with conda chosen: %v, %+v, problems %q", err, *e, rep.Problems)
		case prefer == "true" && !hostFits && (err == nil || e.Kind != "venv" || !strings.Contains(e.Problem, "the venv cannot be made: No Python ")):
			t.Errorf("doctor with a venv chosen and no Python to make it: %v, %+v", err, *e)
		}
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
