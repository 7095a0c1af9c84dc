package checkout

// No git state loses a file: unlink and the journal's repair with real
// git — git off PATH, a checkout git refuses as another user's, and a cut
// between any two of their steps.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// gitEnv is git's environment in these tests: an identity, no system or
// user configuration (HOME a folder of the test's), no sudo.
func gitEnv(t *testing.T) environ.List {
	env := environ.List(os.Environ()).Clone()
	for _, k := range []string{"SUDO_UID", "SUDO_USER", "GIT_DIR", "GIT_WORK_TREE", "GIT_CONFIG_GLOBAL"} {
		env.Unset(k)
	}
	for k, v := range map[string]string{"HOME": t.TempDir(), "GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"} {
		env.Set(k, v)
	}
	return env
}

// without is env with PATH a folder that holds no git.
func without(t *testing.T, env environ.List) environ.List {
	e := env.Clone()
	e.Set("PATH", t.TempDir())
	return e
}

func runGit(t *testing.T, env environ.List, dir string, args ...string) string {
	t.Helper()
	// The test's own questions go through whoever owns the checkout.
	cmd := exec.Command("git", append([]string{"-c", "safe.directory=*", "-C", dir}, args...)...)
	cmd.Env = env
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, b)
	}
	return strings.TrimSpace(string(b))
}

// script is what the checkout holds at a launch script's place.
func script(name string) string { return "#!/usr/bin/env bash\n# the checkout's " + name + "\n" }

