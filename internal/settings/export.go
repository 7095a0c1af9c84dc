package settings

import (
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// Export returns env with what the checkout's scripts exported to their
// children when run as applet ("start-ui.sh", ...): lib.include.sh's
// exports in its order — SCRIPT_DIR, the OT_* settings with defaults
// applied, its constants, OT_HOST_OS, and the PyTorch settings under their
// conditions — then the applet script's own (HF_HUB_DISABLE_XET where the
// checkout sets it). Each export's conditions are judged against the
// environment as the exports before it left it, as Bash would.
func Export(env environ.List, checkout string, h host.Host, c *Config, f *upstream.Facts, applet string) environ.List {
	exports := f.ExportsFor(applet)
	out := make(environ.List, len(env), len(env)+len(exports))
	copy(out, env)
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
			if set := c.Setting(e.Name); set.Source != "" && !set.Unknown {
				out.Set(e.Name, set.Value)
			}
		default:
			out.Set(e.Name, e.Value)
		}
	}
	return out
}
