package e2e_test

// Hostile and unlucky inputs: each is bounded and its exact cause named, and
// nothing is created or changed.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// launchWithin is launch under a time limit that fails the test rather
// than hang it.
func launchWithin(t *testing.T, limit time.Duration, dir, applet string, env []string, args ...string) (int, string, string) {
	t.Helper()
	done := make(chan [3]any, 1)
	go func() {
		code, o, e := launch(t, dir, applet, env, args...)
		done <- [3]any{code, o, e}
	}()
	select {
	case r := <-done:
		return r[0].(int), r[1].(string), r[2].(string)
	case <-time.After(limit):
		t.Fatalf("%s did not end within %v", applet, limit)
	}
	return 0, "", ""
}

// settingsHome makes a HOME whose settings file is made by mk.
func settingsHome(t *testing.T, mk func(path string)) string {
	home := t.TempDir()
	dir := filepath.Join(home, ".config", "environment.d")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mk(filepath.Join(dir, "onetrainer.conf"))
	return home
}

func TestHostileSettingsFiles(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	exponential := "A=x\n" + strings.Repeat("A=$A$A\n", 40) + "OT_PYTHON_VENV=$A\n"
	for _, tc := range []struct {
		name     string
		mk       func(path string)
		wantCode int
		want     string // in stderr
	}{
		{"exponential expansion", func(p string) { os.WriteFile(p, []byte(exponential), 0o644) }, 1,
			"onetrainer.conf:18: A expands to more than 65536 bytes"},
		{"a NUL in a value", func(p string) { os.WriteFile(p, []byte("OT_PYTHON_VENV=ven\x00v\n"), 0o644) }, 1,
			"onetrainer.conf:1: the value of OT_PYTHON_VENV holds a control character"},
		{"an escape character", func(p string) { os.WriteFile(p, []byte("OT_CONDA_ENV=\"on\x1b[2Jetrainer\"\n"), 0o644) }, 1,
			"the value of OT_CONDA_ENV holds a control character"},
		{"a FIFO", func(p string) { syscall.Mkfifo(p, 0o644) }, 1,
			"onetrainer.conf: is a FIFO (named pipe), not a regular file"},
		{"a link to /dev/zero", func(p string) { os.Symlink("/dev/zero", p) }, 1,
			"onetrainer.conf: is a character device, not a regular file"},
		{"a hundred and fifty thousand keys, each handed on", func(p string) {
			var b strings.Builder
			for i := 0; b.Len() < 1000<<10-16; i++ {
				fmt.Fprintf(&b, "K%d=v\n", i)
			}
			os.WriteFile(p, []byte(b.String()), 0o644)
		}, 1, `requirements file "requirements-none.txt" does not exist`},
		{"a line over 64 KiB, then a bad value", func(p string) {
			os.WriteFile(p, []byte("# "+strings.Repeat("x", 100<<10)+"\nOT_PREFER_VENV=maybe\n"), 0o644)
		}, 1, `OT_PREFER_VENV="maybe" (set in`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := linkedCheckout(t)
			// A platform file that does not exist stops a run that got
			// past the settings before it creates anything.
			home := settingsHome(t, tc.mk)
			before := snapshot(t, dir)
			code, stdout, stderr := launchWithin(t, 20*time.Second, dir, "install.sh", []string{"HOME=" + home, "OT_PLATFORM_REQUIREMENTS=requirements-none.txt"})
			if code != tc.wantCode || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant %d and %q\nstdout:\n%s", code, stderr, tc.wantCode, tc.want, stdout)
			}
			if after := snapshot(t, dir); after != before {
				t.Errorf("the checkout changed:\n%s\n%s", before, after)
			}
		})
	}
}

