package e2e_test

// Never worse than the checkout's own scripts (issue 32): a corpus of
// upstream edits the launcher does not model, each made as a new commit in
// a local bare "upstream" (origin) on top of OneTrainer's HEAD (23df3832),
// written with testkit.Upstream. Two clones of that origin — one running
// the checkout's own Bash scripts, one with the launcher linked in before
// the edit — run the same steps: install.sh at the old commit, update.sh
// (which pulls the edit), start-ui.sh, run-cmd.sh train, install.sh. What a
// user can observe must be equal: every exit status, the envs made and the
// requirements installed in them (real pip, offline wheels), and what the
// final Python script received — its argv, its working directory and its
// whole environment. Where the launcher cannot follow the pulled files it
// runs the checkout's script with bash after one warning line naming the
// file:line, and its output is then the script's, line for line, asking
// git nothing the script does not (git on PATH logs each call). Two rows
// are the user's: an edit of start-ui.sh kept by link --force, while
// upstream changes another file and while it changes that script.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// corpusProbe stands in for OneTrainer's Python scripts in the corpus: it
// writes its argv, its working directory and its whole environment to
// $TEST_OUT/probe.txt.
const corpusProbe = `import os, sys
lines = ["script " + sys.argv[0], "args " + repr(sys.argv[1:]), "cwd " + os.getcwd()]
for k in sorted(os.environ):
    lines.append("env %s=%s" % (k, os.environ[k]))
with open(os.path.join(os.environ["TEST_OUT"], "probe.txt"), "w") as f:
    f.write("\n".join(lines) + "\n")
`

// corpusBase is the commit the corpus edits: OneTrainer's HEAD.
const corpusBase = "23df3832"

// corpusEdit is one row: an upstream commit the launcher does not model.
type corpusEdit struct {
	name string
	// edit is upstream's new commit, made on the launch files of the
	// commit before it.
	edit func(u *testkit.Upstream) *testkit.Upstream
	// user, when set, is a change of the user's own made in both clones
	// before the launcher is linked (over it, with link --force).
	user func(u *testkit.Upstream) *testkit.Upstream
	// more are steps run after the common ones.
	more [][]string
	// conda runs every step with OT_PREFER_VENV=false and the conda
	// stand-in on PATH (conda cannot be installed here).
	conda bool
	// where is what the launcher's one warning line names on every step
	// it runs the checkout's own script, a regular expression: FILE:LINE
	// of the step it cannot follow. fallsBack is the scripts it does that
	// for once the edit is pulled (all four when nil). A row without where
	// is one the launcher follows.
	where     string
	fallsBack []string
	// statuses are the steps' exit statuses that are not 0, by step;
	// sees, lines the checkout's own scripts must show after the edit.
	statuses map[int]int
	sees     []string
}

