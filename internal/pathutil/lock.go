package pathutil

import (
	"errors"
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
func TakeLock(path string, wait bool, onWait func()) (l *Lock, waited bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, err
	}
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
