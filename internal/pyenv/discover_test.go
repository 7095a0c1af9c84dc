package pyenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyversion"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/settings"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// Where each tool keeps its Pythons, found by the one host value: macOS's
// Homebrew and python.org folders only on a Mac (read under GHW_CHROOT),
// pyenv's, uv's, mise's and asdf's everywhere, each executable once.
func TestDiscoverPlaces(t *testing.T) {
	root, home, bin := t.TempDir(), t.TempDir(), t.TempDir()
	exe := func(p string) {
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755)
	}
	exe(filepath.Join(bin, "python3"))
	exe(filepath.Join(bin, "python3.11"))
	exe(filepath.Join(bin, "python3.11-config"))
	exe(filepath.Join(home, ".pyenv", "versions", "3.12.1", "bin", "python3.12"))
	exe(filepath.Join(home, ".local", "share", "uv", "python", "cpython-3.13.1-linux-x86_64-gnu", "bin", "python3.13"))
	exe(filepath.Join(home, ".local", "share", "mise", "installs", "python", "3.10.4", "bin", "python3.10"))
	exe(filepath.Join(home, ".asdf", "installs", "python", "3.11.9", "bin", "python3.11"))
	exe(filepath.Join(root, "opt", "homebrew", "opt", "python@3.12", "bin", "python3.12"))
	exe(filepath.Join(root, "usr", "local", "opt", "python@3.11", "bin", "python3.11"))
	exe(filepath.Join(root, "Library", "Frameworks", "Python.framework", "Versions", "3.13", "bin", "python3.13"))
	os.Symlink(filepath.Join(bin, "python3.11"), filepath.Join(bin, "python3.11-again"))
	builtin := upstream.Builtin("/co")
	cfg, _ := settings.Parse(nil, nil, &builtin)
	req := func(h host.Host) Request {
		return Request{Launch: &launch.Launch{Checkout: layout.Open(t.TempDir()), Settings: cfg, Host: h, Root: root,
			Env: environ.List{"PATH=" + bin, "HOME=" + home}}}
	}
	list := func(h host.Host) string {
		var s []string
		for _, c := range discover(req(h), cfg.PythonCmd) {
			s = append(s, strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(c.name, home), root), bin+"/")+"@"+c.where)
		}
		return strings.Join(s, " ")
	}
	linux := "python@ python3@on PATH python3.11@on PATH /.pyenv/versions/3.12.1/bin/python3.12@pyenv " +
		"/.local/share/uv/python/cpython-3.13.1-linux-x86_64-gnu/bin/python3.13@uv /.local/share/mise/installs/python/3.10.4/bin/python3.10@mise " +
		"/.asdf/installs/python/3.11.9/bin/python3.11@asdf"
	if got := list(host.Host{GOOS: "linux", GOARCH: "amd64"}); got != linux {
		t.Errorf("linux:\n%s\nwant\n%s", got, linux)
	}
	mac := list(host.Host{GOOS: "darwin", GOARCH: "arm64"})
	for _, want := range []string{"/opt/homebrew/opt/python@3.12/bin/python3.12@Homebrew", "/usr/local/opt/python@3.11/bin/python3.11@Homebrew",
		"/Library/Frameworks/Python.framework/Versions/3.13/bin/python3.13@python.org"} {
		if !strings.Contains(mac, want) {
			t.Errorf("darwin: no %s in %s", want, mac)
		}
	}
}