func corpusEdits() []corpusEdit {
	return []corpusEdit{
		{name: "a new function called by start-ui.sh", where: `start-ui\.sh:\d+`,
			edit: func(u *testkit.Upstream) *testkit.Upstream {
				return u.AddFunction("check_gpu_memory", `if can_exec nvidia-smi; then
    print "GPU memory: $(nvidia-smi --query-gpu=memory.total --format=csv,noheader | head -n1)"
else
    print "GPU memory: no NVIDIA GPU found, training will be slow."
fi`).Before("start-ui.sh", "prepare_runtime_environment", "check_gpu_memory")
			}},
		{name: "run-cmd.sh runs an unknown command that exits 0", where: `run-cmd\.sh:\d+`,
			edit: func(u *testkit.Upstream) *testkit.Upstream {
				return u.After("run-cmd.sh", "shift", `print "Running ${OT_CUSTOM_SCRIPT_FILE} on $(nproc) CPU threads..."`)
			}},
		{name: "run-cmd.sh gains a step that exits 3", where: `run-cmd\.sh:\d+`,
			edit: func(u *testkit.Upstream) *testkit.Upstream {
				return u.AddFunction("exit_if_config_missing", `if [[ ! -f "config/${1}.json" ]]; then
    print_error "Run \"./start-ui.sh\" once to create the default config for ${1}."
    exit 3
fi`).Before("run-cmd.sh", "prepare_runtime_environment", `exit_if_config_missing "${1}"`)
			},
			statuses: map[int]int{3: 3}},
		{name: "install.sh installs more after the install", where: `install\.sh:\d+`,
			edit: func(u *testkit.Upstream) *testkit.Upstream {
				return u.After("install.sh", "prepare_runtime_environment", `print "Installing the optional ROCm tools..."
run_pip_in_active_env install --upgrade otrocm`)
			},
			sees: []string{"env $CO/venv installed otdefault otglobal otrocm"}},
		{name: "prepare_runtime_environment gains a call", where: `lib\.include\.sh:\d+`,
			edit: func(u *testkit.Upstream) *testkit.Upstream {
				return u.AddFunction("warn_if_low_disk_space", `local free_kb="$(df -Pk . | awk 'NR == 2 { print $4 }')"
if (( free_kb < 1024 )); then
    print_warning "Less than 1 MB of disk space is free in ${SCRIPT_DIR}."
fi`).After(testkit.LibFile, "activate_chosen_env", "warn_if_low_disk_space")
			}},
		{name: "conda: activate_chosen_env gains a step", where: `lib\.include\.sh:\d+`, conda: true,
			edit: func(u *testkit.Upstream) *testkit.Upstream {
				return u.After(testkit.LibFile, "ensure_conda_env_exists", `run_in_conda_env python -c "import sys; print('[OneTrainer] Conda Python: ' + sys.prefix)"`)
			},
			sees: []string{"step 2 env CONDA_PREFIX=$CO/conda_env"}},
		{name: "activate_python_venv gains an export", where: `lib\.include\.sh:\d+`,
			edit: func(u *testkit.Upstream) *testkit.Upstream {
				return u.After(testkit.LibFile, `source "${OT_PYTHON_VENV}/bin/activate"`, `export HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-1}"`)
			},
			sees: []string{"step 2 env HF_HUB_OFFLINE=1"}},
		{name: "install_requirements_in_active_env installs one more", where: `lib\.include\.sh:\d+`,
			edit: func(u *testkit.Upstream) *testkit.Upstream {
				return u.After(testkit.LibFile, `run_pip_in_active_env install --upgrade --upgrade-strategy eager -r requirements-global.txt -r "$(get_platform_requirements_path)"`,
					`run_pip_in_active_env install --upgrade otrocm`)
			},
			sees: []string{"env $CO/venv installed otdefault otglobal otrocm"}},
		{name: "a new setting",
			edit: func(u *testkit.Upstream) *testkit.Upstream {
				return u.SetDefault("OT_NEWTHING", "x")
			},
			fallsBack: []string{},
			more:      [][]string{{"OT_NEWTHING=chosen", "./start-ui.sh"}, {"OT_NEWTHING=", "./run-cmd.sh", "train"}}},
		{name: "start-ui.sh rewritten", where: `start-ui\.sh:\d+`,
			edit: func(u *testkit.Upstream) *testkit.Upstream {
				return u.Replace("start-ui.sh", `#!/usr/bin/env bash
# Starts OneTrainer's UI. --safe-mode starts it without user plugins.
set -eo pipefail
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
source "${here}/lib.include.sh"

declare -a ui_args=()
for arg in "$@"; do
    case "${arg}" in
        --safe-mode) export OT_SAFE_MODE="true" ;;
        *) ui_args+=("${arg}") ;;
    esac
done

prepare_runtime_environment
run_python_in_active_env "scripts/train_ui_qt.py" "${ui_args[@]}"
`)
			},
			more: [][]string{{"./start-ui.sh", "--safe-mode", "--ui-flag", ""}},
			sees: []string{"step 5 env OT_SAFE_MODE=true", "step 5 args ['--ui-flag', '']"}},
		{name: "update.sh gains a step", where: `update\.sh:\d+`,
			edit: func(u *testkit.Upstream) *testkit.Upstream {
				return u.AddFunction("migrate_user_config", `print "Migrating your configs..."
run_python_in_active_env "scripts/util/migrate_config.py" --all`).
					After("update.sh", "prepare_runtime_environment upgrade", "migrate_user_config").
					Replace("scripts/util/migrate_config.py", corpusProbe)
			},
			// The first update.sh runs the update.sh it started with, as
			// Bash does (git replaces the file it reads); the second runs
			// the new one.
			more: [][]string{{"./update.sh"}},
			sees: []string{"step 5 script scripts/util/migrate_config.py", "step 5 args ['--all']"}},
		{name: "a user's own edit kept by link --force", where: `start-ui\.sh .*link --force`, fallsBack: []string{"start-ui.sh"},
			user: func(u *testkit.Upstream) *testkit.Upstream {
				return u.Before("start-ui.sh", "prepare_runtime_environment", `export HF_HOME="${HOME}/hf-cache"
export CUDA_VISIBLE_DEVICES=1`)
			},
			// Upstream moves on elsewhere: a requirement more.
			edit: func(u *testkit.Upstream) *testkit.Upstream {
				return u.Replace("requirements-global.txt", "otglobal\notlegacy\n")
			},
			sees: []string{"step 2 env HF_HOME=$TMP/hf-cache", "step 2 env CUDA_VISIBLE_DEVICES=1", "env $CO/venv installed otdefault otglobal otlegacy"}},
		{name: "upstream changes the script the user edited", where: `start-ui\.sh .*link --force`, fallsBack: []string{"start-ui.sh"},
			user: func(u *testkit.Upstream) *testkit.Upstream {
				return u.Before("start-ui.sh", "prepare_runtime_environment", "export CUDA_VISIBLE_DEVICES=1")
			},
			// git refuses the pull over the user's change (exit 1), and
			// the checkout stays where it was.
			edit: func(u *testkit.Upstream) *testkit.Upstream {
				return u.Edit("start-ui.sh", func(text string) (string, error) {
					return strings.Replace(text, "scripts/train_ui_qt.py", "scripts/train_ui.py", 1), nil
				})
			},
			statuses: map[int]int{1: 1},
			sees:     []string{"step 2 script scripts/train_ui_qt.py", "step 2 env CUDA_VISIBLE_DEVICES=1"}},
	}
}

