package pathutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// Lock is an exclusive flock on a file. The kernel drops it when the
// process ends, however it ends; the file is opened close-on-exec, so a
// program the launcher execs never inherits it.
type Lock struct{ f *os.File }

// TakeLock locks the file at path, making it if needed. When another
// process holds it and wait is false, it returns a nil Lock and no error.
// When wait is true, onWait (if set) is called once before blocking, so
// the user hears why nothing happens, and waited reports that the holder
// may have changed things in the meantime.
//
// The lock file is only ever a regular file the launcher opens itself: a
// symbolic link planted at path (an env's place in a shared folder, where
// another user could aim it at a file of the user's) is not followed, and
// anything else there (a FIFO, a device) is refused, each a *NotALockFile
// naming path. A new lock file's mode is 0666 less the user's umask.
func TakeLock(path string, wait bool, onWait func()) (l *Lock, waited bool, err error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0o666)
	if err == unix.ELOOP || err == unix.EMLINK { // EMLINK: FreeBSD's word for ELOOP here
		return nil, false, &NotALockFile{Path: path, Mode: fs.ModeSymlink, Target: readlink(path)}
	}
	if err != nil {
		return nil, false, &os.PathError{Op: "open", Path: path, Err: err}
	}
	var st unix.Stat_t
	if err := fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, false, &os.PathError{Op: "fstat", Path: path, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, false, &NotALockFile{Path: path, Mode: fileMode(uint32(st.Mode))}
	}
	f := os.NewFile(uintptr(fd), path)
	err = flock(f, unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		if !wait {
			f.Close()
			return nil, false, nil
		}
		if onWait != nil {
			onWait()
		}
		waited = true
		err = flock(f, unix.LOCK_EX)
	}
	if err != nil {
		f.Close()
		return nil, false, err
	}
	return &Lock{f}, waited, nil
}

// NotALockFile is TakeLock's refusal of what is at a lock's path when it
// is not a regular file: a symbolic link (never followed), a FIFO, a
// device.
type NotALockFile struct {
	Path   string
	Mode   fs.FileMode
	Target string // a link's target
}

func (e *NotALockFile) Error() string {
	if e.Mode&fs.ModeSymlink != 0 {
		return fmt.Sprintf("the lock file %s is a symbolic link (to %s): the launcher takes its locks only in a regular file, and never follows a link there, which could make it open a file it was not meant to", e.Path, e.Target)
	}
	return fmt.Sprintf("the lock file %s %s", e.Path, notRegular{e.Mode}.Error())
}

func readlink(path string) string {
	t, err := os.Readlink(path)
	if err != nil {
		return "?"
	}
	return t
}

func flock(f *os.File, how int) error {
	for {
		err := unix.Flock(int(f.Fd()), how)
		if err != unix.EINTR {
			return err
		}
	}
}

// Release unlocks. It may be called on a nil Lock and more than once.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	unix.Flock(int(l.f.Fd()), unix.LOCK_UN)
	l.f.Close()
	l.f = nil
}
