package e2e_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/settings"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// snapshot records every file, folder and link under dir: mode, content
// hash, link target. Two equal snapshots mean nothing was changed.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(&b, "%s %v", rel, fi.Mode())
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			fmt.Fprintf(&b, " -> %s", target)
		case fi.Mode().IsRegular():
			data, _ := os.ReadFile(p)
			fmt.Fprintf(&b, " %x", sha256.Sum256(data))
		}
		b.WriteByte('\n')
		return nil
	})
	return b.String()
}

// launch runs a checkout's applet link with env added to a clean
// environment, and returns its exit status and output.
func launch(t *testing.T, dir, applet string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command("./"+applet, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "OT_PYTHON_CMD=" + s.python.Path,
		"PIP_NO_INDEX=1", "PIP_FIND_LINKS=" + s.wheels, "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_CACHE_DIR=1",
	}, env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code := 0
	if xe, ok := err.(*exec.ExitError); ok {
		code = xe.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, o.String(), e.String()
}

// Every bad input is its own case: exit 1, an error on stderr naming the
// input and what would be accepted, and the checkout exactly as it was.
func TestBadInput(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	type tc struct {
		name    string
		applet  string
		env     []string
		prepare func(t *testing.T, dir string) // changes the checkout before the snapshot
		want    string                         // in stderr
	}
	var cases []tc
	builtin := upstream.Builtin(".")
	c, _ := settings.Parse(nil, nil, &builtin)
	for _, v := range upstream.Vars {
		if c.Unknown(v.Name) {
			continue // the pixi family's: TestPixiBadInput
		}
		cases = append(cases, tc{name: v.Name + " whitespace", applet: "install.sh", env: []string{v.Name + "= \t "},
			want: v.Name + `=" \t " holds only whitespace: unset it to get the default`})
		if c.Value(v.Name) == "true" || c.Value(v.Name) == "false" {
			cases = append(cases, tc{name: v.Name + " not a boolean", applet: "install.sh", env: []string{v.Name + "=maybe"},
				want: v.Name + `="maybe" is not a boolean: use true or false (also 1/0, yes/no, on/off, in any case)`})
		}
	}
	remove := func(name string) func(*testing.T, string) {
		return func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, name)) }
	}
	cases = append(cases,
		tc{name: "OT_PLATFORM_REQUIREMENTS missing file", applet: "install.sh", env: []string{"OT_PLATFORM_REQUIREMENTS=requirements-tpu.txt"},
			want: `requirements file "requirements-tpu.txt" does not exist in`},
		tc{name: "OT_PYTHON_CMD missing", applet: "install.sh", env: []string{"OT_PYTHON_CMD=/nonexistent/python3"},
			want: `Python command "/nonexistent/python3" does not exist on your system.`},
		tc{name: "OT_PYTHON_VENV a file", applet: "start-ui.sh", env: []string{"OT_PYTHON_VENV=notes.txt"},
			prepare: func(t *testing.T, dir string) { os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644) },
			want:    `OT_PYTHON_VENV="notes.txt" is a file, not a venv directory`},
		tc{name: "OT_PYTHON_VENV a folder of other things", applet: "start-ui.sh", env: []string{"OT_PYTHON_VENV=data"},
			prepare: func(t *testing.T, dir string) {
				os.MkdirAll(filepath.Join(dir, "data"), 0o755)
				os.WriteFile(filepath.Join(dir, "data", "keep.txt"), []byte("mine"), 0o644)
			},
			want: `OT_PYTHON_VENV="data" is a directory with files in it but no venv`},
		tc{name: "OT_PYTHON_VENV unwritable", applet: "install.sh", env: []string{"OT_PYTHON_VENV=/proc/onetrainer-venv"},
			want: `cannot prepare the Python Venv environment in "/proc/onetrainer-venv": /proc takes no new files`},
		tc{name: "OT_CONDA_ENV not a name", applet: "install.sh", env: []string{"OT_CONDA_CMD=" + s.conda, "OT_CONDA_ENV=my env"},
			want: `OT_CONDA_ENV="my env" is not a conda environment name`},
		tc{name: "no version_check.py", applet: "install.sh", prepare: remove("scripts/util/version_check.py"),
			want: `does not look like a OneTrainer checkout: scripts/util/version_check.py is missing`},
		tc{name: "no requirements-global.txt", applet: "install.sh", prepare: remove("requirements-global.txt"),
			want: `does not look like a OneTrainer checkout: requirements-global.txt is missing`},
		tc{name: "no train_ui.py", applet: "start-ui.sh", prepare: remove("scripts/train_ui.py"),
			want: `does not look like a OneTrainer checkout: scripts/train_ui.py is missing`},
		tc{name: "run-cmd leaving scripts", applet: "run-cmd.sh", env: nil, want: `leaves scripts/`},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := linkedCheckout(t)
			if c.prepare != nil {
				c.prepare(t, dir)
			}
			before := snapshot(t, dir)
			var args []string
			if c.applet == "run-cmd.sh" {
				args = []string{"../install"}
			}
			code, stdout, stderr := launch(t, dir, c.applet, c.env, args...)
			if code != 1 || !errorLine(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want 1 and an error line containing %q\nstdout: %s", code, stderr, c.want, stdout)
			}
			if after := snapshot(t, dir); after != before {
				t.Errorf("the checkout changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

// errorLine reports whether stderr has an "[OneTrainer] Error: " line that
// contains want.
func errorLine(stderr, want string) bool {
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "[OneTrainer] Error: ") && strings.Contains(line, want) {
			return true
		}
	}
	return false
}

// An OT_CONDA_CMD that is no executable means a venv, as the
// original scripts have it, but not silently.
func TestCondaCmdMissingWarns(t *testing.T) {
	t.Parallel()
	dir := linkedCheckout(t)
	code, stdout, stderr := launch(t, dir, "install.sh", []string{"OT_CONDA_CMD=/nonexistent/conda", "OT_PLATFORM_REQUIREMENTS=requirements-none.txt"})
	if code != 1 || !strings.Contains(stderr, `[OneTrainer] Warning: OT_CONDA_CMD="/nonexistent/conda" is not an executable conda, so a Python venv is used.`) ||
		!strings.Contains(stdout, `Using Python Venv environment in ".venv"`) {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}

// A checkout path with a newline and non-ASCII characters: installs, runs,
// and SCRIPT_DIR reaches Python intact; a ready env then runs with HOME
// unset.
func TestAwkwardCheckoutPath(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	dir := filepath.Join(t.TempDir(), "One\nTrainer ü 日本")
	if err := writeCheckout(dir, false, true); err != nil {
		t.Fatal(err)
	}
	if code, o, e := launch(t, dir, "install.sh", nil); code != 0 {
		t.Fatalf("install: %d\n%s\n%s", code, o, e)
	}
	if code, o, e := launch(t, dir, "start-ui.sh", nil, "x"); code != 0 || !strings.Contains(o, "recorded scripts/train_ui.py") {
		t.Fatalf("start-ui: %d\n%s\n%s", code, o, e)
	}
	rec, _ := os.ReadFile(filepath.Join(dir, "record.txt"))
	if !strings.Contains(string(rec), "env SCRIPT_DIR="+dir+"\n") {
		t.Errorf("SCRIPT_DIR in the child:\n%s", rec)
	}
	cmd := exec.Command("./start-ui.sh")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")} // no HOME at all
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "recorded scripts/train_ui.py") {
		t.Errorf("start-ui without HOME: %v\n%s", err, out)
	}
}
