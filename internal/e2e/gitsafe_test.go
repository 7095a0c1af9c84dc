package e2e_test

// No git state loses a file, through the built binary: unlink where git
// cannot answer, link by another build, a lock's place holding a planted
// link, and the modes of the launcher's files under a 027 umask. Real git
// with a local bare remote; real Python and pip where an env is made.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// clonedCheckout makes an upstream of OneTrainer's shape, a bare remote
// and a user's clone of it, not linked and with no env; it returns the
// clone.
func clonedCheckout(t *testing.T) string {
	t.Helper()
	if s.err != nil {
		t.Fatal(s.err)
	}
	_, co := clonedUpstream(t)
	return co
}

// runLauncher runs the launcher's own command args with env alone (no
// inherited environment), and returns its status and output.
func runLauncher(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(s.launcher, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	code := 0
	if xe, ok := err.(*exec.ExitError); ok {
		code = xe.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, string(out)
}

// skipWorktree lists the scripts git's skip-worktree bit hides.
func skipWorktree(t *testing.T, co string) []string {
	var names []string
	for _, line := range strings.Split(git(t, co, "-c", "safe.directory=*", "ls-files", "-v"), "\n") {
		if tag, name, _ := strings.Cut(line, " "); tag == "S" {
			names = append(names, name)
		}
	}
	return names
}

// unlink with git off PATH (the binary's own lookups see none) and in a
// checkout git refuses as another user's: it exits non-zero, says why in
// git's words with a command that works, and changes nothing; with git it
// then restores every script, git status as before link.
func TestUnlinkWhereGitCannotAnswerThroughTheBinary(t *testing.T) {
	t.Parallel()
	co := clonedCheckout(t)
	if code, out := runLauncher(t, gitEnv(), "link", co); code != 0 {
		t.Fatalf("link: %d\n%s", code, out)
	}
	home := t.TempDir()
	noGit := []string{"PATH=" + t.TempDir(), "HOME=" + home}
	code, out := runLauncher(t, noGit, "unlink", co)
	if code == 0 || !strings.Contains(out, "[OneTrainer] Error: nothing was unlinked, and nothing changed: git cannot answer for "+co+": git is not on PATH") ||
		!strings.Contains(out, "put its folder on PATH, then run the command again: export PATH=") {
		t.Errorf("unlink without git: %d\n%s", code, out)
	}
	if got, hidden := linked(co), skipWorktree(t, co); len(got) != 4 || len(hidden) != 4 {
		t.Fatalf("after unlink without git: linked %v, hidden %v\n%s", got, hidden, out)
	}

	if os.Geteuid() == 0 {
		owner := append(gitEnv(), "HOME="+home, "GIT_CONFIG_NOSYSTEM=1")
		chownAll(t, co, 54321)
		code, out = runLauncher(t, owner, "unlink", co)
		if code == 0 || !strings.Contains(out, "detected dubious ownership in repository at") || !strings.Contains(out, "git config --global --add safe.directory "+co) {
			t.Errorf("unlink in a checkout git refuses: %d\n%s", code, out)
		}
		if got, hidden := linked(co), skipWorktree(t, co); len(got) != 4 || len(hidden) != 4 {
			t.Fatalf("after a refused unlink: linked %v, hidden %v\n%s", got, hidden, out)
		}
		if _, out := runLauncher(t, owner, "-C", co, "doctor"); !strings.Contains(out, "git refuses to answer for "+co+", which belongs to another user") {
			t.Errorf("doctor does not say git refuses the checkout:\n%s", out)
		}
		chownAll(t, co, 0)
	} else {
		t.Log("not root: a checkout owned by another user cannot be made here (chown), so that case is not run")
	}

	code, out = runLauncher(t, gitEnv(), "unlink", co)
	if code != 0 || len(linked(co)) != 0 || len(skipWorktree(t, co)) != 0 {
		t.Fatalf("unlink with git: %d, linked %v\n%s", code, linked(co), out)
	}
	if st := git(t, co, "status", "--porcelain"); st != "" {
		t.Errorf("git status after unlink: %q", st)
	}
	if data, _ := os.ReadFile(filepath.Join(co, "start-ui.sh")); string(data) != origScript {
		t.Errorf("start-ui.sh is not git's after unlink: %q", data)
	}
}

func chownAll(t *testing.T, dir string, uid int) {
	t.Helper()
	if err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, -1)
	}); err != nil {
		t.Fatal(err)
	}
}

