package e2e_test

// Which Python makes the venv when OT_PYTHON_CMD is not set, and the
// advice when none fits: real interpreters laid out as pyenv, uv and a
// distribution lay them out (links to this machine's pyenv installs, and
// hard-linked copies of them), os-release files of Debian, Ubuntu 26.04,
// Fedora and Arch, and a stand-in only for a Python this machine lacks
// (3.14).

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// installOf is a pyenv-built Python's folder (…/versions/3.12.1), or "".
func installOf(py testkit.Python) string {
	dir := filepath.Dir(filepath.Dir(py.Path))
	if _, err := os.Stat(filepath.Join(dir, "lib", "python3."+itoa(py.Minor), "os.py")); err != nil {
		return ""
	}
	return dir
}

func itoa(n int) string { return strconv.Itoa(n) }

// pythonsByMinor finds this machine's Pythons with an install folder.
func pythonsByMinor(t *testing.T, minors ...int) map[int]testkit.Python {
	t.Helper()
	found := map[int]testkit.Python{}
	for _, py := range testkit.Pythons() {
		if py.Major == 3 && installOf(py) != "" {
			found[py.Minor] = py
		}
	}
	for _, m := range minors {
		if _, ok := found[m]; !ok {
			t.Skipf("no Python 3.%d with its install folder here (pyenv's): found %v", m, found)
		}
	}
	return found
}

// copyPython makes a copy of py's install folder (hard links, on the same
// file system) whose file changes do not touch the original; drop lists
// paths inside it to remove. It returns the copy's python3.X.
func copyPython(t *testing.T, py testkit.Python, drop ...string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(installOf(py)))
	if out, err := exec.Command("cp", "-al", installOf(py), dst).CombinedOutput(); err != nil {
		if out, err = exec.Command("cp", "-a", installOf(py), dst).CombinedOutput(); err != nil {
			t.Fatalf("copying %s: %v\n%s", installOf(py), err, out)
		}
	}
	for _, d := range drop {
		if err := os.RemoveAll(filepath.Join(dst, d)); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dst, "bin", "python3."+itoa(py.Minor))
}

// versionStandin is a STAND-IN for a Python this machine lacks: it answers
// the launcher's question (its version, that it is no virtualenv's, that
// it has venv and ensurepip) as such a Python would, and nothing else.
func versionStandin(t *testing.T, path, version string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	writeExec(t, path, "#!/bin/sh\n# A STAND-IN for Python "+version+": it only answers the launcher's version question.\nprintf '%s\\nbase\\n\\n' '"+version+"'\n")
}

