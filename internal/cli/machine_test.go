package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// machineCheckout is a checkout of the test framework (bounds >= 3.10 and
// < 3.14) with empty requirements, and a machine root under which the
// machine's own os-release and GPUs do not count (osRelease is written
// there when given).
func machineCheckout(t *testing.T, osRelease string) (dir, root string) {
	t.Helper()
	dir = t.TempDir()
	if err := testkit.WriteFramework(dir); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"scripts/train_ui.py":           "",
		"scripts/util/version_check.py": "import sys\n",
		"requirements-global.txt":       "",
		"requirements-default.txt":      "",
		"requirements-cuda.txt":         "",
		"requirements-rocm.txt":         "",
	} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
	}
	root = t.TempDir()
	if osRelease != "" {
		os.MkdirAll(filepath.Join(root, "etc"), 0o755)
		os.WriteFile(filepath.Join(root, "etc", "os-release"), []byte(osRelease), 0o644)
	}
	return dir, root
}

// runApplet runs the named applet in-process as main would, and returns
// its exit status and what it printed.
func runApplet(t *testing.T, name, dir string, h host.Host, env environ.List, args ...string) (int, string) {
	t.Helper()
	cmd, ok := Lookup(name)
	if !ok {
		t.Fatalf("no applet %s", name)
	}
	var o bytes.Buffer
	inv := Invocation{Dir: dir, Env: env, Host: h, Stdio: proc.Stdio{Out: &o, Err: &o},
		Exec: func(d, path string, argv, e []string) (int, error) { return 0, nil }}
	code := Run(context.Background(), cmd, inv, args)
	return code, o.String()
}

// binWith is a folder holding links to the given Pythons by their names,
// for a PATH that has only them.
func binWith(t *testing.T, pys ...string) string {
	t.Helper()
	bin := t.TempDir()
	for _, p := range pys {
		if err := os.Symlink(p, filepath.Join(bin, filepath.Base(p))); err != nil {
			t.Fatal(err)
		}
	}
	return bin
}

func mustFind(t *testing.T, lo, hi int) testkit.Python {
	t.Helper()
	py, err := testkit.Find(lo, hi)
	if err != nil {
		t.Skip("this needs a real Python:", err)
	}
	return py
}

func noVenv(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Lstat(filepath.Join(dir, ".venv")); err == nil {
		t.Errorf("a venv was made although the launcher refused")
	}
}

