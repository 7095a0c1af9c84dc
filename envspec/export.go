package envspec

import (
	"runtime"

	"github.com/onetrainer-launcher/onetrainer-launcher/upstream"
)

// HostOS is what `uname -s` prints on this system.
func HostOS() string { return upstream.HostOS(runtime.GOOS) }

// Export returns env with what the checkout's scripts exported to their
// children when run as applet ("start-ui.sh", ...): lib.include.sh's
// exports in its order — SCRIPT_DIR, the OT_* settings with defaults
// applied, its constants, OT_HOST_OS, and the PyTorch settings under their
// conditions — then the applet script's own (HF_HUB_DISABLE_XET where the
// checkout sets it). Each export's conditions are judged against the
// environment as the exports before it left it, as Bash would.
func Export(env Environ, checkout string, c *Config, f *upstream.Facts, applet string) Environ {
	out := env.Clone()
	for _, e := range f.ExportsFor(applet) {
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
			out.Set(e.Name, HostOS())
		case upstream.ExportSetting:
			if v, ok := c.Values[e.Name]; ok {
				out.Set(e.Name, v)
			}
		default:
			out.Set(e.Name, e.Value)
		}
	}
	return out
}
