package settings

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// EnvFile is ~/.config/environment.d/onetrainer.conf, where the
// launch-scripts guide tells Linux users to keep their OT_* settings.
// systemd reads it only at login; the launcher reads it on every start, so
// a saved setting works at once.
type EnvFile struct {
	Path string
	// Values holds the OT_* assignments, each with its line number.
	Values map[string]FileValue
	// Ignored lists the other keys that were assigned, for debug lines.
	Ignored []FileValue
	// Warnings are lines that could not be read, each naming file and line:
	// such a line is skipped and the launcher goes on.
	Warnings []string
	// Errors are what the launcher must not go on with, each naming file and
	// line: a value holding a control character, an expansion past
	// maxValue. Parse reports them as it reports bad values.
	Errors []error
}

// FileValue is one assignment in an EnvFile.
type FileValue struct {
	Key, Value string
	Line       int
}

// maxValue bounds a value in the settings file after expansion: `A=$A$A`
// forty times over would otherwise ask for a terabyte. No setting comes
// near it.
const maxValue = 64 << 10

// maxExpanded bounds all values of the file together, and maxProblems the
// warnings and errors one file can produce: a hostile file of a hundred
// thousand `B=$A` lines costs no more than a few megabytes and a moment.
const (
	maxExpanded = 4 << 20
	maxProblems = 20
)

// EnvFilePath is where the settings file lives for env:
// $XDG_CONFIG_HOME/environment.d/onetrainer.conf, XDG_CONFIG_HOME defaulting
// to ~/.config. It is "" off Linux (environment.d is systemd's) and when
// neither XDG_CONFIG_HOME nor HOME is set.
func EnvFilePath(h host.Host, env environ.List) string {
	if !h.EnvironmentD() {
		return ""
	}
	base := env.Get("XDG_CONFIG_HOME")
	if base == "" {
		home := env.Get("HOME")
		if home == "" {
			return ""
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "environment.d", "onetrainer.conf")
}

// ReadEnvFile reads path with environment.d's syntax: KEY=VALUE lines,
// blank lines and # comments, a value optionally in single or double quotes,
// and $NAME, ${NAME}, ${NAME:-default} and ${NAME:+alternate} expanded from
// the keys assigned above it and from env. A missing file gives nil. The
// file is read with bounds (a regular file, at most a megabyte; a FIFO or
// a device is refused unread), lines of any length whole. What cannot be
// read is a warning naming the file and line, and the launcher goes on: a
// broken settings file must not stop OneTrainer from starting. A value
// that cannot be right — a control character, an expansion past maxValue —
// is an error, as a bad value in the environment is.
func ReadEnvFile(path string, env environ.List) *EnvFile {
	if path == "" {
		return nil
	}
	data, err := pathutil.ReadFile(path, pathutil.SmallFile)
	if pathutil.IsNotExist(err) {
		return nil
	}
	f := &EnvFile{Path: path, Values: map[string]FileValue{}}
	if err != nil {
		f.Warnings = append(f.Warnings, fmt.Sprintf("the settings file cannot be read, so it is skipped: %v", err))
		return f
	}
	defined := map[string]string{}
	lookup := func(k string) (string, bool) {
		if strings.HasPrefix(k, "OT_") && env.Get(k) != "" {
			return env.Get(k), true // the environment wins for OT_* keys
		}
		if v, ok := defined[k]; ok {
			return v, true
		}
		return env.Lookup(k)
	}
	total := 0
	for i, raw := range pathutil.Lines(data) {
		n := i + 1
		if len(f.Warnings)+len(f.Errors) >= maxProblems {
			f.Errors = append(f.Errors, fmt.Errorf("%s:%d: the settings file has %d problems above this line; fix those first", path, n, maxProblems))
			break
		}
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") {
			continue
		}
		key, rawValue, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || !upstream.IsName(key) {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s:%d: not a KEY=VALUE line, so it is skipped: %q", path, n, clip(line)))
			continue
		}
		val, err := envValue(strings.TrimSpace(rawValue), lookup)
		if errors.Is(err, errTooLong) {
			f.Errors = append(f.Errors, fmt.Errorf("%s:%d: %s expands to more than %d bytes: no setting is that long; fix the line", path, n, key, maxValue))
			continue
		}
		if err != nil {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s:%d: %v, so the line is skipped", path, n, err))
			continue
		}
		if i := strings.IndexFunc(val, isControl); i >= 0 {
			f.Errors = append(f.Errors, fmt.Errorf("%s:%d: the value of %s holds a control character (%q): give a value without one", path, n, key, val[i]))
			continue
		}
		if total += len(val); total > maxExpanded {
			f.Errors = append(f.Errors, fmt.Errorf("%s:%d: the settings file's values expand to more than %d bytes in all: no settings file is that large", path, n, maxExpanded))
			break
		}
		defined[key] = val
		fv := FileValue{Key: key, Value: val, Line: n}
		if strings.HasPrefix(key, "OT_") {
			f.Values[key] = fv
		} else {
			f.Ignored = append(f.Ignored, fv)
		}
	}
	return f
}

