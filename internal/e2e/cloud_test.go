//go:build linux

package e2e_test

// OneTrainer's cloud trainer, over a real SSH server: a private sshd on
// 127.0.0.1 with a throwaway key, and the exact command strings that
// modules/cloud/LinuxCloud.py of OneTrainer 23df3832 (master HEAD,
// 2026-08-19) sends, one SSH exec request each, no pty, no stdin, as
// fabric 3.2.2 runs them. One twin's checkout keeps OneTrainer's own
// scripts; the other's install_cmd is the one docs/containers.md gives,
// which links the launcher in. Both must be seen alike, step by step.
//
// Linux only (the build tag): it runs Debian's sshd as root and finds the
// commands a dropped session left running through /proc.

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// The strings LinuxCloud.py (23df3832) builds, with remote_dir /@WS@,
// onetrainer_dir /@WS@/OneTrainer, huggingface_cache_dir
// /@WS@/huggingface_cache and install_cmd @INSTALL@; @RUN@ is the run's
// name (run_id job1 when detached, a timestamp when not). Printed by
// running the file's own f-strings, whitespace and all (its line
// continuations keep the indentation).
const (
	cloudTestPid   = "test -f /@WS@/@RUN@.pid"
	cloudInstallOT = "test -e /@WS@/OneTrainer                               || (mkdir -p /@WS@                                   && cd /@WS@                                   && @INSTALL@)"
	cloudTestVenv  = "test -d /@WS@/OneTrainer/venv"
	cloudInstall   = "export PATH=$PATH:/usr/local/cuda/bin:/venv/main/bin                    && export OT_LAZY_UPDATES=true                    && cd /@WS@/OneTrainer&& ./install.sh"
	cloudUpdate    = "export PATH=$PATH:/usr/local/cuda/bin:/venv/main/bin                    && export OT_LAZY_UPDATES=true                    && cd /@WS@/OneTrainer&& export PIP_EXISTS_ACTION=w && ./update.sh"
	cloudMkfifo    = "mkfifo /@WS@/@RUN@.command"
	cloudTrainer   = "export PATH=$PATH:/usr/local/cuda/bin:/venv/main/bin              && export PYTHONUNBUFFERED=1              && export OT_LAZY_UPDATES=true && export HF_HOME=/@WS@/huggingface_cache && /@WS@/OneTrainer/run-cmd.sh train_remote --config-path=/@WS@/@RUN@.json                                                                    --callback-path=/@WS@/@RUN@.callback                                                                    --command-path=/@WS@/@RUN@.command"
	cloudRmExit    = "rm -f /@WS@/@RUN@.exit"
	cloudDetached  = "(nohup true && (" + cloudTrainer + " ; exit_status=$? ; echo $exit_status > /@WS@/@RUN@.exit; exit $exit_status) && (sleep 10 && test -f /@WS@/@RUN@.callback && : || true)                     || (sleep 10 && test -f /@WS@/@RUN@.callback && :)) > /@WS@/@RUN@.log 2>&1 & echo $! > /@WS@/@RUN@.pid"
	cloudTail      = "tail -f /@WS@/@RUN@.log --pid $(</@WS@/@RUN@.pid)"
	cloudRmPid     = "rm -f /@WS@/@RUN@.pid"
	cloudExit      = "exit $(</@WS@/@RUN@.exit)"

	defaultInstallCmd = "git clone https://github.com/Nerogar/OneTrainer"
	releaseBase       = "https://github.com/onetrainer-launcher/onetrainer-launcher/releases/latest/download"
)

var cloudStepName = map[string]string{
	cloudTestPid: "test -f PID", cloudInstallOT: "test -e DIR || (… install_cmd)", cloudTestVenv: "test -d DIR/venv",
	cloudInstall: "./install.sh", cloudUpdate: "PIP_EXISTS_ACTION=w ./update.sh", cloudMkfifo: "mkfifo COMMAND",
}

