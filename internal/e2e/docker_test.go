package e2e_test

// Containers, against a real Docker engine: examples/Dockerfile built with
// local sources (a git daemon on 127.0.0.1 serving a miniature checkout of
// OneTrainer HEAD's shape, wheels from a loopback HTTP server), then run
// the way users run it. Skipped, saying why, where no engine answers or
// the tests' base image is missing: `.ci/docker` starts one and makes it,
// and .ci/run does both.

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// dockerBase is the base image the container tests build on, once an
// engine answers: Debian bookworm with python3, python3-venv and git.
func dockerBase(t *testing.T) string {
	t.Helper()
	if s.err != nil {
		t.Fatal(s.err)
	}
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("no docker client on PATH: the container tests need a Docker engine (apt-get install docker.io; .ci/docker start DIR)")
	}
	out, err := exec.Command("docker", "version", "--format", "{{.Server.Version}}").CombinedOutput()
	if err != nil {
		t.Skipf("no Docker engine answers (DOCKER_HOST=%q): %s; start one with eval \"$(.ci/docker start /tmp/otl-docker)\"",
			os.Getenv("DOCKER_HOST"), strings.TrimSpace(string(out)))
	}
	base := os.Getenv("OT_TEST_DOCKER_BASE")
	if base == "" {
		base = "onetrainer-launcher-test/bookworm-python:1"
	}
	if err := exec.Command("docker", "image", "inspect", base).Run(); err != nil {
		t.Skipf("the engine has no base image %s: .ci/docker base makes it (Debian bookworm with python3, python3-venv and git)", base)
	}
	return base
}

// docker runs the docker client and returns what it printed and its exit
// status (-1 when it could not run).
func docker(args ...string) (string, int) {
	cmd := exec.Command("docker", args...)
	cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=0") // the engine here has no BuildKit
	out, err := cmd.CombinedOutput()
	if err == nil {
		return string(out), 0
	}
	if xe, ok := err.(*exec.ExitError); ok {
		return string(out), xe.ExitCode()
	}
	return string(out) + err.Error(), -1
}

