// Package settings is the user's settings as a launch takes them: the rows
// of upstream.Vars (the one table of them, where every OT_* name is
// spelled) and every other variable the checkout's launch files give a
// default, parsed from the environment and the settings file, their
// defaults (what the checkout gives, or the built-in one), the constants
// the checkout sets (the Python bounds), and how they, the settings file's
// other keys and the checkout's other exports are handed on to child
// processes.
package settings

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// The table of the user's settings is upstream.Vars: its names, kinds,
// built-in defaults and docs. Parse reads every row of it, and every other
// variable the checkout's launch files give a default (a KindText row);
// field gives the rows the launcher decides by their place in a Config.
// A new setting is a row there, and, if the launcher acts on it, a field
// of Config and a case here.
func field(c *Config, name string) any {
	switch name {
	case upstream.VarCondaCmd:
		return &c.CondaCmd
	case upstream.VarCondaEnv:
		return &c.CondaEnv
	case upstream.VarPythonCmd:
		return &c.PythonCmd
	case upstream.VarPythonVenv:
		return &c.PythonVenv
	case upstream.VarPreferVenv:
		return &c.PreferVenv
	case upstream.VarLazyUpdates:
		return &c.LazyUpdates
	case upstream.VarCudaLowmemMode:
		return &c.CudaLowmemMode
	case upstream.VarPlatformRequirements:
		return &c.PlatformRequirements
	case upstream.VarScriptDebug:
		return &c.ScriptDebug
	case upstream.VarPlatform:
		return &c.Platform
	case upstream.VarPipInstall:
		return &c.PipInstall
	}
	return nil
}

// Config holds the parsed values of the settings.
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

	// Settings has one entry per row of upstream.Vars, in the table's
	// order, then one per other variable the checkout's launch files give
	// a default, in their order.
	Settings []Setting
	// File is the settings file that was read; nil when there is none.
	File *EnvFile
}

// Setting is one variable as Parse settled it.
type Setting struct {
	Name string
	// Kind is its row's in upstream.Vars; upstream.KindText for a
	// variable the table lacks.
	Kind upstream.Kind
	// Value is as it is exported to children: defaults applied, booleans
	// spelled "true" or "false". A bad value is kept as given.
	Value string
	// Source tells where the value came from: SourceEnv, the settings
	// file as "PATH:LINE", or SourceDefault.
	Source string
	// DefaultFrom tells where the default came from: the checkout's
	// "lib.include.sh:LINE" (or the script's, for a default only a script
	// or a condition gives), or upstream.BuiltIn.
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
	s, _ := c.lookup(name)
	return s
}