// clip shortens a line for a message.
func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

var errTooLong = errors.New("value too long")

// envValue reads one value: quoted in '…' (literal), in "…" (expanded, with
// \" \\ \$ \` escapes), or bare (expanded, with backslash escapes).
func envValue(raw string, lookup func(string) (string, bool)) (string, error) {
	if raw == "" {
		return "", nil
	}
	switch raw[0] {
	case '\'':
		if len(raw) < 2 || raw[len(raw)-1] != '\'' || strings.Contains(raw[1:len(raw)-1], "'") {
			return "", fmt.Errorf("unbalanced single quote")
		}
		return raw[1 : len(raw)-1], nil
	case '"':
		if len(raw) < 2 || raw[len(raw)-1] != '"' {
			return "", fmt.Errorf("unbalanced double quote")
		}
		return expand(raw[1:len(raw)-1], lookup, true)
	}
	if strings.ContainsAny(raw, `"'`) {
		return "", fmt.Errorf("a quote inside an unquoted value")
	}
	return expand(raw, lookup, false)
}

// expand replaces variable references and removes escaping backslashes.
// The result never grows past maxValue: the check comes before each write.
func expand(s string, lookup func(string) (string, bool), quoted bool) (string, error) {
	var b strings.Builder
	write := func(v string) error {
		if b.Len()+len(v) > maxValue {
			return errTooLong
		}
		b.WriteString(v)
		return nil
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		var err error
		switch {
		case c == '\\' && i+1 < len(s):
			next := s[i+1]
			if quoted && !strings.ContainsRune("\"\\$`", rune(next)) {
				err = write(`\`) // in "…", other backslashes stay
			}
			if err == nil {
				err = write(s[i+1 : i+2])
			}
			i++
		case c == '"' && quoted:
			return "", fmt.Errorf("an unescaped double quote inside a double-quoted value")
		case c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("${ without a closing }")
			}
			v, berr := braced(s[i+2:i+end], lookup)
			if berr != nil {
				return "", berr
			}
			err = write(v)
			i += end
		case c == '$' && i+1 < len(s) && (s[i+1] == '_' || isAlpha(s[i+1])):
			j := i + 1
			for j < len(s) && (s[j] == '_' || isAlpha(s[j]) || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			v, _ := lookup(s[i+1 : j])
			err = write(v)
			i = j - 1
		default:
			err = write(s[i : i+1])
		}
		if err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// braced expands the inside of ${…}: NAME, NAME:-DEFAULT or NAME:+ALTERNATE.
func braced(in string, lookup func(string) (string, bool)) (string, error) {
	name, rest := in, ""
	if i := strings.Index(in, ":"); i >= 0 {
		name, rest = in[:i], in[i:]
	}
	if !upstream.IsName(name) {
		return "", fmt.Errorf("${%s} is not a variable reference", clip(in))
	}
	v, _ := lookup(name)
	switch {
	case rest == "":
		return v, nil
	case strings.HasPrefix(rest, ":-"):
		if v == "" {
			return rest[2:], nil
		}
		return v, nil
	case strings.HasPrefix(rest, ":+"):
		if v != "" {
			return rest[2:], nil
		}
		return "", nil
	}
	return "", fmt.Errorf("${%s}: only ${NAME}, ${NAME:-DEFAULT} and ${NAME:+ALTERNATE} are supported", clip(in))
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
