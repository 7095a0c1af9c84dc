package e2e_test

// update.sh and link against kills, concurrent launches and moved
// binaries: real git, a local bare remote (made slow where a kill must land
// inside the fetch), real venvs and pip.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// gitEnv is the environment git runs with in these tests.
func gitEnv() []string {
	return append(os.Environ(), "GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.invalid",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.invalid", "GIT_CONFIG_NOSYSTEM=1")
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = dir, gitEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return strings.TrimSpace(string(out))
}

// origScript is the test framework's start-ui.sh, which these tests change.
var origScript = testkit.FrameworkScript("start-ui.sh")

// linkedClone makes an upstream repository of OneTrainer's shape whose
// launch scripts git tracks, a bare remote, and a user's clone with the
// launcher linked in and its env installed. It returns the upstream and
// the clone.
func linkedClone(t *testing.T) (up, co string) {
	t.Helper()
	up, co = clonedUpstream(t)
	if out, err := exec.Command(s.launcher, "link", co).CombinedOutput(); err != nil {
		t.Fatalf("link: %v\n%s", err, out)
	}
	if code, o, e := launch(t, co, "install.sh", nil); code != 0 {
		t.Fatalf("install: %d\n%s\n%s", code, o, e)
	}
	return up, co
}

// clonedUpstream makes an upstream of OneTrainer's shape (the miniature
// checkout, testkit's framework) with one commit, a bare remote it pushes
// to (origin), and a user's clone of the remote, not linked and with no
// env. It returns the upstream and the clone.
func clonedUpstream(t *testing.T) (up, co string) {
	t.Helper()
	work := t.TempDir()
	up, remote, co := filepath.Join(work, "upstream"), filepath.Join(work, "remote.git"), filepath.Join(work, "co")
	if err := writeCheckout(up, false, false); err != nil {
		t.Fatal(err)
	}
	if err := testkit.WriteFramework(up); err != nil {
		t.Fatal(err)
	}
	git(t, up, "init", "-q", "-b", "main")
	git(t, up, "add", "-A")
	git(t, up, "commit", "-q", "-m", "initial")
	git(t, work, "clone", "-q", "--bare", up, remote)
	git(t, up, "remote", "add", "origin", remote)
	git(t, work, "clone", "-q", remote, co)
	return up, co
}

// pushChange commits a change of file (relative to the upstream) and
// pushes it to the remote.
func pushChange(t *testing.T, up, file, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(up, file), []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	git(t, up, "add", "-A")
	git(t, up, "commit", "-q", "-m", "change "+file)
	git(t, up, "push", "-q", "origin", "main")
}

// slowFetch makes every fetch from the clone's remote take seconds, so
// that a kill or a sample lands inside it.
func slowFetch(t *testing.T, co string, seconds int) {
	git(t, co, "config", "remote.origin.uploadpack", fmt.Sprintf("sleep %d; git-upload-pack", seconds))
}

// linked lists which of the four scripts are links to the launcher.
func linked(co string) []string {
	var names []string
	for _, s := range layout.Scripts() {
		if t, err := os.Readlink(filepath.Join(co, s)); err == nil && strings.Contains(t, "onetrainer-launcher") {
			names = append(names, s)
		}
	}
	return names
}

// startUpdate starts ./update.sh in its own process group, with its
// output kept.
func startUpdate(t *testing.T, co string, env ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command("./update.sh")
	cmd.Dir = co
	cmd.Env = append(append(gitEnv(), "OT_PYTHON_CMD="+s.python.Path, "PIP_NO_INDEX=1", "PIP_FIND_LINKS="+s.wheels,
		"PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_CACHE_DIR=1"), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

// waitFor polls until cond holds, or fails the test after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// groupRuns reports whether a process whose command line contains word is a
// descendant of the process group pgid.
func groupRuns(pgid int, word string) bool {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil {
			continue
		}
		if g, err := syscall.Getpgid(pid); err != nil || g != pgid {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if bytes.Contains(cmdline, []byte(word)) {
			return true
		}
	}
	return false
}

// kill -9 of the whole update while git fetches: the links never left, and
// the next update completes.
func TestUpdateKilledDuringFetch(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	up, co := linkedClone(t)
	pushChange(t, up, "start-ui.sh", origScript+"# changed upstream\n")
	slowFetch(t, co, 3)
	cmd, out := startUpdate(t, co)
	waitFor(t, 20*time.Second, "git fetch to run", func() bool { return groupRuns(cmd.Process.Pid, "upload-pack") })
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cmd.Wait()
	if got := linked(co); len(got) != 4 {
		t.Fatalf("after a kill during the fetch, linked: %v\n%s", got, out)
	}
	git(t, co, "config", "--unset", "remote.origin.uploadpack")
	cmd, out = startUpdate(t, co)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the next update: %v\n%s", err, out)
	}
	if got := linked(co); len(got) != 4 {
		t.Fatalf("after the next update, linked: %v\n%s", got, out)
	}
	if data, _ := os.ReadFile(filepath.Join(co, ".git", "onetrainer-launcher", "upstream", "start-ui.sh")); !strings.Contains(string(data), "changed upstream") {
		t.Errorf("the kept copy of start-ui.sh is not the pulled one: %q", data)
	}
}

// kill -9 of the whole update inside the merge, while git's copy of a
// changed script stands in for its link: the journal is left, and the next
// run of the launcher (a script still linked) puts the link back and says
// so.
func TestUpdateKilledDuringMerge(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	up, co := linkedClone(t)
	pushChange(t, up, "start-ui.sh", origScript+"# changed upstream\n")
	// A post-merge hook that waits holds the update inside the merge.
	hook := filepath.Join(co, ".git", "hooks", "post-merge")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\nsleep 30\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd, out := startUpdate(t, co)
	waitFor(t, 30*time.Second, "the post-merge hook", func() bool { return groupRuns(cmd.Process.Pid, "sleep") })
	if got := linked(co); strings.Contains(strings.Join(got, " "), "start-ui.sh") || len(got) != 3 {
		t.Fatalf("during the merge, linked: %v (start-ui.sh should be git's copy, the others links)", got)
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cmd.Wait()
	os.Remove(hook)
	if _, err := os.Stat(filepath.Join(co, ".git", "onetrainer-launcher", "journal")); err != nil {
		t.Fatalf("no journal after a kill inside the merge: %v\n%s", err, out)
	}
	code, stdout, stderr := launch(t, co, "run-cmd.sh", []string{"TEST_OUT=" + t.TempDir()}, "train")
	if code != 0 || !strings.Contains(stderr, "The last ./update.sh was cut short while git's copies stood in for start-ui.sh: they are links to the launcher again.") {
		t.Fatalf("the next launch: %d\n%s\n%s", code, stdout, stderr)
	}
	if got := linked(co); len(got) != 4 {
		t.Errorf("after the repair, linked: %v", got)
	}
	if _, err := os.Stat(filepath.Join(co, ".git", "onetrainer-launcher", "journal")); err == nil {
		t.Errorf("the journal is still there after the repair")
	}
	if st := git(t, co, "status", "--porcelain"); st != "" {
		t.Errorf("git status after the repair: %q", st)
	}
}

// kill -9 of an update after a link came back but before git's
// skip-worktree bit did (the state that leaves, made by hand: the journal
// still lists the script, the link is in place, the bit is clear, so git
// sees a changed file): the next launch sets the bit again, and git status
// is clean.
func TestRepairAfterLinkBeforeSkipWorktree(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	_, co := linkedClone(t)
	target, err := os.Readlink(filepath.Join(co, "start-ui.sh"))
	if err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(co, ".git", "onetrainer-launcher", "journal")
	if err := os.WriteFile(journal, []byte("onetrainer-launcher journal 1\naway\tstart-ui.sh\t"+target+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, co, "update-index", "--no-skip-worktree", "start-ui.sh")
	if st := git(t, co, "status", "--porcelain"); st == "" {
		t.Fatal("the made state shows no change to git: the test would prove nothing")
	}
	code, stdout, stderr := launch(t, co, "run-cmd.sh", []string{"TEST_OUT=" + t.TempDir()}, "train")
	if code != 0 || !strings.Contains(stderr, "they are links to the launcher again") {
		t.Fatalf("the next launch: %d\n%s\n%s", code, stdout, stderr)
	}
	if st := git(t, co, "status", "--porcelain"); st != "" {
		t.Errorf("git status after the repair: %q", st)
	}
	if _, err := os.Stat(journal); err == nil {
		t.Errorf("the journal is still there after the repair")
	}
}

// Sampled every 10 ms during a pull that changes no launch script, the four
// scripts are links in every sample, and a launch started during the pull
// runs the launcher.
func TestLinksStayDuringPull(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	up, co := linkedClone(t)
	pushChange(t, up, "NEWS", "news\n")
	slowFetch(t, co, 2)
	cmd, out := startUpdate(t, co)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	samples, bad := 0, 0
	var launched string
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("update: %v\n%s", err, out)
			}
			running = false
		case <-time.After(10 * time.Millisecond):
			samples++
			if len(linked(co)) != 4 {
				bad++
			}
			if launched == "" && samples == 50 {
				// A launch in the middle of the pull: the launcher answers
				// (its list of valid names; the original says otherwise).
				_, _, e := launch(t, co, "run-cmd.sh", nil)
				launched = e
			}
		}
	}
	if bad > 0 || samples < 50 {
		t.Errorf("%d of %d samples found a script that is not a link", bad, samples)
	}
	if !strings.Contains(launched, "Valid names:") {
		t.Errorf("a launch during the pull did not run the launcher: %q", launched)
	}
	if _, err := os.Stat(filepath.Join(co, "NEWS")); err != nil {
		t.Errorf("the pull did not arrive: %v\n%s", err, out)
	}
}

// update.sh started while a first launch installs waits for the lock, then
// finds the env made and only updates it; repeated, since it is a race.
func TestUpdateWaitsForFirstInstall(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	for round := 0; round < 3; round++ {
		_, co := linkedClone(t)
		os.RemoveAll(filepath.Join(co, ".venv"))
		first := exec.Command("./start-ui.sh")
		first.Dir = co
		first.Env = append(gitEnv(), "OT_PYTHON_CMD="+s.python.Path, "PIP_NO_INDEX=1", "PIP_FIND_LINKS="+s.wheels,
			"PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_CACHE_DIR=1")
		var firstOut bytes.Buffer
		first.Stdout, first.Stderr = &firstOut, &firstOut
		if err := first.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 30*time.Second, "the first install to begin", func() bool {
			_, err := os.Stat(filepath.Join(co, ".venv", ".onetrainer-launcher-created"))
			return err == nil
		})
		upd, out := startUpdate(t, co)
		if err := upd.Wait(); err != nil {
			t.Fatalf("round %d: update: %v\n%s", round, err, out)
		}
		if err := first.Wait(); err != nil {
			t.Fatalf("round %d: first launch: %v\n%s", round, err, &firstOut)
		}
		if strings.Contains(out.String(), "-m venv") {
			t.Errorf("round %d: the update made the venv again:\n%s", round, out)
		}
		if !strings.Contains(out.String(), "pip install") {
			t.Errorf("round %d: the update did not install:\n%s", round, out)
		}
	}
}

