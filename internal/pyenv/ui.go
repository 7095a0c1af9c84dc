package pyenv

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyversion"
)

// UI toolkits of OneTrainer's UI scripts.
const (
	UIQt = "Qt" // train_ui_qt.py, PySide6
	UITk = "Tk" // train_ui_ctk.py, the older train_ui.py: customtkinter
)

// UIKindOf tells which toolkit the UI script uses: by its name, else by
// what it imports (the newest train_ui.py only imports train_ui_qt; the
// older one is the Tk UI). "" when neither shows.
func UIKindOf(co layout.Checkout, ui string) string {
	switch filepath.Base(ui) {
	case "train_ui_qt.py":
		return UIQt
	case "train_ui_ctk.py":
		return UITk
	}
	data, err := pathutil.ReadFile(co.Path(ui), pathutil.TinyFile)
	if err != nil {
		return ""
	}
	switch text := string(data); {
	case strings.Contains(text, "PySide6") || strings.Contains(text, "train_ui_qt"):
		return UIQt
	case strings.Contains(text, "tkinter") || strings.Contains(text, "modules.ui.TrainUI") || strings.Contains(text, "train_ui_ctk"):
		return UITk
	}
	return ""
}

// UICheck is one thing the UI needs of the machine or the env, and
// whether it is there.
type UICheck struct {
	Name    string // "libxcb-cursor.so.0", "_tkinter"
	OK      bool
	Problem string // what goes wrong without it
	Fix     string // the command that brings it, for this machine
	When    string // "now", or "at install time" for a remembered answer
}

// CheckUI finds out, before the UI is started, whether it can open: for
// the Qt UI on an X11 session on Linux, whether Qt's xcb plugin finds
// libxcb-cursor.so.0 (Qt 6.5 and later need it; PySide6's wheels do not
// carry it); for the Tk UI, whether the env's Python has _tkinter. Only
// stats and reads on the machine's side; the env's Python is asked (a
// question) only when ask is set, else the answer remembered at install
// time is used (none remembered: no check).
func CheckUI(ctx context.Context, r Request, t Target, ui string, ask bool) []UICheck {
	var checks []UICheck
	switch UIKindOf(r.Checkout, ui) {
	case UIQt:
		if t.Kind == launch.KindPixi || r.Host.GOOS != "linux" || !x11Session(r) {
			return nil // pixi's Qt is conda-forge's, which brings its xcb libraries
		}
		c := UICheck{Name: "libxcb-cursor.so.0", OK: findLibrary(r, "libxcb-cursor.so.0"), When: "now",
			Problem: "Qt's xcb platform plugin cannot load without it, so the UI would fail to open on this X11 session (\"could not load the Qt platform plugin xcb\")"}
		if !c.OK {
			c.Fix = xcbCursorFix(host.ReadOSRelease(r.Root))
		}
		checks = append(checks, c)
	case UITk:
		if t.Kind == launch.KindPixi || t.Place.Dir == "" {
			return nil
		}
		c := UICheck{Name: "_tkinter", Problem: "the Tk UI cannot start without Python's Tk support"}
		answer, known := rememberedTk(t.Place.Dir)
		if !ask && !known {
			return nil // nothing remembered, and no Python started for it here
		}
		if ask {
			answer = askTk(ctx, r, t)
			c.When = "now"
		} else {
			c.When = "at install time"
		}
		c.OK = answer == ""
		if !c.OK {
			c.Problem += " (" + answer + ")"
			c.Fix = tkFix(r, t)
		}
		checks = append(checks, c)
	}
	return checks
}

// RememberUI asks the env's Python, once after an install, what the Tk UI
// needs of it, and keeps the answer in the env, so that doctor and later
// launches need not start Python for it.
func RememberUI(ctx context.Context, r Request, t Target, ui string) []UICheck {
	checks := CheckUI(ctx, r, t, ui, true)
	for _, c := range checks {
		if c.Name == "_tkinter" {
			line := "tk ok\n"
			if !c.OK {
				line = "tk missing " + strings.TrimSuffix(strings.TrimPrefix(c.Problem, "the Tk UI cannot start without Python's Tk support ("), ")") + "\n"
			}
			_ = pathutil.WriteFile(in(t.Place.Dir, uiFile), []byte(line))
		}
	}
	return checks
}

func rememberedTk(dir string) (string, bool) {
	data, err := pathutil.ReadFile(in(dir, uiFile), pathutil.TinyFile)
	if err != nil {
		return "", false
	}
	line := strings.TrimSpace(string(data))
	if line == "tk ok" {
		return "", true
	}
	if why, ok := strings.CutPrefix(line, "tk missing "); ok {
		return why, true
	}
	return "", false
}

