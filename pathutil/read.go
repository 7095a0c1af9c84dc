package pathutil

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
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
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, Explain(path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, Explain(path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: NotRegular{fi.Mode()}}
	}
	if fi.Size() > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: TooBig{fi.Size(), limit}}
	}
	// The size is a hint: a file may grow while it is read.
	buf := make([]byte, 0, fi.Size()+1)
	for {
		if int64(len(buf)) > limit {
			return nil, &fs.PathError{Op: "read", Path: path, Err: TooBig{int64(len(buf)), limit}}
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, Explain(path, err)
		}
	}
}

// NotRegular is ReadFile's refusal of anything but a regular file.
type NotRegular struct{ Mode fs.FileMode }

func (e NotRegular) Error() string {
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

// TooBig is ReadFile's refusal of a file over its limit.
type TooBig struct{ Size, Limit int64 }

func (e TooBig) Error() string {
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
