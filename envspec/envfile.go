package envspec

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
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
	// Warnings are lines that could not be read, each naming file and line.
	Warnings []string
}

// FileValue is one assignment in an EnvFile.
type FileValue struct {
	Key, Value string
	Line       int
}

// EnvFilePath is where the settings file lives for env:
// $XDG_CONFIG_HOME/environment.d/onetrainer.conf, XDG_CONFIG_HOME defaulting
// to ~/.config. It is "" off Linux (environment.d is systemd's) and when
// neither XDG_CONFIG_HOME nor HOME is set.
func EnvFilePath(env Environ) string {
	if runtime.GOOS != "linux" {
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
// the keys assigned above it and from env. A missing file gives nil; an
// unreadable one, or a line that cannot be read, gives a warning, never an
// error: a broken settings file must not stop OneTrainer from starting.
func ReadEnvFile(path string, env Environ) *EnvFile {
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	f := &EnvFile{Path: path, Values: map[string]FileValue{}}
	if err != nil {
		f.Warnings = append(f.Warnings, fmt.Sprintf("settings file %s cannot be read, so it is skipped: %v", path, err))
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
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(strings.TrimSuffix(sc.Text(), "\r"))
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") {
			continue
		}
		key, raw, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || !isName(key) {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s:%d: not a KEY=VALUE line, so it is skipped: %q", path, n, line))
			continue
		}
		val, err := envValue(strings.TrimSpace(raw), lookup)
		if err != nil {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s:%d: %v, so the line is skipped", path, n, err))
			continue
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
func expand(s string, lookup func(string) (string, bool), quoted bool) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			next := s[i+1]
			if quoted && !strings.ContainsRune("\"\\$`", rune(next)) {
				b.WriteByte(c) // in "…", other backslashes stay
			}
			b.WriteByte(next)
			i++
		case c == '"' && quoted:
			return "", fmt.Errorf("an unescaped double quote inside a double-quoted value")
		case c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("${ without a closing }")
			}
			v, err := braced(s[i+2:i+end], lookup)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			i += end
		case c == '$' && i+1 < len(s) && (s[i+1] == '_' || isAlpha(s[i+1])):
			j := i + 1
			for j < len(s) && (s[j] == '_' || isAlpha(s[j]) || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			v, _ := lookup(s[i+1 : j])
			b.WriteString(v)
			i = j - 1
		default:
			b.WriteByte(c)
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
	if !isName(name) {
		return "", fmt.Errorf("${%s} is not a variable reference", in)
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
	return "", fmt.Errorf("${%s}: only ${NAME}, ${NAME:-DEFAULT} and ${NAME:+ALTERNATE} are supported", in)
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
