package proc

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
)

func runner() (Runner, *bytes.Buffer) {
	var o bytes.Buffer
	p := &out.Printer{Stdout: &o, Stderr: &o}
	return Runner{Echo: p.Command, Stdio: Stdio{Out: &o, Err: &o}}, &o
}

func TestRunStatus(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	r, o := runner()
	err = r.Run(context.Background(), Cmd{Path: sh, Argv: []string{"sh", "-c", "exit 7"}})
	if Code(err) != 7 {
		t.Errorf("exit 7 gave %v (code %d)", err, Code(err))
	}
	if o.String() != "[OneTrainer] + sh -c 'exit 7'\n" {
		t.Errorf("echo: %q", o.String())
	}
	err = r.Run(context.Background(), Cmd{Argv: []string{"/nonexistent/tool"}})
	if Code(err) != 127 {
		t.Errorf("missing program gave code %d", Code(err))
	}
	err = r.Run(context.Background(), Cmd{Path: sh, Argv: []string{"sh", "-c", "kill -KILL $$"}})
	if Code(err) != 128+9 {
		t.Errorf("a child killed by SIGKILL gave code %d", Code(err))
	}
	if Code(errors.New("plain")) != 1 {
		t.Errorf("a plain error is not status 1")
	}
}

// SIGTERM and SIGHUP sent to the launcher reach the running step, and the
// launcher reports 128+N as a shell would.
func TestRunForwardsSignals(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep")
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		if startIgnored(sig) {
			// Whoever started the tests ignores it (nohup): the child
			// inherits that, as from a shell (TestRunLeavesIgnoredSignals).
			t.Logf("%v: not sent, the tests were started with it ignored", sig)
			continue
		}
		r, _ := runner()
		done := make(chan error, 1)
		go func() { done <- r.Run(context.Background(), Cmd{Path: sleep, Argv: []string{"sleep", "30"}}) }()
		time.Sleep(300 * time.Millisecond) // let Run start the child and catch signals
		syscall.Kill(syscall.Getpid(), sig)
		select {
		case err := <-done:
			if Code(err) != 128+int(sig) {
				t.Errorf("%v: got %v (code %d), want %d", sig, err, Code(err), 128+int(sig))
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%v: the child did not stop within 20s", sig)
		}
	}
}

func startIgnored(sig os.Signal) bool {
	for i, s := range caught {
		if s == sig {
			return ignoredAtStart[i]
		}
	}
	return false
}

// A signal the launcher was started with ignored (nohup's SIGHUP) is not
// caught: the child, which inherits it ignored, goes on, and its own status
// is the launcher's, as with the original scripts (a shell cannot trap a
// signal ignored at its entry).
func TestRunLeavesIgnoredSignals(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	signal.Ignore(syscall.SIGHUP)
	defer signal.Reset(syscall.SIGHUP)
	r, _ := runner()
	done := make(chan error, 1)
	go func() {
		done <- r.Run(context.Background(), Cmd{Path: sh, Argv: []string{"sh", "-c", "sleep 1; exit 3"}})
	}()
	time.Sleep(300 * time.Millisecond)
	syscall.Kill(syscall.Getpid(), syscall.SIGHUP)
	select {
	case err := <-done:
		if Code(err) != 3 {
			t.Errorf("got %v (code %d), want the child's own 3", err, Code(err))
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the child did not end within 20s")
	}
}

// A command named without a path is looked up in the PATH it is given,
// not in the launcher's own: the PATH of the environment it runs with.
func TestRunLooksUpTheGivenPATH(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "only-here"), []byte("#!"+sh+"\necho found in the given PATH\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := Runner{Env: []string{"PATH=" + bin}}
	got, err := r.Ask(context.Background(), Cmd{Argv: []string{"only-here"}})
	if err != nil || got != "found in the given PATH\n" {
		t.Errorf("only-here: %q, %v", got, err)
	}
	// sh is on the launcher's PATH, but not on the one given.
	_, err = r.Ask(context.Background(), Cmd{Argv: []string{"sh", "-c", "true"}})
	if Code(err) != 127 || !errors.Is(err, exec.ErrNotFound) {
		t.Errorf("sh outside the given PATH: %v (code %d), want not found, 127", err, Code(err))
	}
}
