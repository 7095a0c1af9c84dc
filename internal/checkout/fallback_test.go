package checkout

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
)

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A backup is the user's own version only where it differs from git's
// copy: without git, link keeps every script as it was, which is also the
// copy followed.
func TestOwnVersion(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
	co := layout.Open(dir)
	if got := OwnVersion(co, layout.StartUIScript); got != "" {
		t.Errorf("no backup: %q", got)
	}
	writeFile(t, co.Kept(layout.StartUIScript), "git's\n")
	writeFile(t, co.Backup(layout.StartUIScript), "git's\n")
	if got := OwnVersion(co, layout.StartUIScript); got != "" {
		t.Errorf("a backup that is git's copy: %q", got)
	}
	for _, mine := range []string{"mine!\n", "git's\nexport HF_HOME=/x\n"} {
		writeFile(t, co.Backup(layout.StartUIScript), mine)
		if got := OwnVersion(co, layout.StartUIScript); got != co.Backup(layout.StartUIScript) {
			t.Errorf("%q: %q", mine, got)
		}
	}
	os.Remove(co.Kept(layout.StartUIScript))
	if got := OwnVersion(co, layout.StartUIScript); got != co.Backup(layout.StartUIScript) {
		t.Errorf("no copy of git's: %q", got)
	}
	// Without git, a backup is the file as it was before link.
	plain := layout.Open(t.TempDir())
	writeFile(t, plain.Kept(layout.StartUIScript), "the file\n")
	writeFile(t, plain.Backup(layout.StartUIScript), "the file, and since then a line more\n")
	if got := OwnVersion(plain, layout.StartUIScript); got != "" {
		t.Errorf("without git: %q", got)
	}
}

// The path Shadow gives is, textually (bash's cd), the checkout, and to
// the kernel the shadow: the scripts' files, every other entry the
// checkout's. It holds against launches at once, a kill's leftovers, and
// a checkout whose entries change; a state outside the checkout is said.
func TestShadow(t *testing.T) {
	for _, withGit := range []bool{true, false} {
		root := filepath.Join(t.TempDir(), "One Trainer")
		if withGit {
			os.MkdirAll(filepath.Join(root, ".git"), 0o755)
		}
		co := layout.Open(root)
		writeFile(t, co.Path(layout.LibFile), "lib\n")
		writeFile(t, co.Path("scripts/train.py"), "py\n")
		writeFile(t, co.Kept(layout.StartUIScript), "git's start-ui.sh\n")
		os.Symlink(co.LinkTarget(), co.Path(layout.StartUIScript))
		scripts := map[string]string{layout.StartUIScript: co.Kept(layout.StartUIScript)}

		var wg sync.WaitGroup
		dirs := make([]string, 8)
		errs := make([]error, 8)
		for i := range dirs {
			wg.Add(1)
			go func() { defer wg.Done(); dirs[i], errs[i] = Shadow(co, scripts) }()
		}
		wg.Wait()
		for i := range dirs {
			if errs[i] != nil || dirs[i] != dirs[0] {
				t.Fatalf("git %v: launch %d: %q, %v (launch 0: %q)", withGit, i, dirs[i], errs[i], dirs[0])
			}
		}
		dir := dirs[0]
		depth := strings.Count(dir, "..")
		if want := map[bool]int{true: 3, false: 2}[withGit]; depth != want || filepath.Clean(filepath.Join(root, dir)) != root {
			t.Errorf("git %v: %q is not the checkout to bash, %d levels up", withGit, dir, depth)
		}
		same := func(a, b string) bool {
			x, err1 := os.Stat(a)
			y, err2 := os.Stat(b)
			return err1 == nil && err2 == nil && os.SameFile(x, y)
		}
		through := root + "/" + dir + "/" // the kernel's way, .. after the link
		if !same(through+layout.StartUIScript, co.Kept(layout.StartUIScript)) || !same(through+layout.LibFile, co.Path(layout.LibFile)) ||
			!same(through+"scripts/train.py", co.Path("scripts/train.py")) || same(through+layout.StartUIScript, co.Path(layout.StartUIScript)) {
			t.Errorf("git %v: the shadow does not stand for the checkout", withGit)
		}
		// A kill left a half-made shadow and no hop: the next launch
		// makes the hop again, and the leftover is ignored.
		hops, _ := filepath.Glob(co.Hop("*"))
		if len(hops) != 1 {
			t.Fatalf("hops: %v", hops)
		}
		os.Remove(hops[0])
		os.MkdirAll(filepath.Join(co.Shadows(), ".tmp-123"), 0o755)
		if again, err := Shadow(co, scripts); err != nil || again != dir || !same(root+"/"+again+"/"+layout.StartUIScript, co.Kept(layout.StartUIScript)) {
			t.Errorf("git %v: after a kill: %q, %v", withGit, again, err)
		}
		// A new entry in the checkout: a new shadow that holds it.
		writeFile(t, co.Path("check_gpu.sh"), "new\n")
		next, err := Shadow(co, scripts)
		if err != nil || next == dir || !same(root+"/"+next+"/check_gpu.sh", co.Path("check_gpu.sh")) {
			t.Errorf("git %v: a new entry: %q, %v", withGit, next, err)
		}
	}

	// A worktree: .git is a file, the state is elsewhere.
	main := t.TempDir()
	wt := filepath.Join(t.TempDir(), "wt")
	os.MkdirAll(filepath.Join(main, ".git", "worktrees", "wt"), 0o755)
	writeFile(t, filepath.Join(wt, ".git"), "gitdir: "+filepath.Join(main, ".git", "worktrees", "wt")+"\n")
	co := layout.Open(wt)
	if co.GitDir == "" || CanRunOwn(co) {
		t.Fatalf("a worktree: %+v, CanRunOwn %v", co, CanRunOwn(co))
	}
	if _, err := Shadow(co, nil); !errors.Is(err, ErrStateOutside) {
		t.Errorf("a worktree: %v", err)
	}
}
