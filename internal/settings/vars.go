// Package settings is the one place that knows the OT_* variables: their
// names, parsing (from the environment and the settings file), defaults
// (what the checkout's lib.include.sh gives, or the built-in one), the
// constants the checkout sets (the Python bounds), and how they and the
// checkout's other exports are handed on to child processes.
package settings

import (
	"errors"
	"fmt"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// Var describes one user-configurable variable. The table Vars drives
// parsing, export and the help text: a new variable is a row here, a
// field of Config, and its built-in default (upstream.BuiltinDefault); its
// default is the checkout's (upstream.Facts), else that one.
type Var struct {
	Name string
	Help string
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
	Platform             string
	PipInstall           bool

	// Settings has one entry per variable of Vars, in the table's order.
	Settings []Setting
	// File is the settings file that was read; nil when there is none.
	File *EnvFile
}

// Setting is one variable as Parse settled it.
type Setting struct {
	Name string
	// Value is as it is exported to children: defaults applied, booleans
	// spelled "true" or "false". A bad value is kept as given.
	Value string
	// Source tells where the value came from: SourceEnv, the settings
	// file as "PATH:LINE", or SourceDefault.
	Source string
	// DefaultFrom tells where the default came from: the checkout's
	// "lib.include.sh:LINE", or upstream.BuiltIn.
	DefaultFrom string
	// Unknown marks a variable the checkout's lib.include.sh does not
	// define (an older OneTrainer): it is neither checked nor exported,
	// and its feature is off, as with that checkout's own scripts.
	Unknown bool
	// Bad says why the value was refused; "" when it was not.
	Bad string
}

// Setting returns the setting of variable name.
func (c *Config) Setting(name string) Setting {
	for _, s := range c.Settings {
		if s.Name == name {
			return s
		}
	}
	return Setting{Name: name}
}

// Value returns the value of variable name as children get it.
func (c *Config) Value(name string) string { return c.Setting(name).Value }

// Given reports whether the user set variable name (in the environment or
// the settings file), rather than leaving it to its default.
func (c *Config) Given(name string) bool { return c.Setting(name).Source != SourceDefault }

// Unknown reports whether the checkout does not define variable name.
func (c *Config) Unknown(name string) bool { return c.Setting(name).Unknown }

// Where a value came from, in Setting.Source.
const (
	SourceEnv     = "environment"
	SourceDefault = "default"
)

// PlatformDetect is the OT_PLATFORM_REQUIREMENTS (and OT_PLATFORM) value
// that asks for detection.
const PlatformDetect = "detect"

// Vars is the table of user-configurable variables, in the order the
// launch-scripts guide lists them. It is never modified.
var Vars = []Var{
	{Name: "OT_CONDA_CMD", Help: "conda command, or an absolute path to it",
		field: func(c *Config) any { return &c.CondaCmd }},
	{Name: "OT_CONDA_ENV", Help: "conda env (a name or a path, as the checkout's scripts take it)",
		field: func(c *Config) any { return &c.CondaEnv }},
	{Name: "OT_PYTHON_CMD", Help: "host Python that creates the venv",
		field: func(c *Config) any { return &c.PythonCmd }},
	{Name: "OT_PYTHON_VENV", Help: "venv directory, relative to the checkout unless absolute",
		field: func(c *Config) any { return &c.PythonVenv }},
	{Name: "OT_PREFER_VENV", Help: "true: use a venv even when conda is present",
		field: func(c *Config) any { return &c.PreferVenv }},
	{Name: "OT_CUDA_LOWMEM_MODE", Help: "true: aggressive PyTorch garbage collection for low-memory GPUs",
		field: func(c *Config) any { return &c.CudaLowmemMode }},
	{Name: "OT_PLATFORM_REQUIREMENTS", Help: "detect, or the platform requirements file to install (e.g. requirements-cuda.txt)",
		field: func(c *Config) any { return &c.PlatformRequirements }},
	{Name: "OT_SCRIPT_DEBUG", Help: "true: print debug lines",
		field: func(c *Config) any { return &c.ScriptDebug }},
	{Name: "OT_LAZY_UPDATES", Help: "true: update.sh reinstalls requirements only when git HEAD changed since the last install",
		field: func(c *Config) any { return &c.LazyUpdates }},
	{Name: "OT_PLATFORM", Help: "pixi checkouts: detect, or the pixi environment to install and run (cuda13, cuda12, rocm, cpu)",
		field: func(c *Config) any { return &c.Platform }},
	{Name: "OT_PIP_INSTALL", Help: "pixi checkouts: true hands every script to the pip-based scripts in scripts/pip-install/",
		field: func(c *Config) any { return &c.PipInstall }},
}

// boolSpellings lists the accepted boolean spellings, for messages.
const boolSpellings = "true or false (also 1/0, yes/no, on/off, in any case)"

// parseBool accepts the boolean spellings named by boolSpellings.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "on":
		return true, true
	case "false", "0", "no", "off":
		return false, true
	}
	return false, false
}