// lookup returns the setting of variable name, and whether Parse settled
// one.
func (c *Config) lookup(name string) (Setting, bool) {
	for _, s := range c.Settings {
		if s.Name == name {
			return s, true
		}
	}
	return Setting{Name: name}, false
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

// Parse reads every setting: each row of upstream.Vars, then each other
// variable the facts give a default (at lib.include.sh's top level, else
// the first export that gives it one). A value comes from the
// environment, else from the settings file (nil: none), else the default
// the facts give (the checkout's, or the built-in one); an empty value
// counts as unset, as ${NAME:-DEFAULT} counts it. Every bad value is
// reported, each naming the variable, where it was set, and what would be
// accepted. The Config is returned whole even then, bad values named in
// Bad, so that a report can show every setting.
func Parse(env environ.List, file *EnvFile, f *upstream.Facts) (*Config, error) {
	c := &Config{Settings: make([]Setting, 0, len(upstream.Vars)), File: file}
	var errs []error
	session := env // what a default's ${OTHER:-...} reads: the file's keys under the environment
	if file != nil {
		errs = append(errs, file.Errors...)
		session = file.Apply(env)
	}
	all := allDefaults(f)
	for _, v := range upstream.Vars {
		def, known := defaultOf(all, v.Name)
		if !known {
			def = upstream.BuiltinDefault(v.Name)
		}
		if err := c.parse(v, def, !known, env, session, file); err != nil {
			errs = append(errs, err)
		}
	}
	for _, def := range checkoutDefaults(all) {
		v, _ := upstream.VarOf(def.Name)
		c.parse(v, def, false, env, session, file) // KindText: nothing to refuse
	}
	return c, errors.Join(errs...)
}

// checkoutDefaults are the defaults, of the facts' allDefaults, that they
// give variables upstream.Vars lacks: lib.include.sh's top-level ones, then those only an
// export under a condition or in a script gives (the first of each), in
// the files' order.
func checkoutDefaults(all []upstream.Default) []upstream.Default {
	var out []upstream.Default
	for i, d := range all {
		if _, inTable := upstream.VarOf(d.Name); !inTable && !slices.ContainsFunc(all[:i], func(e upstream.Default) bool { return e.Name == d.Name }) {
			out = append(out, d)
		}
	}
	return out
}

// defaultOf is the default the facts give variable name, of their
// allDefaults: lib.include.sh's top-level one, else the first an export
// under a condition or in a script gives; ok is false when the checkout's
// files give it none.
func defaultOf(all []upstream.Default, name string) (upstream.Default, bool) {
	for _, d := range all {
		if d.Name == name {
			return d, true
		}
	}
	return upstream.Default{}, false
}

// allDefaults are the defaults the facts give, in the order defaultOf and
// checkoutDefaults take them.
func allDefaults(f *upstream.Facts) []upstream.Default {
	out := append([]upstream.Default(nil), f.Defaults...)
	for _, list := range [][]upstream.Export{f.Exports, f.AppletExports} {
		for _, e := range list {
			if e.Kind == upstream.ExportSetting && e.Default != nil {
				out = append(out, *e.Default)
			}
		}
	}
	return out
}

// parse settles the setting of row v, whose default is def (evaluated in
// session); unknown marks a row the checkout does not define. It returns
// the value's problem.
func (c *Config) parse(v upstream.Var, def upstream.Default, unknown bool, env, session environ.List, file *EnvFile) error {
	c.Settings = append(c.Settings, Setting{Name: v.Name, Kind: v.Kind, DefaultFrom: def.Where, Unknown: unknown})
	set := &c.Settings[len(c.Settings)-1]
	// Given: set and not empty, or, where the default is ${NAME-DEFAULT},
	// set at all.
	raw, isSet := env.Lookup(v.Name)
	source, given := SourceEnv, raw != "" || def.Unset && isSet
	if fv, ok := file.value(v.Name); !given && ok && (fv.Value != "" || def.Unset) {
		raw, source, given = fv.Value, fmt.Sprintf("%s:%d", file.Path, fv.Line), true
	}
	if !given {
		raw, source = defaultValue(def, session), SourceDefault
	}
	set.Source, set.Value = source, raw
	if unknown {
		// Not this checkout's variable: its feature stays off, and the
		// value is not the launcher's to judge.
		raw = defaultValue(def, session)
	}
	if v.Kind == upstream.KindText {
		return nil // the checkout's own: handed on as its scripts hand it on
	}
	isBool := v.Kind == upstream.KindBool
	if msg := check(v.Name, isBool, raw, source); msg != "" {
		set.Bad = msg
		return errors.New(msg)
	}
	switch p := field(c, v.Name).(type) {
	case *string:
		*p = raw
	case *bool:
		b, _ := parseBool(raw)
		*p = b
		if !unknown {
			set.Value = "false"
			if b {
				set.Value = "true"
			}
		}
	}
	return nil
}

// check says what is wrong with the value raw of variable name, or "".
func check(name string, isBool bool, raw, source string) string {
	where := ""
	if source != SourceEnv && source != SourceDefault {
		where = " (set in " + source + ")"
	}
	if raw == "" && source != SourceDefault {
		// Only where the checkout's default is ${NAME-DEFAULT}, which keeps
		// an empty value.
		return fmt.Sprintf("%s is set but empty%s, and this checkout's launch files keep an empty value (${%s-...}): unset it to get the default, or give a value", name, where, name)
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
