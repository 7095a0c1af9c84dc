package e2e_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// interrupt group|launcher|child SIGNAL PATTERN PROGRAM ARGS...: starts
// PROGRAM in a process group of its own, as a shell starts a foreground
// job, waits until a line of its stdout contains PATTERN, then sends SIGNAL
// — to the whole group, as a terminal's Ctrl+C does; to PROGRAM alone, as
// `kill` does; or to PROGRAM's child, as `docker stop` does to a
// container's PID 1 when PROGRAM is `unshare --pid --fork` — and prints
// "status N" for how PROGRAM ended.
func cmdInterrupt(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 4 {
		ts.Fatalf("usage: interrupt group|launcher SIGNAL PATTERN PROGRAM ARGS...")
	}
	target, pattern := args[0], args[2]
	sig := map[string]syscall.Signal{"SIGINT": syscall.SIGINT, "SIGTERM": syscall.SIGTERM, "SIGKILL": syscall.SIGKILL}[args[1]]
	if sig == 0 || (target != "group" && target != "launcher" && target != "child") {
		ts.Fatalf("interrupt: bad target %q or signal %q", target, args[1])
	}
	prog := args[3]
	if strings.Contains(prog, "/") {
		prog = ts.MkAbs(prog)
	} else if p, err := exec.LookPath(prog); err == nil {
		prog = p
	}
	cmd := exec.Command(prog, args[4:]...)
	cmd.Args[0] = args[3]
	cmd.Dir = ts.MkAbs(".")
	for _, k := range []string{"PATH", "HOME", "OT_PYTHON_CMD", "PIP_NO_INDEX", "PIP_FIND_LINKS", "PIP_DISABLE_PIP_VERSION_CHECK", "PIP_NO_CACHE_DIR", "TMPDIR", "TEST_SLEEP"} {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	ts.Check(err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	ts.Check(cmd.Start())

	seen := make(chan bool, 1)
	var stdout strings.Builder
	go func() {
		sc := bufio.NewScanner(out)
		found := false
		for sc.Scan() {
			stdout.WriteString(sc.Text() + "\n")
			if !found && strings.Contains(sc.Text(), pattern) {
				found = true
				seen <- true
			}
		}
		io.Copy(io.Discard, out)
		if !found {
			seen <- false
		}
	}()
	select {
	case ok := <-seen:
		if !ok {
			cmd.Wait()
			ts.Fatalf("%s ended before printing %q:\n%s\n%s", args[3], pattern, stdout.String(), stderr.String())
		}
	case <-time.After(2 * time.Minute):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		ts.Fatalf("%s did not print %q within 2 minutes", args[3], pattern)
	}
	time.Sleep(200 * time.Millisecond) // let the step settle into its blocking read
	switch target {
	case "group":
		ts.Check(syscall.Kill(-cmd.Process.Pid, sig))
	case "launcher":
		ts.Check(cmd.Process.Signal(sig))
	case "child":
		pid := cmd.Process.Pid
		f, err := childrenOf(pid)
		ts.Check(err)
		if len(f) != 1 {
			ts.Fatalf("%s has children %q; want one", args[3], f)
		}
		child, err := strconv.Atoi(f[0])
		ts.Check(err)
		ts.Check(syscall.Kill(child, sig))
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err = <-waited:
	case <-time.After(time.Minute):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-waited
		ts.Fatalf("%s did not end within a minute of %s:\n%s\n%s", args[3], args[1], stdout.String(), stderr.String())
	}
	code := 0
	var xe *exec.ExitError
	if errors.As(err, &xe) {
		code = xe.ExitCode()
		if ws, ok := xe.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
	} else if err != nil {
		ts.Fatalf("waiting for %s: %v", args[3], err)
	}
	ts.Logf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	fmt.Fprintf(ts.Stdout(), "status %d\n", code)
	fmt.Fprint(ts.Stderr(), stderr.String())
}

// childrenOf lists a process's children: from /proc on Linux, else from
// ps, which macOS has (its ps takes -o ppid= and -o pid= as Linux's does).
func childrenOf(pid int) ([]string, error) {
	if kids, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid)); err == nil {
		return strings.Fields(string(kids)), nil
	}
	out, err := exec.Command("ps", "-A", "-o", "pid=", "-o", "ppid=").Output()
	if err != nil {
		return nil, err
	}
	var kids []string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[1] == strconv.Itoa(pid) {
			kids = append(kids, f[0])
		}
	}
	return kids, nil
}