func osRelease(t *testing.T, root, text string) {
	t.Helper()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	if err := os.WriteFile(filepath.Join(root, "etc", "os-release"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

const (
	debian12  = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"
	ubuntu26  = "PRETTY_NAME=\"Ubuntu 26.04 LTS\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"26.04\"\n"
	fedora41  = "PRETTY_NAME=\"Fedora Linux 41 (Workstation Edition)\"\nID=fedora\nVERSION_ID=41\n"
	archLinux = "PRETTY_NAME=\"Arch Linux\"\nID=arch\n"
)

// pythonCase runs install.sh in a fresh checkout with PATH only bin, HOME
// home and GHW_CHROOT root, OT_PYTHON_CMD unset, and a platform file that
// does not exist, so that nothing is made after the Python is chosen.
func pythonCase(t *testing.T, bin, home, root string, env ...string) (int, string, string, string) {
	t.Helper()
	co := linkedCheckout(t)
	all := append([]string{"PATH=" + bin, "HOME=" + home, "GHW_CHROOT=" + root, "OT_PYTHON_CMD=",
		"OT_PLATFORM_REQUIREMENTS=requirements-none.txt"}, env...)
	code, stdout, stderr := launch(t, co, "install.sh", all)
	return code, stdout, stderr, co
}

func TestDiscoversPythons(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	pys := pythonsByMinor(t, 9, 12, 13)
	root := t.TempDir()

	// Only a Python 3.9 as python3 on PATH, pyenv holding the others: the
	// newest in the bounds, pyenv's 3.13, with where it was found and why
	// the ones before it were passed over.
	t.Run("pyenv", func(t *testing.T) {
		bin, home := t.TempDir(), t.TempDir()
		os.Symlink(pys[9].Path, filepath.Join(bin, "python3"))
		versions := filepath.Join(home, ".pyenv", "versions")
		os.MkdirAll(versions, 0o755)
		for _, m := range []int{12, 13} {
			os.Symlink(installOf(pys[m]), filepath.Join(versions, filepath.Base(installOf(pys[m]))))
		}
		code, stdout, stderr, co := pythonCase(t, bin, home, root)
		want := "Using " + filepath.Join(versions, filepath.Base(installOf(pys[13])), "bin", "python3.13") + " (pyenv, Python 3.13."
		if code != 1 || !strings.Contains(stdout, want) || !strings.Contains(stdout, "passing over python: not on PATH; python3 ("+filepath.Join(bin, "python3")+", on PATH): Python 3.9.") ||
			!strings.Contains(stderr, "requirements-none.txt") {
			t.Errorf("%d\n%s\n%s", code, stdout, stderr)
		}
		if _, err := os.Stat(filepath.Join(co, ".venv")); err == nil {
			t.Error("a venv was made although the platform file is missing")
		}
	})

	// uv's managed Pythons (UV_PYTHON_INSTALL_DIR), under uv's names.
	t.Run("uv", func(t *testing.T) {
		bin, home := t.TempDir(), t.TempDir()
		os.Symlink(pys[9].Path, filepath.Join(bin, "python3"))
		uv := t.TempDir()
		os.Symlink(installOf(pys[12]), filepath.Join(uv, "cpython-3.12.1-linux-x86_64-gnu"))
		code, stdout, stderr, _ := pythonCase(t, bin, home, root, "UV_PYTHON_INSTALL_DIR="+uv)
		if code != 1 || !strings.Contains(stdout, "cpython-3.12.1-linux-x86_64-gnu/bin/python3.12 (uv, Python 3.12.") {
			t.Errorf("%d\n%s\n%s", code, stdout, stderr)
		}
	})

	// A virtualenv's python is no base for a new venv: passed over, with
	// the reason.
	t.Run("virtualenv", func(t *testing.T) {
		bin, home := t.TempDir(), t.TempDir()
		venv := filepath.Join(t.TempDir(), "other-venv")
		if out, err := exec.Command(pys[13].Path, "-m", "venv", "--without-pip", venv).CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		// An activated venv: its bin first on PATH.
		os.Symlink(pys[12].Path, filepath.Join(bin, "python3.12"))
		code, stdout, stderr, _ := pythonCase(t, filepath.Join(venv, "bin")+":"+bin, home, root)
		if code != 1 || !strings.Contains(stdout, "Using python3.12 ("+filepath.Join(bin, "python3.12")+", on PATH, Python 3.12.") ||
			!strings.Contains(stdout, "python ("+filepath.Join(venv, "bin", "python")+", on PATH): Python 3.13.0 of a virtualenv, which is no base for a new venv") {
			t.Errorf("%d\n%s\n%s", code, stdout, stderr)
		}
	})

	// Debian's case: a python3.12 without ensurepip (it ships in
	// python3.12-venv) is passed over for one that has it; alone, it gets
	// the package to install.
	noEnsurepip := copyPython(t, pys[12], "lib/python3.12/ensurepip")
	t.Run("no ensurepip, another fits", func(t *testing.T) {
		bin, home := t.TempDir(), t.TempDir()
		os.Symlink(noEnsurepip, filepath.Join(bin, "python3.12"))
		os.Symlink(pys[13].Path, filepath.Join(bin, "python3.13"))
		os.Symlink(pys[9].Path, filepath.Join(bin, "python3"))
		code, stdout, stderr, _ := pythonCase(t, bin, home, root)
		if code != 1 || !strings.Contains(stdout, "Using python3.13 ("+filepath.Join(bin, "python3.13")+", on PATH, Python 3.13.") ||
			!strings.Contains(stdout, "python3.12 ("+filepath.Join(bin, "python3.12")+", on PATH): Python 3.12.1 without ensurepip, so it cannot make a venv with pip") {
			t.Errorf("%d\n%s\n%s", code, stdout, stderr)
		}
	})
	t.Run("no ensurepip on Debian", func(t *testing.T) {
		bin, home, deb := t.TempDir(), t.TempDir(), t.TempDir()
		osRelease(t, deb, debian12)
		os.Symlink(noEnsurepip, filepath.Join(bin, "python3.12"))
		os.Symlink(pys[9].Path, filepath.Join(bin, "python3"))
		code, stdout, stderr, co := pythonCase(t, bin, home, deb)
		for _, want := range []string{
			"Error: No Python >= 3.10 and < 3.14 that can make a venv was found. Found: python: not on PATH; python3 (" + filepath.Join(bin, "python3") + ", on PATH): Python 3.9.",
			"python3.12 (" + filepath.Join(bin, "python3.12") + ", on PATH): Python 3.12.1 without ensurepip, so it cannot make a venv with pip",
			"[OneTrainer] Debian GNU/Linux 12 (bookworm) ships ensurepip apart from Python: sudo apt install python3.12-venv\n",
			"[OneTrainer] On Debian GNU/Linux 12 (bookworm): sudo apt install python3.11 python3.11-venv\n",
			"[OneTrainer] With uv (https://docs.astral.sh/uv/): uv python install 3.13\n",
		} {
			if !strings.Contains(stderr, want) {
				t.Errorf("no %q in:\n%s", want, stderr)
			}
		}
		if code != 1 || strings.Contains(stderr, "<version>") {
			t.Errorf("%d\n%s\n%s", code, stdout, stderr)
		}
		if _, err := os.Stat(filepath.Join(co, ".venv")); err == nil {
			t.Error("a venv was made")
		}
	})
	// Set by the user, it is refused before anything is made.
	t.Run("OT_PYTHON_CMD without ensurepip", func(t *testing.T) {
		deb := t.TempDir()
		osRelease(t, deb, debian12)
		co := linkedCheckout(t)
		code, stdout, stderr := launch(t, co, "install.sh", []string{"OT_PYTHON_CMD=" + noEnsurepip, "GHW_CHROOT=" + deb})
		if code != 1 || !errorLine(stderr, `OT_PYTHON_CMD="`+noEnsurepip+`" (`+noEnsurepip+`, Python 3.12.1) cannot make a venv with pip: it has no ensurepip`) ||
			!strings.Contains(stderr, "sudo apt install python3.12-venv") || !strings.Contains(stderr, "Nothing was created.") {
			t.Errorf("%d\n%s\n%s", code, stdout, stderr)
		}
		if _, err := os.Stat(filepath.Join(co, ".venv")); err == nil {
			t.Error("a venv was made")
		}
	})

	// Ubuntu 26.04 ships 3.14: its own sentence, and the real version to
	// install beside it.
	t.Run("Ubuntu 26.04", func(t *testing.T) {
		bin, home, ub := t.TempDir(), t.TempDir(), t.TempDir()
		osRelease(t, ub, ubuntu26)
		versionStandin(t, filepath.Join(bin, "python3"), "3.14.0")
		code, _, stderr, _ := pythonCase(t, bin, home, ub)
		for _, want := range []string{"python3 (" + filepath.Join(bin, "python3") + ", on PATH): Python 3.14.0, outside >= 3.10 and < 3.14",
			"[OneTrainer] Solution: OneTrainer needs a Python >= 3.10 and < 3.14 to make its venv. Ubuntu 26.04's own Python is 3.14, which OneTrainer does not support yet: install 3.13 beside it this way:\n",
			"uv python install 3.13"} {
			if code != 1 || !strings.Contains(stderr, want) {
				t.Errorf("no %q in:\n%s", want, stderr)
			}
		}
	})
	for _, tc := range []struct{ name, release, want string }{
		{"Fedora", fedora41, "[OneTrainer] On Fedora Linux 41 (Workstation Edition): sudo dnf install python3.13\n"},
		{"Arch", archLinux, "[OneTrainer] Solution: OneTrainer needs a Python >= 3.10 and < 3.14 to make its venv. Arch Linux's python package is the newest Python only: install 3.13 beside it this way:\n[OneTrainer] With uv (https://docs.astral.sh/uv/): uv python install 3.13\n[OneTrainer] The launcher finds a Python installed this way on the next run"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin, home, r := t.TempDir(), t.TempDir(), t.TempDir()
			osRelease(t, r, tc.release)
			os.Symlink(pys[9].Path, filepath.Join(bin, "python3"))
			code, _, stderr, _ := pythonCase(t, bin, home, r)
			if code != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("%d, no %q in:\n%s", code, tc.want, stderr)
			}
		})
	}
	// With conda there (its stand-in) and a venv preferred, conda's own
	// Python is the way around, named with where conda is; without conda,
	// how to get it. Either way, the exact command.
	t.Run("conda", func(t *testing.T) {
		bin, home := t.TempDir(), t.TempDir()
		os.Symlink(pys[9].Path, filepath.Join(bin, "python3"))
		conda, _ := os.ReadFile(s.conda)
		writeExec(t, filepath.Join(bin, "conda"), string(conda))
		code, _, stderr, _ := pythonCase(t, bin, home, root, "OT_PREFER_VENV=true")
		if code != 1 || !strings.Contains(stderr, "[OneTrainer] Or use conda, which is installed ("+filepath.Join(bin, "conda")+") and brings its own Python 3.13: run OT_PREFER_VENV=false ./install.sh, and keep OT_PREFER_VENV=false for every launch after it") {
			t.Errorf("%d\n%s", code, stderr)
		}
	})
	t.Run("no conda", func(t *testing.T) {
		bin, home := t.TempDir(), t.TempDir()
		os.Symlink(pys[9].Path, filepath.Join(bin, "python3"))
		code, _, stderr, _ := pythonCase(t, bin, home, root, "OT_PREFER_VENV=true")
		if code != 1 || !strings.Contains(stderr, `[OneTrainer] Or use conda, which brings its own Python 3.13: conda is not installed ("conda" is not on PATH); install Miniconda (https://docs.anaconda.com/miniconda/), then run OT_PREFER_VENV=false ./install.sh`) {
			t.Errorf("%d\n%s", code, stderr)
		}
	})
}

// A venv python -m venv left half-made — cut short inside its ensurepip,
// or failing there — is made again by the next run, which says so; it
// then gets its requirements.
func TestHalfMadeVenv(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	pys := pythonsByMinor(t, 12)
	t.Run("killed", func(t *testing.T) {
		co := linkedCheckout(t)
		cmd := exec.Command("./install.sh")
		cmd.Dir = co
		cmd.Env = append(os.Environ(), "OT_PYTHON_CMD="+pys[12].Path, "PIP_NO_INDEX=1", "PIP_FIND_LINKS="+s.wheels, "HOME="+t.TempDir())
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			if _, err := os.Stat(filepath.Join(co, ".venv", "bin", "python")); err == nil {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		if _, err := os.Stat(filepath.Join(co, ".venv", "bin", "activate")); err == nil {
			t.Skip("venv finished before the kill landed: no half-made venv to finish")
		}
		code, stdout, stderr := launch(t, co, "install.sh", []string{"OT_PYTHON_CMD=" + pys[12].Path})
		if code != 0 || !strings.Contains(stdout, `The venv in ".venv" was left half-made by an earlier launch`) {
			t.Errorf("%d\n%s\n%s", code, stdout, stderr)
		}
		if _, err := os.Stat(filepath.Join(co, ".venv", "bin", "activate")); err != nil {
			t.Errorf("the venv is still half-made: %v", err)
		}
	})
	t.Run("ensurepip fails", func(t *testing.T) {
		// A Python whose ensurepip is there but whose bundled pip is
		// broken: found out only when venv runs it.
		broken := copyPython(t, pys[12])
		wheels, _ := filepath.Glob(filepath.Join(filepath.Dir(filepath.Dir(broken)), "lib", "python3.12", "ensurepip", "_bundled", "pip-*.whl"))
		if len(wheels) == 0 {
			t.Skip("this Python carries no bundled pip wheel to break")
		}
		for _, w := range wheels {
			os.Remove(w)
			os.WriteFile(w, []byte("not a wheel"), 0o644)
		}
		co := linkedCheckout(t)
		code, stdout, stderr := launch(t, co, "install.sh", []string{"OT_PYTHON_CMD=" + broken})
		if code == 0 || !errorLine(stderr, `Making the venv in ".venv" with `+broken+` failed (exit status`) ||
			!strings.Contains(stderr, "The half-made venv is kept, as the launcher's; the next ./install.sh") {
			t.Errorf("%d\n%s\n%s", code, stdout, stderr)
		}
		code, stdout, stderr = launch(t, co, "install.sh", []string{"OT_PYTHON_CMD=" + pys[12].Path})
		if code != 0 || !strings.Contains(stdout, "was left half-made by an earlier launch") {
			t.Errorf("the next run: %d\n%s\n%s", code, stdout, stderr)
		}
	})
}

// OT_PYTHON_CMD into a Python this user may not reach is named as a
// permission problem, never as one that does not exist.
func TestPythonCmdPermission(t *testing.T) {
	t.Parallel()
	needAnotherUser(t)
	base := t.TempDir()
	openUp(t, base)
	private := filepath.Join(base, "rootpyenv")
	os.MkdirAll(filepath.Join(private, "bin"), 0o755)
	os.Chmod(private, 0o700)
	py := filepath.Join(private, "bin", "python3")
	os.Symlink(s.python.Path, py)
	co := filepath.Join(base, "co")
	if err := writeCheckout(co, false, true); err != nil {
		t.Fatal(err)
	}
	os.Chmod(co, 0o777)
	code, out := runAs(t, co, "install.sh", []string{"OT_PYTHON_CMD=" + py})
	if code != 1 || strings.Contains(out, "does not exist") || !strings.Contains(out, `Python command "`+py+`" cannot be used: `) ||
		!strings.Contains(out, private+" (owned by root, mode drwx------) cannot be entered by user") {
		t.Errorf("%d\n%s", code, out)
	}
}

// The UI's needs are known before it starts: Qt's xcb library on an X11
// session (a library folder with and without it), Tk in the env's Python
// (a copy of a Python with _tkinter removed).
func TestUIChecks(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	qt := func(t *testing.T) string {
		co := linkedCheckout(t)
		if err := testkit.WriteFramework(co); err != nil {
			t.Fatal(err)
		}
		kept := filepath.Join(co, ".onetrainer-launcher", "upstream", "start-ui.sh")
		os.WriteFile(kept, []byte(strings.Replace(testkit.FrameworkScript("start-ui.sh"), "scripts/train_ui.py", "scripts/train_ui_qt.py", 1)), 0o755)
		os.WriteFile(filepath.Join(co, "scripts", "train_ui_qt.py"), []byte(recorder), 0o644)
		return co
	}
	without, with := t.TempDir(), t.TempDir()
	osRelease(t, without, debian12)
	os.MkdirAll(filepath.Join(with, "usr", "lib", "x86_64-linux-gnu"), 0o755)
	os.WriteFile(filepath.Join(with, "usr", "lib", "x86_64-linux-gnu", "libxcb-cursor.so.0"), nil, 0o644)
	t.Run("Qt without libxcb-cursor", func(t *testing.T) {
		co := qt(t)
		code, stdout, stderr := launch(t, co, "install.sh", []string{"GHW_CHROOT=" + without, "DISPLAY=:0"})
		want := "Warning: The UI (scripts/train_ui_qt.py) may not open: libxcb-cursor.so.0 is missing: Qt's xcb platform plugin cannot load without it"
		if code != 0 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "To fix it: sudo apt install libxcb-cursor0") {
			t.Errorf("%d\n%s\n%s", code, stdout, stderr)
		}
		// On Wayland the xcb plugin is not used.
		code, _, stderr = launch(t, co, "start-ui.sh", []string{"GHW_CHROOT=" + without, "DISPLAY=:0", "WAYLAND_DISPLAY=wayland-0"})
		if code != 0 || strings.Contains(stderr, "libxcb-cursor") {
			t.Errorf("wayland: %d\n%s", code, stderr)
		}
		// The library in LD_LIBRARY_PATH counts.
		lib := t.TempDir()
		os.WriteFile(filepath.Join(lib, "libxcb-cursor.so.0"), nil, 0o644)
		code, _, stderr = launch(t, co, "start-ui.sh", []string{"GHW_CHROOT=" + without, "DISPLAY=:0", "LD_LIBRARY_PATH=" + lib})
		if code != 0 || strings.Contains(stderr, "libxcb-cursor") {
			t.Errorf("LD_LIBRARY_PATH: %d\n%s", code, stderr)
		}
		out, _ := exec.Command(s.launcher, "-C", co, "doctor", "--json").Output()
		if !strings.Contains(string(out), `"kind": "Qt"`) {
			t.Errorf("doctor: %s", out)
		}
	})
	t.Run("Qt with libxcb-cursor", func(t *testing.T) {
		co := qt(t)
		code, stdout, stderr := launch(t, co, "install.sh", []string{"GHW_CHROOT=" + with, "DISPLAY=:0"})
		if code != 0 || strings.Contains(stderr, "libxcb-cursor") {
			t.Errorf("%d\n%s\n%s", code, stdout, stderr)
		}
	})
	t.Run("Tk without _tkinter", func(t *testing.T) {
		pys := pythonsByMinor(t, 12)
		install := installOf(pys[12])
		mods, _ := filepath.Glob(filepath.Join(install, "lib", "python3.12", "lib-dynload", "_tkinter*.so"))
		if len(mods) == 0 {
			t.Skip("this Python has no _tkinter to take away")
		}
		noTk := copyPython(t, pys[12], strings.TrimPrefix(mods[0], install+"/"))
		co := linkedCheckout(t)
		if err := testkit.WriteFramework(co); err != nil {
			t.Fatal(err)
		}
		kept := filepath.Join(co, ".onetrainer-launcher", "upstream", "start-ui.sh")
		os.WriteFile(kept, []byte(strings.Replace(testkit.FrameworkScript("start-ui.sh"), "scripts/train_ui.py", "scripts/train_ui_ctk.py", 1)), 0o755)
		os.WriteFile(filepath.Join(co, "scripts", "train_ui_ctk.py"), []byte(recorder), 0o644)
		code, stdout, stderr := launch(t, co, "install.sh", []string{"OT_PYTHON_CMD=" + noTk})
		if code != 0 || !strings.Contains(stderr, "may not open: _tkinter is missing: the Tk UI cannot start without Python's Tk support") {
			t.Errorf("%d\n%s\n%s", code, stdout, stderr)
		}
		// Remembered: start-ui warns without starting Python for it.
		code, stdout, stderr = launch(t, co, "start-ui.sh", []string{"OT_PYTHON_CMD=" + noTk})
		if code != 0 || !strings.Contains(stderr, "_tkinter is missing") {
			t.Errorf("start-ui: %d\n%s\n%s", code, stdout, stderr)
		}
	})
}

// A set OT_PYTHON_CMD is asked what it is only when a venv is made: a warm
// launch checks that it exists, as the original scripts did, and runs no
// Python but the env's. The Python is a logging wrapper around the real one.
func TestWarmLaunchAsksNoHostPython(t *testing.T) {
	t.Parallel()
	dir := linkedCheckout(t)
	calls := filepath.Join(t.TempDir(), "calls")
	wrapper := filepath.Join(t.TempDir(), "python3")
	if err := os.WriteFile(wrapper, []byte("#!/bin/sh\necho \"$@\" >>"+calls+"\nexec "+s.python.Path+" \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"OT_PYTHON_CMD=" + wrapper, "TEST_OUT=" + t.TempDir()}
	if code, o, e := launch(t, dir, "install.sh", env); code != 0 {
		t.Fatalf("install: exit %d\n%s\n%s", code, o, e)
	}
	made, err := os.ReadFile(calls)
	if err != nil || !strings.Contains(string(made), "-m venv") {
		t.Fatalf("the install did not make the venv with OT_PYTHON_CMD (%v): %q", err, made)
	}
	for _, script := range []string{"start-ui.sh", "run-cmd.sh"} {
		args := []string{}
		if script == "run-cmd.sh" {
			args = []string{"train"}
		}
		if code, o, e := launch(t, dir, script, env, args...); code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", script, code, o, e)
		}
	}
	after, _ := os.ReadFile(calls)
	if string(after) != string(made) {
		t.Errorf("warm launches ran OT_PYTHON_CMD:\n%s", strings.TrimPrefix(string(after), string(made)))
	}
	// It must still exist, as in the original scripts.
	gone := []string{"OT_PYTHON_CMD=" + wrapper + "-gone"}
	if code, _, e := launch(t, dir, "start-ui.sh", gone); code != 1 || !strings.Contains(e, "does not exist on your system") {
		t.Errorf("a missing OT_PYTHON_CMD with a ready venv: exit %d\n%s", code, e)
	}
}
