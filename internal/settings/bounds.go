package settings

import (
	"fmt"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyversion"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// Constants are the internal values the launcher decides by that users do
// not configure but the checkout's lib.include.sh sets: the Python bounds
// and the Python a new conda env gets. A `git pull` of OneTrainer moves
// them without a new launcher.
type Constants struct {
	PythonVersionMinimum  string // accepted Python: >= this
	PythonVersionTooHigh  string // and < this
	CondaUsePythonVersion string // the Python a new conda env gets
	// Python is the accepted range, the bounds parsed once: every
	// comparison with them uses it.
	Python pyversion.Range

	// Source tells, per name, where the value came from:
	// "lib.include.sh:LINE" or "built-in".
	Source map[string]string
}

// ConstantNames lists the constants, in the order lib.include.sh sets them.
var ConstantNames = upstream.ConstantNames[:]

// Value returns the constant called name.
func (k Constants) Value(name string) string {
	switch name {
	case upstream.VarPythonVersionMinimum:
		return k.PythonVersionMinimum
	case upstream.VarPythonVersionTooHigh:
		return k.PythonVersionTooHigh
	case upstream.VarCondaUsePythonVersion:
		return k.CondaUsePythonVersion
	}
	return ""
}

// ConstantsOf takes the constants from the facts. A value that
// version_check.py could not parse is an error naming where it was set.
func ConstantsOf(f *upstream.Facts) (Constants, error) {
	k := Constants{Source: map[string]string{}}
	for _, name := range ConstantNames {
		c, _ := f.Constant(name)
		v, err := pyversion.Parse(c.Value)
		if err != nil {
			return k, fmt.Errorf("%s: %s=%q is not a version such as 3.10", c.Where, name, c.Value)
		}
		switch name {
		case upstream.VarPythonVersionMinimum:
			k.PythonVersionMinimum, k.Python.Lo = c.Value, v
		case upstream.VarPythonVersionTooHigh:
			k.PythonVersionTooHigh, k.Python.Hi = c.Value, v
		case upstream.VarCondaUsePythonVersion:
			k.CondaUsePythonVersion = c.Value
		}
		k.Source[name] = c.Where
	}
	return k, nil
}
