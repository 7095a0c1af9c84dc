package checkout

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// A refused launch file the user changed gets the git command that drops
// it, wherever it lies (the top's, or a folder handed over to); one git
// has as committed gets none; a checkout the launcher is not linked into
// keeps its own scripts, and one it is linked into gets unlink by the
// copy's full path.
func TestRefusedHints(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH:", err)
	}
	root := filepath.Join(t.TempDir(), "One Trainer")
	write := func(name, text string) {
		os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755)
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitRun := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", root}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write(layout.LibFile, "a\n")
	write("scripts/pip-install/lib.include.sh", "b\n")
	gitRun("init", "-q")
	gitRun("add", "-A")
	gitRun("commit", "-q", "-m", "x")
	write("scripts/pip-install/lib.include.sh", "b\nuv sync\n")

	co := layout.Open(root)
	g := &gitx.Git{Dir: root, Run: proc.Runner{Env: os.Environ()}}
	refusals := []string{"scripts/pip-install/lib.include.sh:2: prepare_runtime_environment runs uv, which the launcher does not model",
		layout.LibFile + ":1: something else", "not a file: at all"}
	hints := strings.Join(RefusedHints(context.Background(), co, g, refusals, "run ./install.sh again", false), "\n")
	for _, want := range []string{
		"scripts/pip-install/lib.include.sh holds a change of your own (git -C '" + root + "' diff scripts/pip-install/lib.include.sh shows it). To drop it, run: git -C '" + root + "' checkout -- scripts/pip-install/lib.include.sh, then run ./install.sh again",
		"Or keep this checkout's own scripts",
	} {
		if !strings.Contains(hints, want) {
			t.Errorf("no %q in:\n%s", want, hints)
		}
	}
	if strings.Contains("\n"+hints, "\n"+layout.LibFile+" holds") || strings.Contains(hints, "unlink") || strings.Contains(hints, "--force") {
		t.Errorf("hints for what is not so:\n%s", hints)
	}

	// Linked: the scripts are links to the checkout's copy.
	os.MkdirAll(filepath.Dir(co.Binary()), 0o755)
	os.WriteFile(co.Binary(), []byte("#!/bin/sh\n"), 0o755)
	os.Symlink(co.LinkTarget(), filepath.Join(root, layout.StartUIScript))
	hints = strings.Join(RefusedHints(context.Background(), co, nil, refusals, "link again", true), "\n")
	if !strings.Contains(hints, "put them back with: '"+co.Binary()+"' unlink '"+root+"'") || !strings.Contains(hints, "link --force does not get past this") ||
		strings.Contains(hints, "holds a change") {
		t.Errorf("linked, without git:\n%s", hints)
	}
}