// linkedRepo makes a git checkout whose four launch scripts git tracks,
// with start-ui.sh holding a change of the user's, linked with --force
// (so that unlink has a kept original and three of git's copies to put
// back). The launcher binary is a stand-in file named as the launcher:
// link and unlink only copy it and link to it. It returns the linker and
// what start-ui.sh held before the link.
func linkedRepo(t *testing.T, env environ.List) (*Linker, string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH:", err)
	}
	root := filepath.Join(t.TempDir(), "One Trainer")
	os.MkdirAll(root, 0o755)
	for _, name := range append(layout.Scripts(), layout.LibFile) {
		if err := os.WriteFile(filepath.Join(root, name), []byte(script(name)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	runGit(t, env, root, "init", "-q", "-b", "main")
	runGit(t, env, root, "add", "-A")
	runGit(t, env, root, "commit", "-q", "-m", "upstream")
	mine := script(layout.StartUIScript) + "export HF_HOME=/data/hf\n"
	os.WriteFile(filepath.Join(root, layout.StartUIScript), []byte(mine), 0o750)
	os.Chmod(filepath.Join(root, layout.StartUIScript), 0o750)
	self := filepath.Join(t.TempDir(), layout.OwnName)
	os.WriteFile(self, []byte("#!/bin/sh\n# a stand-in for the launcher binary\n"), 0o755)
	l := &Linker{Checkout: layout.Open(root), Self: self, Run: proc.Runner{Dir: root, Env: env}}
	if err := l.Link(context.Background(), true, func(string, ...any) {}); err != nil {
		t.Fatal(err)
	}
	if got := linkedNames(l); len(got) != 4 {
		t.Fatalf("linked: %v", got)
	}
	return l, mine
}

func linkedNames(l *Linker) []string {
	var names []string
	for _, name := range layout.Scripts() {
		if IsLauncherLink(l.Checkout.Path(name), l.Self) {
			names = append(names, name)
		}
	}
	return names
}

// hidden lists the launch scripts git's skip-worktree bit hides.
func hidden(t *testing.T, l *Linker) []string {
	var names []string
	for _, line := range strings.Split(runGit(t, l.Run.Env, l.Checkout.Root, "ls-files", "-v", "--"), "\n") {
		if tag, name, ok := strings.Cut(line, " "); ok && tag == "S" && slices.Contains(layout.Scripts(), name) {
			names = append(names, name)
		}
	}
	return names
}

// unlinkedAsBefore checks the checkout after a complete unlink: every
// script as it was before link (git's three, the user's start-ui.sh with
// its mode), nothing hidden from git, the state gone.
func unlinkedAsBefore(t *testing.T, l *Linker, mine string) {
	t.Helper()
	for _, name := range layout.Scripts() {
		want := script(name)
		if name == layout.StartUIScript {
			want = mine
		}
		path := l.Checkout.Path(name)
		if fi, err := os.Lstat(path); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("%s is not a file: %v", name, err)
		} else if data, _ := os.ReadFile(path); string(data) != want {
			t.Errorf("%s holds %q, want %q", name, data, want)
		}
	}
	if fi, err := os.Stat(l.Checkout.Path(layout.StartUIScript)); err != nil || fi.Mode().Perm() != 0o750 {
		t.Errorf("start-ui.sh's mode is not the user's 0750: %v %v", fi.Mode(), err)
	}
	if h := hidden(t, l); len(h) > 0 {
		t.Errorf("still hidden from git by skip-worktree: %v", h)
	}
	if st := runGit(t, l.Run.Env, l.Checkout.Root, "status", "--porcelain"); st != "M start-ui.sh" {
		t.Errorf("git status: %q, want only the user's change to start-ui.sh", st)
	}
	if _, err := os.Lstat(l.Checkout.StateDir); err == nil {
		t.Errorf("the launcher's state is still there")
	}
}

// unlink where git cannot answer: git off PATH (the launcher's own lookups
// included: the PATH it runs git with has none), and a checkout git
// refuses as another user's. Nothing changes; the error says why in
// git's words and gives a command that works; after it, unlink completes.
func TestUnlinkWhereGitCannotAnswer(t *testing.T) {
	ctx := context.Background()
	env := gitEnv(t)
	t.Run("git off PATH", func(t *testing.T) {
		l, mine := linkedRepo(t, env)
		noGit := *l
		noGit.Run.Env = without(t, env)
		n, err := noGit.Unlink(ctx, func(string, ...any) {})
		var oe *out.Error
		if n != 0 || !errors.As(err, &oe) || !gitx.IsNoAnswer(err) || !strings.Contains(err.Error(), "git is not on PATH") {
			t.Fatalf("unlink without git: %d %v", n, err)
		}
		// The hint names a folder that holds git (found where PATH is not).
		i := slices.IndexFunc(oe.Hints, func(h string) bool { return strings.Contains(h, "export PATH=") })
		if i < 0 {
			t.Fatalf("no hint puts git on PATH: %q", oe.Hints)
		}
		_, dir, _ := strings.Cut(oe.Hints[i], "export PATH=")
		dir, _, _ = strings.Cut(dir, ":")
		if b, err := exec.Command(filepath.Join(dir, "git"), "--version").CombinedOutput(); err != nil {
			t.Errorf("the hint's folder %s holds no git that runs: %v %s", dir, err, b)
		}
		nothingChanged(t, l)
		// link too: a tracked script is not taken for an untracked one.
		if err := noGit.Link(ctx, true, func(string, ...any) {}); !gitx.IsNoAnswer(err) || !strings.Contains(err.Error(), "nothing was linked") {
			t.Errorf("link without git: %v", err)
		}
		nothingChanged(t, l)
		if _, err := l.Unlink(ctx, func(string, ...any) {}); err != nil {
			t.Fatal(err)
		}
		unlinkedAsBefore(t, l, mine)
	})
	t.Run("a checkout owned by another user", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("making a checkout another user owns needs root (chown); this runs as uid", os.Geteuid())
		}
		l, mine := linkedRepo(t, env)
		chown(t, filepath.Dir(l.Checkout.Root), 54321)
		n, err := l.Unlink(ctx, func(string, ...any) {})
		var oe *out.Error
		if n != 0 || !errors.As(err, &oe) || !strings.Contains(err.Error(), "detected dubious ownership") {
			t.Fatalf("unlink in a checkout git refuses: %d %v", n, err)
		}
		nothingChanged(t, l)
		// The hint's command, run as it is given, lets git answer.
		i := slices.IndexFunc(oe.Hints, func(h string) bool { return strings.Contains(h, "safe.directory") })
		if i < 0 {
			t.Fatalf("no safe.directory hint: %q", oe.Hints)
		}
		_, rest, _ := strings.Cut(oe.Hints[i], "run: ")
		command, _, _ := strings.Cut(rest, ", then")
		sh := exec.Command("sh", "-c", command)
		sh.Env = env
		if b, err := sh.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", command, err, b)
		}
		if _, err := l.Unlink(ctx, func(string, ...any) {}); err != nil {
			t.Fatal(err)
		}
		chown(t, filepath.Dir(l.Checkout.Root), 0)
		unlinkedAsBefore(t, l, mine)
	})
}