// A line of any length in lib.include.sh is read whole: a bound set after
// a 100 KiB line still applies.
func TestLongLineInLibInclude(t *testing.T) {
	t.Parallel()
	dir := linkedCheckout(t)
	if err := testkit.WriteFramework(dir, "OT_PYTHON_VERSION_TOO_HIGH=3.10"); err != nil {
		t.Fatal(err)
	}
	lib, err := os.ReadFile(filepath.Join(dir, "lib.include.sh"))
	if err != nil {
		t.Fatal(err)
	}
	lib = bytes.Replace(lib, []byte("\nexport OT_PYTHON_VERSION_TOO_HIGH"), []byte("\n# "+strings.Repeat("y", 100<<10)+"\nexport OT_PYTHON_VERSION_TOO_HIGH"), 1)
	if err := os.WriteFile(filepath.Join(dir, "lib.include.sh"), lib, 0o644); err != nil {
		t.Fatal(err)
	}
	// The bound is checked against the host Python before a venv is made.
	code, stdout, stderr := launch(t, dir, "install.sh", nil)
	if code != 1 || !strings.Contains(stderr, "outside >= 3.10 and < 3.10") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// A venv path that looks like an option is passed to venv as a path.
func TestVenvPathLikeAnOption(t *testing.T) {
	t.Parallel()
	dir := linkedCheckout(t)
	code, stdout, stderr := launch(t, dir, "install.sh", []string{"OT_PYTHON_VENV=-h"})
	if code != 0 || !strings.Contains(stdout, "-m venv ./-h") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "-h", "bin", "activate")); err != nil {
		t.Errorf("no venv in ./-h: %v", err)
	}
}

// The final exec fails as a shell's would: 126 for a Python that cannot
// be run or an argument list too long, 127 for one that is gone, with the
// system's reason.
func TestFinalExecStatuses(t *testing.T) {
	t.Parallel()
	dir := linkedCheckout(t)
	out := t.TempDir()
	if code, o, e := launch(t, dir, "install.sh", nil); code != 0 {
		t.Fatalf("install: %d\n%s\n%s", code, o, e)
	}
	// Too long: a PATH just under the kernel's limit on one string
	// (MAX_ARG_STRLEN, 128 KiB) starts the launcher, but not Python, whose
	// PATH has the venv's bin before it.
	path := "/usr/local/bin:/usr/bin:/bin:/"
	path += strings.Repeat("x", 128<<10-len(path)-16)
	cmd := exec.Command("./run-cmd.sh", "train")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + path, "HOME=" + t.TempDir(), "TEST_OUT=" + out}
	output, err := cmd.CombinedOutput()
	xe, _ := err.(*exec.ExitError)
	if xe == nil || xe.ExitCode() != 126 || !strings.Contains(string(output), "argument list too long") {
		t.Errorf("a too-long PATH for Python: %v\n%.2000s", err, output)
	}

	// Not executable: the venv's Python made unrunnable through a copy.
	py := filepath.Join(dir, ".venv", "bin", "python")
	real, _ := filepath.EvalSymlinks(py)
	os.Remove(py)
	data, _ := os.ReadFile(real)
	os.WriteFile(py, data, 0o644)
	code, stdout, stderr := launch(t, dir, "run-cmd.sh", []string{"TEST_OUT=" + out}, "train")
	if code != 126 || !strings.Contains(stderr, "permission denied") {
		t.Errorf("a Python without execute permission: %d\n%s\n%s", code, stdout, stderr)
	}
}

// A lock path that is a directory is named as the cause.
func TestLockPathIsADirectory(t *testing.T) {
	t.Parallel()
	dir := linkedCheckout(t)
	os.MkdirAll(filepath.Join(dir, ".venv.lock"), 0o755)
	before := snapshot(t, dir)
	code, stdout, stderr := launch(t, dir, "install.sh", nil)
	if code != 1 || !errorLine(stderr, `its lock file `+filepath.Join(dir, ".venv.lock")+` is a directory`) ||
		!strings.Contains(stderr, "[OneTrainer] Move that directory away; the launcher makes the lock file itself.\n") {
		t.Errorf("%d\n%s\n%s", code, stdout, stderr)
	}
	if after := snapshot(t, dir); after != before {
		t.Errorf("the checkout changed")
	}
}

// runAs runs a checkout's applet as another user (nobody), through
// setpriv; it needs root.
func runAs(t *testing.T, dir, applet string, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), "setpriv", append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", "./" + applet}, args...)...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/nonexistent"}, env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if xe, ok := err.(*exec.ExitError); ok {
		code = xe.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, string(out)
}