func mustDocker(t *testing.T, args ...string) string {
	t.Helper()
	out, code := docker(args...)
	if code != 0 {
		t.Fatalf("docker %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// headFixture is the newest of OneTrainer's launch-file fixtures: HEAD.
func headFixture(t *testing.T) fixture {
	t.Helper()
	var head fixture
	newest := ""
	for _, f := range loadFixtures(t) {
		if f.patch != nil {
			continue
		}
		manifest, _ := os.ReadFile(filepath.Join(f.dir, "MANIFEST"))
		for _, line := range strings.Split(string(manifest), "\n") {
			if d, ok := strings.CutPrefix(line, "date "); ok && d > newest {
				newest, head = d, f
			}
		}
	}
	if head.dir == "" {
		t.Skip("no upstream fixture has a date in its MANIFEST")
	}
	return head
}

// Scripts a container test runs through run-cmd.sh, beside the probes.
var containerScripts = map[string]string{
	"scripts/exit_with.py": "import sys\nsys.exit(int(sys.argv[1]))\n",
	// No handler for SIGTERM, as most scripts have none; Ctrl+C is
	// Python's own KeyboardInterrupt.
	"scripts/sleeper.py": "import time\nprint('sleeping', flush=True)\ntime.sleep(120)\n",
}

// origin makes a git repository of HEAD's shape (its launch files, probe
// scripts, tiny requirements), as a user's clone would get it.
func origin(t *testing.T, dir string) fixture {
	t.Helper()
	f := headFixture(t)
	makeUpstreamCheckout(t, f, dir, false)
	for name, body := range containerScripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git(t, dir, "init", "-q", "-b", "main")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "OneTrainer "+f.name+"'s shape")
	return f
}

// freePort is a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// gitDaemon serves the repositories under dir over git:// on 127.0.0.1,
// which supports shallow clones (git clone --depth 1), and returns the base
// URL.
func gitDaemon(t *testing.T, dir string) string {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command("git", "daemon", "--reuseaddr", "--export-all", "--base-path="+dir,
		"--listen=127.0.0.1", "--port="+strconv.Itoa(port), dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	url := fmt.Sprintf("git://127.0.0.1:%d", port)
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return url
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("git daemon did not listen within 5 s")
	return ""
}

func readProbe(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "probe.txt"))
	if err != nil {
		t.Fatalf("the script left no probe: %v", err)
	}
	os.Remove(filepath.Join(dir, "probe.txt"))
	return string(data)
}

// examples/Dockerfile, built with local sources and run as users run it.
func TestDockerImage(t *testing.T) {
	t.Parallel()
	base := dockerBase(t)
	work := t.TempDir()
	repos := filepath.Join(work, "repos")
	origin(t, filepath.Join(repos, "OneTrainer.git"))
	gitURL := gitDaemon(t, repos)
	wheelDir := upstreamWheels(t, s.python)
	wheels := serve(t, wheelDir)

	ctx := filepath.Join(work, "context")
	os.MkdirAll(ctx, 0o755)
	if err := copyFile(s.launcher, filepath.Join(ctx, "onetrainer-launcher")); err != nil {
		t.Fatal(err)
	}
	image := fmt.Sprintf("onetrainer-launcher-test/example:%d", time.Now().UnixNano())
	t.Cleanup(func() { docker("image", "rm", "-f", image) })
	out := mustDocker(t, "build", "--network", "host", "-f", filepath.Join(testkit.Root(), "examples", "Dockerfile"), "-t", image,
		"--build-arg", "GO_IMAGE="+base, "--build-arg", "BASE_IMAGE="+base,
		"--build-arg", "LAUNCHER_BINARY=onetrainer-launcher", "--build-arg", "APT_PACKAGES=",
		"--build-arg", "ONETRAINER_REPO="+gitURL+"/OneTrainer.git", "--build-arg", "ONETRAINER_REF=main",
		"--build-arg", "INSTALL_ENV=PIP_NO_INDEX=1 PIP_FIND_LINKS="+wheels+"/ PIP_DISABLE_PIP_VERSION_CHECK=1",
		ctx)
	if !strings.Contains(out, "Installing requirements in active environment") {
		t.Errorf("the build's ./install.sh installed no requirements:\n%s", out)
	}

	// The build-time install made HEAD's env, venv/, and no other.
	ls := mustDocker(t, "run", "--rm", "--entrypoint", "ls", image, "-a", "/OneTrainer")
	if !strings.Contains(ls, "\nvenv\n") || strings.Contains(ls, ".venv\n") || strings.Contains(ls, "conda_env") {
		t.Errorf("the checkout holds:\n%s\nwant venv/ only", ls)
	}

	probeDir := filepath.Join(work, "out")
	os.MkdirAll(probeDir, 0o777)
	os.Chmod(probeDir, 0o777) // for --user 1000:1000
	mount := []string{"-v", probeDir + ":/out", "-e", "TEST_OUT=/out"}

	t.Run("run", func(t *testing.T) {
		out, code := docker(append(append([]string{"run", "--rm"}, mount...), image, "train", "--flag", "a b")...)
		if code != 0 {
			t.Fatalf("docker run IMAGE train: exit %d\n%s", code, out)
		}
		p := readProbe(t, probeDir)
		for _, want := range []string{"script scripts/train.py\n", "args ['--flag', 'a b']\n",
			"env OT_PLATFORM_REQUIREMENTS=requirements-cuda.txt\n", "env OT_LAZY_UPDATES=true\n", "env VIRTUAL_ENV=$CO/venv\n"} {
			if !strings.Contains(p, want) {
				t.Errorf("the script saw no %q:\n%s", want, p)
			}
		}
		if strings.Contains(p, "PYTORCH_CUDA_ALLOC_CONF") {
			t.Errorf("PYTORCH_CUDA_ALLOC_CONF without OT_CUDA_LOWMEM_MODE:\n%s", p)
		}
		docker(append(append([]string{"run", "--rm", "-e", "OT_CUDA_LOWMEM_MODE=true"}, mount...), image, "train")...)
		if p := readProbe(t, probeDir); !strings.Contains(p, "env PYTORCH_CUDA_ALLOC_CONF=garbage_collection_threshold:0.6,max_split_size_mb:128\n") {
			t.Errorf("docker run -e OT_CUDA_LOWMEM_MODE=true did not reach Python:\n%s", p)
		}
		if out, code := docker("run", "--rm", image, "exit_with", "7"); code != 7 {
			t.Errorf("docker run IMAGE exit_with 7: exit %d, want 7\n%s", code, out)
		}
	})

	// docker stop sends SIGTERM to PID 1, the launcher, which passes it on:
	// Python has no handler and ends at once; the container's status is
	// 143. The original scripts exec Python as PID 1, which ignores it:
	// docker waits out its 10 s and kills (137).
	t.Run("stop", func(t *testing.T) {
		name := fmt.Sprintf("otl-stop-%d", time.Now().UnixNano())
		mustDocker(t, "run", "-d", "--name", name, image, "sleeper")
		defer docker("rm", "-f", name)
		waitLog(t, name, "sleeping")
		start := time.Now()
		mustDocker(t, "stop", name)
		took := time.Since(start)
		code := strings.TrimSpace(mustDocker(t, "inspect", "--format", "{{.State.ExitCode}}", name))
		if code != "143" || took > 2*time.Second {
			t.Errorf("docker stop: status %s after %v, want 143 within 2 s", code, took.Round(10*time.Millisecond))
		}
		t.Logf("the launcher: docker stop took %v, status %s", took.Round(10*time.Millisecond), code)

		// The same container with the checkout's own run-cmd.sh (git's
		// copy): bash is PID 1 and ignores SIGTERM, so docker stop waits
		// out its timeout (3 s here) and kills.
		orig := name + "-bash"
		// (The base image has no `python`, which these scripts need by that name.)
		mustDocker(t, "run", "-d", "--name", orig, "-e", "OT_PYTHON_CMD=python3", "--entrypoint", "bash", image, "-c",
			"git show HEAD:run-cmd.sh >original-run-cmd.sh && exec bash ./original-run-cmd.sh sleeper")
		defer docker("rm", "-f", orig)
		waitLog(t, orig, "sleeping")
		start = time.Now()
		mustDocker(t, "stop", "-t", "3", orig)
		took = time.Since(start)
		code = strings.TrimSpace(mustDocker(t, "inspect", "--format", "{{.State.ExitCode}}", orig))
		if code != "137" || took < 3*time.Second {
			t.Errorf("the original run-cmd.sh: docker stop -t 3 gave status %s after %v; want 137 after the timeout (what the launcher does better)", code, took)
		}
		t.Logf("the original scripts: docker stop -t 3 took %v, status %s", took.Round(10*time.Millisecond), code)
	})

	// docker kill -s INT is Ctrl+C: Python's KeyboardInterrupt, and
	// Python's own status for it, 130.
	t.Run("interrupt", func(t *testing.T) {
		name := fmt.Sprintf("otl-int-%d", time.Now().UnixNano())
		mustDocker(t, "run", "-d", "--name", name, image, "sleeper")
		defer docker("rm", "-f", name)
		waitLog(t, name, "sleeping")
		mustDocker(t, "kill", "-s", "INT", name)
		code := strings.TrimSpace(mustDocker(t, "wait", name))
		logs, _ := docker("logs", name)
		t.Logf("docker kill -s INT: status %s", code)
		if code != "130" || !strings.Contains(logs, "KeyboardInterrupt") {
			t.Errorf("docker kill -s INT: status %s, want 130 with Python's KeyboardInterrupt:\n%s", code, logs)
		}
	})

	// A ready image needs no writes to start; a user other than root
	// starts too, as the example makes the env readable.
	t.Run("read-only and another user", func(t *testing.T) {
		for _, extra := range [][]string{{"--read-only"}, {"--user", "1000:1000"}, {"--read-only", "--user", "1000:1000"}} {
			args := append(append(append([]string{"run", "--rm"}, extra...), mount...), image, "train", "--config-path", "x.json")
			out, code := docker(args...)
			if code != 0 {
				t.Errorf("docker run %s: exit %d\n%s", strings.Join(extra, " "), code, out)
				continue
			}
			if p := readProbe(t, probeDir); !strings.Contains(p, "args ['--config-path', 'x.json']") {
				t.Errorf("docker run %s: the script saw\n%s", strings.Join(extra, " "), p)
			}
		}
	})

	// A checkout on the host, linked there, bind-mounted into a container
	// whose ./update.sh pulls a commit that changes a linked script: the
	// links stay, git's view stays clean.
	t.Run("update.sh in a bind-mounted checkout", func(t *testing.T) {
		co := filepath.Join(work, "host", "OneTrainer")
		os.MkdirAll(filepath.Dir(co), 0o755)
		up := filepath.Join(repos, "OneTrainer.git")
		git(t, filepath.Dir(co), "clone", "-q", up, co)
		if out, err := exec.Command(s.launcher, "link", co).CombinedOutput(); err != nil {
			t.Fatalf("link: %v\n%s", err, out)
		}
		data, _ := os.ReadFile(filepath.Join(up, "start-ui.sh"))
		os.WriteFile(filepath.Join(up, "start-ui.sh"), append(data, []byte("\n# a change upstream\n")...), 0o755)
		os.WriteFile(filepath.Join(up, "requirements-global.txt"), []byte("otglobal\notextra\n"), 0o644)
		git(t, up, "commit", "-q", "-am", "upstream: start-ui.sh changes, a requirement more")
		if _, err := moduleWheel(wheelDir, "otextra", "1.0"); err != nil {
			t.Fatal(err)
		}
		out, code := docker("run", "--rm", "--network", "host", "-v", co+":"+co, "-v", up+":"+up, "-w", co,
			"-e", "PIP_NO_INDEX=1", "-e", "PIP_FIND_LINKS="+wheels+"/", "-e", "PIP_DISABLE_PIP_VERSION_CHECK=1",
			"--entrypoint", "./update.sh", base)
		if code != 0 {
			t.Fatalf("./update.sh in the container: exit %d\n%s", code, out)
		}
		for _, name := range []string{"install.sh", "update.sh", "start-ui.sh", "run-cmd.sh"} {
			target, err := os.Readlink(filepath.Join(co, name))
			if err != nil || !strings.HasSuffix(target, "onetrainer-launcher/bin/onetrainer-launcher") {
				t.Errorf("%s after the update: link %q, %v", name, target, err)
			}
		}
		if st := git(t, co, "status", "--porcelain"); st != "" {
			t.Errorf("git status after the update:\n%s", st)
		}
		if a, b := git(t, co, "rev-parse", "HEAD"), git(t, up, "rev-parse", "HEAD"); a != b {
			t.Errorf("the checkout is at %s, upstream at %s", a, b)
		}
		if !strings.Contains(out, "otextra") {
			t.Errorf("the update did not install the new requirement:\n%s", out)
		}
	})
}

// waitLog waits until the container's log shows want.
func waitLog(t *testing.T, name, want string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		out, _ := docker("logs", name)
		if strings.Contains(out, want) {
			return
		}
		if state, _ := docker("inspect", "--format", "{{.State.Status}}", name); strings.TrimSpace(state) == "exited" {
			t.Fatalf("container %s ended before printing %q:\n%s", name, want, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	out, _ := docker("logs", name)
	t.Fatalf("container %s did not print %q within 60 s:\n%s", name, want, out)
}
