package pathutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Cause is a failed stat, open or read with its real cause in words:
// which part of the path does not exist, or is no directory, or cannot be
// entered by the user running the launcher (and who owns it), rather than
// the one "no such file" a hasty caller would say for all of them. The
// words are found when the error is shown, not when it happens: a missing
// record on the warm path costs nothing.
type Cause struct {
	Path string
	Err  error // the original error, for errors.Is
}

func (c *Cause) Error() string { return c.Path + ": " + c.Detail() }
func (c *Cause) Unwrap() error { return c.Err }

// Permission reports whether the cause is a permission problem, which
// deleting or recreating the thing would not fix.
func (c *Cause) Permission() bool { return errors.Is(c.Err, fs.ErrPermission) }

// Explain turns err, from stat, open or read of path, into a Cause.
// Errors that are Causes already, and nil, pass through.
func Explain(path string, err error) error {
	if err == nil {
		return nil
	}
	var c *Cause
	if errors.As(err, &c) {
		return err
	}
	return &Cause{Path: path, Err: err}
}

// Detail says what went wrong, e.g. "permission denied: /root (owned by
// root, mode drwx------) cannot be entered by user alice (uid 1000)".
func (c *Cause) Detail() string {
	var errno syscall.Errno
	if !errors.As(c.Err, &errno) {
		var pe *fs.PathError
		if errors.As(c.Err, &pe) {
			return pe.Err.Error()
		}
		return c.Err.Error()
	}
	abs, aerr := filepath.Abs(c.Path)
	if aerr != nil {
		abs = c.Path
	}
	switch errno {
	case syscall.ENOENT:
		if missing := firstMissing(abs); missing != "" && missing != abs {
			return fmt.Sprintf("does not exist (%s does not exist)", missing)
		}
		return "does not exist"
	case syscall.ENOTDIR:
		if p := firstNonDir(abs); p != "" {
			return fmt.Sprintf("cannot be reached: %s is not a directory", p)
		}
		return "cannot be reached: a part of it is not a directory"
	case syscall.ELOOP:
		return "cannot be reached: too many levels of symbolic links (a link loop?)"
	case syscall.EACCES, syscall.EPERM:
		return "permission denied: " + denied(abs)
	case syscall.ENAMETOOLONG:
		return "cannot be reached: the path is too long"
	}
	return errno.Error()
}

// firstMissing is the first prefix of abs (a clean absolute path) that does
// not exist; "" when none is missing.
func firstMissing(abs string) string {
	for _, p := range prefixes(abs) {
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			return p
		}
	}
	return ""
}

// firstNonDir is the first proper prefix of abs that exists and is not a
// directory (nor a link to one).
func firstNonDir(abs string) string {
	ps := prefixes(abs)
	for _, p := range ps[:len(ps)-1] {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}

// denied names the part of abs that the running user may not use: the
// first folder they cannot enter, else the thing itself that they cannot
// read, with its owner and mode, and who is asking.
// A symbolic link at the end is followed, link by link: the folder the
// user cannot enter may be on the way to its target.
func denied(abs string) string {
	var msg string
	enterable := func(p string) bool {
		ps := prefixes(p)
		for _, d := range ps[:len(ps)-1] {
			if unix.Access(d, unix.X_OK) != nil {
				msg = fmt.Sprintf("%s (%s) cannot be entered by %s", d, owner(d), whoami())
				return false
			}
		}
		return true
	}
	if !enterable(abs) {
		return msg
	}
	p := FollowLinks(abs, enterable)
	if msg != "" {
		return msg
	}
	return fmt.Sprintf("%s (%s) cannot be used by %s", p, owner(p), whoami())
}

// prefixes lists "/a", "/a/b", "/a/b/c" for "/a/b/c".
func prefixes(abs string) []string {
	var ps []string
	for p := abs; ; p = filepath.Dir(p) {
		ps = append(ps, p)
		if p == filepath.Dir(p) {
			break
		}
	}
	// reverse, and drop "/"
	out := make([]string, 0, len(ps))
	for i := len(ps) - 2; i >= 0; i-- {
		out = append(out, ps[i])
	}
	if len(out) == 0 {
		out = append(out, abs)
	}
	return out
}

// owner describes who owns p and its mode, e.g. "owned by root, mode drwx------".
func owner(p string) string {
	fi, err := os.Lstat(p)
	if err != nil {
		return "owner unknown"
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "mode " + fi.Mode().String()
	}
	return fmt.Sprintf("owned by %s, mode %s", userName(st.Uid), fi.Mode().String())
}

// whoami names the user running the launcher, e.g. "user alice (uid 1000)".
func whoami() string {
	uid := uint32(os.Geteuid())
	return fmt.Sprintf("user %s (uid %d)", userName(uid), uid)
}

// userName looks uid up in /etc/passwd. os/user would do the same without
// cgo, but with cgo it makes the binary dynamically linked, which every
// start would pay for.
func userName(uid uint32) string {
	id := strconv.FormatUint(uint64(uid), 10)
	if data, err := ReadFile("/etc/passwd", SmallFile); err == nil {
		for _, line := range Lines(data) {
			// name:password:uid:gid:...
			f := strings.SplitN(line, ":", 4)
			if len(f) == 4 && f[2] == id {
				return f[0]
			}
		}
	}
	return "uid " + id
}
