package e2e_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// A failed launch someone sees — a terminal on any of its stdio, here a
// real pseudo-terminal on stdin only — shows no desktop notification, in a
// desktop session too; the same launch with no terminal does (notify-send
// is a STAND-IN that writes down that it ran: the real one needs a
// notification daemon on D-Bus). Linux only: the pseudo-terminal is
// opened the Linux way (/dev/ptmx and its ioctls).
func TestNotifyOnlyUnseen(t *testing.T) {
	t.Parallel()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skip("no pseudo-terminals here: ", err)
	}
	defer ptmx.Close()
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer pts.Close()

	co := linkedCheckout(t)
	if code, _, stderr := launch(t, co, "install.sh", nil); code != 0 { // the state folder, as a linked checkout has
		t.Fatalf("install.sh: %d\n%s", code, stderr)
	}
	bin := t.TempDir()
	notified := filepath.Join(t.TempDir(), "notified")
	writeExec(t, filepath.Join(bin, "notify-send"), "#!/bin/sh\necho ran > '"+notified+"'\n")
	run := func(stdin *os.File) {
		cmd := exec.Command("./run-cmd.sh", "train")
		cmd.Dir = co
		cmd.Env = []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "DISPLAY=:0", "OT_PREFER_VENV=maybe"}
		cmd.Stdin = stdin
		if out, err := cmd.CombinedOutput(); err == nil {
			t.Fatalf("a bad setting did not fail:\n%s", out)
		}
	}
	run(pts)
	if _, err := os.Stat(notified); err == nil {
		t.Error("a launch with a terminal on stdin notified")
	}
	run(nil) // /dev/null
	if _, err := os.Stat(notified); err != nil {
		t.Error("a launch with no terminal did not notify: ", err)
	}
}
