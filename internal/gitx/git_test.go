package gitx

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// Each question has three answers with real git: yes, no, and git could
// not answer — never the last read as "no".
func TestThreeAnswers(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH:", err)
	}
	ctx := context.Background()
	env := environ.List(os.Environ()).Clone()
	for k, v := range map[string]string{"HOME": t.TempDir(), "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t",
		"GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"} {
		env.Set(k, v)
	}
	dir := filepath.Join(t.TempDir(), "a checkout")
	os.MkdirAll(dir, 0o755)
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = env
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, b)
		}
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	g := Git{Dir: dir, Run: proc.Runner{Env: env}}

	// No commit yet: a staged file matches its staged copy; HEAD has none.
	run("init", "-q", "-b", "main")
	write("staged.sh", "one\n")
	run("add", "staged.sh")
	if same, err := g.Matches(ctx, "staged.sh"); !same || err != nil {
		t.Errorf("a staged file before the first commit: %v %v", same, err)
	}
	run("commit", "-q", "-m", "one")
	write("untracked.sh", "x\n")

	if yes, err := g.Tracked(ctx, "staged.sh"); !yes || err != nil {
		t.Errorf("tracked: %v %v", yes, err)
	}
	if yes, err := g.Tracked(ctx, "untracked.sh"); yes || err != nil {
		t.Errorf("untracked: %v %v", yes, err)
	}
	if same, err := g.Matches(ctx, "untracked.sh"); same || err != nil {
		t.Errorf("an untracked file matches git: %v %v", same, err)
	}
	write("staged.sh", "two\n")
	if same, err := g.Matches(ctx, "staged.sh"); same || err != nil {
		t.Errorf("an edited file matches git: %v %v", same, err)
	}
	run("add", "staged.sh") // staged now, HEAD's is "one"
	if same, err := g.Matches(ctx, "staged.sh"); !same || err != nil {
		t.Errorf("the staged copy: %v %v", same, err)
	}
	write("staged.sh", "one\n") // HEAD's again, the staged one differs
	if same, err := g.Matches(ctx, "staged.sh"); !same || err != nil {
		t.Errorf("HEAD's copy: %v %v", same, err)
	}
	if names, err := g.Unmerged(ctx, "staged.sh", "untracked.sh"); len(names) != 0 || err != nil {
		t.Errorf("unmerged without a conflict: %v %v", names, err)
	}

	// git off PATH: no answer, with why and where git is.
	noGit := g
	bare := env.Clone()
	bare.Set("PATH", t.TempDir())
	noGit.Run.Env = bare
	for name, ask := range map[string]func() error{
		"Tracked":  func() error { _, err := noGit.Tracked(ctx, "staged.sh"); return err },
		"Unmerged": func() error { _, err := noGit.Unmerged(ctx, "staged.sh"); return err },
		"Matches":  func() error { _, err := noGit.Matches(ctx, "staged.sh"); return err },
	} {
		err := ask()
		var oe *out.Error
		if !IsNoAnswer(err) || !errors.As(err, &oe) || !strings.Contains(err.Error(), "git is not on PATH") || len(oe.Hints) == 0 {
			t.Errorf("%s without git: %v", name, err)
		}
	}

	// Not a repository at all (a damaged one answers the same way).
	if _, err := (Git{Dir: t.TempDir(), Run: proc.Runner{Env: env}}).Tracked(ctx, "x"); !IsNoAnswer(err) || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("outside git: %v", err)
	}
}