// trainRemote stands in for scripts/train_remote.py: it records what it
// got beside its config, imports the modules the config names (the
// requirements), and exits with the config's status.
const trainRemote = `import json, os, sys
args = sys.argv[1:]
cfg = [a.split("=", 1)[1] for a in args if a.startswith("--config-path=")][0]
with open(cfg) as f:
    c = json.load(f)
lines = ["script " + sys.argv[0], "args " + repr(args), "cwd " + os.getcwd()]
for k in sorted(os.environ):
    if k.startswith(("OT_", "PYTORCH_", "HF_")) or k in ("PYTHONUNBUFFERED", "VIRTUAL_ENV", "SCRIPT_DIR"):
        lines.append("env %s=%s" % (k, os.environ[k]))
status = c.get("exit", 0)
for m in c.get("imports", []):
    try:
        __import__(m)
        lines.append("import %s ok" % m)
    except ImportError:
        lines.append("import %s failed" % m)
        status = 3
with open(cfg + ".probe", "w") as f:
    f.write("\n".join(lines) + "\n")
print("train_remote: done, status %d" % status, flush=True)
sys.exit(status)
`

// sshServer is a private sshd on 127.0.0.1, as root, and the ssh client
// that reaches it.
type sshServer struct {
	port     int
	key      string
	listener int // the listening sshd's PID
}

func startSSHD(t *testing.T, env []string) *sshServer {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the SSH tests run Debian's sshd, which needs root")
	}
	sshd, err := exec.LookPath("sshd")
	if err != nil {
		if _, err2 := os.Stat("/usr/sbin/sshd"); err2 != nil {
			t.Skip("no sshd (apt-get install openssh-server):", err)
		}
		sshd = "/usr/sbin/sshd"
	}
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no ssh client:", err)
	}
	dir := t.TempDir()
	for _, k := range []string{"host", "client"} {
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, k)).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
	}
	pub, _ := os.ReadFile(filepath.Join(dir, "client.pub"))
	os.WriteFile(filepath.Join(dir, "authorized_keys"), pub, 0o600)
	// sshd's privilege separation folder; /run is a tmpfs, so it may be gone.
	if _, err := os.Stat("/run/sshd"); err != nil {
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Skip("cannot make /run/sshd:", err)
		}
		t.Cleanup(func() { os.Remove("/run/sshd") })
	}
	port := freePort(t)
	conf := fmt.Sprintf(`ListenAddress 127.0.0.1
Port %d
HostKey %s
PidFile %s
AuthorizedKeysFile %s
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
SetEnv %s
`, port, filepath.Join(dir, "host"), filepath.Join(dir, "sshd.pid"), filepath.Join(dir, "authorized_keys"), strings.Join(env, " "))
	os.WriteFile(filepath.Join(dir, "sshd_config"), []byte(conf), 0o600)
	logf := filepath.Join(dir, "sshd.log")
	cmd := exec.Command(sshd, "-D", "-e", "-f", filepath.Join(dir, "sshd_config"), "-E", logf)
	if out, err := exec.Command(sshd, "-t", "-f", filepath.Join(dir, "sshd_config")).CombinedOutput(); err != nil {
		t.Fatalf("sshd -t: %v\n%s", err, out)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	srv := &sshServer{port: port, key: filepath.Join(dir, "client"), listener: cmd.Process.Pid}
	for i := 0; i < 100; i++ {
		if data, _ := os.ReadFile(logf); bytes.Contains(data, []byte("Server listening")) {
			return srv
		}
		time.Sleep(50 * time.Millisecond)
	}
	data, _ := os.ReadFile(logf)
	t.Fatalf("sshd did not listen within 5 s:\n%s", data)
	return nil
}

// run sends one command as fabric's Connection.run does: one exec
// request, no pty, nothing on stdin. It returns the exit status (255: the
// connection was lost) and what the command printed.
func (srv *sshServer) run(command string) (int, string) {
	cmd := exec.Command("ssh", "-n", "-T", "-i", srv.key, "-p", strconv.Itoa(srv.port),
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
		"root@127.0.0.1", command)
	out, err := cmd.CombinedOutput()
	code := 0
	if xe, ok := err.(*exec.ExitError); ok {
		code = xe.ExitCode()
	} else if err != nil {
		return -1, err.Error()
	}
	return code, string(out)
}

// sessions are the per-connection sshd processes: the listener's children.
func (srv *sshServer) sessions() []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		if f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:])); len(f) > 1 && f[1] == strconv.Itoa(srv.listener) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// busyIn reports whether any process works in dir or below it: what a
// dropped session left running.
func busyIn(dir string) bool {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd")); err == nil && (cwd == dir || strings.HasPrefix(cwd, dir+"/")) {
			return true
		}
	}
	return false
}

// twin is one side: a workspace, the install_cmd it is set up with.
type twin struct {
	name, ws, installCmd string
}

