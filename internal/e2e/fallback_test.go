package e2e_test

// A linked checkout is never stopped (issue 32): where the launcher cannot
// follow the launch files, or a script is the user's own version kept by
// link --force, the applet runs that script as it is, with real bash,
// and what it does is held to the unlinked checkout's own script, side by
// side: the folder it finds itself in (SCRIPT_DIR), the working
// directory, every argument, stdin, the exit status and a SIGTERM.

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// gpuCheck is a step upstream might add that the launcher does not model:
// a function of lib.include.sh that start-ui.sh calls before
// prepare_runtime_environment. It records what the script sees and ends
// with status 3 after a line of stdin (or waits for its stdin, for a
// signal to end it).
const gpuCheck = `
function check_gpu_memory {
    {
        echo "SCRIPT_DIR=${SCRIPT_DIR}"
        echo "PWD=${PWD}"
        echo "pwd=$(pwd)"
        echo "argc=$#"
        for a in "$@"; do echo "arg=[${a}]"; done
    } > "${TEST_OUT}/gpu.txt"
    touch "${TEST_OUT}/waiting"
    read -r line || true
    echo "stdin=[${line}]" >> "${TEST_OUT}/gpu.txt"
    exit 3
}
`

// withGPUCheck is lib.include.sh and start-ui.sh of the HEAD fixture with
// the step; inLib puts its call in prepare_runtime_environment instead.
func withGPUCheck(name string, data []byte, inLib bool) []byte {
	switch {
	case name == "lib.include.sh" && inLib:
		return append(bytes.Replace(data, []byte("function prepare_runtime_environment {\n"), []byte("function prepare_runtime_environment {\n    check_gpu_memory \"$@\"\n"), 1), gpuCheck...)
	case name == "lib.include.sh":
		return append(data, gpuCheck...)
	case name == "start-ui.sh" && !inLib:
		return bytes.Replace(data, []byte("\nprepare_runtime_environment\n"), []byte("\ncheck_gpu_memory \"$@\"\nprepare_runtime_environment\n"), 1)
	}
	return data
}

func headFixtureOf(t *testing.T) fixture {
	t.Helper()
	dir := testkit.Fixture(t, "23df3832")
	manifest, err := os.ReadFile(filepath.Join(dir, "MANIFEST"))
	if err != nil {
		t.Fatal(err)
	}
	return fixture{name: "23df3832", dir: dir, has: manifestHas(manifest)}
}

// invocation is one way a user starts ./start-ui.sh: from where, by which
// name, with what.
type invocation struct {
	name  string
	cwd   string // relative to the checkout's parent
	argv0 string // "$CO" stands for the checkout's absolute path
	path  bool   // the checkout's folder is on PATH
	args  []string
	stdin string
	term  bool // SIGTERM while it waits on stdin
}

func fallbackInvocations() []invocation {
	return []invocation{
		{name: "dot-slash", cwd: "OneTrainer", argv0: "./start-ui.sh", args: []string{"a", "b c", "", "--help"}, stdin: "hello there\n"},
		{name: "through a linked folder", cwd: "via-link/OneTrainer", argv0: "./start-ui.sh", args: []string{"l"}, stdin: "l\n"},
		{name: "relative", cwd: ".", argv0: "OneTrainer/start-ui.sh", args: []string{"x"}, stdin: "one\n"},
		{name: "absolute", cwd: "elsewhere", argv0: "$CO/start-ui.sh", stdin: ""},
		{name: "PATH", cwd: "elsewhere", argv0: "start-ui.sh", path: true, args: []string{"--ui-flag", "two words"}, stdin: "p\n"},
		{name: "SIGTERM", cwd: "OneTrainer", argv0: "./start-ui.sh", args: []string{"t"}, term: true},
	}
}

