package e2e_test

// No git state loses a file, through the built binary: unlink where git
// cannot answer, link by another build, a lock's place holding a planted
// link, and the modes of the launcher's files under a 027 umask. Real git
// with a local bare remote; real Python and pip where an env is made.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
	git(t, work, "clone", "-q", remote, co)
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