func (tw twin) cmd(tmpl, run string) string {
	return strings.NewReplacer("/@WS@", tw.ws, "@RUN@", run, "@INSTALL@", tw.installCmd).Replace(tmpl)
}

// norm writes the twin's workspace as $WS.
func (tw twin) norm(s string) string { return strings.ReplaceAll(s, tw.ws, "$WS") }

// state is what a user can see of the twin's checkout: env folders, and
// the venv's setuptools and test requirements.
func (tw twin) state(t *testing.T) []string {
	t.Helper()
	co := filepath.Join(tw.ws, "OneTrainer")
	var obs []string
	for _, d := range []string{"venv", ".venv", "conda_env"} {
		if _, err := os.Stat(filepath.Join(co, d)); err == nil {
			obs = append(obs, "env dir "+d)
		}
	}
	if out, err := exec.Command(filepath.Join(co, "venv", "bin", "python"), "-c", envState).CombinedOutput(); err == nil {
		obs = append(obs, strings.Split(strings.TrimSpace(string(out)), "\n")...)
	}
	return obs
}

// releaseDir holds what a release serves: the archive for this machine,
// with the binary under test, and checksums.txt.
func releaseDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	bin, err := os.ReadFile(s.launcher)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "onetrainer-launcher", Mode: 0o755, Size: int64(len(bin)), Typeflag: tar.TypeReg})
	tw.Write(bin)
	tw.Close()
	zw.Close()
	arch := map[string]string{"x86_64": "amd64", "aarch64": "arm64"}[unameM(t)]
	name := "onetrainer-launcher_linux_" + arch + ".tar.gz"
	os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644)
	sum := sha256.Sum256(buf.Bytes())
	os.WriteFile(filepath.Join(dir, "checksums.txt"), []byte(hex.EncodeToString(sum[:])+"  "+name+"\n"), 0o644)
	return dir
}

func unameM(t *testing.T) string {
	out, err := exec.Command("uname", "-m").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// docsInstallCmd is the install_cmd docs/containers.md gives cloud users.
func docsInstallCmd(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testkit.Root(), "docs", "containers.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, defaultInstallCmd+" && ") {
			return line
		}
	}
	t.Fatalf("docs/containers.md gives no install_cmd line starting %q", defaultInstallCmd+" && ")
	return ""
}

// heldWheels serves the wheels folder; while hold is set, a request for
// the otglobal wheel is answered only once release is closed, and reached
// is closed when it comes.
type heldWheels struct {
	dir     string
	mu      sync.Mutex
	reached chan struct{}
	release chan struct{}
}

func (h *heldWheels) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	reached, release := h.reached, h.release
	if reached != nil && strings.Contains(r.URL.Path, "otglobal-") {
		close(reached)
		h.reached = nil
	} else {
		release = nil
	}
	h.mu.Unlock()
	if release != nil {
		<-release
	}
	http.FileServer(http.Dir(h.dir)).ServeHTTP(w, r)
}

func (h *heldWheels) hold() (reached, release chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reached, h.release = make(chan struct{}), make(chan struct{})
	return h.reached, h.release
}