// runInvocation runs inv in the checkout co (named OneTrainer) and returns
// what a user sees, the checkout's parent written as $P.
func runInvocation(t *testing.T, co string, inv invocation) (status int, seen []string, stderr string) {
	t.Helper()
	parent := filepath.Dir(co)
	os.MkdirAll(filepath.Join(parent, "elsewhere"), 0o755)
	os.Symlink(".", filepath.Join(parent, "via-link")) // the shell's $PWD keeps it: SCRIPT_DIR too
	out := t.TempDir()
	argv0 := strings.ReplaceAll(inv.argv0, "$CO", co)
	cwd := filepath.Join(parent, inv.cwd)
	path := "/usr/local/bin:/usr/bin:/bin"
	if inv.path {
		path = co + ":" + path
	}
	// As a shell starts it: by the path as typed (the kernel hands that
	// to the script's bash), relative to the working directory; a bare
	// name by the path PATH finds, argv[0] the name.
	cmd := exec.Command(argv0, inv.args...)
	if !strings.Contains(argv0, "/") {
		cmd.Path, cmd.Err = filepath.Join(co, argv0), nil
	}
	cmd.Dir = cwd
	cmd.Env = []string{"PATH=" + path, "HOME=" + t.TempDir(), "TEST_OUT=" + out, "PWD=" + cwd, "LANG=C.UTF-8"}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	var stdin io.WriteCloser
	if inv.term {
		var err error
		if stdin, err = cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
	} else {
		cmd.Stdin = strings.NewReader(inv.stdin)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if inv.term {
		waitFor(t, 20*time.Second, "the script waiting on stdin", func() bool {
			_, err := os.Stat(filepath.Join(out, "waiting"))
			return err == nil
		})
		cmd.Process.Signal(syscall.SIGTERM)
	}
	err := cmd.Wait()
	if stdin != nil {
		stdin.Close()
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		status = 128 + int(ws.Signal())
	} else if xe, ok := err.(*exec.ExitError); ok {
		status = xe.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(out, "gpu.txt"))
	norm := strings.NewReplacer(parent, "$P")
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		seen = append(seen, norm.Replace(line))
	}
	seen = append(seen, "stdout "+norm.Replace(o.String()))
	return status, seen, e.String()
}