// Six first launches at once on a fresh checkout, three rounds: all run.
func TestManyFirstLaunches(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	for round := 0; round < 3; round++ {
		dir := linkedCheckout(t)
		var wg sync.WaitGroup
		results := make([]string, 6)
		for i := range results {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				out := filepath.Join(dir, fmt.Sprintf("out%d", i))
				os.MkdirAll(out, 0o755)
				code, o, e := launch(t, dir, "start-ui.sh", []string{"TEST_OUT=" + out}, fmt.Sprint(i))
				if code != 0 {
					results[i] = fmt.Sprintf("launch %d: exit %d\n%s\n%s", i, code, o, e)
				}
			}(i)
		}
		wg.Wait()
		for _, r := range results {
			if r != "" {
				t.Errorf("round %d: %s", round, r)
			}
		}
	}
}

// git's own words for git steps that fail: a stale index.lock, and lazy
// updates outside git.
func TestGitFailuresSayWhy(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	up, co := linkedClone(t)
	pushChange(t, up, "start-ui.sh", origScript+"# changed upstream\n")
	lock := filepath.Join(co, ".git", "index.lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd, out := startUpdate(t, co)
	err := cmd.Wait()
	if err == nil || !strings.Contains(out.String(), "index.lock") {
		t.Errorf("a stale index.lock: %v\n%s", err, out)
	}
	if got := linked(co); len(got) != 4 {
		t.Errorf("after a failed update, linked: %v\n%s", got, out)
	}
	os.Remove(lock)

	plain := t.TempDir()
	if err := writeCheckout(plain, false, true); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := launch(t, plain, "install.sh", []string{"OT_LAZY_UPDATES=true"})
	if code != 128 || !strings.Contains(stderr, "OT_LAZY_UPDATES is on, but git cannot tell this checkout's commit") || !strings.Contains(stderr, "not a git repository") {
		t.Errorf("lazy updates outside git: %d\n%s\n%s", code, stdout, stderr)
	}
}

// A merge conflict in a linked script: git's conflicted file stays where
// git left it, the link is not forced over it, and the update says so with
// the commands that resolve it — git's own, each of which git accepts
// (not `git checkout -- start-ui.sh`, which git refuses: "path is
// unmerged"). doctor names the conflict, not "no start-ui.sh" nor a
// cut-short update. Resolved by the hint's commands, run as they are
// printed (upstream's version; then, at a second conflict, the pull
// undone; then, with pull.rebase, the rebase's), the next launch links it
// again.
func TestUpdateConflictInLinkedScript(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	up, co := linkedClone(t)
	git(t, co, "config", "pull.rebase", "false")
	// The user's own commit to start-ui.sh (made through git's copy) and
	// upstream's to the same line.
	conflict := func(mine, theirs string) string {
		pushChange(t, up, "start-ui.sh", origScript+theirs)
		if out, err := exec.Command(s.launcher, "unlink", co).CombinedOutput(); err != nil {
			t.Fatalf("unlink: %v\n%s", err, out)
		}
		if err := os.WriteFile(filepath.Join(co, "start-ui.sh"), []byte(origScript+mine), 0o755); err != nil {
			t.Fatal(err)
		}
		git(t, co, "commit", "-q", "-am", "mine")
		if out, err := exec.Command(s.launcher, "link", co).CombinedOutput(); err != nil {
			t.Fatalf("link: %v\n%s", err, out)
		}
		cmd, out := startUpdate(t, co)
		if err := cmd.Wait(); err == nil {
			t.Fatalf("an update with a conflict succeeded:\n%s", out)
		}
		return out.String()
	}
	// hint returns the command a line of the output gives after "run: ".
	hint := func(out, lead string) string {
		t.Helper()
		for _, line := range strings.Split(out, "\n") {
			if _, rest, ok := strings.Cut(line, "[OneTrainer] "+lead); ok {
				_, command, _ := strings.Cut(rest, "run: ")
				return command
			}
		}
		t.Fatalf("no %q in:\n%s", lead, out)
		return ""
	}
	paste := func(command string) {
		t.Helper()
		cmd := exec.Command("sh", "-c", command)
		cmd.Env = gitEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("the hint's command %s: %v\n%s", command, err, out)
		}
	}

	out := conflict("# my line\n", "# upstream's line\n")
	if !strings.Contains(out, "the pull left a merge conflict in start-ui.sh") ||
		!strings.Contains(out, "[OneTrainer] To undo the pull, run: git -C "+co+" merge --abort") ||
		!strings.Contains(out, "then run: git -C "+co+" add start-ui.sh && git -C "+co+" commit --no-edit") ||
		strings.Contains(out, "checkout -- start-ui.sh") {
		t.Errorf("the conflict's words:\n%s", out)
	}
	data, err := os.ReadFile(filepath.Join(co, "start-ui.sh"))
	if fi, _ := os.Lstat(filepath.Join(co, "start-ui.sh")); err != nil || fi.Mode()&os.ModeSymlink != 0 || !strings.Contains(string(data), "<<<<<<<") {
		t.Errorf("start-ui.sh is not git's conflicted file: %v %q", err, data)
	}
	if got := linked(co); len(got) != 3 {
		t.Errorf("the other scripts are not links: %v", got)
	}
	doc, _ := exec.Command(s.launcher, "-C", co, "doctor").CombinedOutput()
	if !strings.Contains(string(doc), "Problem:      start-ui.sh has a merge conflict that a pull left") || !strings.Contains(string(doc), "start-ui.sh merge conflict") ||
		strings.Contains(string(doc), "has no start-ui.sh") || strings.Contains(string(doc), "cut-short") {
		t.Errorf("doctor during the conflict:\n%s", doc)
	}
	// Every later launch says it too, until it is resolved.
	_, _, stderr := launch(t, co, "run-cmd.sh", []string{"TEST_OUT=" + t.TempDir()}, "train")
	if !strings.Contains(stderr, "start-ui.sh has a merge conflict from the last ./update.sh") || !strings.Contains(stderr, "merge --abort") {
		t.Errorf("a launch during the conflict:\n%s", stderr)
	}

	// Upstream's version, by the hint's commands as printed.
	paste(hint(out, "To take upstream's version instead"))
	code, stdout, stderr := launch(t, co, "run-cmd.sh", []string{"TEST_OUT=" + t.TempDir()}, "train")
	if code != 0 || len(linked(co)) != 4 {
		t.Errorf("after taking upstream's: %d, linked %v\n%s\n%s", code, linked(co), stdout, stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(co, ".git", "onetrainer-launcher", "upstream", "start-ui.sh")); string(data) != origScript+"# upstream's line\n" {
		t.Errorf("the launcher does not follow upstream's start-ui.sh: %q", data)
	}
	if st := git(t, co, "status", "--porcelain"); st != "" {
		t.Errorf("git status after resolving: %q", st)
	}

	// A second conflict, and the pull undone by the hint's command.
	head := git(t, co, "rev-parse", "HEAD")
	out = conflict("# my second line\n", "# upstream's second line\n")
	mine := git(t, co, "rev-parse", "HEAD")
	if mine == head {
		t.Fatal("no commit of the user's")
	}
	paste(hint(out, "To undo the pull"))
	code, stdout, stderr = launch(t, co, "run-cmd.sh", []string{"TEST_OUT=" + t.TempDir()}, "train")
	if code != 0 || len(linked(co)) != 4 || git(t, co, "rev-parse", "HEAD") != mine {
		t.Errorf("after undoing the pull: %d, linked %v\n%s\n%s", code, linked(co), stdout, stderr)
	}
	if st := git(t, co, "status", "--porcelain"); st != "" {
		t.Errorf("git status after undoing the pull: %q", st)
	}

	// With pull.rebase, the rebase's commands: upstream's side is the one
	// a rebase calls "ours".
	git(t, co, "config", "pull.rebase", "true")
	// One commit of the user's on top of upstream's, for the rebase to
	// replay (with the merges above, it would replay each earlier one).
	if out, err := exec.Command(s.launcher, "unlink", co).CombinedOutput(); err != nil {
		t.Fatalf("unlink: %v\n%s", err, out)
	}
	git(t, co, "fetch", "-q")
	git(t, co, "reset", "-q", "--hard", "origin/main")
	out = conflict("# my third line\n", "# upstream's third line\n")
	if !strings.Contains(out, "[OneTrainer] To undo the pull, run: git -C "+co+" rebase --abort") {
		t.Errorf("the rebase's words:\n%s", out)
	}
	paste(hint(out, "To take upstream's version instead"))
	code, stdout, stderr = launch(t, co, "run-cmd.sh", []string{"TEST_OUT=" + t.TempDir()}, "train")
	if code != 0 || len(linked(co)) != 4 {
		t.Errorf("after the rebase took upstream's: %d, linked %v\n%s\n%s", code, linked(co), stdout, stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(co, ".git", "onetrainer-launcher", "upstream", "start-ui.sh")); !strings.HasSuffix(string(data), "# upstream's third line\n") {
		t.Errorf("the launcher does not follow upstream's start-ui.sh after the rebase: %q", data)
	}
	if st := git(t, co, "status", "--porcelain"); st != "" {
		t.Errorf("git status after the rebase: %q", st)
	}
}

// The launcher's own source tree holds committed links named like the
// scripts: run there, they say what they are.
func TestSourceTreeLinks(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	src := testkit.Root()
	copyDir := t.TempDir()
	for _, f := range []string{"go.mod"} {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(copyDir, f)), 0o755)
		os.WriteFile(filepath.Join(copyDir, f), data, 0o644)
	}
	os.Symlink(s.launcher, filepath.Join(copyDir, "install.sh"))
	code, stdout, stderr := launch(t, copyDir, "install.sh", nil)
	if code != 1 || !strings.Contains(stderr, "is onetrainer-launcher's own source, not a OneTrainer checkout: build it and link it into one") {
		t.Errorf("%d\n%s\n%s", code, stdout, stderr)
	}
	// Another Go module's tree is not the launcher's.
	os.WriteFile(filepath.Join(copyDir, "go.mod"), []byte("module example.com/other\n"), 0o644)
	code, _, stderr = launch(t, copyDir, "install.sh", nil)
	if code != 1 || strings.Contains(stderr, "own source") || !strings.Contains(stderr, "does not look like a OneTrainer checkout") {
		t.Errorf("another module's tree: %d\n%s", code, stderr)
	}
}