// link by another build says that it replaced the checkout's copy, from
// which version to which; by the same build, that the scripts are
// linked already.
func TestLinkByAnotherBuild(t *testing.T) {
	t.Parallel()
	co := clonedCheckout(t)
	old := filepath.Join(t.TempDir(), "onetrainer-launcher")
	pkg := modulePath + "/internal/buildinfo"
	goBuild(t, testkit.Root(), old, nil, "-buildvcs=false", "-ldflags=-X "+pkg+".version=v0.0.1-old -X "+pkg+".commit=0123456789ab")
	if out, err := exec.Command(old, "link", co).CombinedOutput(); err != nil {
		t.Fatalf("link by the old build: %v\n%s", err, out)
	}
	code, out := runLauncher(t, gitEnv(), "link", co)
	copyPath := filepath.Join(co, ".git", "onetrainer-launcher", "bin", "onetrainer-launcher")
	want := "[OneTrainer] Replaced the checkout's copy of the launcher (" + copyPath + ") with this build: it was v0.0.1-old (commit 0123456789ab), it is now devel (commit unknown)."
	if code != 0 || !strings.Contains(out, want) || strings.Contains(out, "already linked") ||
		!strings.Contains(out, "install.sh, update.sh, start-ui.sh, run-cmd.sh: linked to .git/onetrainer-launcher/bin/onetrainer-launcher already, so they run the new copy now") {
		t.Errorf("link by a newer build: %d\n%s\nwant %s", code, out, want)
	}
	if v, _ := exec.Command(copyPath, "version").CombinedOutput(); !strings.HasPrefix(string(v), "onetrainer-launcher devel ") {
		t.Errorf("the checkout's copy is not this build: %s", v)
	}
	code, out = runLauncher(t, gitEnv(), "link", co)
	if code != 0 || strings.Count(out, "already linked") != 4 || strings.Contains(out, "Replaced") {
		t.Errorf("link by the same build again: %d\n%s", code, out)
	}
}

