package pathutil

import (
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// WriteFile writes data to a temporary file beside path, flushes it to
// disk, and renames it into place, so that path never holds half of it,
// not even after a power cut.
func WriteFile(path string, data []byte) error {
	return replace(path, 0o644, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// CopyFile copies src to dst, with mode perm, as WriteFile writes: a kill
// or a power cut leaves either the old dst (or none) or the whole copy.
func CopyFile(src, dst string, perm os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return Explain(src, err)
	}
	defer in.Close()
	return replace(dst, perm, func(f *os.File) error {
		_, err := io.Copy(f, in)
		return err
	})
}

// replace makes path's new content with write in a temporary file beside
// it, flushes it, renames it into place, and flushes the folder, so that
// the rename itself survives a power cut.
func replace(path string, perm os.FileMode, write func(*os.File) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
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
	if err == nil {
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
