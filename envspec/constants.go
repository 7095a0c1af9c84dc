package envspec

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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

// ConstantTable lists the internal values. It is never modified.
var ConstantTable = []Constant{
	{"OT_PYTHON_VERSION_MINIMUM", "3.10", func(c *Constants) *string { return &c.PythonVersionMinimum }},
	{"OT_PYTHON_VERSION_TOO_HIGH", "3.14", func(c *Constants) *string { return &c.PythonVersionTooHigh }},
	{"OT_CONDA_USE_PYTHON_VERSION", "3.13", func(c *Constants) *string { return &c.CondaUsePythonVersion }},
}

// `export NAME="X.Y"` with optional quotes; the value is checked apart so
// that a malformed one can be reported rather than skipped silently.
var exportLine = regexp.MustCompile(`^\s*export\s+([A-Z_][A-Z0-9_]*)=(.*?)\s*$`)

// versionText is what version_check.py can parse: "3", "3.1", "3.1.5".
var versionText = regexp.MustCompile(`^[0-9]+(\.[0-9]+){0,2}$`)

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
		m := exportLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		for _, k := range ConstantTable {
			if k.Name != m[1] {
				continue
			}
			val := unquote(m[2])
			if !versionText.MatchString(val) {
				return c, fmt.Errorf("%s:%d: %s=%s is not a version such as 3.10", path, n, m[1], m[2])
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
