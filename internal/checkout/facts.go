package checkout

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// factFiles are the files the facts come from: the launch files, then
// the pixi manifests.
var factFiles = [...]string{layout.LibFile, layout.InstallScript, layout.UpdateScript, layout.StartUIScript, layout.RunCmdScript,
	layout.PyProject, layout.PixiManifest}

// isScript reports whether name is one of the factFiles that link replaces: linked, git's copies
// kept in the state stand for them.
func isScript(name string) bool {
	for _, s := range layout.Scripts() {
		if s == name {
			return true
		}
	}
	return false
}

// Facts returns what the checkout's own launch files say, on a host whose
// `uname -s` prints uname: lib.include.sh and the manifest from the
// working tree; the four scripts from the working tree where they are the
// checkout's scripts, else — linked — from git's copies kept in the state.
// The facts are remembered in the state, keyed by those files' stat keys,
// so a warm launch reads one small file and parses nothing. Only on a miss
// are the files read and parsed (and git asked for a linked script's HEAD
// copy the state lacks, which is then kept). Writing the memo is
// best-effort: a read-only checkout parses every time. git may be nil: git
// is then never asked.
func Facts(ctx context.Context, co layout.Checkout, uname string, git *gitx.Git) *upstream.Facts {
	return facts(ctx, co, uname, git, "", co.FactsMemo())
}

// HandoverFacts returns what the launch files of a folder of the checkout
// say (dir, checkout-relative: scripts/pip-install, where the pixi
// family's scripts hand over with OT_PIP_INSTALL=true), read from the
// working tree and remembered as Facts are.
func HandoverFacts(ctx context.Context, co layout.Checkout, uname, dir string) *upstream.Facts {
	return facts(ctx, co, uname, nil, strings.TrimSuffix(dir, "/")+"/", co.HandoverMemo())
}

func facts(ctx context.Context, co layout.Checkout, uname string, git *gitx.Git, sub, memoPath string) *upstream.Facts {
	memo := ""
	if co.GitDir != "" || co.HasState() {
		memo = memoPath
	}
	paths := factPaths(co, sub)
	key := factKey(co, uname, paths)
	if memo != "" {
		if f, ok := upstream.Remembered(memo, key); ok {
			return f
		}
	}
	if git != nil && co.GitDir != "" && keepFromGit(ctx, co, *git, paths) {
		paths = factPaths(co, sub)
		key = factKey(co, uname, paths)
	}
	var srcs []upstream.Source
	var unreadable []string
	for i, name := range factFiles {
		data, err := pathutil.ReadFile(paths[i], pathutil.SmallFile)
		switch {
		case err == nil:
			srcs = append(srcs, upstream.Source{Name: sub + name, Data: data})
		case !pathutil.IsNotExist(err):
			unreadable = append(unreadable, "the checkout's "+sub+name+" cannot be read, so the launcher cannot tell what it says: "+err.Error())
		}
	}
	f := upstream.Extract(co.Root, uname, srcs)
	if len(unreadable) > 0 {
		f.Refusals = append(unreadable, f.Refusals...)
	}
	if memo != "" {
		_ = upstream.Remember(memo, key, f)
	}
	return f
}

// factPaths are the files the facts are read from, in factFiles' order:
// of the checkout's top (sub ""), or of its folder sub.
func factPaths(co layout.Checkout, sub string) []string {
	var paths []string
	for _, name := range factFiles {
		p := co.Path(sub + name)
		if sub == "" && isScript(name) {
			if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeSymlink != 0 {
				p = co.Kept(name) // linked (or gone): git's copy, kept at link time
			}
		}
		paths = append(paths, p)
	}
	return paths
}

// factKey is the memo's key: the checkout, the system, the files' stat
// keys, and the running launcher's own (its copy in a linked checkout):
// another build may read the same files otherwise — a step it now models,
// or one an older build let pass — so facts one build learnt are never
// taken for another's.
func factKey(co layout.Checkout, uname string, paths []string) string {
	key := co.Root + "\x00" + uname
	if exe, err := os.Executable(); err == nil {
		key += "\x00" + upstream.FileKey(exe)
	}
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
	for i, name := range factFiles {
		p := paths[i]
		if !isScript(name) || p != co.Kept(name) {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			continue
		}
		data, err := git.Show(ctx, "HEAD", name)
		if err != nil {
			continue
		}
		if os.MkdirAll(filepath.Dir(p), 0o777) == nil && pathutil.WriteFile(p, data) == nil {
			kept = true
		}
	}
	return kept
}