// The advice names this machine's own command, with the real version.
func TestAdviceByMachine(t *testing.T) {
	b := pyversion.Range{Lo: pyversion.Version{3, 10}, Hi: pyversion.Version{3, 14}}
	for _, tc := range []struct {
		osr       host.OSRelease
		way, note string
	}{
		{host.OSRelease{ID: "ubuntu", IDLike: "debian", VersionID: "24.04", PrettyName: "Ubuntu 24.04.1 LTS"}, "On Ubuntu 24.04.1 LTS: sudo apt install python3.12 python3.12-venv", ""},
		{host.OSRelease{ID: "ubuntu", VersionID: "22.04", PrettyName: "Ubuntu 22.04.4 LTS"}, "On Ubuntu 22.04.4 LTS: sudo apt install python3.11 python3.11-venv", ""},
		{host.OSRelease{ID: "debian", VersionID: "11", PrettyName: "Debian GNU/Linux 11 (bullseye)"}, "", "Debian GNU/Linux 11 (bullseye) ships no Python >= 3.10 and < 3.14 as a package"},
		{host.OSRelease{ID: "debian", VersionID: "13", PrettyName: "Debian GNU/Linux 13 (trixie)"}, "On Debian GNU/Linux 13 (trixie): sudo apt install python3.13 python3.13-venv", ""},
		{host.OSRelease{ID: "ubuntu", VersionID: "26.04", PrettyName: "Ubuntu 26.04 LTS"}, "", "Ubuntu 26.04's own Python is 3.14, which OneTrainer does not support yet"},
		{host.OSRelease{ID: "arch"}, "", "Arch Linux's python package is the newest Python only"},
		{host.OSRelease{ID: "gentoo"}, "", ""},
	} {
		if way, note := distroFix(tc.osr, b); way != tc.way || note != tc.note {
			t.Errorf("%+v: %q, %q; want %q, %q", tc.osr, way, note, tc.way, tc.note)
		}
	}
	// A checkout whose bounds allow 3.14 takes Ubuntu 26.04's own Python.
	if got, _ := distroFix(host.OSRelease{ID: "ubuntu", VersionID: "26.04", PrettyName: "Ubuntu 26.04 LTS"}, pyversion.Range{Lo: b.Lo, Hi: pyversion.Version{3, 15}}); got != "On Ubuntu 26.04 LTS: sudo apt install python3.14 python3.14-venv" {
		t.Errorf("26.04 with 3.14 allowed: %q", got)
	}
	// On a Mac: Homebrew's formula, or python.org.
	builtin := upstream.Builtin("/co")
	cfg, _ := settings.Parse(nil, nil, &builtin)
	consts, _ := settings.ConstantsOf(&builtin)
	bin := t.TempDir()
	r := Request{Launch: &launch.Launch{Checkout: layout.Open(t.TempDir()), Settings: cfg, Constants: consts, Facts: &builtin,
		Host: host.Host{GOOS: "darwin", GOARCH: "arm64"}, Env: environ.List{"PATH=" + bin, "HOME=" + t.TempDir()}}}
	fixes := func() string { a := pythonFixes(r); return strings.Join(append(a.ways, a.after...), "\n") }
	if got := fixes(); !strings.Contains(got, "Install Python 3.13 from python.org (https://www.python.org/downloads/macos/), or with Homebrew (https://brew.sh): brew install python@3.13") {
		t.Errorf("macOS without brew:\n%s", got)
	}
	os.WriteFile(filepath.Join(bin, "brew"), []byte("#!/bin/sh\n"), 0o755)
	if got := fixes(); !strings.Contains(got, "With Homebrew: brew install python@3.13") {
		t.Errorf("macOS with brew:\n%s", got)
	}
}

// The advice's lead announces one way as one and a list as a list, and a
// distribution without a fitting package says so before the ways, never as
// one of them.
func TestAdviceReadsAsItIs(t *testing.T) {
	builtin := upstream.Builtin("/co")
	cfg, _ := settings.Parse(nil, nil, &builtin)
	consts, _ := settings.ConstantsOf(&builtin)
	for _, tc := range []struct {
		osRelease string
		tools     []string // on PATH
		lead      string
		ways      int
	}{
		{"ID=arch\n", nil, "Solution: OneTrainer needs a Python >= 3.10 and < 3.14 to make its venv. Arch Linux's python package is the newest Python only: install 3.13 beside it this way:", 1},
		{"ID=arch\n", []string{"pyenv"}, "Solution: OneTrainer needs a Python >= 3.10 and < 3.14 to make its venv. Arch Linux's python package is the newest Python only: install 3.13 beside it in one of these ways:", 2},
		{"ID=debian\nVERSION_ID=\"11\"\nPRETTY_NAME=\"Debian GNU/Linux 11 (bullseye)\"\n", nil, "Solution: OneTrainer needs a Python >= 3.10 and < 3.14 to make its venv. Debian GNU/Linux 11 (bullseye) ships no Python >= 3.10 and < 3.14 as a package: install 3.13 beside it this way:", 1},
		{"ID=debian\nVERSION_ID=\"12\"\n", nil, "Solution: OneTrainer needs a Python >= 3.10 and < 3.14 to make its venv; get one in one of these ways:", 2},
		{"ID=gentoo\n", nil, "Solution: OneTrainer needs a Python >= 3.10 and < 3.14 to make its venv; get one this way:", 1},
	} {
		root, bin := t.TempDir(), t.TempDir()
		os.MkdirAll(filepath.Join(root, "etc"), 0o755)
		os.WriteFile(filepath.Join(root, "etc", "os-release"), []byte(tc.osRelease), 0o644)
		for _, tool := range tc.tools {
			os.WriteFile(filepath.Join(bin, tool), []byte("#!/bin/sh\n"), 0o755)
		}
		r := Request{Launch: &launch.Launch{Checkout: layout.Open(t.TempDir()), Settings: cfg, Constants: consts, Facts: &builtin, Root: root,
			Host: host.Host{GOOS: "linux", GOARCH: "amd64"}, Env: environ.List{"PATH=" + bin, "HOME=" + t.TempDir()}}}
		s := venvSolutions(r, "")
		if s[0] != tc.lead || len(pythonFixes(r).ways) != tc.ways {
			t.Errorf("%q with %v: %d ways\n%s\nwant the lead\n%s", tc.osRelease, tc.tools, len(pythonFixes(r).ways), strings.Join(s, "\n"), tc.lead)
		}
		found := "this way"
		if tc.ways > 1 {
			found = "any of these ways"
		}
		if !strings.Contains(strings.Join(s, "\n"), "The launcher finds a Python installed "+found+" on the next run") {
			t.Errorf("%q: the line after the ways does not say %q:\n%s", tc.osRelease, found, strings.Join(s, "\n"))
		}
	}
}