// askTk asks the env's own Python whether it can import _tkinter: "" when
// it can, else the error.
func askTk(ctx context.Context, r Request, t Target) string {
	py := t.Place.Python
	text, err := r.Run.With(r.Checkout.Root, t.Environ()).Ask(ctx, proc.Cmd{Path: py, Argv: []string{py, "-c",
		"try:\n    import _tkinter\n    print('ok')\nexcept Exception as e:\n    print('%s: %s' % (type(e).__name__, e))\n"}})
	answer := strings.TrimSpace(text)
	switch {
	case err != nil:
		return "its Python did not answer: " + err.Error()
	case answer == "ok":
		return ""
	}
	return answer
}

// x11Session: DISPLAY without WAYLAND_DISPLAY, or Qt told to use xcb.
func x11Session(r Request) bool {
	if qpa := r.Env.Get("QT_QPA_PLATFORM"); qpa != "" {
		return strings.HasPrefix(qpa, "xcb")
	}
	return r.Env.Get("DISPLAY") != "" && r.Env.Get("WAYLAND_DISPLAY") == ""
}

// findLibrary looks for a shared library as the dynamic linker would find
// it: in LD_LIBRARY_PATH, in its cache (/etc/ld.so.cache, which names
// every library it knows), or in its default folders — all but
// LD_LIBRARY_PATH read under GHW_CHROOT when that is set.
func findLibrary(r Request, name string) bool {
	root := r.Root
	// Stats first, the usual folders first: where it is there, a few stats
	// find it, and a start pays no more.
	for _, d := range []string{"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
		"/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/lib64", "/lib", "/usr/local/lib"} {
		if statOK(pathutil.Under(root, filepath.Join(d, name))) {
			return true
		}
	}
	for _, d := range filepath.SplitList(r.Env.Get("LD_LIBRARY_PATH")) {
		if d != "" && statOK(filepath.Join(d, name)) {
			return true
		}
	}
	cache, err := pathutil.ReadFile(pathutil.Under(root, "/etc/ld.so.cache"), 64<<20)
	return err == nil && bytes.Contains(cache, []byte(name+"\x00"))
}

// xcbCursorFix is the package that brings libxcb-cursor.so.0.
func xcbCursorFix(osr host.OSRelease) string {
	switch {
	case debianLike(osr):
		return "sudo apt install libxcb-cursor0"
	case osr.Is("fedora") || osr.Is("rhel"):
		return "sudo dnf install xcb-util-cursor"
	case osr.Is("arch"):
		return "sudo pacman -S xcb-util-cursor"
	case osr.Is("suse") || osr.Is("opensuse"):
		return "sudo zypper install libxcb-cursor0"
	}
	return "install your distribution's package of libxcb-cursor.so.0 (xcb-util-cursor)"
}

// tkFix says how the env's Python gets Tk: a distribution's Python from
// its package, one built from source (pyenv) by building it again with Tk.
func tkFix(r Request, t Target) string {
	osr := host.ReadOSRelease(r.Root)
	base := baseOf(t)
	minor := ""
	if v := baseVersion(t); len(v) >= 2 {
		minor = fmt.Sprintf("%d.%d", v[0], v[1])
	}
	switch {
	case t.Kind == launch.KindConda:
		return "conda's python comes with tk: make the conda env again (the checkout's own create command installs tk)"
	case strings.HasPrefix(base, "/usr/") && debianLike(osr) && minor != "":
		return "sudo apt install python" + minor + "-tk"
	case strings.HasPrefix(base, "/usr/") && (osr.Is("fedora") || osr.Is("rhel")):
		return "sudo dnf install python3-tkinter"
	case strings.HasPrefix(base, "/usr/") && osr.Is("arch"):
		return "sudo pacman -S tk"
	case r.Host.MacOS() && minor != "":
		return "brew install python-tk@" + minor
	case strings.Contains(base, "/.pyenv/") && minor != "":
		return "this Python was built without Tk: install Tk's development files (sudo apt install tk-dev, or sudo dnf install tk-devel), build it again (pyenv install --force " + minor + "), and make the venv again"
	}
	return "give the venv's Python Tk support (its tkinter package), or make the venv with a Python that has it (uv's Pythons do)"
}

// baseOf is where the venv's Python comes from (pyvenv.cfg's home).
func baseOf(t Target) string {
	data, err := pathutil.ReadFile(t.Place.EnvFile, pathutil.TinyFile)
	if err != nil {
		return ""
	}
	for _, line := range pathutil.Lines(data) {
		if k, v, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == "home" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// baseVersion is the venv's Python version, from pyvenv.cfg.
func baseVersion(t Target) pyversion.Version {
	data, err := pathutil.ReadFile(t.Place.EnvFile, pathutil.TinyFile)
	if err != nil {
		return nil
	}
	for _, line := range pathutil.Lines(data) {
		if k, v, ok := strings.Cut(line, "="); ok && (strings.TrimSpace(k) == "version" || strings.TrimSpace(k) == "version_info") {
			return pyversion.Leading(strings.TrimSpace(v))
		}
	}
	return nil
}
