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
// systemd applies every line of it to the user's session at login; the
// launcher reads it on every start, on every system, so a saved setting
// works at once, and where no systemd reads it (macOS) at all. Every key
// it holds goes to the launch (Apply), the environment's own value
// winning; the OT_* keys are settings, checked as Parse checks them.
//
// Its values may be secrets (an API token kept beside HF_HOME): nothing
// the launcher says of the file — Warnings, Errors, debug lines, doctor —
// shows a value, except an OT_* setting's as Parse reports it.
type EnvFile struct {
	Path string
	// Values holds every assignment, the last of each key, with its line
	// number.
	Values map[string]FileValue
	// Keys are the keys of Values in the order they were first assigned.
	Keys []string
	// Warnings are lines that could not be read, each naming file, line
	// and at most the key, never the value: such a line is skipped and
	// the launcher goes on.
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
// Every value goes into the environment of what the launch runs, and
// exec(2) takes at most ARG_MAX of arguments and environment together
// (2 MiB on Linux with the usual 8 MiB stack), so the file's values stay
// well under it.
const (
	maxExpanded = 1 << 20
	maxProblems = 20
)

// EnvFilePath is where the settings file lives for env:
// $XDG_CONFIG_HOME/environment.d/onetrainer.conf, XDG_CONFIG_HOME defaulting
// to ~/.config — on every system, macOS too, where no systemd reads it but
// the launcher does: one place to document, to keep with one's dotfiles and
// to paste into a terminal (docs/configuration.md). It is "" when neither
// XDG_CONFIG_HOME nor HOME is set.
// The host does not change it; the parameter stays for the callers.
func EnvFilePath(_ host.Host, env environ.List) string {
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
// the keys assigned above it and from env (env's value where it wins, as
// Apply decides). Every key is kept, the last assignment of each: the OT_*
// ones are settings (Parse), all go to the launch (Apply). A line it does
// not take — `export KEY=...`, another ${...} form, a backslash at its end
// — is named by file, line and at most its key. A missing file gives nil. The
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
	lookup := func(k string) (string, bool) {
		if v, wins := envWins(env, k); wins {
			return v, true // the value the launch will see
		}
		if fv, ok := f.Values[k]; ok {
			return fv.Value, true
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
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s:%d: %s", path, n, notAssignment(key, ok)))
			continue
		}
		rawValue = strings.TrimSpace(rawValue)
		if trailing := len(rawValue) - len(strings.TrimRight(rawValue, `\`)); trailing%2 == 1 {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s:%d: %s: the line ends in a backslash, which systemd joins with the next line and the launcher does not, so it is skipped (its value is not shown): put the value on one line", path, n, key))
			continue
		}
		val, err := envValue(rawValue, lookup)
		if errors.Is(err, errTooLong) {
			f.Errors = append(f.Errors, fmt.Errorf("%s:%d: %s expands to more than %d bytes: no setting is that long; fix the line", path, n, key, maxValue))
			continue
		}
		if err != nil {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s:%d: %s: %v, so the line is skipped (its value is not shown)", path, n, key, err))
			continue
		}
		if i := strings.IndexFunc(val, isControl); i >= 0 {
			f.Errors = append(f.Errors, fmt.Errorf("%s:%d: the value of %s holds a control character (at byte %d): give a value without one", path, n, key, i+1))
			continue
		}
		if total += len(val); total > maxExpanded {
			f.Errors = append(f.Errors, fmt.Errorf("%s:%d: the settings file's values expand to more than %d bytes in all: no settings file is that large", path, n, maxExpanded))
			break
		}
		if _, again := f.Values[key]; !again {
			f.Keys = append(f.Keys, key)
		}
		f.Values[key] = FileValue{Key: key, Value: val, Line: n}
	}
	return f
}

// notAssignment says why a line is not KEY=VALUE, naming at most its key:
// the text after "=" may be a secret, and so may a line without one.
func notAssignment(key string, hasEquals bool) string {
	if name, ok := strings.CutPrefix(key, "export"); ok && hasEquals && name != strings.TrimLeft(name, " \t") && upstream.IsName(strings.TrimSpace(name)) {
		name = strings.TrimSpace(name)
		return fmt.Sprintf("%s: environment.d takes no \"export\" (it is not a shell script), so the line is skipped (its value is not shown); write it as %s=...", name, name)
	}
	if hasEquals {
		return "not a KEY=VALUE line (what stands before \"=\" is not a variable name), so it is skipped (its text is not shown)"
	}
	return "not a KEY=VALUE line, so it is skipped (its text is not shown)"
}

// envWins reports whether the environment's own value of key wins over the
// file's, and gives that value. For an OT_* key an empty value counts as
// unset, as the checkout's ${OT_X:-DEFAULT} counts it; any other key the
// environment holds wins even when empty, as a shell's export wins over
// what the session got at login.
func envWins(env environ.List, key string) (string, bool) {
	v, set := env.Lookup(key)
	if strings.HasPrefix(key, upstream.VarPrefix) {
		return v, v != ""
	}
	return v, set
}

// value returns the file's value of key; f may be nil.
func (f *EnvFile) value(key string) (FileValue, bool) {
	if f == nil {
		return FileValue{}, false
	}
	fv, ok := f.Values[key]
	return fv, ok
}

// Apply returns a copy of env with every key of the file that the
// environment does not win (envWins) set to the file's value, in the
// file's order: what the session has at login, under what the user
// exported since. f may be nil. It takes time in proportion to the two
// lists, however many keys a hostile file holds.
func (f *EnvFile) Apply(env environ.List) environ.List {
	if f == nil {
		return env.Clone()
	}
	fromFile := make(map[string]bool, len(f.Keys))
	for _, k := range f.Keys {
		if _, wins := envWins(env, k); !wins {
			fromFile[k] = true
		}
	}
	out := make(environ.List, 0, len(env)+len(fromFile))
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); !fromFile[k] {
			out = append(out, kv)
		}
	}
	for _, k := range f.Keys {
		if fromFile[k] {
			out = append(out, k+"="+f.Values[k].Value)
		}
	}
	return out
}

// Passed are the keys of the file that are not OT_* settings, in order:
// what it hands to the launch besides the settings, for debug lines and
// doctor, which name them without their values.
func (f *EnvFile) Passed() []string {
	var keys []string
	if f != nil {
		for _, k := range f.Keys {
			if !strings.HasPrefix(k, upstream.VarPrefix) {
				keys = append(keys, k)
			}
		}
	}
	return keys
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
		return "", fmt.Errorf("a ${...} that is not a variable reference")
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
	// At most the shell's operator: what stands inside the braces is of
	// the value.
	form := "${...}"
	if op := rest[:min(len(rest), 2)]; op == ":=" || op == ":?" {
		form = "${NAME" + op + "...}"
	}
	return "", fmt.Errorf("a %s: only ${NAME}, ${NAME:-DEFAULT} and ${NAME:+ALTERNATE} are supported", form)
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