// corpusSteps are every row's steps: install.sh at the old commit, then
// update.sh, which pulls the edit, then each applet.
var corpusSteps = [][]string{{"./install.sh"}, {"./update.sh"}, {"./start-ui.sh", "--ui-flag", "two words"},
	{"./run-cmd.sh", "train", "--config-path", "x.json"}, {"./install.sh"}}

// isSetting reports a step's VAR=VALUE word, which observe's labels leave
// out.
func isSetting(w string) bool { return strings.Contains(w, "=") && !strings.HasPrefix(w, "./") }

// stepScript is the launch script a step runs.
func stepScript(step []string) string {
	for _, w := range step {
		if !strings.Contains(w, "=") {
			return strings.TrimPrefix(w, "./")
		}
	}
	return ""
}

func TestNeverWorseThanTheScripts(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	dir := testkit.Fixture(t, corpusBase)
	manifest, err := os.ReadFile(filepath.Join(dir, "MANIFEST"))
	if err != nil {
		t.Fatal(err)
	}
	base := fixture{name: corpusBase, dir: dir, has: manifestHas(manifest)}
	lo, hi, bounds := boundsOf(t, dir)
	py, err := testkit.Find(lo, hi)
	if err != nil {
		t.Fatalf("%s needs a Python %s: %v", corpusBase, bounds, err)
	}
	wheels := upstreamWheels(t, py)
	for _, row := range corpusEdits() {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			applyTo := func(edit func(*testkit.Upstream) *testkit.Upstream) func(dir string) {
				return func(dir string) {
					u, err := testkit.ReadUpstream(dir)
					if err != nil {
						t.Fatal(err)
					}
					if err := edit(u).Write(dir); err != nil {
						t.Fatal(err)
					}
				}
			}
			var user func(string)
			if row.user != nil {
				user = applyTo(row.user)
			}
			orig, ours := clonedTwinsWith(t, func(dir string) {
				makeUpstreamCheckout(t, base, dir, false)
				for _, h := range base.has {
					if strings.HasSuffix(h, ".py") {
						writeExec(t, filepath.Join(dir, h), corpusProbe)
					}
				}
			}, user, applyTo(row.edit))

			steps := append(append([][]string(nil), corpusSteps...), row.more...)
			if row.conda {
				for i, st := range steps {
					steps[i] = append([]string{"OT_PREFER_VENV=false"}, st...)
				}
			}
			// Where the launcher runs the script itself: every step after
			// the pull (and, for a user's edit, from the first), of the
			// scripts the row names.
			fallsBack := func(i int) bool {
				return (i > 0 || row.user != nil) && (row.fallsBack == nil || slices.Contains(row.fallsBack, stepScript(steps[i])))
			}
			outputs := map[string][]string{}
			side := func(dir string) scenario {
				gitLog := filepath.Join(filepath.Dir(dir), "git-calls.log")
				return scenario{name: row.name, steps: steps, conda: row.conda,
					check: func(step int, output string) { outputs[dir] = append(outputs[dir], output) },
					// git is a wrapper that logs each call and runs the real
					// one: where the launcher runs the script itself, it may
					// cost no more than the script and the launcher's own
					// start, so it asks git nothing the script does not
					// (update.sh aside: the launcher pulls in its own way).
					tools: func(t *testing.T, bin string) { gitLogger(t, bin, gitLog) },
					after: func(t *testing.T, dir string, step int) []string {
						data, _ := os.ReadFile(gitLog)
						os.Remove(gitLog)
						if !fallsBack(step) || stepScript(steps[step]) == "update.sh" {
							return nil
						}
						var calls []string
						for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
							if l != "" {
								calls = append(calls, strings.ReplaceAll(l, dir, "$CO"))
							}
						}
						return calls
					}}
			}
			tmp := regexp.MustCompile(regexp.QuoteMeta(filepath.Dir(t.TempDir())) + `/\d+`)
			bashOwn := regexp.MustCompile(`^step (\d+) env (OLDPWD|PWD|SHLVL|_)=`)
			norm := func(lines []string) []string {
				var kept []string
				for _, l := range lines {
					// Bash's own bookkeeping, which the child of a script
					// gets and the launcher, where it follows the scripts,
					// does not make: compared only where bash runs on both
					// sides.
					if m := bashOwn.FindStringSubmatch(l); m != nil {
						if n, _ := strconv.Atoi(m[1]); !fallsBack(n) {
							continue
						}
					}
					kept = append(kept, tmp.ReplaceAllString(l, "$$TMP"))
				}
				return kept
			}
			want := norm(observe(t, orig, side(orig), py, wheels))
			got := norm(observe(t, ours, side(ours), py, wheels))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("the linked checkout differs from the checkout's own scripts:\n%s", onlyIn(want, got))
			}
			if !containsLine(got, "step 2 script scripts/train_ui_qt.py") {
				t.Errorf("start-ui.sh's UI script did not run: %q", got)
			}

			// Each step's status on the scripts' side, so that a row whose
			// steps both sides fail alike is seen.
			for i, step := range steps {
				st := fmt.Sprintf("step %d %s: status %d", i, strings.Join(slices.DeleteFunc(slices.Clone(step), isSetting), " "), row.statuses[i])
				if !containsLine(want, st) {
					t.Errorf("the checkout's own scripts: want %q in %q", st, want)
				}
			}
			for _, w := range row.sees {
				if !containsLine(want, w) {
					t.Errorf("the checkout's own scripts did not show the edit: want %q in %q", w, want)
				}
			}

			// The launcher's one warning line, first, where it runs the
			// script itself, and then the script's own output, line for
			// line.
			warning := regexp.MustCompile(`(?m)^\[OneTrainer\] Warning: [^\n]*\b` + row.where + `[^\n]*\n`)
			for i, step := range steps {
				if row.where == "" {
					break // a row the launcher follows: its own words
				}
				script := stepScript(step)
				falls := fallsBack(i)
				o, b := outputs[ours][i], outputs[orig][i]
				found := warning.FindAllStringIndex(o, -1)
				if falls != (len(found) == 1) || len(found) > 1 || falls && found[0][0] != 0 && script != "update.sh" {
					t.Errorf("step %d %s: %d warning lines naming %s (want one, first: %v):\n%s", i, strings.Join(step, " "), len(found), row.where, falls, o)
					continue
				}
				if !falls || script == "update.sh" {
					continue // the launcher's own words; update.sh pulls first
				}
				lines := func(out, dir string) []string {
					return norm(strings.Split(strings.ReplaceAll(out, dir, "$CO"), "\n"))
				}
				if ol, bl := lines(o[found[0][1]:], ours), lines(b, orig); !reflect.DeepEqual(ol, bl) {
					t.Errorf("step %d %s: the output differs from the script's own:\n%s", i, strings.Join(step, " "), onlyIn(bl, ol))
				}
			}
		})
	}
}

