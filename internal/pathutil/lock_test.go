package pathutil

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A lock's place in a shared folder: a symbolic link planted there is not
// followed (the file it points at is neither made nor opened), whether it
// dangles or points at a file of the user's, and a FIFO is refused; each
// error names the path. A regular file there is the lock.
func TestLockRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	lock := filepath.Join(dir, "venv.lock")

	for _, tc := range []struct {
		name   string
		target string
		exists bool
	}{{"a dangling link", victim, false}, {"a link to the user's file", victim, true}} {
		os.Remove(lock)
		os.Remove(victim)
		if tc.exists {
			os.WriteFile(victim, []byte("the user's\n"), 0o600)
		}
		if err := os.Symlink(tc.target, lock); err != nil {
			t.Fatal(err)
		}
		l, _, err := TakeLock(lock, false, nil)
		var nl *NotALockFile
		if l != nil || !errors.As(err, &nl) || !strings.Contains(err.Error(), lock+" is a symbolic link (to "+victim+")") {
			t.Errorf("%s: %v %v", tc.name, l, err)
		}
		data, statErr := os.ReadFile(victim)
		if !tc.exists && statErr == nil {
			t.Errorf("%s: the link's target was made", tc.name)
		}
		if tc.exists && string(data) != "the user's\n" {
			t.Errorf("%s: the link's target changed: %q", tc.name, data)
		}
	}

	os.Remove(lock)
	if err := syscall.Mkfifo(lock, 0o600); err != nil {
		t.Fatal(err)
	}
	if l, _, err := TakeLock(lock, false, nil); l != nil || err == nil || !strings.Contains(err.Error(), lock+" is a FIFO") {
		t.Errorf("a FIFO: %v %v", l, err)
	}

	os.Remove(lock)
	l, _, err := TakeLock(lock, false, nil)
	if err != nil || l == nil {
		t.Fatalf("a new lock file: %v", err)
	}
	if other, _, err := TakeLock(lock, false, nil); other != nil || err != nil {
		t.Errorf("taken twice: %v %v", other, err)
	}
	l.Release()
}

// The files the launcher writes honour the user's umask (027 here): its
// state files and lock files 0640, its copy of itself 0750, folders it
// makes 0750; a copy of the user's own file keeps that file's mode.
func TestModesHonourTheUmask(t *testing.T) {
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	dir := t.TempDir()
	mode := func(p string) os.FileMode {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	state := filepath.Join(dir, "state")
	if err := WriteFile(state, []byte("x\n")); err != nil {
		t.Fatal(err)
	}
	if m := mode(state); m != 0o640 {
		t.Errorf("WriteFile: %v", m)
	}
	// Written again over a file of another mode: the new file's.
	os.Chmod(state, 0o666)
	WriteFile(state, []byte("y\n"))
	if m := mode(state); m != 0o640 {
		t.Errorf("WriteFile over a 0666 file: %v", m)
	}
	bin := filepath.Join(dir, "bin")
	if err := CopyFile(state, bin, 0o777); err != nil {
		t.Fatal(err)
	}
	if m := mode(bin); m != 0o750 {
		t.Errorf("CopyFile 0777: %v", m)
	}
	users := filepath.Join(dir, "users")
	os.WriteFile(users, []byte("mine\n"), 0o644)
	os.Chmod(users, 0o755)
	kept := filepath.Join(dir, "kept")
	if err := KeepFile(users, kept, 0o755); err != nil {
		t.Fatal(err)
	}
	if m := mode(kept); m != 0o755 {
		t.Errorf("KeepFile: %v", m)
	}
	lockPath := filepath.Join(dir, "x.lock")
	l, _, err := TakeLock(lockPath, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Release()
	if m := mode(lockPath); m != 0o640 {
		t.Errorf("lock file: %v", m)
	}
	sub := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(sub, 0o777); err != nil {
		t.Fatal(err)
	}
	if m := mode(sub); m != 0o750 {
		t.Errorf("folder: %v", m)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
