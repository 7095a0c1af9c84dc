package host

// Display is the display a UI started now would open, as its DISPLAY
// (X11) and WAYLAND_DISPLAY say. On macOS (Quartz) and Windows no
// variable is needed; on Linux and the other Unix-likes a UI started with
// neither set dies at once: Tk with "no display name and no $DISPLAY
// environment variable", Qt with "could not connect to display".
type Display struct {
	X11, Wayland string // the variables' values; "" when unset or empty
	// Needed says whether this system's UIs need one of them.
	Needed bool
}

// DisplayOf is the display of system h with the given DISPLAY and
// WAYLAND_DISPLAY values.
func (h Host) DisplayOf(display, wayland string) Display {
	return Display{X11: display, Wayland: wayland, Needed: h.GOOS != "darwin" && h.GOOS != "windows" && h.GOOS != ""}
}

// Missing reports a system that needs a display and has none.
func (d Display) Missing() bool { return d.Needed && d.X11 == "" && d.Wayland == "" }

// State says it in words: "X11 (DISPLAY=:0)", "Wayland (WAYLAND_DISPLAY=wayland-0)",
// both, "none (neither DISPLAY nor WAYLAND_DISPLAY is set)", or "not
// needed (macOS)".
func (d Display) State() string {
	switch {
	case !d.Needed:
		return "not needed on this system"
	case d.Missing():
		return "none (neither DISPLAY nor WAYLAND_DISPLAY is set)"
	case d.X11 != "" && d.Wayland != "":
		return "Wayland (WAYLAND_DISPLAY=" + d.Wayland + ") and X11 (DISPLAY=" + d.X11 + ")"
	case d.Wayland != "":
		return "Wayland (WAYLAND_DISPLAY=" + d.Wayland + ")"
	}
	return "X11 (DISPLAY=" + d.X11 + ")"
}

// NoDisplayWays are the ways forward without a display, each a command
// that pastes or a place to go: training without the UI, a forwarded or
// virtual display, and the cloud trainer.
func NoDisplayWays() []string {
	return []string{
		"Train without the UI: ./run-cmd.sh train --config-path /path/to/config.json (a config saved from the UI elsewhere).",
		"Over SSH, bring the display along: ssh -X user@host (or ssh -Y for a trusted one), then ./start-ui.sh there.",
		"Give it a virtual display: xvfb-run -a ./start-ui.sh (apt install xvfb).",
		"For a cloud GPU machine, run the UI on your own computer and train there with OneTrainer's cloud trainer (the UI's cloud tab).",
	}
}
