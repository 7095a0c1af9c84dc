package pathutil

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// WriteFile writes data to a temporary file beside path, flushes it to
// disk, and renames it into place, so that path never holds half of it,
// not even after a power cut. The file's mode is the user's umask's
// (0666 less it), as a shell's redirection would make it.
func WriteFile(path string, data []byte) error {
	return replace(path, 0o666, false, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// CopyFile copies src to dst, as WriteFile writes (a kill or a power cut
// leaves either the old dst, or none, or the whole copy), with mode perm
// less the user's umask: the launcher's own files.
func CopyFile(src, dst string, perm os.FileMode) error {
	return copyFile(src, dst, perm, false)
}

// KeepFile copies src to dst as CopyFile does, but with mode perm exactly,
// whatever the umask: a copy of a user's file kept to be put back as it
// was.
func KeepFile(src, dst string, perm os.FileMode) error {
	return copyFile(src, dst, perm, true)
}

func copyFile(src, dst string, perm os.FileMode, exact bool) error {
	in, err := os.Open(src)
	if err != nil {
		return Explain(src, err)
	}
	defer in.Close()
	return replace(dst, perm, exact, func(f *os.File) error {
		_, err := io.Copy(f, in)
		return err
	})
}

// replace makes path's new content with write in a temporary file beside
// it, flushes it, renames it into place, and flushes the folder, so that
// the rename itself survives a power cut. The temporary file is made with
// mode perm, which the kernel reduces by the umask; exact sets perm itself
// afterwards.
func replace(path string, perm os.FileMode, exact bool, write func(*os.File) error) error {
	dir := filepath.Dir(path)
	f, err := createTemp(dir, "."+filepath.Base(path)+".", perm)
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && exact {
		err = os.Chmod(tmp, perm)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return SyncDir(dir)
}

// createTemp makes a new file prefix+N in dir with mode perm (less the
// umask): os.CreateTemp makes every file 0600, and a chmod after it would
// ignore the umask.
func createTemp(dir, prefix string, perm os.FileMode) (*os.File, error) {
	seed := uint64(time.Now().UnixNano()) ^ uint64(os.Getpid())<<32
	for try := 0; ; try++ {
		name := filepath.Join(dir, prefix+strconv.FormatUint(seed+uint64(try)*0x9e3779b97f4a7c15, 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if err == nil || !errors.Is(err, fs.ErrExist) || try == 100 {
			return f, err
		}
	}
}

// SyncDir flushes a folder's entries to disk (by system calls: os.Open
// would start Go's poller).
func SyncDir(dir string) error {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(fd)
	if err := unix.Fsync(fd); err != nil && err != unix.EINVAL {
		return &os.PathError{Op: "fsync", Path: dir, Err: err}
	}
	return nil
}
