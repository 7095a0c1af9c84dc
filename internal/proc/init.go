package proc

import (
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// initSignals are passed on to the child when the launcher is PID 1.
var initSignals = []os.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

// ExecOrInit replaces the launcher with path (see Exec), except when the
// launcher is PID 1, as a container's ENTRYPOINT is. PID 1 gets no signal
// it has no handler for, and Python installs none for SIGTERM: exec'd as
// PID 1, it would ignore `docker stop` until SIGKILL. So there the launcher
// stays as a minimal init: it runs Python as its child, passes signals on,
// reaps orphans, and exits with Python's status (128+N when signal N ended
// it). It returns that status; it returns only on failure otherwise.
func ExecOrInit(dir, path string, argv, env []string) (int, error) {
	if os.Getpid() != 1 {
		err := Exec(dir, path, argv, env)
		return startStatus(err), err
	}
	return runAsInit(dir, path, argv, env)
}

func runAsInit(dir, path string, argv, env []string) (int, error) {
	sigs := make(chan os.Signal, 32)
	signal.Notify(sigs, append([]os.Signal{syscall.SIGCHLD}, initSignals...)...)
	defer signal.Stop(sigs)
	child, err := os.StartProcess(path, argv, &os.ProcAttr{Dir: dir, Env: env, Files: []*os.File{os.Stdin, os.Stdout, os.Stderr}})
	if err != nil {
		return startStatus(err), err
	}
	for s := range sigs {
		if s != syscall.SIGCHLD {
			_ = child.Signal(s)
			continue
		}
		for { // reap every child that has ended: Python's, and orphans
			var ws unix.WaitStatus
			pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
			if pid == child.Pid {
				if ws.Signaled() {
					return 128 + int(ws.Signal()), nil
				}
				return ws.ExitStatus(), nil
			}
		}
	}
	return 1, nil
}
