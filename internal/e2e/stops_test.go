package e2e_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// closing is the end of a launch's stderr: its closing lines.
func closing(stderr string) string {
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "[OneTrainer] Error: ") {
			return strings.Join(lines[i:], "\n")
		}
		if !strings.HasPrefix(lines[i], "[OneTrainer] ") {
			return ""
		}
	}
	return ""
}

// A conda create that fails (conda is a STAND-IN here, internal/e2e/
// condastandin: CONDA_STANDIN_FAIL=create:3 fails it as conda does when
// its channel cannot be reached, with status 3) ends with a closing
// "[OneTrainer] Error:" line naming the step and the ways on, and the
// launch exits with conda's status.
func TestCondaCreateFailureCloses(t *testing.T) {
	t.Parallel()
	co := linkedCheckout(t)
	bin := t.TempDir()
	data, err := os.ReadFile(s.conda)
	if err != nil {
		t.Fatal(err)
	}
	writeExec(t, filepath.Join(bin, "conda"), string(data))
	code, _, stderr := launch(t, co, "install.sh", []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "CONDA_STANDIN_FAIL=create:3",
		"CONDA_STANDIN_PYTHON=" + s.python.Path})
	end := closing(stderr)
	if code != 3 || !strings.Contains(stderr, "CondaHTTPError") ||
		!strings.HasPrefix(end, `[OneTrainer] Error: Creating the Conda environment "onetrainer" failed: conda create exited with status 3 (its messages are above).`) ||
		!strings.Contains(end, "OT_PREFER_VENV=true ./install.sh") {
		t.Errorf("a failed conda create: exit %d, closing lines %q\n%s", code, end, stderr)
	}
}

// A pixi install that fails (pixi is a STAND-IN: PIXI_STANDIN_FAIL=install)
// is said to be pixi's, not pip's; doctor calls the install a problem with
// the command that completes it.
func TestPixiInstallFailureCloses(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	dir := testkit.Fixture(t, "e079c1f2")
	fx := fixture{name: "e079c1f2", dir: dir, has: []string{"scripts/train_ui.py", "scripts/train.py", "requirements-global.txt"}}
	co := filepath.Join(t.TempDir(), "OneTrainer")
	pixiTwin(t, fx, co, "/dev/kfd")
	gitRun(t, co, "init", "-q", "-b", "master")
	gitRun(t, co, "add", "-A")
	gitRun(t, co, "commit", "-q", "-m", "x")
	linkLauncher(t, co)
	bin := t.TempDir()
	pixi, _ := os.ReadFile(s.pixi)
	writeExec(t, filepath.Join(bin, "pixi"), string(pixi))
	env := []string{"PATH=" + bin + ":/usr/bin:/bin", "PIXI_STANDIN_FAIL=install"}
	code, _, stderr := launch(t, co, "install.sh", env)
	end := closing(stderr)
	if code == 0 || !strings.HasPrefix(end, "[OneTrainer] Error: Installing the requirements failed: pixi install exited with status ") {
		t.Errorf("a failed pixi install: exit %d, closing lines %q\n%s", code, end, stderr)
	}
	code, stdout, _ := doctorOf(t, co, env)
	if code != 1 || !strings.Contains(stdout, "Problem:      the environment's install did not complete: the last install (by install.sh) failed: pixi install exited with status") ||
		!strings.Contains(stdout, "run "+co+"/install.sh, which completes it") {
		t.Errorf("doctor after it: exit %d\n%s", code, stdout)
	}
}

// An env whose place has become read-only (a read-only bind mount of the
// venv, as a container's volume may be) cannot take the launcher's record
// of the install it must do: said as that, with the ways, and nothing runs.
func TestReadOnlyEnvPlaceCloses(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("a read-only bind mount needs root")
	}
	if err := exec.Command("unshare", "--mount", "true").Run(); err != nil {
		t.Skip("mount namespaces are not permitted here: ", err)
	}
	co := linkedCheckout(t)
	if code, _, stderr := launch(t, co, "install.sh", nil); code != 0 {
		t.Fatalf("install.sh: %d\n%s", code, stderr)
	}
	// The install is pending again (as after one cut short): the next
	// launch must write in the env.
	if err := os.Remove(filepath.Join(co, ".venv", ".onetrainer-launcher-installed")); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(filepath.Dir(co), "in-readonly")
	writeExec(t, link, `#!/bin/sh
exec unshare --mount sh -c 'mount --bind "$0/.venv" "$0/.venv" && mount -o remount,ro,bind "$0/.venv" "$0/.venv" && cd "$0" && exec ./start-ui.sh' "$1"
`)
	code, stdout, stderr := launch(t, co, "../in-readonly", nil, co)
	end := closing(stderr)
	want := `[OneTrainer] Error: cannot record the install in ` + co + `/.venv: the Python Venv environment in ".venv" is on a read-only file system (a read-only mount), and the launcher keeps its record of the install inside the env`
	if code != 1 || !strings.HasPrefix(end, want) || !strings.Contains(end, "OT_PYTHON_VENV=/path/you/can/write ./install.sh") ||
		!strings.Contains(end, "mount it read-write") || strings.Contains(stdout, "recorded scripts/train_ui.py") {
		t.Errorf("start-ui.sh with a read-only env: exit %d, closing lines %q\n%s\n%s", code, end, stdout, stderr)
	}
}