// Item 6 of issue 34: an OT_PYTHON_CMD outside the checkout's bounds is
// refused before a venv is made with it (the checkout's own scripts make
// it first, then check), and the advice names the fitting Python the
// machine already has, and how to use it, before any way to install one.
func TestGivenPythonOutsideBoundsMakesNothing(t *testing.T) {
	old, fit := mustFind(t, 6, 10), mustFind(t, 10, 14)
	dir, root := machineCheckout(t, "ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"22.04\"\nPRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\n")
	bin := binWith(t, old.Path, fit.Path)
	env := environ.List{"PATH=" + bin + ":/usr/bin:/bin", "HOME=" + t.TempDir(), "GHW_CHROOT=" + root,
		"OT_PYTHON_CMD=" + filepath.Base(old.Path)}
	code, got := runApplet(t, "install.sh", dir, linuxHost, env)
	if code == 0 {
		t.Fatalf("install.sh succeeded with %s:\n%s", old, got)
	}
	noVenv(t, dir)
	for _, want := range []string{
		"is Python " + strings.TrimPrefix(old.String(), "Python ")[:3],
		", outside >= 3.10 and < 3.14, the versions this checkout supports; no venv was made with it",
		"a fitting Python is already on this machine: " + filepath.Join(bin, filepath.Base(fit.Path)),
		"unset OT_PYTHON_CMD",
		"OT_PYTHON_CMD=" + filepath.Join(bin, filepath.Base(fit.Path)) + " ./install.sh",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
	if have, apt := strings.Index(got, "already on this machine"), strings.Index(got, "sudo apt install"); have < 0 || apt >= 0 && apt < have {
		t.Errorf("the way to install a Python comes before the one the machine has:\n%s", got)
	}
	if strings.Contains(got, "rm -rf") {
		t.Errorf("told to delete a venv that was never made:\n%s", got)
	}
}

// pythonWithout makes a real Python that lacks the given extension
// modules: the executable of a pyenv-built Python copied under
// pyenvRoot/versions/VERSION/bin (its shared libpython is found where it
// is), its standard library linked file by file, and lib-dynload without
// the modules — as a Python built without libffi's or OpenSSL's headers
// is.
func pythonWithout(t *testing.T, py testkit.Python, pyenvRoot string, modules ...string) string {
	t.Helper()
	prefix := filepath.Dir(filepath.Dir(py.Path))
	ver := filepath.Base(prefix)
	stdlib := filepath.Join(prefix, "lib", fmt.Sprintf("python%d.%d", py.Major, py.Minor))
	dynload := filepath.Join(stdlib, "lib-dynload")
	if _, err := os.Stat(dynload); err != nil {
		t.Skipf("%s has no lib-dynload folder to leave modules out of: %v", py, err)
	}
	dst := filepath.Join(pyenvRoot, "versions", ver)
	dstStdlib := filepath.Join(dst, "lib", filepath.Base(stdlib))
	os.MkdirAll(filepath.Join(dstStdlib, "lib-dynload"), 0o755)
	os.MkdirAll(filepath.Join(dst, "bin"), 0o755)
	b, err := os.ReadFile(py.Path)
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dst, "bin", filepath.Base(py.Path))
	os.WriteFile(exe, b, 0o755)
	libs, _ := filepath.Glob(filepath.Join(prefix, "lib", "libpython*"))
	for _, l := range libs {
		os.Symlink(l, filepath.Join(dst, "lib", filepath.Base(l)))
	}
	entries, _ := os.ReadDir(stdlib)
	for _, e := range entries {
		if e.Name() != "lib-dynload" {
			os.Symlink(filepath.Join(stdlib, e.Name()), filepath.Join(dstStdlib, e.Name()))
		}
	}
	mods, _ := os.ReadDir(dynload)
	left := 0
	for _, e := range mods {
		mod, _, _ := strings.Cut(e.Name(), ".")
		if slices.Contains(modules, mod) {
			left++
			continue
		}
		os.Symlink(filepath.Join(dynload, e.Name()), filepath.Join(dstStdlib, "lib-dynload", e.Name()))
	}
	if left != len(modules) {
		t.Skipf("%s does not hold %v in lib-dynload (they may be built in)", py, modules)
	}
	probe := "import sys\nfor m in sys.argv[1:]:\n    try:\n        __import__(m)\n    except ImportError:\n        continue\n    sys.exit(m + ' imports')\nimport os; print(os.__file__)"
	if out, err := exec.Command(exe, append([]string{"-c", probe}, modules...)...).CombinedOutput(); err != nil || !strings.HasPrefix(string(out), dst) {
		t.Fatalf("the copy of %s at %s is no Python without %v: %v\n%s", py, exe, modules, err, out)
	}
	return exe
}