func chown(t *testing.T, dir string, uid int) {
	t.Helper()
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, -1)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// nothingChanged checks that a refused unlink left the checkout linked
// as it was: every script a link, git's bit on each, the kept original
// there.
func nothingChanged(t *testing.T, l *Linker) {
	t.Helper()
	if got := linkedNames(l); len(got) != 4 {
		t.Errorf("linked after a refused unlink: %v", got)
	}
	if _, err := os.Lstat(l.Checkout.Backup(layout.StartUIScript)); err != nil {
		t.Errorf("the kept original is gone: %v", err)
	}
	if h := hidden(t, l); len(h) != 4 {
		t.Errorf("skip-worktree after a refused unlink: %v", h)
	}
}

// errCut stands for a kill: the run stops where Cut is called.
var errCut = errors.New("cut")

// cutAt runs f with the linker's Cut stopping it at its n-th step (n from
// 1; 0 runs it whole). It reports how many steps were passed and whether
// the run was cut.
func cutAt(l *Linker, n int, f func() error) (steps int, cut bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			if r != errCut {
				panic(r)
			}
			cut = true
		}
		l.Cut = nil
	}()
	l.Cut = func(string) {
		steps++
		if steps == n {
			panic(errCut)
		}
	}
	err = f()
	return steps, false, err
}

// A kill between any two steps of unlink: after each, no tracked script is
// missing, deleted or hidden from git, the user's version is in the
// checkout or kept, and unlink again finishes with everything as before.
func TestUnlinkCutAtEveryStep(t *testing.T) {
	ctx := context.Background()
	env := gitEnv(t)
	l, _ := linkedRepo(t, env)
	total, _, err := cutAt(l, 0, func() error { _, err := l.Unlink(ctx, func(string, ...any) {}); return err })
	if err != nil || total < 5 {
		t.Fatalf("a whole unlink: %d steps, %v", total, err)
	}
	for n := 1; n <= total; n++ {
		t.Run(fmt.Sprint("cut after step ", n), func(t *testing.T) {
			l, mine := linkedRepo(t, env)
			if _, cut, err := cutAt(l, n, func() error { _, err := l.Unlink(ctx, func(string, ...any) {}); return err }); !cut || err != nil {
				t.Fatalf("not cut at step %d: %v", n, err)
			}
			for _, name := range layout.Scripts() {
				if _, err := os.Lstat(l.Checkout.Path(name)); err != nil {
					t.Errorf("after the cut, %s is missing: %v", name, err)
				}
			}
			userVersion := false
			for _, p := range []string{l.Checkout.Path(layout.StartUIScript), l.Checkout.Backup(layout.StartUIScript)} {
				if data, err := os.ReadFile(p); err == nil && string(data) == mine {
					userVersion = true
				}
			}
			if !userVersion {
				t.Errorf("after the cut, the user's start-ui.sh is neither in place nor kept")
			}
			for _, name := range hidden(t, l) {
				if !IsLauncherLink(l.Checkout.Path(name), l.Self) {
					t.Errorf("after the cut, %s is a file git's skip-worktree bit hides", name)
				}
			}
			if _, err := l.Unlink(ctx, func(string, ...any) {}); err != nil {
				t.Fatal(err)
			}
			unlinkedAsBefore(t, l, mine)
		})
	}
}

// awayForPull makes the state an update leaves when it is cut short in
// the merge: start-ui.sh stepped aside for the pull (git's copy in the
// link's place, the journal listing it).
func awayForPull(t *testing.T, l *Linker) {
	t.Helper()
	if err := l.StepAside(context.Background(), []string{layout.StartUIScript}); err != nil {
		t.Fatal(err)
	}
	if !Pending(l.Checkout) || IsLauncherLink(l.Checkout.Path(layout.StartUIScript), l.Self) {
		t.Fatal("start-ui.sh did not step aside")
	}
}

