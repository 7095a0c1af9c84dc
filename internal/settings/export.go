package settings

import (
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// Export returns env with what the checkout's scripts exported to their
// children when run as applet ("start-ui.sh", ...), in a session that got
// the settings file's keys at login (c.File's Apply: the environment's own
// values win): lib.include.sh's exports in its order — SCRIPT_DIR, the
// OT_* settings with defaults applied, its constants, OT_HOST_OS, and the
// PyTorch settings under their conditions — then the applet script's own
// (HF_HUB_DISABLE_XET where the checkout sets it). Each export's
// conditions are judged against the environment as the exports before it
// left it, as Bash would.
//
// A setting is exported by one rule, whether or not upstream.Vars has its
// row: the user's value as Parse settled it (the environment's, else the
// file's), else a value an export before it left, else the export's own
// default evaluated there, as export NAME="${NAME:-DEFAULT}" makes it.
func Export(env environ.List, checkout string, h host.Host, c *Config, f *upstream.Facts, applet string) environ.List {
	exports := f.ExportsFor(applet)
	out := c.File.Apply(env)
	for _, e := range exports {
		holds := true
		for _, cond := range e.Conds {
			if !cond.Holds(out.Lookup) {
				holds = false
				break
			}
		}
		if !holds {
			continue
		}
		switch e.Kind {
		case upstream.ExportCheckout:
			out.Set(e.Name, checkout)
		case upstream.ExportHostOS:
			out.Set(e.Name, h.Uname())
		case upstream.ExportSetting:
			if v, ok := c.exported(e, out); ok {
				out.Set(e.Name, v)
			}
		default:
			out.Set(e.Name, e.Value)
		}
	}
	return out
}

// exported is the value the export e of a setting gives, in the
// environment out as the exports before it left it; ok is false when it
// gives none (a setting the checkout does not define).
func (c *Config) exported(e upstream.Export, out environ.List) (string, bool) {
	set, settled := c.lookup(e.Name)
	switch {
	case settled && set.Unknown:
		return "", false
	case settled && set.Source != SourceDefault:
		return set.Value, true // the user's, as Parse settled it
	case kept(e, out):
		return out.Get(e.Name), true // ${NAME:-...} keeps what is there
	case e.Default != nil && settled && e.Default.Where == set.DefaultFrom:
		return set.Value, true // the very default Parse settled
	case e.Default != nil:
		return defaultValue(*e.Default, out), true // another: under a condition, or a script's
	case settled:
		return set.Value, true
	}
	return "", false
}

// kept reports whether the export e keeps the value out holds: one that is
// not empty, or, for ${NAME-DEFAULT}, any value that is set.
func kept(e upstream.Export, out environ.List) bool {
	v, set := out.Lookup(e.Name)
	return v != "" || set && e.Default != nil && e.Default.Unset
}
