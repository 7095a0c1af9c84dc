package proc

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Linux only (the _linux file name): the test becomes a child subreaper
// with prctl(PR_SET_CHILD_SUBREAPER), which macOS lacks. The init mode
// itself is for a container's PID 1, that is, for Linux.
//
// The init mode, tested without being PID 1: the test process becomes a
// child subreaper, so that orphans come to it as they would to PID 1.
// Signals reach the child, orphans are reaped, and the child's status is
// returned.
func TestRunAsInit(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Skipf("cannot become a subreaper: %v", err)
	}
	defer unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)

	// An orphan that ends while the child still runs: reaped, no zombie.
	code, err := runAsInit(".", sh, []string{"sh", "-c", "(sleep 0.1 &); sleep 0.5; exit 3"}, os.Environ())
	if err != nil || code != 3 {
		t.Fatalf("got %d, %v; want 3", code, err)
	}
	var ws unix.WaitStatus
	if pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil); pid > 0 {
		t.Errorf("an orphan (pid %d) was left unreaped", pid)
	} else if err != unix.ECHILD {
		t.Errorf("children left: wait4 said %d, %v", pid, err)
	}

	// A signal to the launcher reaches the child, which handles it.
	go func() {
		time.Sleep(300 * time.Millisecond)
		syscall.Kill(syscall.Getpid(), syscall.SIGUSR1)
	}()
	code, err = runAsInit(".", sh, []string{"sh", "-c", "trap 'exit 42' USR1; i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done"}, os.Environ())
	if err != nil || code != 42 {
		t.Fatalf("got %d, %v; want 42 from the child's USR1 trap", code, err)
	}
}