// Item 4 of issue 34: a Python built without _ctypes and _ssl (a real copy
// of a pyenv Python without those modules) is refused as OT_PYTHON_CMD
// before a venv is made, naming the modules, the distribution's -dev
// packages and pyenv's rebuild; left to discovery, it is passed over
// with the reason.
func TestPythonWithoutItsModules(t *testing.T) {
	py := mustFind(t, 12, 13)
	pyenvRoot := t.TempDir()
	exe := pythonWithout(t, py, pyenvRoot, "_ctypes", "_ssl")
	ver := filepath.Base(filepath.Dir(filepath.Dir(exe)))
	dir, root := machineCheckout(t, "ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\nPRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\n")
	env := environ.List{"PATH=" + filepath.Dir(exe) + ":/nowhere", "HOME=" + t.TempDir(), "PYENV_ROOT=" + pyenvRoot, "GHW_CHROOT=" + root}
	code, got := runApplet(t, "install.sh", dir, linuxHost, append(env, "OT_PYTHON_CMD="+exe))
	if code == 0 {
		t.Fatalf("install.sh succeeded with a Python without _ctypes and _ssl:\n%s", got)
	}
	noVenv(t, dir)
	for _, want := range []string{
		"was built without _ctypes and _ssl",
		"pip cannot reach any https package index",
		"sudo apt install libffi-dev libssl-dev",
		"pyenv install --force " + ver,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("OT_PYTHON_CMD: no %q in:\n%s", want, got)
		}
	}
	// Left to discovery, the same Python is passed over, saying why.
	code, got = runApplet(t, "install.sh", dir, linuxHost, env)
	if code == 0 || !strings.Contains(got, "python3.12 ("+exe+", on PATH): Python "+ver+" built without _ctypes and _ssl") ||
		!strings.Contains(got, "pyenv install --force "+ver) {
		t.Errorf("discovery (exit %d) does not pass it over saying why:\n%s", code, got)
	}
	noVenv(t, dir)
}