// The journal's repair never overwrites a file that is neither git's copy
// nor a link: a user's edit of the stepped-aside start-ui.sh is kept
// beside the kept original (which link --force made), said where, and the
// link comes back; a kill between any two steps of the repair loses
// neither, and the next repair finishes. git's own copy is linked over
// with nothing kept. Unlink then puts the original back and leaves the
// edit where the repair said.
func TestRepairKeepsAnEditAtEveryStep(t *testing.T) {
	ctx := context.Background()
	env := gitEnv(t)
	edit := script(layout.StartUIScript) + "source ~/env.sh\n"
	repair := func(l *Linker) (string, error) {
		var b strings.Builder
		err := l.Repair(ctx, &out.Printer{Stdout: &b, Stderr: &b})
		return b.String(), err
	}

	l, _ := linkedRepo(t, env)
	awayForPull(t, l)
	if said, err := repair(l); err != nil || strings.Contains(said, "kept in") || !strings.Contains(said, "links to the launcher again") {
		t.Fatalf("git's copy: %v\n%s", err, said)
	}
	if _, err := os.Lstat(l.Checkout.BackupCopy(layout.StartUIScript, 1)); err == nil {
		t.Errorf("git's own copy was kept as if it were the user's")
	}

	awayForPull(t, l)
	os.WriteFile(l.Checkout.Path(layout.StartUIScript), []byte(edit), 0o755)
	total, _, err := cutAt(l, 0, func() error { _, err := repair(l); return err })
	if err != nil || total < 4 {
		t.Fatalf("a whole repair: %d steps, %v", total, err)
	}
	for n := 1; n <= total; n++ {
		t.Run(fmt.Sprint("cut after step ", n), func(t *testing.T) {
			l, mine := linkedRepo(t, env)
			awayForPull(t, l)
			os.WriteFile(l.Checkout.Path(layout.StartUIScript), []byte(edit), 0o755)
			if _, cut, err := cutAt(l, n, func() error { _, err := repair(l); return err }); !cut || err != nil {
				t.Fatalf("not cut at step %d: %v", n, err)
			}
			where := l.Checkout.BackupCopy(layout.StartUIScript, 1)
			inPlace, _ := os.ReadFile(l.Checkout.Path(layout.StartUIScript))
			kept, _ := os.ReadFile(where)
			if string(inPlace) != edit && string(kept) != edit {
				t.Fatalf("after a cut at step %d the edit is lost: in place %q, kept %q", n, inPlace, kept)
			}
			said, err := repair(l)
			if err != nil {
				t.Fatal(err)
			}
			if kept, _ := os.ReadFile(where); string(kept) != edit {
				t.Errorf("the edit is not kept in %s: %q\n%s", where, kept, said)
			}
			if n == 1 && !strings.Contains(said, "it is kept in "+where) {
				// A cut after the copy was made: the next repair finds it kept.
				t.Logf("repair after the cut said:\n%s", said)
			}
			if Pending(l.Checkout) || len(linkedNames(l)) != 4 || len(hidden(t, l)) != 4 {
				t.Errorf("not repaired: journal %v, linked %v, hidden %v", Pending(l.Checkout), linkedNames(l), hidden(t, l))
			}
			if orig, _ := os.ReadFile(l.Checkout.Backup(layout.StartUIScript)); string(orig) != mine {
				t.Errorf("the kept original changed: %q", orig)
			}
			var said2 strings.Builder
			if _, err := l.Unlink(ctx, func(f string, a ...any) { fmt.Fprintf(&said2, f+"\n", a...) }); err != nil {
				t.Fatal(err)
			}
			if data, _ := os.ReadFile(l.Checkout.Path(layout.StartUIScript)); string(data) != mine {
				t.Errorf("unlink did not put the original back: %q", data)
			}
			if kept, _ := os.ReadFile(where); string(kept) != edit || !strings.Contains(said2.String(), where) {
				t.Errorf("unlink did not keep and name the edit: %q\n%s", kept, said2.String())
			}
		})
	}
	// The whole repair said where it kept the edit.
	l2, _ := linkedRepo(t, env)
	awayForPull(t, l2)
	os.WriteFile(l2.Checkout.Path(layout.StartUIScript), []byte(edit), 0o755)
	said, err := repair(l2)
	if err != nil || !strings.Contains(said, "start-ui.sh was not git's copy") || !strings.Contains(said, "it is kept in "+l2.Checkout.BackupCopy(layout.StartUIScript, 1)) {
		t.Errorf("the repair did not say where the edit is: %v\n%s", err, said)
	}
}

// Where git cannot answer, the journal's repair changes nothing and the
// launch goes on, saying why.
func TestRepairWithoutGit(t *testing.T) {
	env := gitEnv(t)
	l, _ := linkedRepo(t, env)
	awayForPull(t, l)
	noGit := *l
	noGit.Run.Env = without(t, env)
	var b strings.Builder
	if err := noGit.Repair(context.Background(), &out.Printer{Stdout: &b, Stderr: &b}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "cannot put them back now") || !strings.Contains(b.String(), "git is not on PATH") {
		t.Errorf("said:\n%s", b.String())
	}
	if !Pending(l.Checkout) || IsLauncherLink(l.Checkout.Path(layout.StartUIScript), l.Self) {
		t.Errorf("the repair changed something without git")
	}
}
