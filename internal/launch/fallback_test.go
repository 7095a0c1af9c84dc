package launch

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// linkByHand makes the checkout's scripts links to a launcher, keeping
// each script (changed by edit) where link keeps git's copies, and the
// originals as link keeps them without git.
func linkByHand(t *testing.T, dir string, edit func(name, text string) string) layout.Checkout {
	t.Helper()
	co := layout.Open(dir)
	for _, name := range layout.Scripts() {
		text := testkit.FrameworkScript(name)
		for _, p := range []string{co.Kept(name), co.Backup(name)} {
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if edit != nil {
			os.WriteFile(co.Kept(name), []byte(edit(name, text)), 0o644)
		}
		os.Remove(co.Path(name))
		if err := os.Symlink(co.LinkTarget(), co.Path(name)); err != nil {
			t.Fatal(err)
		}
	}
	return co
}

func gpuStep(name, text string) string {
	if name != layout.StartUIScript {
		return text
	}
	return strings.Replace(text, "prepare_runtime_environment\n", "check_gpu_memory\nprepare_runtime_environment\n", 1)
}

// The fallback is decided in Decide: linked and refused, or linked over
// the user's own version, the launch runs the checkout's script as it is,
// and no setting the launcher would refuse stops it; not linked, or where
// the state is outside the checkout, the refusal stands.
func TestFallbackDecided(t *testing.T) {
	dir := framework(t)
	co := linkByHand(t, dir, gpuStep)
	l, err := decide(t, dir, layout.StartUIScript, "OT_PREFER_VENV=maybe")
	fb := l.Fallback
	if err != nil || fb == nil || fb.File != co.Kept(layout.StartUIScript) || fb.Own || fb.Where != "start-ui.sh:4" ||
		!strings.HasPrefix(fb.Why, "start-ui.sh:4: check_gpu_memory") || len(l.Errors) < 2 {
		t.Fatalf("linked, refused: %v, %+v, errors %v", err, fb, l.Errors)
	}
	// Every applet: the refusal is the checkout's, whichever script runs.
	if l, err := decide(t, dir, layout.RunCmdScript); err != nil || l.Fallback == nil || l.Fallback.File != co.Kept(layout.RunCmdScript) {
		t.Errorf("run-cmd.sh: %v, %+v", err, l.Fallback)
	}

	// The user's own version, kept by link --force, which the launcher
	// could follow: it runs all the same. (A .git folder: only git knows
	// a change of the user's own.)
	dir = framework(t)
	os.Mkdir(filepath.Join(dir, ".git"), 0o755)
	co = linkByHand(t, dir, nil)
	if l, err := decide(t, dir, layout.StartUIScript); err != nil || l.Fallback != nil {
		t.Fatalf("linked, git's copies: %v, %+v", err, l.Fallback)
	}
	os.WriteFile(co.Backup(layout.StartUIScript), []byte(strings.Replace(testkit.FrameworkScript(layout.StartUIScript), "set -e\n", "set -e\nexport HF_HOME=/x\n", 1)), 0o644)
	l, err = decide(t, dir, layout.StartUIScript)
	if fb := l.Fallback; err != nil || fb == nil || !fb.Own || fb.File != co.Backup(layout.StartUIScript) || fb.Where != "" {
		t.Errorf("your own version: %v, %+v", err, l.Fallback)
	}
	if l, err := decide(t, dir, layout.InstallScript); err != nil || l.Fallback != nil {
		t.Errorf("install.sh, git's copy: %v, %+v", err, l.Fallback)
	}
	if fb := UpdateFallback(co, nil); fb != nil {
		t.Errorf("update.sh, git's copy: %+v", fb)
	}

	// Not linked: the checkout's own script is there, and refused.
	dir = framework(t)
	os.WriteFile(filepath.Join(dir, layout.StartUIScript), []byte(gpuStep(layout.StartUIScript, testkit.FrameworkScript(layout.StartUIScript))), 0o755)
	l, err = decide(t, dir, layout.StartUIScript)
	var nf *checkout.NotFollowed
	if !errors.As(err, &nf) || l.Fallback != nil {
		t.Errorf("not linked: %v, %+v", err, l.Fallback)
	}
	if fb := UpdateFallback(layout.Open(dir), err); fb != nil {
		t.Errorf("update.sh, not linked: %+v", fb)
	}

	// A git worktree: its state is in the main checkout's git folder.
	dir = framework(t)
	main := t.TempDir()
	gitdir := filepath.Join(main, ".git", "worktrees", "wt")
	os.MkdirAll(gitdir, 0o755)
	os.WriteFile(filepath.Join(dir, ".git"), []byte("gitdir: "+gitdir+"\n"), 0o644)
	linkByHand(t, dir, gpuStep)
	if l, err := decide(t, dir, layout.StartUIScript); !errors.As(err, &nf) || l.Fallback != nil {
		t.Errorf("a worktree: %v, %+v", err, l.Fallback)
	}
}

// A refusal in the folder a hand-over goes to (the pixi branch's
// scripts/pip-install/, with OT_PIP_INSTALL=true) is a fallback too: the
// top's start-ui.sh runs as it is, and hands over itself.
func TestFallbackThroughAHandover(t *testing.T) {
	src := testkit.Fixture(t, "e079c1f2")
	dir := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rel == "scripts/pip-install/lib.include.sh" {
			data = []byte(strings.Replace(string(data), "function prepare_runtime_environment {\n", "function prepare_runtime_environment {\n    check_gpu_memory\n", 1))
		}
		os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755)
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"scripts/train_ui.py", "scripts/train.py", layout.RequirementsGlobal, layout.PixiLock} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	os.Mkdir(filepath.Join(dir, ".git"), 0o755)
	co := layout.Open(dir)
	for _, name := range layout.Scripts() {
		os.MkdirAll(filepath.Dir(co.Kept(name)), 0o755)
		if err := os.Rename(co.Path(name), co.Kept(name)); err != nil {
			t.Fatal(err)
		}
		os.Symlink(co.LinkTarget(), co.Path(name))
	}
	if l, err := decide(t, dir, layout.StartUIScript); err != nil || l.Fallback != nil || l.Via != nil {
		t.Fatalf("the pixi family, no hand-over: %v, %+v", err, l.Fallback)
	}
	l, err := decide(t, dir, layout.StartUIScript, "OT_PIP_INSTALL=true")
	if fb := l.Fallback; err != nil || l.Via == nil || fb == nil || fb.File != co.Kept(layout.StartUIScript) ||
		!strings.HasPrefix(fb.Where, "scripts/pip-install/lib.include.sh:") {
		t.Errorf("through the hand-over: %v, %+v", err, l.Fallback)
	}
}