// An env's place in a shared folder where someone planted a link at its
// lock's path: the launch does not follow it (the file it points at is not
// made), refuses by the lock's path, and says how to go on.
func TestPlantedLockLink(t *testing.T) {
	t.Parallel()
	dir := linkedCheckout(t)
	shared := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	lock := layout.EnvLock(filepath.Join(shared, "venv"))
	if err := os.Symlink(victim, lock); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := launch(t, dir, "install.sh", []string{"OT_PYTHON_VENV=" + filepath.Join(shared, "venv")})
	if code == 0 || !strings.Contains(stderr, "the lock file "+lock+" is a symbolic link (to "+victim+")") || !strings.Contains(stderr, "rm "+lock) {
		t.Errorf("install with a planted lock link: %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Lstat(victim); err == nil {
		t.Errorf("the link's target was made")
	}
	if _, err := os.Stat(filepath.Join(shared, "venv")); err == nil {
		t.Errorf("the env was made without its lock")
	}
}

// Under a 027 umask, what link and install.sh write — the launcher's copy
// and state, the env's lock and records — is not readable by others, as
// the user asked.
func TestUmask027(t *testing.T) {
	t.Parallel()
	co := clonedCheckout(t)
	umask := func(args ...string) {
		t.Helper()
		cmd := exec.Command("sh", append([]string{"-c", `umask 027 && exec "$@"`, "sh"}, args...)...)
		cmd.Dir = co
		cmd.Env = append(gitEnv(), "OT_PYTHON_CMD="+s.python.Path, "PIP_NO_INDEX=1", "PIP_FIND_LINKS="+s.wheels,
			"PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_CACHE_DIR=1", "HOME="+t.TempDir())
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	umask(s.launcher, "link", co)
	umask("./install.sh")
	state := filepath.Join(co, ".git", "onetrainer-launcher")
	for path, want := range map[string]os.FileMode{
		state:                       0o750,
		filepath.Join(state, "bin"): 0o750,
		filepath.Join(state, "bin", "onetrainer-launcher"):           0o750,
		filepath.Join(state, "upstream", "start-ui.sh"):              0o640,
		filepath.Join(state, "facts"):                                0o640,
		filepath.Join(co, ".venv.lock"):                              0o640,
		filepath.Join(co, ".venv", ".onetrainer-launcher-installed"): 0o640,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
		}
	}
}

// slowGit makes a folder whose git logs each call to log and waits a
// moment before it runs the real git, so that a test can kill the
// launcher before any given git command of its: between two steps.
func slowGit(t *testing.T, log string) string {
	t.Helper()
	real, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	wrapper := "#!/bin/sh\necho \"$*\" >> " + shellQuote(log) + "\nsleep 0.3\nexec " + shellQuote(real) + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "git"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// killBeforeGit starts argv in co, in a process group of its own, with
// git slowed (slowGit), and kills the group with SIGKILL once its n-th git
// command has started (before that command can run). It reports whether
// the kill came before the run ended by itself.
func killBeforeGit(t *testing.T, co string, n int, argv ...string) bool {
	t.Helper()
	log := filepath.Join(t.TempDir(), "git.log")
	os.WriteFile(log, nil, 0o644)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = co
	cmd.Env = append(gitEnv(), "PATH="+slowGit(t, log)+":"+os.Getenv("PATH"), "OT_PYTHON_CMD="+s.python.Path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	for {
		select {
		case <-done:
			return false
		case <-time.After(10 * time.Millisecond):
		}
		data, _ := os.ReadFile(log)
		if strings.Count(string(data), "\n") >= n {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
			return true
		}
	}
}

// A real kill -9 of unlink, and of the journal's repair (run by the next
// launch), before each of their git commands in turn: after each, no
// script is missing or hidden behind skip-worktree as a file, the user's
// edit is in place or kept, and the next run finishes with everything as
// it should be. (internal/checkout's TestUnlinkCutAtEveryStep and
// TestRepairKeepsAnEditAtEveryStep stop at the steps between which no git
// command runs.)
func TestKillBeforeEveryGitCommand(t *testing.T) {
	t.Parallel()
	co := clonedCheckout(t)
	startUI := filepath.Join(co, "start-ui.sh")
	state := filepath.Join(co, ".git", "onetrainer-launcher")
	mine := origScript + "export HF_HOME=/data/hf\n"
	noFileHidden := func(when string) {
		t.Helper()
		for _, name := range skipWorktree(t, co) {
			if fi, err := os.Lstat(filepath.Join(co, name)); err == nil && fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("%s: %s is a file git's skip-worktree bit hides", when, name)
			}
		}
		for _, name := range layout.Scripts() {
			if _, err := os.Lstat(filepath.Join(co, name)); err != nil {
				t.Errorf("%s: %s is missing: %v", when, name, err)
			}
		}
	}

	t.Run("unlink", func(t *testing.T) {
		for n := 1; ; n++ {
			os.WriteFile(startUI, []byte(mine), 0o755)
			if code, out := runLauncher(t, gitEnv(), "link", "--force", co); code != 0 {
				t.Fatalf("link --force: %d\n%s", code, out)
			}
			killed := killBeforeGit(t, co, n, s.launcher, "unlink", co)
			when := fmt.Sprintf("unlink killed before git command %d", n)
			if killed {
				noFileHidden(when)
				inPlace, _ := os.ReadFile(startUI)
				kept, _ := os.ReadFile(filepath.Join(state, "backup", "start-ui.sh"))
				if string(inPlace) != mine && string(kept) != mine {
					t.Fatalf("%s: the user's start-ui.sh is lost", when)
				}
				if code, out := runLauncher(t, gitEnv(), "unlink", co); code != 0 {
					t.Fatalf("%s, unlink again: %d\n%s", when, code, out)
				}
			}
			if data, _ := os.ReadFile(startUI); string(data) != mine || len(linked(co)) != 0 || len(skipWorktree(t, co)) != 0 {
				t.Errorf("%s, then unlink: start-ui.sh %q, linked %v, hidden %v", when, data, linked(co), skipWorktree(t, co))
			}
			if st := git(t, co, "status", "--porcelain"); st != "M start-ui.sh" {
				t.Errorf("%s, then unlink: git status %q", when, st)
			}
			if _, err := os.Lstat(state); err == nil {
				t.Errorf("%s, then unlink: the state is still there", when)
			}
			if !killed {
				if n < 6 {
					t.Errorf("unlink ran only %d git commands", n-1)
				}
				break
			}
		}
		git(t, co, "checkout", "--", "start-ui.sh")
	})

	t.Run("repair", func(t *testing.T) {
		edit := origScript + "source ~/env.sh\n"
		if code, out := runLauncher(t, gitEnv(), "link", co); code != 0 {
			t.Fatalf("link: %d\n%s", code, out)
		}
		for n := 1; ; n++ {
			// What a kill inside update.sh's merge leaves, then an edit of
			// the user's to the script that stood in for the link.
			os.RemoveAll(filepath.Join(state, "backup"))
			target, _ := os.Readlink(startUI)
			os.WriteFile(filepath.Join(state, "journal"), []byte("onetrainer-launcher journal 1\naway\tstart-ui.sh\t"+target+"\n"), 0o644)
			git(t, co, "update-index", "--no-skip-worktree", "start-ui.sh")
			os.Remove(startUI)
			os.WriteFile(startUI, []byte(edit), 0o755)

			killed := killBeforeGit(t, co, n, "./run-cmd.sh")
			when := fmt.Sprintf("the repair killed before git command %d", n)
			kept := filepath.Join(state, "backup", "start-ui.sh")
			if killed {
				noFileHidden(when)
				inPlace, _ := os.ReadFile(startUI)
				keptData, _ := os.ReadFile(kept)
				if string(inPlace) != edit && string(keptData) != edit {
					t.Fatalf("%s: the user's edit is lost", when)
				}
				code, stdout, stderr := launch(t, co, "run-cmd.sh", nil)
				if code == 0 || !strings.Contains(stderr, "You must give the name of the script to run") {
					t.Fatalf("%s, the next launch: %d\n%s\n%s", when, code, stdout, stderr)
				}
			}
			if data, _ := os.ReadFile(kept); string(data) != edit {
				t.Errorf("%s: the edit is not kept in %s: %q", when, kept, data)
			}
			if _, err := os.Lstat(filepath.Join(state, "journal")); err == nil || len(linked(co)) != 4 || len(skipWorktree(t, co)) != 4 {
				t.Errorf("%s: not repaired: journal %v, linked %v, hidden %v", when, err, linked(co), skipWorktree(t, co))
			}
			if st := git(t, co, "status", "--porcelain"); st != "" {
				t.Errorf("%s: git status %q", when, st)
			}
			if !killed {
				if n < 4 {
					t.Errorf("the repair ran only %d git commands", n-1)
				}
				break
			}
		}
	})
}
