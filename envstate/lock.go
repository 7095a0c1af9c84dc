package envstate

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// Lock is an exclusive flock on a file beside the env, held while the env
// is prepared, so that two launches never both create or install it. The
// kernel drops it when the process ends, however it ends; the file is
// opened close-on-exec, so the final Python never inherits it.
type Lock struct{ f *os.File }

// TakeLock locks path, creating it if needed. When another launch holds it,
// waiting is called once before blocking, so the user hears why nothing
// happens; waited then reports that the holder may have changed things.
func TakeLock(path string, waiting func()) (l *Lock, waited bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, err
	}
	err = flock(f, unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		waiting()
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

// TryLock takes the lock at path when no one holds it; got is false when
// another process does.
func TryLock(path string) (l *Lock, got bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, err
	}
	err = flock(f, unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		f.Close()
		return nil, false, nil
	}
	if err != nil {
		f.Close()
		return nil, false, err
	}
	return &Lock{f}, true, nil
}