// TestFallbackRunsTheCheckoutsOwnScript: upstream's HEAD with a step the
// launcher does not model, linked (state in .git, and without git in
// .onetrainer-launcher), against the same checkout unlinked, each way a
// user starts it. The linked one says one warning naming the file:line,
// then does what the unlinked one does; git status stays clean. A checkout
// that is not linked still refuses under the launcher's own name.
func TestFallbackRunsTheCheckoutsOwnScript(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("the checkout's own scripts need bash:", err)
	}
	f := headFixtureOf(t)
	for _, tc := range []struct {
		name  string
		git   bool
		inLib bool
		where string
	}{
		{name: "git", git: true, where: "start-ui.sh:7: check_gpu_memory"},
		{name: "no git", inLib: true, where: "lib.include.sh:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			orig, ours := filepath.Join(t.TempDir(), "OneTrainer"), filepath.Join(t.TempDir(), "OneTrainer")
			edited := f
			edited.patch = func(name string, data []byte) []byte { return withGPUCheck(name, data, tc.inLib) }
			makeUpstreamCheckout(t, edited, orig, false)
			makeUpstreamCheckout(t, f, ours, tc.git)
			if !tc.git {
				linkLauncher(t, ours)
			}
			// Upstream's change, in the linked checkout: lib.include.sh in
			// the tree, start-ui.sh where link keeps git's copy of it.
			state := filepath.Join(ours, ".onetrainer-launcher")
			if tc.git {
				state = filepath.Join(ours, ".git", "onetrainer-launcher")
			}
			for _, name := range []string{"lib.include.sh", "start-ui.sh"} {
				path := filepath.Join(ours, name)
				if name == "start-ui.sh" {
					path = filepath.Join(state, "upstream", name)
				}
				data, err := os.ReadFile(filepath.Join(f.dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, withGPUCheck(name, data, tc.inLib), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tc.git {
				gitRun(t, ours, "commit", "-q", "-am", "upstream adds check_gpu_memory")
			}
			if fi, err := os.Lstat(filepath.Join(ours, "start-ui.sh")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Fatalf("start-ui.sh is not linked: %v", err)
			}
			for _, inv := range fallbackInvocations() {
				wantCode, want, wantErr := runInvocation(t, orig, inv)
				gotCode, got, gotErr := runInvocation(t, ours, inv)
				if gotCode != wantCode || !reflect.DeepEqual(got, want) {
					t.Errorf("%s: the linked checkout differs from its own script: status %d, want %d\n%s", inv.name, gotCode, wantCode, diffLines(want, got))
				}
				wantStatus := map[bool]int{false: 3, true: 128 + int(syscall.SIGTERM)}[inv.term]
				if wantCode != wantStatus || len(want) < 4 {
					t.Errorf("%s: the checkout's own script: status %d, saw %q", inv.name, wantCode, want)
				}
				warning, rest, _ := strings.Cut(gotErr, "\n")
				warning = strings.ReplaceAll(warning, "/via-link/", "/") // the checkout as its link was invoked
				if rest != wantErr || !strings.HasPrefix(warning, "[OneTrainer] Warning: the launcher cannot follow this checkout's launch files ("+tc.where) ||
					!strings.Contains(warning, "onetrainer-launcher link "+ours) || !strings.Contains(warning, "unlink "+ours) {
					t.Errorf("%s: want one warning naming %s and the ways on, then the script's own stderr %q; got:\n%s", inv.name, tc.where, wantErr, gotErr)
				}
			}
			if tc.git {
				if st := git(t, ours, "status", "--porcelain", "--ignored=no"); st != "" {
					t.Errorf("git status after running the checkout's own script:\n%s", st)
				}
				// doctor says what ./start-ui.sh runs, and why.
				cmd := exec.Command(s.launcher, "-C", ours, "doctor", "--json")
				cmd.Env = append(os.Environ(), "PATH=/usr/bin:/bin")
				o, _ := cmd.Output()
				if !strings.Contains(string(o), `"fallback": "runs the checkout's own start-ui.sh: start-ui.sh:7: check_gpu_memory \"$@\": the launcher does not model this step`) {
					t.Errorf("doctor --json does not say what runs:\n%s", o)
				}
			}
			// Nothing else the launcher would stop on changes it: a setting
			// it refuses, a damaged journal of update.sh (said, and past),
			// and under the launcher's own name the checkout is the same.
			os.WriteFile(filepath.Join(state, "journal"), []byte("not a journal\n"), 0o644)
			for _, dir := range []string{orig, ours} {
				out := t.TempDir()
				cmd := exec.Command(filepath.Join(dir, "start-ui.sh"), "bad")
				if dir == ours {
					cmd = exec.Command(s.launcher, "-C", dir, "start-ui", "bad")
				}
				cmd.Dir = t.TempDir()
				cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "TEST_OUT=" + out, "OT_PREFER_VENV=maybe", "OT_PLATFORM_REQUIREMENTS=nowhere.txt"}
				cmd.Stdin = strings.NewReader("in\n")
				o, err := cmd.CombinedOutput()
				data, _ := os.ReadFile(filepath.Join(out, "gpu.txt"))
				if xe, ok := err.(*exec.ExitError); !ok || xe.ExitCode() != 3 || !strings.Contains(string(data), "SCRIPT_DIR="+dir+"\n") || !tc.inLib && !strings.Contains(string(data), "arg=[bad]") || !strings.Contains(string(data), "stdin=[in]") {
					t.Errorf("%s with bad settings: %v\n%s\n%s", dir, err, o, data)
				}
				if dir == ours && (!strings.Contains(string(o), "Warning: the journal "+filepath.Join(state, "journal")+" is damaged") || strings.Contains(string(o), "Error")) {
					t.Errorf("a damaged journal is said, as a warning:\n%s", o)
				}
			}
			os.Remove(filepath.Join(state, "journal"))
			// Not linked: the launcher still refuses, changing nothing.
			before := snapshot(t, orig)
			cmd := exec.Command(s.launcher, "-C", orig, "start-ui", "a")
			cmd.Env = append(os.Environ(), "PATH=/usr/bin:/bin")
			o, err := cmd.CombinedOutput()
			if xe, ok := err.(*exec.ExitError); !ok || xe.ExitCode() != 1 || !strings.Contains(string(o), "[OneTrainer] Error: the launcher cannot follow the launch files of "+orig) ||
				!strings.Contains(string(o), "./start-ui.sh and the others run as before") {
				t.Errorf("not linked: %v\n%s", err, o)
			}
			if after := snapshot(t, orig); after != before {
				t.Errorf("a refused launch changed the checkout:\n%s\n---\n%s", before, after)
			}
		})
	}
}

