package upstream

import (
	"errors"
	"strconv"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

//go:generate go run ../cmd/memogen -C ../..

// The memo keeps the facts of one checkout in a small text file, so that
// a warm launch reads one file and parses no shell. Its codec is
// generated from the types of facts.go (memo_gen.go, by
// internal/cmd/memogen): the facts are one schema, and a field added there
// is carried here once go generate runs, which a test insists on. The
// first line names the format and the schema's fingerprint; the second is
// the key the facts were learnt under; then one field per line. A memo of
// another format, schema or key is not used.
const memoMagic = "onetrainer-launcher-facts 3 " + memoSchema

// FileKey names the file at path in a memo key: its path and its stat key.
func FileKey(path string) string { return path + " " + pathutil.StatKeyOr(path) }

// Remembered returns the facts in the memo at path when they were learnt
// under key.
func Remembered(path, key string) (*Facts, bool) {
	data, err := pathutil.ReadFile(path, pathutil.SmallFile)
	if err != nil {
		return nil, false
	}
	f, k, err := decode(string(data))
	if err != nil || k != key {
		return nil, false
	}
	return f, true
}

// Remember writes f, learnt under key, to the memo at path.
func Remember(path, key string, f *Facts) error {
	return pathutil.WriteFile(path, []byte(encode(f, key)))
}

func encode(f *Facts, key string) string {
	e := &memoEnc{}
	e.b.WriteString(memoMagic + "\n")
	e.str(key)
	e.Facts(f)
	return e.b.String()
}

var errMemo = errors.New("not a facts memo")

// decode reads a memo. It runs on every warm launch: it slices the text
// rather than copying it, sizes each list once, and never allocates more
// than the text can hold.
func decode(s string) (f *Facts, key string, err error) {
	rest, ok := strings.CutPrefix(s, memoMagic+"\n")
	if !ok {
		return nil, "", errMemo
	}
	d := &memoDec{rest: rest}
	key = d.str()
	f = new(Facts)
	d.Facts(f)
	if d.bad || d.rest != "" || key == "" || f.UIScript.Value == "" || len(f.Platform) == 0 {
		return nil, "", errMemo
	}
	return f, key, nil
}

// memoEnc writes the memo's fields, one per line.
type memoEnc struct{ b strings.Builder }

func (e *memoEnc) str(s string) {
	if strings.ContainsAny(s, "\n\\") {
		s = strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
	}
	e.b.WriteString(s)
	e.b.WriteByte('\n')
}

func (e *memoEnc) flag(b bool) {
	if b {
		e.b.WriteString("1\n")
	} else {
		e.b.WriteString("0\n")
	}
}

func (e *memoEnc) num(n int) { e.str(strconv.Itoa(n)) }

// count writes a slice's length, "-" for a nil one: the memo gives back
// nil and empty lists as they were.
func (e *memoEnc) count(isNil bool, n int) {
	if isNil {
		e.str("-")
		return
	}
	e.num(n)
}

// memoDec reads the fields memoEnc wrote. After the first one that is
// not what its type needs, bad is set and every read gives the zero value.
type memoDec struct {
	rest string
	bad  bool
}

func (d *memoDec) line() string {
	line, rest, ok := strings.Cut(d.rest, "\n")
	if !ok {
		d.bad = true
		return ""
	}
	d.rest = rest
	return line
}

func (d *memoDec) str() string {
	s := d.line()
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == 'n' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (d *memoDec) flag() bool {
	switch d.line() {
	case "1":
		return true
	case "0":
		return false
	}
	d.bad = true
	return false
}

func (d *memoDec) num() int {
	n, err := strconv.Atoi(d.line())
	if err != nil {
		d.bad = true
	}
	return n
}

// count reads a slice's length: ok is false for a nil slice, and for a
// length the rest of the memo cannot hold (every element takes a line).
func (d *memoDec) count() (int, bool) {
	s := d.line()
	if s == "-" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > len(d.rest) {
		d.bad = true
		return 0, false
	}
	return n, true
}
