package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
)

func TestScriptPath(t *testing.T) {
	for name, want := range map[string]string{
		"train": "scripts/train.py", "util/tool": "scripts/util/tool.py", "a b": "scripts/a b.py",
	} {
		got, err := scriptPath(name)
		if err != nil || got != want {
			t.Errorf("scriptPath(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	for _, bad := range []string{"", "/etc/passwd", "../x", "util/../../x", "..", "a/..", "/"} {
		if got, err := scriptPath(bad); err == nil {
			t.Errorf("scriptPath(%q) accepted as %q", bad, got)
		}
	}
}

func TestValidNames(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"scripts/train.py", "scripts/util/tool.py", "scripts/__init__.py",
		"scripts/__pycache__/x.py", "scripts/README.md", "scripts/caption_ui.py"} {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, nil, 0o644)
	}
	if got := strings.Join(validNames(layout.Open(dir)), ","); got != "caption_ui,train" {
		t.Errorf("validNames = %s", got)
	}
}

func TestLookup(t *testing.T) {
	for _, n := range []string{"install", "install.sh", "update.sh", "start-ui", "run-cmd.sh"} {
		if c, ok := Lookup(n); !ok || !c.Applet() {
			t.Errorf("Lookup(%q) failed", n)
		}
	}
	for _, n := range []string{"link", "doctor", "--help", "-h", "--version", "list"} {
		if c, ok := Lookup(n); !ok || c.Applet() {
			t.Errorf("Lookup(%q): %+v", n, c)
		}
	}
	for _, n := range []string{"", "start-ui.bat", "onetrainer-launcher", "run", "link.sh", "--start-ui"} {
		if _, ok := Lookup(n); ok {
			t.Errorf("Lookup(%q) succeeded", n)
		}
	}
	var scripts []string
	for _, c := range Commands() {
		if c.Applet() {
			scripts = append(scripts, c.Script)
		}
	}
	if got, want := strings.Join(scripts, " "), strings.Join(layout.Scripts(), " "); got != want || want != "install.sh update.sh start-ui.sh run-cmd.sh" {
		t.Errorf("the table's scripts %s, the layout's %s", got, want)
	}
}
