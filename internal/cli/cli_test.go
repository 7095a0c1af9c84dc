package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// An applet runs in-process: its Invocation carries the checkout, the
// environment, stdio and the exec step, which a test can take the place of.
func TestStartUIInProcess(t *testing.T) {
	py, err := testkit.Find(10, 14)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, body := range map[string]string{
		"scripts/train_ui.py":           "",
		"scripts/util/version_check.py": "import sys\n",
		"requirements-global.txt":       "",
	} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
	}
	if out, err := exec.Command(py.Path, "-m", "venv", "--without-pip", filepath.Join(dir, ".venv")).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var stdout, stderr bytes.Buffer
	var gotPath string
	var gotArgv, gotEnv []string
	inv := Invocation{
		Dir:   dir,
		Env:   environ.List{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "OT_CUDA_LOWMEM_MODE=on"},
		Host:  host.Current(),
		Stdio: proc.Stdio{Out: &stdout, Err: &stderr},
		Exec: func(d, path string, argv, env []string) (int, error) {
			gotPath, gotArgv, gotEnv = path, argv, env
			return 0, nil
		},
	}
	ctx := context.Background()
	startUI, _ := Lookup("start-ui.sh")
	runCmd, _ := Lookup("run-cmd")
	if code := Run(ctx, startUI, inv, []string{"two words", ""}); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	if gotPath != filepath.Join(dir, ".venv", "bin", "python") || strings.Join(gotArgv, "|") != "python|scripts/train_ui.py|two words|" {
		t.Errorf("exec %s %q", gotPath, gotArgv)
	}
	env := environ.List(gotEnv)
	for k, v := range map[string]string{
		"VIRTUAL_ENV": filepath.Join(dir, ".venv"), "OT_PYTHON_CMD": "python", "SCRIPT_DIR": dir,
		"OT_CUDA_LOWMEM_MODE": "true", "PYTORCH_CUDA_ALLOC_CONF": "garbage_collection_threshold:0.6,max_split_size_mb:128",
	} {
		if env.Get(k) != v {
			t.Errorf("%s=%q, want %q", k, env.Get(k), v)
		}
	}
	if !strings.Contains(stdout.String(), "[OneTrainer] + python scripts/train_ui.py 'two words' ''\n") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
	if code := Run(ctx, runCmd, inv, []string{"../escape"}); code != 1 || !strings.Contains(stderr.String(), "[OneTrainer] Error: script name \"../escape\" leaves scripts/") {
		t.Errorf("run-cmd ../escape: %d\n%s", code, stderr.String())
	}
}

// Under the launcher's own name every command of the table answers -h and
// --help with its own usage and exit 0, doing nothing else (an applet when
// the flag comes first); through a link an applet passes them on.
func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range Commands() {
		for _, flag := range []string{"-h", "--help"} {
			var stdout, stderr bytes.Buffer
			inv := Invocation{Dir: filepath.Join(t.TempDir(), "nowhere"), Host: host.Current(), Stdio: proc.Stdio{Out: &stdout, Err: &stderr},
				Exec: func(d, path string, argv, env []string) (int, error) {
					t.Fatalf("%s %s ran %v", c.Name, flag, argv)
					return 0, nil
				}}
			want := "Usage: " + ownName + " [-C DIR] " + strings.TrimSpace(c.Name+" "+c.Args) + "\n"
			if c.Applet() {
				linked := inv
				linked.Linked = true
				if wantsHelp(c, linked, []string{flag}) {
					t.Errorf("./%s takes %s for itself; through a link an applet passes it on", c.Script, flag)
				}
				if wantsHelp(c, inv, []string{"train", flag}) {
					t.Errorf("%s train %s takes %s for itself; only a first -h or --help is the launcher's", c.Name, flag, flag)
				}
				want = "Usage: ./" + strings.TrimSpace(c.Script+" "+c.Args) + "\n"
			}
			code := Run(context.Background(), c, inv, []string{flag})
			if code != 0 || !strings.HasPrefix(stdout.String(), want) || stderr.Len() > 0 {
				t.Errorf("%s %s: exit %d\n%s%s", c.Name, flag, code, stdout.String(), stderr.String())
			}
		}
	}
}
