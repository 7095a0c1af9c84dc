package checkout

import (
	"context"
	"os"
	"path/filepath"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// factFiles are the launch files the facts come from.
var factFiles = [...]string{layout.LibFile, layout.StartUIScript, layout.RunCmdScript}

// Facts returns what the checkout's own launch files say, on a host whose
// `uname -s` prints uname: lib.include.sh from the working tree;
// start-ui.sh and run-cmd.sh from the working tree where they are the
// checkout's scripts, else — linked — from git's copies kept in the state.
// The facts are remembered in the state, keyed by those files' stat keys,
// so a warm launch reads one small file and parses nothing. Only on a miss
// are the files read and parsed (and git asked for a linked script's HEAD
// copy the state lacks, which is then kept). Writing the memo is
// best-effort: a read-only checkout parses every time. git may be nil: git
// is then never asked.
func Facts(ctx context.Context, co layout.Checkout, uname string, git *gitx.Git) *upstream.Facts {
	memo := ""
	if co.GitDir != "" || co.HasState() {
		memo = co.FactsMemo()
	}
	paths := factPaths(co)
	key := factKey(co, uname, paths)
	if memo != "" {
		if f, ok := upstream.Remembered(memo, key); ok {
			return f
		}
	}
	if git != nil && co.GitDir != "" && keepFromGit(ctx, co, *git, paths) {
		paths = factPaths(co)
		key = factKey(co, uname, paths)
	}
	var srcs []upstream.Source
	var warnings []string
	for i, name := range factFiles {
		data, err := pathutil.ReadFile(paths[i], pathutil.SmallFile)
		switch {
		case err == nil:
			srcs = append(srcs, upstream.Source{Name: name, Data: data})
		case !pathutil.IsNotExist(err):
			warnings = append(warnings, "the checkout's "+name+" cannot be read, so the built-in values stand for what it says: "+err.Error())
		}
	}
	f := upstream.Extract(co.Root, uname, srcs)
	f.Warnings = append(warnings, f.Warnings...)
	if memo != "" {
		_ = upstream.Remember(memo, key, f)
	}
	return f
}

// factPaths are the files the facts are read from, in factFiles' order.
func factPaths(co layout.Checkout) []string {
	paths := []string{co.Path(layout.LibFile)}
	for _, name := range factFiles[1:] {
		p := co.Path(name)
		if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeSymlink != 0 {
			p = co.Kept(name) // linked (or gone): git's copy, kept at link time
		}
		paths = append(paths, p)
	}
	return paths
}

func factKey(co layout.Checkout, uname string, paths []string) string {
	key := co.Root + "\x00" + uname
	for _, p := range paths {
		key += "\x00" + upstream.FileKey(p)
	}
	return key
}

// keepFromGit asks git for the HEAD copies of linked scripts the state
// lacks (links made by hand, or by an older launcher) and keeps them. It
// reports whether it kept any.
func keepFromGit(ctx context.Context, co layout.Checkout, git gitx.Git, paths []string) bool {
	kept := false
	for i, name := range factFiles[1:] {
		p := paths[i+1]
		if p != co.Kept(name) {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			continue
		}
		data, err := git.Show(ctx, "HEAD", name)
		if err != nil {
			continue
		}
		if os.MkdirAll(filepath.Dir(p), 0o755) == nil && pathutil.WriteFile(p, data) == nil {
			kept = true
		}
	}
	return kept
}