// The cloud trainer's whole path, side by side: the first connection
// clones (with the twin's install_cmd), finds no venv, installs, makes the
// command FIFO and trains attached; upstream then adds a requirement; the
// second connection updates with PIP_EXISTS_ACTION=w and trains detached,
// with the pid file, the exit-status file, tail --pid and exit $(<file).
// Every step's status, the envs, what train_remote got and the status the
// client sees are compared. Then a connection dropped in the middle of
// ./install.sh, and the next one.
func TestCloudTrainerOverSSH(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	testkit.SkipUnlessFull(t, "runs the cloud trainer's commands over SSH")
	work := t.TempDir()
	up := filepath.Join(work, "upstream", "OneTrainer")
	origin(t, up)
	os.WriteFile(filepath.Join(up, "scripts", "train_remote.py"), []byte(trainRemote), 0o644)
	git(t, up, "add", "-A")
	git(t, up, "commit", "-q", "-m", "train_remote")

	wheelDir := upstreamWheels(t, s.python)
	wheels := &heldWheels{dir: wheelDir}
	srv := httptest.NewServer(wheels)
	defer srv.Close()
	releases := httptest.NewServer(http.FileServer(http.Dir(releaseDir(t))))
	defer releases.Close()

	// The remote machine's environment: a home of its own (not root's,
	// whose .bashrc costs seconds per connection), `python` on PATH as on
	// the hosts the cloud rents, and pip offline.
	bin := filepath.Join(work, "bin")
	os.MkdirAll(bin, 0o755)
	os.Symlink(s.python.Path, filepath.Join(bin, "python"))
	home := filepath.Join(work, "home")
	os.MkdirAll(home, 0o755)
	sshd := startSSHD(t, []string{"HOME=" + home, "PATH=" + bin + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"PIP_NO_INDEX=1", "PIP_FIND_LINKS=" + srv.URL + "/", "PIP_DISABLE_PIP_VERSION_CHECK=1"})

	ours := strings.NewReplacer("https://github.com/Nerogar/OneTrainer", up, releaseBase, releases.URL).Replace(docsInstallCmd(t))
	twins := func(name string) []twin {
		return []twin{
			{name: "the original scripts", ws: filepath.Join(work, name, "original", "workspace"), installCmd: "git clone " + up},
			{name: "the launcher", ws: filepath.Join(work, name, "launcher", "workspace"), installCmd: ours},
		}
	}
	const attached, detached = "2026-01-01_00-00-00", "job1"
	upload := func(tw twin, run string, cfg string) {
		// The config upload (scp or SFTP in the cloud trainer) as a plain write.
		os.WriteFile(filepath.Join(tw.ws, run+".json"), []byte(cfg), 0o644)
	}
	probe := func(tw twin, run string) string {
		data, _ := os.ReadFile(filepath.Join(tw.ws, run+".json.probe"))
		return tw.norm(string(data))
	}

	// setup is BaseCloud.setup, LinuxCloud.setup and CloudTrainer.start up
	// to the trainer: the statuses of each command.
	setup := func(tw twin, run string, update bool) []string {
		var obs []string
		step := func(tmpl string) int {
			code, out := sshd.run(tw.cmd(tmpl, run))
			obs = append(obs, fmt.Sprintf("%s: %d", cloudStepName[tmpl], code))
			if code == 255 {
				t.Logf("%s: %s", tw.name, out)
			}
			return code
		}
		if step(cloudTestPid) == 0 {
			return obs
		}
		step(cloudInstallOT)
		if step(cloudTestVenv) == 0 {
			if update {
				step(cloudUpdate)
			}
		} else {
			step(cloudInstall)
		}
		step(cloudMkfifo)
		step(cloudTestPid)
		return obs
	}

	var seen [2][]string
	for i, tw := range twins("path") {
		var obs []string
		obs = append(obs, setup(tw, attached, true)...)
		obs = append(obs, tw.state(t)...)
		upload(tw, attached, `{"imports": ["otglobal", "otdefault"]}`)
		code, out := sshd.run(tw.cmd(cloudTestPid, attached))
		obs = append(obs, fmt.Sprintf("test -f pid: %d", code))
		code, out = sshd.run(tw.cmd(cloudTrainer, attached))
		obs = append(obs, fmt.Sprintf("attached trainer: %d", code), probe(tw, attached))
		if code != 0 {
			t.Errorf("%s: the attached trainer exited %d:\n%s", tw.name, code, out)
		}
		seen[i] = obs
	}
	// Upstream: a requirement more, as OneTrainer's commits add them.
	os.WriteFile(filepath.Join(up, "requirements-global.txt"), []byte("otglobal\notextra\n"), 0o644)
	if _, err := moduleWheel(wheelDir, "otextra", "1.0"); err != nil {
		t.Fatal(err)
	}
	git(t, up, "commit", "-q", "-am", "a new requirement")
	var status [2]int
	for i, tw := range twins("path") {
		obs := setup(tw, detached, true)
		obs = append(obs, tw.state(t)...)
		upload(tw, detached, `{"imports": ["otglobal", "otextra"], "exit": 5}`)
		sshd.run(tw.cmd(cloudTestPid, detached))
		code, _ := sshd.run(tw.cmd(cloudRmExit, detached))
		obs = append(obs, fmt.Sprintf("rm -f exit: %d", code))
		code, _ = sshd.run(tw.cmd(cloudDetached, detached))
		obs = append(obs, fmt.Sprintf("detached start: %d", code))
		code, out := sshd.run(tw.cmd(cloudTail, detached))
		obs = append(obs, fmt.Sprintf("tail: %d", code))
		if !strings.Contains(out, "train_remote: done, status 5") {
			t.Errorf("%s: tail -f --pid showed\n%s", tw.name, out)
		}
		sshd.run(tw.cmd(cloudRmPid, detached))
		status[i], _ = sshd.run(tw.cmd(cloudExit, detached))
		obs = append(obs, fmt.Sprintf("exit $(<file): %d", status[i]), probe(tw, detached))
		seen[i] = append(seen[i], obs...)
	}
	if !reflect.DeepEqual(seen[0], seen[1]) {
		t.Errorf("the cloud trainer's path differs:\n%s:\n%s\n\n%s:\n%s", "the original scripts", strings.Join(seen[0], "\n"),
			"the launcher", strings.Join(seen[1], "\n"))
	} else {
		t.Logf("both saw:\n%s", strings.Join(seen[1], "\n"))
	}
	if status[1] != 5 {
		t.Errorf("the client saw status %d, want the trainer's 5", status[1])
	}
	for _, want := range []string{"import otextra ok", "args ['--config-path=$WS/job1.json', '--callback-path=$WS/job1.callback', '--command-path=$WS/job1.command']"} {
		if !strings.Contains(strings.Join(seen[1], "\n"), want) {
			t.Errorf("train_remote got no %q", want)
		}
	}
	co := filepath.Join(twins("path")[1].ws, "OneTrainer")
	if target, err := os.Readlink(filepath.Join(co, "run-cmd.sh")); err != nil || !strings.HasSuffix(target, "bin/onetrainer-launcher") {
		t.Errorf("the launcher twin's run-cmd.sh: %q, %v; want the launcher linked", target, err)
	}

	// The connection drops (its sshd is killed) while ./install.sh waits on
	// pip's download. The command is not signalled; it runs on until it
	// writes to the lost connection. The next connection then updates (the
	// venv is there), which finishes the env on both sides.
	t.Run("dropped during install", func(t *testing.T) {
		for _, tw := range twins("dropped") {
			for _, tmpl := range []string{cloudTestPid, cloudInstallOT, cloudTestVenv} {
				sshd.run(tw.cmd(tmpl, attached))
			}
			reached, release := wheels.hold()
			done := make(chan int, 1)
			go func() { code, _ := sshd.run(tw.cmd(cloudInstall, attached)); done <- code }()
			select {
			case <-reached:
			case code := <-done:
				t.Fatalf("%s: ./install.sh ended (%d) before pip fetched otglobal", tw.name, code)
			case <-time.After(2 * time.Minute):
				t.Fatalf("%s: pip did not fetch otglobal within 2 minutes", tw.name)
			}
			for _, pid := range sshd.sessions() {
				exec.Command("kill", "-9", strconv.Itoa(pid)).Run()
			}
			if code := <-done; code != 255 {
				t.Errorf("%s: the client saw %d, want 255 (connection lost)", tw.name, code)
			}
			close(release)
			for deadline := time.Now().Add(2 * time.Minute); busyIn(tw.ws) && time.Now().Before(deadline); {
				time.Sleep(100 * time.Millisecond)
			}
			half := tw.state(t)
			t.Logf("%s, after the dropped connection: %v", tw.name, half)

			// The next connection: the launcher's run-cmd.sh alone (no
			// update.sh: update_onetrainer off) finishes what was left.
			if tw.name == "the launcher" {
				upload(tw, attached, `{"imports": ["otglobal"]}`)
				code, out := sshd.run(tw.cmd(cloudTrainer, attached))
				if code != 0 || !regexp.MustCompile(`(?i)install`).MatchString(out) {
					t.Errorf("the launcher's run-cmd.sh after the dropped install: %d\n%s", code, out)
				}
				t.Logf("the launcher's run-cmd.sh, the next connection:\n%s", tw.norm(out))
				continue
			}
			// The original scripts' run-cmd.sh alone trains in the half env
			// (pip's download was held until the connection was gone, so
			// otglobal never got installed); their update.sh finishes it.
			upload(tw, attached, `{"imports": ["otglobal"]}`)
			if code, out := sshd.run(tw.cmd(cloudTrainer, attached)); code != 3 {
				t.Errorf("%s: run-cmd.sh alone after the dropped install: %d, want 3 (otglobal missing)\n%s", tw.name, code, out)
			}
			obs := setup(tw, attached, true)
			code, out := sshd.run(tw.cmd(cloudTrainer, attached))
			t.Logf("%s: the next connection: %v, trainer %d", tw.name, obs, code)
			if code != 0 {
				t.Errorf("%s: after the next connection's update.sh the trainer exited %d:\n%s", tw.name, code, out)
			}
		}
	})
}