// onlyIn lists the lines only the scripts' side (bash) or only the
// launcher's side (ours) has, each with its place: the steps' lines are
// many, and a difference of one shifts every line after it.
func onlyIn(want, got []string) string {
	count := func(lines []string) map[string]int {
		m := map[string]int{}
		for _, l := range lines {
			m[l]++
		}
		return m
	}
	w, g := count(want), count(got)
	var b strings.Builder
	for i, l := range want {
		if g[l] < w[l] {
			fmt.Fprintf(&b, "  bash only (line %d): %s\n", i+1, l)
		}
	}
	for i, l := range got {
		if w[l] < g[l] {
			fmt.Fprintf(&b, "  ours only (line %d): %s\n", i+1, l)
		}
	}
	if b.Len() == 0 {
		return "  the same lines in another order:\n" + diffLines(want, got)
	}
	return b.String()
}

// gitLogger puts in bin a git that logs each call ("git ARGS") to log and
// runs the real git.
func gitLogger(t *testing.T, bin, log string) {
	t.Helper()
	real, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	writeExec(t, filepath.Join(bin, "git"), "#!/bin/sh\n# git, each call logged.\necho \"git $*\" >>"+strconv.Quote(log)+"\nexec "+strconv.Quote(real)+" \"$@\"\n")
}
