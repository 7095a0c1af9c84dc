package pathutil

import (
	"errors"
	"fmt"
	"io/fs"

	"golang.org/x/sys/unix"
)

// Limits for ReadFile. No file the launcher reads comes near them: the
// largest, OneTrainer's lib.include.sh, is about 18 KB.
const (
	SmallFile = 1 << 20 // settings, launch scripts, records, requirements lists
	TinyFile  = 64 << 10
)

// ReadFile reads the regular file at path, at most limit bytes. A FIFO, a
// device, a socket or a directory is refused without being read (opening
// does not block: O_NONBLOCK), and so is a file over the limit; every
// error names the path and its real cause (see Explain). A missing file
// gives an error that satisfies errors.Is(err, fs.ErrNotExist).
//
// It uses the system calls directly: os.OpenFile would register a
// non-blocking descriptor with Go's poller, whose set-up every warm launch
// would pay for.
func ReadFile(path string, limit int64) ([]byte, error) {
	fd, err := openRead(path)
	if err != nil {
		return nil, Explain(path, err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := fstat(fd, &st); err != nil {
		return nil, Explain(path, err)
	}
	mode := fileMode(uint32(st.Mode))
	if !mode.IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: notRegular{mode}}
	}
	if st.Size > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: tooBig{st.Size, limit}}
	}
	// The size is a hint: a file may grow while it is read.
	buf := make([]byte, 0, st.Size+1)
	for {
		if int64(len(buf)) > limit {
			return nil, &fs.PathError{Op: "read", Path: path, Err: tooBig{int64(len(buf)), limit}}
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, Explain(path, err)
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}

func openRead(path string) (int, error) {
	for {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

func fstat(fd int, st *unix.Stat_t) error {
	for {
		err := unix.Fstat(fd, st)
		if err != unix.EINTR {
			return err
		}
	}
}

// fileMode turns a stat mode into the fs.FileMode kinds ReadFile tells
// apart.
func fileMode(m uint32) fs.FileMode {
	switch m & unix.S_IFMT {
	case unix.S_IFREG:
		return 0
	case unix.S_IFDIR:
		return fs.ModeDir
	case unix.S_IFIFO:
		return fs.ModeNamedPipe
	case unix.S_IFSOCK:
		return fs.ModeSocket
	case unix.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		return fs.ModeDevice
	case unix.S_IFLNK:
		return fs.ModeSymlink
	}
	return fs.ModeIrregular
}

// notRegular is ReadFile's refusal of anything but a regular file.
type notRegular struct{ Mode fs.FileMode }

func (e notRegular) Error() string {
	kind := "not a regular file"
	switch {
	case e.Mode&fs.ModeNamedPipe != 0:
		kind = "a FIFO (named pipe)"
	case e.Mode&fs.ModeSocket != 0:
		kind = "a socket"
	case e.Mode&fs.ModeCharDevice != 0:
		kind = "a character device"
	case e.Mode&fs.ModeDevice != 0:
		kind = "a block device"
	case e.Mode.IsDir():
		kind = "a directory"
	}
	return "is " + kind + ", not a regular file: only regular files are read"
}

// tooBig is ReadFile's refusal of a file over its limit.
type tooBig struct{ Size, Limit int64 }

func (e tooBig) Error() string {
	return fmt.Sprintf("is over %d bytes (%d or more): far larger than any file of this kind, so it is not read", e.Limit, e.Size)
}

// IsNotExist reports whether err says that a file does not exist (rather
// than that it cannot be reached or read).
func IsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// Lines splits data into lines: "\n" ends a line, a final line needs no
// end, and a "\r" before the "\n" is dropped. Unlike bufio.Scanner it has
// no line length limit, so a long line is read whole, never a silent stop.
func Lines(data []byte) []string {
	var lines []string
	for len(data) > 0 {
		i := 0
		for i < len(data) && data[i] != '\n' {
			i++
		}
		line := data[:i]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		lines = append(lines, string(line))
		if i == len(data) {
			break
		}
		data = data[i+1:]
	}
	return lines
}

// ReadTail reads at most the last n bytes of the regular file at path, for
// the end of a log; nil when it cannot be read (a FIFO or a device is not).
func ReadTail(path string, n int64) []byte {
	fd, err := openRead(path)
	if err != nil {
		return nil
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if fstat(fd, &st) != nil || !fileMode(uint32(st.Mode)).IsRegular() {
		return nil
	}
	off := st.Size - n
	if off < 0 {
		off = 0
	}
	buf := make([]byte, st.Size-off)
	got := 0
	for got < len(buf) {
		m, err := unix.Pread(fd, buf[got:], off+int64(got))
		if err == unix.EINTR {
			continue
		}
		if err != nil || m == 0 {
			break
		}
		got += m
	}
	return buf[:got]
}
