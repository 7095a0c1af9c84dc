package out

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Log keeps what the launcher itself says during one run — a Printer's
// lines, the "+ command" echoes and the closing error with them, never a
// child's output — for the applet's launch log. It is bounded: the first
// LogHead and the last LogTail bytes are kept, and what lay between is
// counted.
type Log struct {
	head, tail []byte
	dropped    int64
}

// The bounds of a launch log's lines.
const (
	LogHead = 64 << 10
	LogTail = 192 << 10
)

// The lines a launch log starts and ends with, after "# ".
const (
	logStatus = "exit status "
	logBecame = "then the launcher became: "
)

// Write keeps p. It never fails.
func (l *Log) Write(p []byte) (int, error) {
	n := len(p)
	if room := LogHead - len(l.head); room > 0 {
		k := min(room, len(p))
		l.head = append(l.head, p[:k]...)
		p = p[k:]
	}
	l.tail = append(l.tail, p...)
	if len(l.tail) > 2*LogTail {
		cut := len(l.tail) - LogTail
		l.dropped += int64(cut)
		l.tail = append([]byte(nil), l.tail[cut:]...)
	}
	return n, nil
}

// Text is the launch log's content: "# header", the lines kept, and the
// closing "# exit status N" — or, where the launcher replaced itself with
// the final command (became, its words), "# then the launcher became: ...".
func (l *Log) Text(header string, status int, became string) []byte {
	var b bytes.Buffer
	b.WriteString("# " + header + "\n")
	b.Write(l.head)
	if l.dropped > 0 {
		fmt.Fprintf(&b, "# [%d bytes of the launcher's lines left out here]\n", l.dropped)
	}
	b.Write(l.tail)
	if b.Len() > 0 && b.Bytes()[b.Len()-1] != '\n' {
		b.WriteByte('\n')
	}
	if became != "" {
		b.WriteString("# " + logBecame + became + "\n")
	} else {
		b.WriteString("# " + logStatus + strconv.Itoa(status) + "\n")
	}
	return b.Bytes()
}

// LogEnd is what a launch log says of how its run ended.
type LogEnd struct {
	Status int    // the exit status; 0 where the launcher became the final command
	Became string // the final command the launcher became, "" for none
	Error  string // the first "[OneTrainer] Error: " line, without its prefix
	Header string // the log's first line, without "# "
}

// ReadLog reads a launch log's end; ok is false for a file that is none
// (no closing line: cut short while written, or another file).
func ReadLog(data []byte) (end LogEnd, ok bool) {
	text := strings.TrimRight(string(data), "\n")
	first, _, _ := strings.Cut(text, "\n")
	end.Header = strings.TrimPrefix(first, "# ")
	i := strings.LastIndexByte(text, '\n')
	last := text[i+1:]
	switch {
	case strings.HasPrefix(last, "# "+logStatus):
		n, err := strconv.Atoi(strings.TrimPrefix(last, "# "+logStatus))
		if err != nil {
			return end, false
		}
		end.Status = n
	case strings.HasPrefix(last, "# "+logBecame):
		end.Became = strings.TrimPrefix(last, "# "+logBecame)
	default:
		return end, false
	}
	for _, line := range strings.Split(text, "\n") {
		if msg, found := strings.CutPrefix(line, prefix+"Error: "); found {
			end.Error = msg
			break
		}
	}
	return end, true
}
