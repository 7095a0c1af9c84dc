package envspec

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Constant is an internal value that users do not configure but that the
// checkout may move: OneTrainer's lib.include.sh sets the Python bounds, so
// a `git pull` of OneTrainer changes them without a new launcher.
type Constant struct {
	Name    string
	BuiltIn string
	field   func(*Constants) *string
}

// Constants holds the internal values in force for one checkout.
type Constants struct {
	PythonVersionMinimum  string // accepted Python: >= this
	PythonVersionTooHigh  string // and < this
	CondaUsePythonVersion string // the Python a new conda env gets

	// Source tells, per name, where the value came from:
	// "lib.include.sh:LINE" or "built-in".
	Source map[string]string
}

// Value returns the constant's value in k.
func (c Constant) Value(k Constants) string { return *c.field(&k) }

// ConstantTable lists the internal values. It is never modified.
var ConstantTable = []Constant{
	{"OT_PYTHON_VERSION_MINIMUM", "3.10", func(c *Constants) *string { return &c.PythonVersionMinimum }},
	{"OT_PYTHON_VERSION_TOO_HIGH", "3.14", func(c *Constants) *string { return &c.PythonVersionTooHigh }},
	{"OT_CONDA_USE_PYTHON_VERSION", "3.13", func(c *Constants) *string { return &c.CondaUsePythonVersion }},
}

// exportLine splits `export NAME=VALUE` into NAME and VALUE (as written,
// quotes included). The value is checked apart, so that a malformed one is
// reported rather than skipped silently. Hand-written rather than a regexp:
// this runs on every launch, and compiling a regexp costs more than the rest.
func exportLine(line string) (name, value string, ok bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "export")
	if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
		return "", "", false
	}
	name, value, ok = strings.Cut(strings.TrimSpace(rest), "=")
	if !ok || !isName(name) {
		return "", "", false
	}
	return name, strings.TrimSpace(value), true
}

// isName reports whether s is a shell variable name.
func isName(s string) bool {
	for i, c := range s {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// isVersion reports whether s is what version_check.py can parse: "3",
// "3.1" or "3.1.5".
func isVersion(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// ReadConstants returns the built-in constants, overridden by the values the
// checkout's lib.include.sh exports. A missing lib.include.sh is normal (the
// launcher replaced it); an unreadable one or a value that is not a version
// is an error naming the file and line.
func ReadConstants(checkout string) (Constants, error) {
	c := Constants{Source: map[string]string{}}
	for _, k := range ConstantTable {
		*k.field(&c) = k.BuiltIn
		c.Source[k.Name] = "built-in"
	}
	path := filepath.Join(checkout, LibInclude)
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("reading %s: %w", path, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		name, raw, ok := exportLine(sc.Text())
		if !ok {
			continue
		}
		for _, k := range ConstantTable {
			if k.Name != name {
				continue
			}
			val := unquote(raw)
			if !isVersion(val) {
				return c, fmt.Errorf("%s:%d: %s=%s is not a version such as 3.10", path, n, name, raw)
			}
			*k.field(&c) = val
			c.Source[k.Name] = LibInclude + ":" + strconv.Itoa(n)
		}
	}
	return c, nil
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return strings.TrimSpace(s)
}