// TestFallbackThroughUpdate: upstream adds a step the launcher does not
// model, and ./update.sh pulls it. Side by side with a clone that runs its
// own scripts: install.sh before the change (which the launcher follows),
// then update.sh (the launcher's pull, then the checkout's own update.sh,
// whose pull finds nothing new), start-ui.sh and run-cmd.sh (the
// checkout's own, with bash): the same statuses, envs, requirements and
// what the Python scripts received. The links stay, git status clean.
func TestFallbackThroughUpdate(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	f := headFixtureOf(t)
	work := t.TempDir()
	up, remote := filepath.Join(work, "upstream"), filepath.Join(work, "remote.git")
	orig, ours := filepath.Join(work, "orig", "OneTrainer"), filepath.Join(work, "ours", "OneTrainer")
	upstreamWithRemote(t, f, up, remote)
	git(t, work, "clone", "-q", remote, orig)
	git(t, work, "clone", "-q", remote, ours)
	linkLauncher(t, ours)
	// Upstream's change: a check that passes, before the env is prepared.
	check := "\nfunction check_gpu_memory {\n    print \"GPU memory: enough for ${1:-nothing}\"\n}\n"
	for _, name := range []string{"lib.include.sh", "start-ui.sh"} {
		data, err := os.ReadFile(filepath.Join(up, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "lib.include.sh" {
			data = append(data, check...)
		} else {
			data = bytes.Replace(data, []byte("\nprepare_runtime_environment\n"), []byte("\ncheck_gpu_memory \"$@\"\nprepare_runtime_environment\n"), 1)
		}
		pushChange(t, up, name, string(data))
	}
	var saw []string
	sc := scenario{name: "update", steps: [][]string{{"./install.sh"}, {"./update.sh"}, {"./start-ui.sh", "a", "b c"}, {"./run-cmd.sh", "train", "--config-path", "x y.json"}},
		check: func(step int, output string) { saw = append(saw, output) }}
	wheels := upstreamWheels(t, s.python)
	want := observe(t, orig, sc, s.python, wheels)
	saw = nil
	got := observe(t, ours, sc, s.python, wheels)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the launcher differs from the checkout's own scripts:\n%s", diffLines(want, got))
	}
	if !slicesContain(want, "step 2 args ['a', 'b c']") || !slicesContain(want, "step 3 script scripts/train.py") {
		t.Errorf("too little observed: %q", want)
	}
	for i, out := range saw {
		n := strings.Count(out, "the launcher cannot follow this checkout's launch files (start-ui.sh:7: check_gpu_memory")
		if wantN := map[bool]int{true: 1}[i > 0]; n != wantN {
			t.Errorf("step %d: %d fallback warnings, want %d:\n%s", i, n, wantN, out)
		}
	}
	if l := linked(ours); len(l) != 4 {
		t.Errorf("linked after the update: %v", l)
	}
	if st := git(t, ours, "status", "--porcelain"); st != "" {
		t.Errorf("git status:\n%s", st)
	}
}

// TestFallbackRunsYourOwnVersion: a user's own line in start-ui.sh
// (export HF_HOME=…), linked with link --force, runs: the UI gets it, as
// from the unlinked checkout with the same edit. install.sh, git's copy,
// is followed by the launcher as before.
func TestFallbackRunsYourOwnVersion(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	f := headFixtureOf(t)
	orig, ours := filepath.Join(t.TempDir(), "OneTrainer"), filepath.Join(t.TempDir(), "OneTrainer")
	makeUpstreamCheckout(t, f, orig, false)
	makeUpstreamCheckout(t, f, ours, false)
	gitRun(t, ours, "init", "-q", "-b", "main")
	gitRun(t, ours, "add", "-A")
	gitRun(t, ours, "commit", "-q", "-m", "HEAD")
	hf := filepath.Join(t.TempDir(), "hf home")
	for _, dir := range []string{orig, ours} {
		p := filepath.Join(dir, "start-ui.sh")
		data, _ := os.ReadFile(p)
		if err := os.WriteFile(p, bytes.Replace(data, []byte("set -e\n"), []byte("set -e\nexport HF_HOME=\""+hf+"\"\n"), 1), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if o, err := exec.Command(s.launcher, "link", ours).CombinedOutput(); err == nil || !strings.Contains(string(o), "start-ui.sh holds a change of your own") {
		t.Fatalf("link without --force: %v\n%s", err, o)
	}
	if o, err := exec.Command(s.launcher, "link", "--force", ours).CombinedOutput(); err != nil {
		t.Fatalf("link --force: %v\n%s", err, o)
	}
	var saw []string
	sc := scenario{name: "own", steps: [][]string{{"./install.sh"}, {"./start-ui.sh", "a", "b c"}},
		check: func(step int, output string) { saw = append(saw, output) }}
	wheels := upstreamWheels(t, s.python)
	want := observe(t, orig, sc, s.python, wheels)
	saw = nil
	got := observe(t, ours, sc, s.python, wheels)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the launcher differs from the checkout's own scripts:\n%s", diffLines(want, got))
	}
	if !slicesContain(got, "step 1 env HF_HOME="+hf) {
		t.Errorf("the UI did not get your HF_HOME: %q", got)
	}
	backup := filepath.Join(ours, ".git", "onetrainer-launcher", "backup", "start-ui.sh")
	if len(saw) != 2 || strings.Contains(saw[0], "Warning: start-ui.sh is your own version") || strings.Count(saw[1], "Warning: start-ui.sh is your own version (kept by link --force), so it runs as it is, with bash") != 1 ||
		!strings.Contains(saw[1], "To drop your version and have the launcher follow git's start-ui.sh, run: rm "+backup+"\n") {
		t.Errorf("want one warning, at start-ui.sh only, with the way back to git's: %q", saw)
	}
	// The way back the warning gives: the launcher follows git's again.
	if err := os.Remove(backup); err != nil {
		t.Fatal(err)
	}
	saw = nil
	got = observe(t, ours, scenario{name: "git's", steps: [][]string{{"./start-ui.sh"}}, check: func(step int, output string) { saw = append(saw, output) }}, s.python, wheels)
	// (The launch it follows may warn of other things, such as no display.)
	if slicesContain(got, "step 0 env HF_HOME="+hf) || strings.Contains(strings.Join(saw, ""), "your own version") || strings.Contains(strings.Join(saw, ""), "runs as it is") ||
		!slicesContain(got, "step 0 script scripts/train_ui_qt.py") {
		t.Errorf("after rm of your version: %q\n%s", got, saw)
	}
}

func slicesContain(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

// TestFallbackUpdateBeforeThePull: update.sh itself gains a step the
// launcher does not model. The first ./update.sh pulls it (the launcher's
// pull) and runs the checkout's own update.sh; the next cannot follow
// update.sh before its pull, so the checkout's own update.sh runs from
// its start: its git pull merges a commit that changes a linked script
// while the links stand aside as git's copies, and the links come back.
func TestFallbackUpdateBeforeThePull(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	f := headFixtureOf(t)
	work := t.TempDir()
	up, remote, co := filepath.Join(work, "upstream"), filepath.Join(work, "remote.git"), filepath.Join(work, "OneTrainer")
	upstreamWithRemote(t, f, up, remote)
	git(t, work, "clone", "-q", remote, co)
	linkLauncher(t, co)
	wheels := upstreamWheels(t, s.python)
	run := func(script string) (int, string) {
		cmd := exec.Command("./" + script)
		cmd.Dir = co
		cmd.Env = append(gitEnv(), "PATH="+filepath.Dir(s.python.Path)+":/usr/local/bin:/usr/bin:/bin", "HOME="+t.TempDir(), "OT_PYTHON_CMD="+s.python.Path,
			"PIP_NO_INDEX=1", "PIP_FIND_LINKS="+wheels, "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_CACHE_DIR=1", "TEST_OUT="+t.TempDir())
		o, err := cmd.CombinedOutput()
		code := 0
		if xe, ok := err.(*exec.ExitError); ok {
			code = xe.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, string(o)
	}
	if code, o := run("install.sh"); code != 0 {
		t.Fatalf("install.sh: %d\n%s", code, o)
	}
	lib, _ := os.ReadFile(filepath.Join(up, "lib.include.sh"))
	pushChange(t, up, "lib.include.sh", string(lib)+"\nfunction check_gpu_memory {\n    print \"GPU memory: checked\"\n}\n")
	upd, _ := os.ReadFile(filepath.Join(up, "update.sh"))
	pushChange(t, up, "update.sh", strings.Replace(string(upd), "source \"lib.include.sh\"\n", "source \"lib.include.sh\"\ncheck_gpu_memory\n", 1))

	// The pull brings the step: as with the unlinked checkout, whose bash
	// reads on in the update.sh it started while git replaces it, the
	// update.sh that was there before the pull finishes this update, and
	// the new step runs from the next one on.
	code, o := run("update.sh")
	if code != 0 || strings.Contains(o, "[OneTrainer] GPU memory: checked") || !strings.Contains(o, "Already up to date.") ||
		strings.Count(o, "Warning: the launcher cannot follow this checkout's launch files (update.sh:") != 1 {
		t.Errorf("update.sh that pulls the step: %d\n%s", code, o)
	}

	// Upstream changes start-ui.sh, a linked script: the checkout's own
	// update.sh pulls it.
	start, _ := os.ReadFile(filepath.Join(up, "start-ui.sh"))
	pushChange(t, up, "start-ui.sh", string(start)+"# upstream's next start-ui.sh\n")
	code, o = run("update.sh")
	if code != 0 || strings.Count(o, "[OneTrainer] GPU memory: checked") != 1 || strings.Contains(o, "[OneTrainer] + git fetch") ||
		!strings.Contains(o, "start-ui.sh") || strings.Count(o, "Warning: the launcher cannot follow this checkout's launch files (update.sh:") != 1 {
		t.Errorf("update.sh that cannot be followed before its pull: %d\n%s", code, o)
	}
	if h, u := git(t, co, "rev-parse", "HEAD"), git(t, up, "rev-parse", "HEAD"); h != u {
		t.Errorf("HEAD %s, upstream %s", h, u)
	}
	if l := linked(co); len(l) != 4 {
		t.Errorf("linked after the update: %v", l)
	}
	if st := git(t, co, "status", "--porcelain"); st != "" {
		t.Errorf("git status:\n%s", st)
	}
	if kept, _ := os.ReadFile(filepath.Join(co, ".git", "onetrainer-launcher", "upstream", "start-ui.sh")); !strings.Contains(string(kept), "upstream's next start-ui.sh") {
		t.Errorf("git's copy of start-ui.sh kept for the launcher is not the pull's:\n%s", kept)
	}
	if _, err := os.Stat(filepath.Join(co, ".git", "onetrainer-launcher", "journal")); err == nil {
		t.Error("the journal is left")
	}
}

// gitInitUpdate is an update.sh the launcher does not model that makes a
// tree without git a clone of $REMOTE (as the pixi branch's does, its own
// way): git init, a fetch, a forced switch that puts git's files in place
// of the links, then a pull.
const gitInitUpdate = `#!/usr/bin/env bash
set -e
cd -- "$(dirname -- "${BASH_SOURCE[0]}")"
if [[ ! -d .git ]]; then
    git init -q
    git remote add origin "${REMOTE}"
    git fetch -q origin
    git checkout -q -f -B main origin/main
fi
git pull -q
source "lib.include.sh"
echo "[OneTrainer] now at $(git rev-parse HEAD)"
`

// TestFallbackUpdateMakesAGitCheckout: a linked tree without git whose
// update.sh the launcher cannot follow runs it as it is; it makes the tree
// a git checkout, overwriting the links with git's scripts, and they are
// links again after it, the launcher's state moved into .git, git status
// clean.
func TestFallbackUpdateMakesAGitCheckout(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	f := headFixtureOf(t)
	work := t.TempDir()
	up, remote, co := filepath.Join(work, "upstream"), filepath.Join(work, "remote.git"), filepath.Join(work, "OneTrainer")
	upstreamWithRemote(t, f, up, remote)
	makeUpstreamCheckout(t, f, co, false)
	linkLauncher(t, co)
	// An older launcher linked it; its update.sh since is one this one
	// cannot follow (kept as the file it was, as link keeps it without git).
	for _, p := range []string{"upstream", "backup"} {
		if err := os.WriteFile(filepath.Join(co, ".onetrainer-launcher", p, "update.sh"), []byte(gitInitUpdate), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("./update.sh")
	cmd.Dir = co
	cmd.Env = append(gitEnv(), "REMOTE="+remote)
	o, err := cmd.CombinedOutput()
	head := git(t, up, "rev-parse", "HEAD")
	if err != nil || !strings.Contains(string(o), "[OneTrainer] now at "+head) || !strings.Contains(string(o), "Warning: the launcher cannot follow this checkout's launch files (update.sh:") {
		t.Fatalf("update.sh: %v\n%s", err, o)
	}
	if l := linked(co); len(l) != 4 {
		t.Errorf("linked after the update: %v\n%s", l, o)
	}
	if _, err := os.Stat(filepath.Join(co, ".git", "onetrainer-launcher", "bin", "onetrainer-launcher")); err != nil {
		t.Errorf("the launcher's copy did not move into .git: %v", err)
	}
	if _, err := os.Stat(filepath.Join(co, ".onetrainer-launcher")); err == nil {
		t.Error(".onetrainer-launcher is left")
	}
	if st := git(t, co, "status", "--porcelain"); st != "" {
		t.Errorf("git status:\n%s", st)
	}
}

// TestFallbackUpdateSignals: the checkout's own update.sh, run as it is,
// gets the launcher's SIGTERM (143, as bash alone), and the links come back
// after it; a kill -9 of the launcher leaves the journal, and link puts the
// links back.
func TestFallbackUpdateSignals(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	f := headFixtureOf(t)
	work := t.TempDir()
	up, remote, co := filepath.Join(work, "upstream"), filepath.Join(work, "remote.git"), filepath.Join(work, "OneTrainer")
	upstreamWithRemote(t, f, up, remote)
	git(t, work, "clone", "-q", remote, co)
	linkLauncher(t, co)
	lib, _ := os.ReadFile(filepath.Join(up, "lib.include.sh"))
	pushChange(t, up, "lib.include.sh", string(lib)+gpuCheck)
	upd, _ := os.ReadFile(filepath.Join(up, "update.sh"))
	pushChange(t, up, "update.sh", strings.Replace(string(upd), "source \"lib.include.sh\"\n", "source \"lib.include.sh\"\ncheck_gpu_memory\n", 1))
	// The update that pulls the step finishes with the update.sh that was
	// there before (TestFallbackUpdateBeforeThePull): the step runs from
	// the next update on, the checkout's own update.sh from its start.
	firstOut := t.TempDir()
	first := exec.Command("./update.sh")
	first.Dir = co
	first.Env = append(gitEnv(), "PATH="+filepath.Dir(s.python.Path)+":/usr/local/bin:/usr/bin:/bin", "HOME="+t.TempDir(), "OT_PYTHON_CMD="+s.python.Path,
		"PIP_NO_INDEX=1", "PIP_FIND_LINKS="+upstreamWheels(t, s.python), "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_CACHE_DIR=1", "TEST_OUT="+firstOut)
	if fo, err := first.CombinedOutput(); err != nil || fileExists(filepath.Join(firstOut, "waiting")) {
		t.Fatalf("the update that pulls the step: %v (the step ran: %v)\n%s", err, fileExists(filepath.Join(firstOut, "waiting")), fo)
	}

	start := func(sig syscall.Signal) (int, string) {
		out := t.TempDir()
		cmd := exec.Command("./update.sh")
		cmd.Dir = co
		cmd.Env = append(gitEnv(), "TEST_OUT="+out)
		var o bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &o
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 30*time.Second, "the checkout's update.sh waiting", func() bool {
			_, err := os.Stat(filepath.Join(out, "waiting"))
			return err == nil
		})
		cmd.Process.Signal(sig)
		time.Sleep(100 * time.Millisecond)
		stdin.Close() // after a kill -9, bash reads the end and goes on
		cmd.Wait()
		if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); ws.Signaled() {
			return 128 + int(ws.Signal()), o.String()
		}
		return cmd.ProcessState.ExitCode(), o.String()
	}
	code, o := start(syscall.SIGTERM)
	if code != 143 || len(linked(co)) != 4 || git(t, co, "status", "--porcelain") != "" {
		t.Errorf("SIGTERM: status %d, linked %v\n%s", code, linked(co), o)
	}
	if _, err := os.Stat(filepath.Join(co, ".git", "onetrainer-launcher", "journal")); err == nil {
		t.Error("SIGTERM: the journal is left")
	}
	// Now update.sh cannot be followed before its pull: the scripts stand
	// aside for the whole of it, and a kill -9 leaves them so.
	code, o = start(syscall.SIGKILL)
	if code != 137 || len(linked(co)) != 0 {
		t.Errorf("SIGKILL: status %d, linked %v\n%s", code, linked(co), o)
	}
	// link refuses what it cannot follow, after the repair.
	if o, _ := exec.Command(s.launcher, "link", co).CombinedOutput(); !strings.Contains(string(o), "The last ./update.sh was cut short while git's copies stood in for install.sh, update.sh, start-ui.sh, run-cmd.sh: they are links to the launcher again.") {
		t.Errorf("link after a kill:\n%s", o)
	}
	if len(linked(co)) != 4 || git(t, co, "status", "--porcelain") != "" {
		t.Errorf("after link: linked %v", linked(co))
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// upstreamWithRemote makes up a git checkout of fixture f's shape with
// one commit, and remote a bare clone of it that up pushes to (origin).
func upstreamWithRemote(t *testing.T, f fixture, up, remote string) {
	t.Helper()
	makeUpstreamCheckout(t, f, up, false)
	git(t, up, "init", "-q", "-b", "main")
	git(t, up, "add", "-A")
	git(t, up, "commit", "-q", "-m", "HEAD")
	git(t, filepath.Dir(remote), "clone", "-q", "--bare", up, remote)
	git(t, up, "remote", "add", "origin", remote)
}