// Parse reads every variable of Vars: from the environment, else from the
// settings file (nil: none), else the default the facts give (the
// checkout's, or the built-in one); an empty value counts as unset. Every
// bad value is reported, each naming the variable, where it was set, and
// what would be accepted. The Config is returned whole even then, bad
// values named in Bad, so that a report can show every setting.
func Parse(env environ.List, file *EnvFile, f *upstream.Facts) (*Config, error) {
	c := &Config{Settings: make([]Setting, len(Vars)), File: file}
	var errs []error
	if file != nil {
		errs = append(errs, file.Errors...)
	}
	for i, v := range Vars {
		set := &c.Settings[i]
		set.Name = v.Name
		raw, source := env.Get(v.Name), SourceEnv
		if raw == "" && file != nil && file.Values[v.Name].Value != "" {
			fv := file.Values[v.Name]
			raw, source = fv.Value, fmt.Sprintf("%s:%d", file.Path, fv.Line)
		}
		def, known := f.DefaultOf(v.Name)
		if !known {
			set.Unknown = true
			def = upstream.BuiltinDefault(v.Name)
		}
		set.DefaultFrom = def.Where
		if raw == "" {
			raw, source = defaultValue(def, env), SourceDefault
		}
		set.Source, set.Value = source, raw
		if !known {
			// Not this checkout's variable: its feature stays off, and the
			// value is not the launcher's to judge.
			raw = defaultValue(def, env)
		}
		field := v.field(c)
		_, isBool := field.(*bool)
		if msg := check(v.Name, isBool, raw, source); msg != "" {
			set.Bad = msg
			errs = append(errs, errors.New(msg))
			continue
		}
		switch p := field.(type) {
		case *string:
			*p = raw
		case *bool:
			b, _ := parseBool(raw)
			*p = b
			if known {
				set.Value = "false"
				if b {
					set.Value = "true"
				}
			}
		}
	}
	return c, errors.Join(errs...)
}

// check says what is wrong with the value raw of variable name, or "".
func check(name string, isBool bool, raw, source string) string {
	where := ""
	if source != SourceEnv && source != SourceDefault {
		where = " (set in " + source + ")"
	}
	if strings.TrimSpace(raw) == "" && raw != "" {
		return fmt.Sprintf("%s=%q%s holds only whitespace: unset it to get the default, or give a value", name, raw, where)
	}
	if i := strings.IndexFunc(raw, isControl); i >= 0 {
		return fmt.Sprintf("%s=%q%s holds a control character (%q): give a value without one", name, raw, where, raw[i])
	}
	if isBool {
		if _, ok := parseBool(raw); !ok {
			return fmt.Sprintf("%s=%q%s is not a boolean: use %s", name, raw, where, boolSpellings)
		}
	}
	return ""
}

// isControl reports an ASCII control character: NUL to US, and DEL.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// defaultValue evaluates a default: the first of its variables that is
// set and not empty, else its literal.
func defaultValue(d upstream.Default, env environ.List) string {
	for _, name := range d.Vars {
		if v := env.Get(name); v != "" {
			return v
		}
	}
	return d.Lit
}
