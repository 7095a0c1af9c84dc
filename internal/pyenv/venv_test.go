package pyenv

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
)

func TestVenvEnviron(t *testing.T) {
	for _, tc := range []struct {
		cfg, disable, wantPrompt, wantPS1 string
	}{
		// As the activate scripts of Python 3.10-3.12 and 3.13+ set them.
		{"home = /usr/bin\nversion = 3.12.1\n", "", "(.venv) ", "(.venv) $ "},
		{"home = /usr/bin\nversion = 3.13.0\n", "", ".venv", "(.venv) $ "},
		{"version_info = 3.11.7.final.0\nprompt = 'ot'\n", "", "(ot) ", "(ot) $ "},
		{"version = 3.12.1\n", "1", "", "$ "},
		{"version = 3.13.0\n", "1", ".venv", "$ "},
	} {
		dir := filepath.Join(t.TempDir(), ".venv")
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "pyvenv.cfg"), []byte(tc.cfg), 0o644)
		base := environ.List{"PATH=/usr/bin:/bin", "PYTHONHOME=/x", "PS1=$ ", "OT_PYTHON_CMD=python3.12"}
		if tc.disable != "" {
			base = append(base, "VIRTUAL_ENV_DISABLE_PROMPT="+tc.disable)
		}
		e := (Venv{Venv: &launch.Venv{Dir: dir}, base: base}).Environ()
		if e.Get("VIRTUAL_ENV") != dir || e.Get("PATH") != dir+"/bin:/usr/bin:/bin" || e.Get("OT_PYTHON_CMD") != "python" {
			t.Errorf("%q: %v", tc.cfg, e)
		}
		if _, ok := e.Lookup("PYTHONHOME"); ok {
			t.Errorf("PYTHONHOME kept")
		}
		if p, _ := e.Lookup("VIRTUAL_ENV_PROMPT"); p != tc.wantPrompt {
			t.Errorf("%q disable=%q: VIRTUAL_ENV_PROMPT=%q, want %q", tc.cfg, tc.disable, p, tc.wantPrompt)
		}
		if e.Get("PS1") != tc.wantPS1 {
			t.Errorf("%q: PS1=%q, want %q", tc.cfg, e.Get("PS1"), tc.wantPS1)
		}
		if base.Get("PATH") != "/usr/bin:/bin" {
			t.Errorf("the base environment was changed")
		}
	}
}
