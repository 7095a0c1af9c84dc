// Package envspec is the one place that knows the OT_* variables: their
// names, defaults, parsing and how they are handed on to child processes,
// plus the fixed names of files in a OneTrainer checkout.
package envspec

import (
	"errors"
	"fmt"
	"strings"
)

// Var describes one user-configurable variable. The table Vars drives
// parsing, defaults, export and the help text, so a new variable is one row.
type Var struct {
	Name string
	// Default is the default as the help text shows it.
	Default string
	// defaultFrom computes the default from the environment when it depends
	// on it (OT_CONDA_CMD falls back to $CONDA_EXE); nil means Default.
	defaultFrom func(Environ) string
	Help        string
	// field points into a Config: *string for text, *bool for booleans.
	field func(*Config) any
}

// Config holds the parsed values of every variable in Vars.
type Config struct {
	CondaCmd             string
	CondaEnv             string
	PythonCmd            string
	PythonVenv           string
	PreferVenv           bool
	CudaLowmemMode       bool
	PlatformRequirements string
	ScriptDebug          bool
	LazyUpdates          bool

	// Values is each variable's value as it is exported to children:
	// defaults applied, booleans spelled "true" or "false".
	Values map[string]string
	// Source tells, per variable, where its value came from: SourceEnv,
	// the settings file as "PATH:LINE", or SourceDefault.
	Source map[string]string
	// File is the settings file that was read; nil when there is none.
	File *EnvFile
}

// Given reports whether the user set variable name (in the environment or
// the settings file), rather than leaving it to its default.
func (c *Config) Given(name string) bool { return c.Source[name] != SourceDefault }

// Where a value came from, in Config.Source.
const (
	SourceEnv     = "environment"
	SourceDefault = "default"
)

// PlatformDetect is the OT_PLATFORM_REQUIREMENTS value that asks for detection.
const PlatformDetect = "detect"

// Vars is the table of user-configurable variables, in the order the
// launch-scripts guide lists them. It is never modified.
var Vars = []Var{
	{Name: "OT_CONDA_CMD", Default: "$CONDA_EXE, else conda",
		defaultFrom: func(e Environ) string {
			if v := e.Get("CONDA_EXE"); v != "" {
				return v
			}
			return "conda"
		},
		Help:  "conda command, or an absolute path to it",
		field: func(c *Config) any { return &c.CondaCmd }},
	{Name: "OT_CONDA_ENV", Default: "onetrainer",
		Help:  "conda env: a name, or a path (containing /) relative to the checkout",
		field: func(c *Config) any { return &c.CondaEnv }},
	{Name: "OT_PYTHON_CMD", Default: "python",
		Help:  "host Python that creates the venv",
		field: func(c *Config) any { return &c.PythonCmd }},
	{Name: "OT_PYTHON_VENV", Default: ".venv",
		Help:  "venv directory, relative to the checkout unless absolute",
		field: func(c *Config) any { return &c.PythonVenv }},
	{Name: "OT_PREFER_VENV", Default: "false",
		Help:  "true: use a venv even when conda is present",
		field: func(c *Config) any { return &c.PreferVenv }},
	{Name: "OT_CUDA_LOWMEM_MODE", Default: "false",
		Help:  "true: aggressive PyTorch garbage collection for low-memory GPUs",
		field: func(c *Config) any { return &c.CudaLowmemMode }},
	{Name: "OT_PLATFORM_REQUIREMENTS", Default: PlatformDetect,
		Help:  "detect, or the platform requirements file to install (e.g. requirements-cuda.txt)",
		field: func(c *Config) any { return &c.PlatformRequirements }},
	{Name: "OT_SCRIPT_DEBUG", Default: "false",
		Help:  "true: print debug lines",
		field: func(c *Config) any { return &c.ScriptDebug }},
	{Name: "OT_LAZY_UPDATES", Default: "false",
		Help:  "true: update.sh reinstalls requirements only when git HEAD changed since the last install",
		field: func(c *Config) any { return &c.LazyUpdates }},
}

// BoolSpellings lists the accepted boolean spellings, for messages.
const BoolSpellings = "true or false (also 1/0, yes/no, on/off, in any case)"

// ParseBool accepts the boolean spellings named by BoolSpellings.
func ParseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "on":
		return true, true
	case "false", "0", "no", "off":
		return false, true
	}
	return false, false
}

// Parse reads every variable of Vars: from the environment, else from the
// settings file (EnvFilePath), else the default; an empty value counts as
// unset. Every bad value is reported, each naming the variable, where it was
// set, and what would be accepted; nothing is returned then.
func Parse(env Environ) (*Config, error) {
	return ParseWithFile(env, ReadEnvFile(EnvFilePath(env), env))
}

// ParseWithFile is Parse with the settings file already read (nil: none).
func ParseWithFile(env Environ, file *EnvFile) (*Config, error) {
	c := &Config{Values: map[string]string{}, Source: map[string]string{}, File: file}
	var errs []error
	for _, v := range Vars {
		raw, source := env.Get(v.Name), SourceEnv
		if raw == "" && file != nil && file.Values[v.Name].Value != "" {
			fv := file.Values[v.Name]
			raw, source = fv.Value, fmt.Sprintf("%s:%d", file.Path, fv.Line)
		}
		where := ""
		if source != SourceEnv {
			where = " (set in " + source + ")"
		}
		if raw == "" {
			raw, source = v.Default, SourceDefault
			if v.defaultFrom != nil {
				raw = v.defaultFrom(env)
			}
		} else if strings.TrimSpace(raw) == "" {
			errs = append(errs, fmt.Errorf("%s=%q%s holds only whitespace: unset it to get the default (%s), or give a value", v.Name, raw, where, v.Default))
			continue
		}
		switch p := v.field(c).(type) {
		case *string:
			*p = raw
		case *bool:
			b, ok := ParseBool(raw)
			if !ok {
				errs = append(errs, fmt.Errorf("%s=%q%s is not a boolean: use %s", v.Name, raw, where, BoolSpellings))
				continue
			}
			*p = b
			raw = fmt.Sprint(b)
		}
		c.Values[v.Name] = raw
		c.Source[v.Name] = source
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}
