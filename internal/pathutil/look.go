// Package pathutil holds the launcher's few ways of finding and reading
// files, each written once: a command looked up as a shell looks it up, a
// chain of symbolic links followed, a file read with bounds, and the real
// cause of a failed stat or open named.
package pathutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Look finds cmd as a shell run from dir finds it: a name with a slash is
// a path (relative to dir); any other name is searched in the folders of
// path (relative folders against dir, an empty one meaning dir). Every path
// is read under root when root is set and not "/" (ghw's GHW_CHROOT
// convention), so that a machine snapshot is judged by what it holds.
// Look returns the absolute path of an executable regular file, or "".
func Look(cmd, dir, path, root string) string {
	if cmd == "" {
		return ""
	}
	if strings.Contains(cmd, "/") {
		return executable(under(root, Resolve(dir, cmd)))
	}
	for _, d := range filepath.SplitList(path) {
		if d == "" {
			d = "."
		}
		if p := executable(under(root, filepath.Join(Resolve(dir, d), cmd))); p != "" {
			return p
		}
	}
	return ""
}

// Under returns path as seen under root; root "" or "/" leaves it alone.
func Under(root, path string) string { return under(root, path) }

func under(root, path string) string {
	if root == "" || root == "/" {
		return path
	}
	return filepath.Join(root, path)
}

func executable(p string) string {
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return ""
	}
	return p
}

// maxLinks bounds a walk along symbolic links, as the kernel's own limit
// (40 on Linux) bounds path resolution.
const maxLinks = 40

// FollowLinks walks the chain of symbolic links that starts at path, one
// link at a time, for as long as keep accepts the next target, and returns
// the last path it accepted (path itself when the first target is refused
// or path is no link). Relative targets are taken against their link's
// folder. It is gobusybox's "resolve until the last symlink" with the
// stopping rule given by the caller.
func FollowLinks(path string, keep func(target string) bool) string {
	cur := filepath.Clean(path)
	for i := 0; i < maxLinks; i++ {
		target, err := os.Readlink(cur)
		if err != nil {
			break
		}
		target = Resolve(filepath.Dir(cur), target)
		if !keep(target) {
			break
		}
		cur = target
	}
	return cur
}

// Arg returns path as a command's argument that no program can take for
// an option: a relative path that starts with "-" gets "./" before it.
func Arg(path string) string {
	if strings.HasPrefix(path, "-") {
		return "./" + path
	}
	return path
}

// Resolve returns p made absolute against dir unless it already is,
// cleaned: how a relative path in a setting, a link or a PATH entry is
// read.
func Resolve(dir, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

// ErrNotFound is Why's answer for a command that is nowhere to be found.
var ErrNotFound = errors.New("not found")

// Why says why Look found no cmd: it does not exist (ErrNotFound, or a
// Cause saying which part of its path is missing), or it exists but this
// user may not use it (a Cause naming the folder they cannot enter or the
// file they cannot run, with owner and mode), or it is no executable file.
// Permission is never reported as "does not exist".
func Why(cmd, dir, path, root string) error {
	try := func(p string) error {
		fi, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return Explain(p, syscall.ENOENT)
			}
			return Explain(p, err)
		}
		if !fi.Mode().IsRegular() {
			return &Cause{Path: p, Err: errNotExecutable{fi.Mode()}}
		}
		if unix.Access(p, unix.X_OK) != nil {
			return Explain(p, syscall.EACCES)
		}
		return nil
	}
	if strings.Contains(cmd, "/") {
		if err := try(under(root, Resolve(dir, cmd))); err != nil {
			return err
		}
		return nil
	}
	var first error
	for _, d := range filepath.SplitList(path) {
		if d == "" {
			d = "."
		}
		p := under(root, filepath.Join(Resolve(dir, d), cmd))
		err := try(p)
		if err == nil {
			return nil
		}
		if !errors.Is(err, fs.ErrNotExist) && first == nil {
			first = err
		}
	}
	if first != nil {
		return first
	}
	return ErrNotFound
}

type errNotExecutable struct{ mode fs.FileMode }

func (e errNotExecutable) Error() string {
	return "is not an executable file (" + e.mode.String() + ")"
}
