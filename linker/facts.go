package linker

import (
	"context"
	"os"
	"path/filepath"
	"runtime"

	"github.com/onetrainer-launcher/onetrainer-launcher/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/upstream"
)

// factFiles are the launch files the facts come from.
var factFiles = []string{upstream.LibFile, upstream.StartUIFile, upstream.RunCmdFile}

// Facts returns what the checkout's own launch files say (SPEC §0):
// lib.include.sh from the working tree; start-ui.sh and run-cmd.sh from
// the working tree where they are the checkout's scripts, else — linked —
// from the copies of git's kept in the state. The facts are remembered in
// the state, keyed by those files' size, time and inode, so a warm launch
// reads one small file and parses nothing. Only on a miss are the files
// read and parsed (and git asked for a linked script's HEAD copy the state
// lacks, which is then kept). Writing the memo is best-effort: a read-only
// checkout parses every time. git may be nil: git is then never asked.
func (s State) Facts(ctx context.Context, git *gitx.Git) *upstream.Facts {
	host := upstream.HostOS(runtime.GOOS)
	memo := ""
	if s.GitDir != "" || s.Exists() {
		memo = s.FactsMemo()
	}
	paths := s.factPaths()
	key := s.factKey(host, paths)
	if memo != "" {
		if f, ok := upstream.Remembered(memo, key); ok {
			return f
		}
	}
	if git != nil && s.GitDir != "" && s.keepFromGit(ctx, *git, paths) {
		paths = s.factPaths()
		key = s.factKey(host, paths)
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
	f := upstream.Extract(s.Checkout, host, srcs)
	f.Warnings = append(warnings, f.Warnings...)
	if memo != "" {
		_ = upstream.Remember(memo, key, f)
	}
	return f
}

// factPaths are the files the facts are read from, in factFiles' order.
func (s State) factPaths() []string {
	paths := []string{filepath.Join(s.Checkout, upstream.LibFile)}
	for _, name := range factFiles[1:] {
		p := filepath.Join(s.Checkout, name)
		if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeSymlink != 0 {
			p = s.Kept(name) // linked (or gone): git's copy, kept at link time
		}
		paths = append(paths, p)
	}
	return paths
}

func (s State) factKey(host string, paths []string) string {
	key := s.Checkout + "\x00" + host
	for _, p := range paths {
		key += "\x00" + upstream.FileKey(p)
	}
	return key
}

// keepFromGit asks git for the HEAD copies of linked scripts the state
// lacks (links made by hand, or by an older launcher) and keeps them. It
// reports whether it kept any.
func (s State) keepFromGit(ctx context.Context, git gitx.Git, paths []string) bool {
	kept := false
	for i, name := range factFiles[1:] {
		p := paths[i+1]
		if p != s.Kept(name) {
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
