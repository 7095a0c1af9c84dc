package pyenv

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
)

func mkEnv(t *testing.T, prefix string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(prefix, "conda-meta"), 0o755); err != nil {
		t.Fatal(err)
	}
	return prefix
}

func TestCondaFindFast(t *testing.T) {
	tmp := t.TempDir()
	root := filepath.Join(tmp, "miniconda3")
	exe := filepath.Join(root, "bin", "conda")
	os.MkdirAll(filepath.Dir(exe), 0o755)
	os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755)
	home := filepath.Join(tmp, "home")
	mkEnv(t, root)
	mkEnv(t, filepath.Join(root, "envs", "onetrainer-old"))
	mkEnv(t, filepath.Join(root, "envs", "OneTrainer"))
	os.MkdirAll(filepath.Join(root, "envs", "nometa"), 0o755)
	mkEnv(t, filepath.Join(tmp, "custom-envs", "fromvar"))
	mkEnv(t, filepath.Join(home, ".conda", "envs", "inhome"))
	far := mkEnv(t, filepath.Join(tmp, "far", "listed"))
	os.MkdirAll(filepath.Join(home, ".conda"), 0o755)
	os.WriteFile(filepath.Join(home, ".conda", "environments.txt"), []byte(root+"\n"+far+"\n"), 0o644)
	base := envspec.Environ{"HOME=" + home, "CONDA_ENVS_PATH=" + filepath.Join(tmp, "custom-envs")}

	for _, tc := range []struct {
		given, wantPrefix, wantHow string
		wantTarget                 string
	}{
		{"onetrainer", "", "", "-n onetrainer"}, // neither onetrainer-old nor OneTrainer
		{"nometa", "", "", "-n nometa"},
		{"OneTrainer", filepath.Join(root, "envs", "OneTrainer"), "envs dir " + filepath.Join(root, "envs"), "-n OneTrainer"},
		{"fromvar", filepath.Join(tmp, "custom-envs", "fromvar"), "envs dir " + filepath.Join(tmp, "custom-envs"), "-n fromvar"},
		{"inhome", filepath.Join(home, ".conda", "envs", "inhome"), "envs dir " + filepath.Join(home, ".conda", "envs"), "-n inhome"},
		{"listed", far, "environments.txt", "-p " + far},
		{"base", root, "root prefix", "-n base"},
	} {
		c := NewConda("conda", exe, tc.given, tmp, base)
		found := c.findFast()
		if found != (tc.wantPrefix != "") || c.Prefix != tc.wantPrefix || c.Found != tc.wantHow {
			t.Errorf("%s: found=%v at %q via %q; want %q via %q", tc.given, found, c.Prefix, c.Found, tc.wantPrefix, tc.wantHow)
		}
		if got := strings.Join(c.target(), " "); got != tc.wantTarget {
			t.Errorf("%s: target %q, want %q", tc.given, got, tc.wantTarget)
		}
	}

	c := NewConda("conda", exe, "./conda_env", tmp, base)
	if c.findFast() {
		t.Errorf("a prefix without conda-meta was found")
	}
	mkEnv(t, filepath.Join(tmp, "conda_env"))
	if !c.findFast() || c.Prefix != filepath.Join(tmp, "conda_env") || strings.Join(c.target(), " ") != "-p ./conda_env" {
		t.Errorf("prefix env: %+v", c)
	}
	if got := c.removeCommand(); got != "conda remove -y -p "+filepath.Join(tmp, "conda_env")+" --all" {
		t.Errorf("remove command %q", got)
	}
}

// When `info --envs --json` fails, the text form is read. The conda here is
// a STAND-IN script that prints conda's real text layout.
func TestCondaAskTextFallback(t *testing.T) {
	tmp := t.TempDir()
	env := mkEnv(t, filepath.Join(tmp, "envs", "onetrainer"))
	fake := filepath.Join(tmp, "conda")
	script := "#!/bin/sh\ncase \"$*\" in *--json*) echo 'not json'; exit 1;; esac\n" +
		"printf '# conda environments:\\n#\\nbase                  *  " + tmp + "\\n" +
		"onetrainer-old           /x/onetrainer-old\\n" +
		"onetrainer               " + env + "\\n" +
		"                         /elsewhere/unnamed\\n'\n"
	os.WriteFile(fake, []byte(script), 0o755)
	var o bytes.Buffer
	run := &proc.Runner{P: &out.Printer{Stdout: &o, Stderr: &o}, Stdout: &o, Stderr: &o}
	c := NewConda("conda", fake, "onetrainer", tmp, envspec.Environ{"PATH=/usr/bin:/bin"})
	c.askConda(context.Background(), run)
	if c.Prefix != env || c.Found != "conda info --envs" {
		t.Fatalf("got %q via %q\n%s", c.Prefix, c.Found, o.String())
	}
	if !strings.Contains(o.String(), "+ conda info --envs --json\n") || !strings.Contains(o.String(), "+ conda info --envs\n") {
		t.Errorf("both questions should be announced:\n%s", o.String())
	}
}
