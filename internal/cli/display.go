package cli

import "github.com/onetrainer-launcher/onetrainer-launcher/internal/host"

// warnDisplay warns, before start-ui.sh starts the UI, where the system
// needs a display and the UI's environment names none (a cloud GPU
// machine, Docker, SSH without -X): the UI would die at once with Tk's
// "no display name and no $DISPLAY environment variable" or Qt's "could
// not connect to display". It still starts the UI: that is the user's
// call. Two environment lookups: nothing on the warm path forks or reads.
func (a *applet) warnDisplay() {
	d := a.Host.DisplayOf(a.Env.Get("DISPLAY"), a.Env.Get("WAYLAND_DISPLAY"))
	if !d.Missing() {
		return
	}
	a.Out.Warn("No display: neither DISPLAY nor WAYLAND_DISPLAY is set, so OneTrainer's UI will most likely fail to open here (\"no display name and no $DISPLAY environment variable\", or \"could not connect to display\"). Starting it anyway. Without a display:")
	for _, w := range host.NoDisplayWays() {
		a.Out.Status("%s", w)
	}
}