// Item 6 of issue 34: a pyenv shim that pyenv cannot run — real pyenv,
// its shim for a version that is installed but not selected — is named
// as such, with pyenv versions and the fix, before anything is made.
func TestPyenvShimNotSelected(t *testing.T) {
	pyenv, err := exec.LookPath("pyenv")
	if err != nil {
		t.Skip("pyenv is not installed:", err)
	}
	rootOut, err := exec.Command(pyenv, "root").Output()
	if err != nil {
		t.Skip("pyenv root:", err)
	}
	pyenvRoot := strings.TrimSpace(string(rootOut))
	old, fit := mustFind(t, 6, 10), mustFind(t, 10, 14)
	oldVer, fitVer := pyenvVersion(t, pyenvRoot, old), pyenvVersion(t, pyenvRoot, fit)
	shim := filepath.Join(pyenvRoot, "shims", filepath.Base(fit.Path))
	if _, err := os.Stat(shim); err != nil {
		t.Skip("pyenv has no shim for", fit, err)
	}
	dir, root := machineCheckout(t, "")
	// Only the old version selected: the fitting one's shim cannot run.
	env := environ.List{"PATH=" + filepath.Dir(shim) + ":" + filepath.Dir(pyenv) + ":/usr/bin:/bin", "HOME=" + t.TempDir(),
		"PYENV_ROOT=" + pyenvRoot, "PYENV_VERSION=" + oldVer, "GHW_CHROOT=" + root, "OT_PYTHON_CMD=" + filepath.Base(fit.Path)}
	code, got := runApplet(t, "install.sh", dir, linuxHost, env)
	if code == 0 {
		t.Fatalf("install.sh succeeded with a shim pyenv cannot run:\n%s", got)
	}
	noVenv(t, dir)
	for _, want := range []string{
		"is pyenv's shim " + shim + ", which pyenv cannot run (\"pyenv: " + filepath.Base(fit.Path) + ": command not found\")",
		"pyenv versions",
		"pyenv global " + fitVer,
		"OT_PYTHON_CMD=" + filepath.Join(pyenvRoot, "versions", fitVer, "bin", filepath.Base(fit.Path)) + " ./install.sh",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
}

// pyenvVersion is the pyenv version py belongs to; the test skips when it
// is none of pyenv's.
func pyenvVersion(t *testing.T, pyenvRoot string, py testkit.Python) string {
	t.Helper()
	rel, err := filepath.Rel(filepath.Join(pyenvRoot, "versions"), py.Path)
	if err != nil || strings.HasPrefix(rel, "..") {
		t.Skipf("%s is not one of pyenv's", py)
	}
	v, _, _ := strings.Cut(rel, "/")
	return v
}

// macSysctl writes a stand-in for macOS's sysctl (there is no Mac here)
// answering `sysctl -n hw.optional.arm64` as the real one does: 1 on Apple
// silicon, also under Rosetta; on an Intel Mac the name is unknown and it
// fails. Each question is noted in the file it returns.
func macSysctl(t *testing.T, bin string, appleSilicon bool) (asked string) {
	t.Helper()
	asked = filepath.Join(t.TempDir(), "asked")
	answer := "echo 1"
	if !appleSilicon {
		answer = "echo 'sysctl: unknown oid '\\''hw.optional.arm64'\\''' >&2; exit 1"
	}
	script := "#!/bin/sh\n# stand-in for macOS's sysctl\necho \"$*\" >> " + asked + "\nif [ \"$*\" = \"-n hw.optional.arm64\" ]; then " + answer + "; else exit 1; fi\n"
	if err := os.WriteFile(filepath.Join(bin, "sysctl"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return asked
}

// Item 2 of issue 34, with stand-ins for what a Mac answers: sysctl (the
// hardware) and the host value (the launcher's own build); the Python is
// real, and its platform.machine() says x86_64 as an Intel Homebrew's or
// a Rosetta terminal's does on Apple silicon. Such a Python is never
// chosen: OT_PYTHON_CMD naming it is refused before anything is made,
// discovery passes it over saying why, and the launcher itself, an amd64
// build there, says once that it runs under Rosetta. On Apple silicon the
// arm64 launcher asks sysctl nothing.
func TestMacRosettaPython(t *testing.T) {
	fit := mustFind(t, 10, 14)
	if out, _ := exec.Command(fit.Path, "-c", "import platform; print(platform.machine())").Output(); strings.TrimSpace(string(out)) != "x86_64" {
		t.Skipf("%s is no x86_64 Python (%s), which this test needs to stand for one under Rosetta", fit, out)
	}
	dir, root := machineCheckout(t, "")
	bin := binWith(t, fit.Path)
	asked := macSysctl(t, bin, true)
	env := environ.List{"PATH=" + bin + ":/nowhere", "HOME=" + t.TempDir(), "GHW_CHROOT=" + root}
	rosetta := host.Host{GOOS: "darwin", GOARCH: "amd64"}

	code, got := runApplet(t, "install.sh", dir, rosetta, append(env, "OT_PYTHON_CMD="+filepath.Base(fit.Path)))
	if code == 0 {
		t.Fatalf("install.sh succeeded with an x86_64 Python on Apple silicon:\n%s", got)
	}
	noVenv(t, dir)
	for _, want := range []string{
		"is an x86_64 Python, which runs under Rosetta on this Mac's Apple silicon",
		"PyTorch publishes no macOS wheels for x86_64",
		"This launcher is the macOS x86_64 (amd64) build, running under Rosetta",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("OT_PYTHON_CMD: no %q in:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "This launcher is the macOS x86_64"); n != 1 {
		t.Errorf("the launcher's Rosetta said %d times:\n%s", n, got)
	}
	code, got = runApplet(t, "install.sh", dir, rosetta, env)
	if code == 0 || !strings.Contains(got, "Python "+strings.TrimPrefix(fit.String(), "Python ")[:4]) || !strings.Contains(got, "for x86_64, which runs under Rosetta") {
		t.Errorf("discovery (exit %d) does not pass it over saying why:\n%s", code, got)
	}
	noVenv(t, dir)

	// An arm64 launcher is on Apple silicon: nothing asked, and the same
	// Python is passed over all the same.
	os.Remove(asked)
	code, got = runApplet(t, "install.sh", dir, macHost, env)
	if code == 0 || !strings.Contains(got, "for x86_64, which runs under Rosetta") || strings.Contains(got, "This launcher is the macOS x86_64") {
		t.Errorf("arm64 launcher (exit %d):\n%s", code, got)
	}
	if b, err := os.ReadFile(asked); err == nil {
		t.Errorf("the arm64 launcher asked sysctl %q", b)
	}
	noVenv(t, dir)
}

// smallDisk mounts a real tmpfs of the size given ("4m") for the test,
// where the test runs as root and may mount; else it skips, saying so.
func smallDisk(t *testing.T, sz string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("a small filesystem needs a mount, which needs root; this test runs as uid", os.Geteuid())
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+sz, "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs of "+sz+" here (%v: %s)", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	return mnt
}

// Item 5 of issue 34, on a real 4 MiB filesystem: before the install the
// launcher warns that the env's filesystem has less room than the install
// needs, with the numbers; the venv's creation then runs out of space
// (ensurepip's pip does not fit), and that is named as such — which
// filesystem, how much is free — with the ways.
func TestSmallDisk(t *testing.T) {
	py := mustFind(t, 10, 14)
	mnt := smallDisk(t, "4m")
	dir, root := machineCheckout(t, "")
	env := environ.List{"PATH=" + binWith(t, py.Path) + ":/usr/bin:/bin", "HOME=" + t.TempDir(), "GHW_CHROOT=" + root,
		"OT_PYTHON_CMD=" + filepath.Base(py.Path), "OT_PYTHON_VENV=" + filepath.Join(mnt, "venv")}
	code, got := runApplet(t, "install.sh", dir, linuxHost, env)
	if code == 0 {
		t.Fatalf("install.sh succeeded on a 4 MiB filesystem:\n%s", got)
	}
	warn, making := strings.Index(got, "may run out of disk space"), strings.Index(got, "Creating Python Venv")
	if warn < 0 || making < 0 || warn > making {
		t.Errorf("no warning before the venv is made:\n%s", got)
	}
	for _, want := range []string{
		"environment in \"" + filepath.Join(mnt, "venv") + "\" needs about 4.0 GiB, and " + mnt + " has ",
		"The disk ran out of space (the filesystem is all but full): the venv (" + filepath.Join(mnt, "venv") + ", on the filesystem mounted at " + mnt + ": ",
		"TMPDIR=/path/on/a/bigger/disk ./install.sh",
		"PIP_NO_CACHE_DIR=1 ./install.sh",
		"OT_PYTHON_VENV=/path/on/a/bigger/disk/venv ./install.sh",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
}

// Item 5 of issue 34: pip running out of space on a real small
// filesystem (a 40 MiB tmpfs that holds the venv and pip, but not the
// 48 MiB the requirement unpacks to; real pip, offline) is named as such:
// which filesystem, what is free, the ways — not only pip's status.
func TestPipRunsOutOfSpace(t *testing.T) {
	py := mustFind(t, 10, 14)
	wheels := t.TempDir()
	for _, w := range testkit.BundledWheels(testkit.Pythons()...) {
		os.Symlink(w, filepath.Join(wheels, filepath.Base(w)))
	}
	// Incompressible data, so that the wheel is as big as what it unpacks to.
	data := make([]byte, 48<<20)
	x := uint64(88172645463325252)
	for i := range data {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		data[i] = byte(x)
	}
	if _, err := testkit.BuildWheel(wheels, "bigpkg", "1.0", map[string]string{"bigpkg/__init__.py": "", "bigpkg/blob.bin": string(data)}); err != nil {
		t.Fatal(err)
	}
	mnt := smallDisk(t, "40m")
	dir, root := machineCheckout(t, "")
	os.WriteFile(filepath.Join(dir, "requirements-default.txt"), []byte("bigpkg\n"), 0o644)
	env := environ.List{"PATH=" + binWith(t, py.Path) + ":/usr/bin:/bin", "HOME=" + t.TempDir(), "GHW_CHROOT=" + root,
		"OT_PYTHON_CMD=" + filepath.Base(py.Path), "OT_PYTHON_VENV=" + filepath.Join(mnt, "venv"),
		"PIP_NO_INDEX=1", "PIP_FIND_LINKS=" + wheels, "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_CACHE_DIR=1"}
	code, got := runApplet(t, "install.sh", dir, linuxHost, env)
	if code == 0 {
		t.Fatalf("install.sh succeeded on a 40 MiB filesystem:\n%s", got)
	}
	for _, want := range []string{
		"Installing the requirements failed: the disk ran out of space (",
		"the Python Venv environment in \"" + filepath.Join(mnt, "venv") + "\" (on the filesystem mounted at " + mnt + ": ",
		"TMPDIR=/path/on/a/bigger/disk ./install.sh",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
}

// Item 1 of issue 34: start-ui.sh on Linux with neither DISPLAY nor
// WAYLAND_DISPLAY warns before it starts the UI, naming the ways (training
// with run-cmd.sh, ssh -X/-Y, xvfb-run, the cloud trainer), and still
// starts it; with a display, on macOS, and for run-cmd.sh it says nothing
// of displays.
func TestNoDisplay(t *testing.T) {
	py := mustFind(t, 10, 14)
	dir, root := machineCheckout(t, "")
	os.WriteFile(filepath.Join(dir, "scripts", "train.py"), nil, 0o644)
	if out, err := exec.Command(py.Path, "-m", "venv", "--without-pip", filepath.Join(dir, ".venv")).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	env := environ.List{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "GHW_CHROOT=" + root}
	for _, tc := range []struct {
		name, applet string
		h            host.Host
		env          []string
		warn         bool
	}{
		{"linux without a display", "start-ui.sh", linuxHost, nil, true},
		{"an empty DISPLAY", "start-ui.sh", linuxHost, []string{"DISPLAY="}, true},
		{"X11", "start-ui.sh", linuxHost, []string{"DISPLAY=:0"}, false},
		{"Wayland", "start-ui.sh", linuxHost, []string{"WAYLAND_DISPLAY=wayland-0"}, false},
		{"macOS", "start-ui.sh", macHost, nil, false},
		{"run-cmd.sh", "run-cmd.sh", linuxHost, nil, false},
	} {
		var args []string
		if tc.applet == "run-cmd.sh" {
			args = []string{"train", "--config-path", "x.json"}
		}
		var o bytes.Buffer
		cmd, _ := Lookup(tc.applet)
		execed := -1
		inv := Invocation{Dir: dir, Env: append(append(environ.List{}, env...), tc.env...), Host: tc.h, Stdio: proc.Stdio{Out: &o, Err: &o},
			Exec: func(d, path string, argv, e []string) (int, error) { execed = o.Len(); return 0, nil }}
		if code := Run(context.Background(), cmd, inv, args); code != 0 || execed < 0 {
			t.Fatalf("%s: exit %d, the UI started: %v\n%s", tc.name, code, execed >= 0, o.String())
		}
		got := o.String()
		at := strings.Index(got, "No display: neither DISPLAY nor WAYLAND_DISPLAY is set")
		if !tc.warn {
			if strings.Contains(got, "DISPLAY") {
				t.Errorf("%s: said something of displays:\n%s", tc.name, got)
			}
			continue
		}
		if at < 0 || at > execed {
			t.Errorf("%s: no warning before the UI starts:\n%s", tc.name, got)
		}
		for _, want := range []string{"Starting it anyway", "./run-cmd.sh train --config-path", "ssh -X", "ssh -Y", "xvfb-run", "cloud trainer"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: no %q in:\n%s", tc.name, want, got)
			}
		}
	}
}

// nvidiaSMI writes a stand-in for nvidia-smi (no GPU can be had here)
// under the machine root's /usr/bin: without arguments it prints a real
// banner (gpu/testdata: driver 580, CUDA 13.0); asked
// --query-gpu=name,compute_cap --format=csv,noheader it prints one
// "NAME, X.Y" line per GPU, as the real one does.
func nvidiaSMI(t *testing.T, root string, cards ...string) {
	t.Helper()
	banner, err := os.ReadFile(filepath.Join("..", "gpu", "testdata", "smi-580-cuda13.0.txt"))
	if err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\n# stand-in for nvidia-smi\nif [ \"$*\" = \"--query-gpu=name,compute_cap --format=csv,noheader\" ]; then\ncat <<'EOF'\n" +
		strings.Join(cards, "\n") + "\nEOF\nexit 0\nfi\ncat <<'EOF'\n" + string(banner) + "EOF\n"
	os.MkdirAll(filepath.Join(root, "usr", "bin"), 0o755)
	if err := os.WriteFile(filepath.Join(root, "usr", "bin", "nvidia-smi"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

// Each item of issue 34 is a doctor finding too, found without making
// anything: the display state, a Python without its modules named as the
// reason no venv can be made, the GPUs' compute capabilities with a
// pre-Turing card under the CUDA 13 choice a problem, and a small disk
// where the env is to be made.
func TestDoctorMachineFindings(t *testing.T) {
	py := mustFind(t, 12, 13)
	pyenvRoot := t.TempDir()
	exe := pythonWithout(t, py, pyenvRoot, "_ctypes", "_ssl")
	mnt := smallDisk(t, "4m")
	dir, root := machineCheckout(t, "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n")
	os.WriteFile(filepath.Join(dir, "requirements-cuda-legacy.txt"), nil, 0o644)
	nvidiaSMI(t, root, "NVIDIA GeForce GTX 1080 Ti, 6.1")
	env := environ.List{"PATH=" + filepath.Dir(exe) + ":/usr/bin:/bin", "HOME=" + t.TempDir(), "PYENV_ROOT=" + pyenvRoot, "GHW_CHROOT=" + root,
		"OT_PYTHON_CMD=" + exe, "OT_PYTHON_VENV=" + filepath.Join(mnt, "venv")}
	code, got := runApplet(t, "doctor", dir, linuxHost, env, "--json")
	if code != 1 {
		t.Errorf("doctor: exit %d, want 1 (problems)", code)
	}
	var rep struct {
		Machine struct {
			Display string `json:"display"`
			GPUs    []struct {
				Name              string `json:"name"`
				ComputeCapability string `json:"compute_capability"`
			} `json:"gpus"`
			Disk []struct {
				Path string `json:"path"`
				Free uint64 `json:"free"`
				Need uint64 `json:"need"`
			} `json:"disk"`
		} `json:"machine"`
		Problems []string `json:"problems"`
	}
	if err := json.Unmarshal([]byte(got), &rep); err != nil {
		t.Fatalf("doctor --json: %v\n%s", err, got)
	}
	if rep.Machine.Display != "none (neither DISPLAY nor WAYLAND_DISPLAY is set)" {
		t.Errorf("display: %q", rep.Machine.Display)
	}
	if len(rep.Machine.GPUs) != 1 || rep.Machine.GPUs[0].ComputeCapability != "6.1" {
		t.Errorf("gpus: %+v", rep.Machine.GPUs)
	}
	if len(rep.Machine.Disk) == 0 || rep.Machine.Disk[0].Path != filepath.Join(mnt, "venv") || rep.Machine.Disk[0].Free > 4<<20 || rep.Machine.Disk[0].Need < 1<<30 {
		t.Errorf("disk: %+v", rep.Machine.Disk)
	}
	problems := strings.Join(rep.Problems, "\n")
	for _, want := range []string{
		"the venv cannot be made: OT_PYTHON_CMD=\"" + exe + "\" (" + exe + ", Python 3.12",
		"was built without _ctypes and _ssl",
		"sudo apt install libffi-dev libssl-dev",
		"NVIDIA GeForce GTX 1080 Ti (compute capability 6.1): CUDA 13",
		"OT_PLATFORM_REQUIREMENTS=requirements-cuda-legacy.txt ./install.sh",
		"has 4.0 MiB free on the filesystem mounted at " + mnt,
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("no %q in the problems:\n%s", want, problems)
		}
	}
	if _, err := os.Lstat(filepath.Join(mnt, "venv")); err == nil {
		t.Errorf("doctor made the venv")
	}
}