// openUp makes every folder from / to dir enterable by other users.
func openUp(t *testing.T, dir string) {
	for p := dir; p != "/"; p = filepath.Dir(p) {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o005 != 0o005 {
			os.Chmod(p, fi.Mode().Perm()|0o005)
		}
	}
}

// needAnotherUser skips unless the test can run the launcher as another
// user (setpriv, as root).
func needAnotherUser(t *testing.T) {
	t.Helper()
	if s.err != nil {
		t.Fatal(s.err)
	}
	if os.Geteuid() != 0 {
		t.Skip("running as another user needs root")
	}
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv is not here:", err)
	}
}

// Permission problems are named as such — who owns what, which user is
// running — and deleting the env is never advised for them.
func TestPermissionCauses(t *testing.T) {
	t.Parallel()
	needAnotherUser(t)
	base := t.TempDir()
	openUp(t, base)

	// A venv made by root from a Python only root can reach (here: one
	// under a folder of mode 0700).
	private := filepath.Join(base, "private")
	os.MkdirAll(private, 0o700)
	pyLink := filepath.Join(private, "python3")
	if err := os.Symlink(s.python.Path, pyLink); err != nil {
		t.Fatal(err)
	}
	co := filepath.Join(base, "co")
	if err := writeCheckout(co, false, true); err != nil {
		t.Fatal(err)
	}
	os.Chmod(co, 0o777)
	if out, err := exec.Command(s.python.Path, "-m", "venv", "--without-pip", filepath.Join(co, ".venv")).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	os.Remove(filepath.Join(co, ".venv", "bin", "python"))
	os.Symlink(pyLink, filepath.Join(co, ".venv", "bin", "python"))
	code, out := runAs(t, co, "start-ui.sh", nil)
	if code != 1 || !strings.Contains(out, "cannot be used by you") || !strings.Contains(out, "permission denied") ||
		!strings.Contains(out, private+" (owned by root, mode drwx------) cannot be entered by user") || strings.Contains(out, "rm -rf") || strings.Contains(out, "delete") {
		t.Errorf("a venv whose Python another user cannot reach: %d\n%s", code, out)
	}

	// A venv made under umask 077: its folder cannot be entered.
	co2 := filepath.Join(base, "co2")
	if err := writeCheckout(co2, false, true); err != nil {
		t.Fatal(err)
	}
	os.Chmod(co2, 0o777)
	if out, err := exec.Command(s.python.Path, "-m", "venv", "--without-pip", filepath.Join(co2, ".venv")).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	os.Chmod(filepath.Join(co2, ".venv"), 0o700)
	code, out = runAs(t, co2, "start-ui.sh", nil)
	if code != 1 || !strings.Contains(out, `OT_PYTHON_VENV=".venv" cannot be used`) || !strings.Contains(out, "permission denied") ||
		!strings.Contains(out, "(owned by root, mode drwx------) cannot be entered by user") || strings.Contains(out, "rm -rf") {
		t.Errorf("a venv made under umask 077: %d\n%s", code, out)
	}
}

// doctor --torch against a real torch: Debian's python3-torch (a CPU
// build), where it is installed, in a venv that sees the system's
// packages.
func TestDoctorRealTorch(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	system := "/usr/bin/python3"
	if out, err := exec.Command(system, "-c", "import torch").CombinedOutput(); err != nil {
		t.Skipf("Debian's python3-torch is not installed (%s cannot import torch: %s)", system, strings.TrimSpace(string(out)))
	}
	dir := linkedCheckout(t)
	if out, err := exec.Command(system, "-m", "venv", "--system-site-packages", "--without-pip", filepath.Join(dir, ".venv")).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	cmd := exec.Command(s.launcher, "-C", dir, "doctor", "--torch")
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + t.TempDir(), "GHW_CHROOT=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), ", CPU build (CPU expected), no GPU usable") {
		t.Errorf("%v\n%s", err, out)
	}
}
