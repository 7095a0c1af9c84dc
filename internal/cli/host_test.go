package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

var (
	linuxHost = host.Host{GOOS: "linux", GOARCH: "amd64"}
	macHost   = host.Host{GOOS: "darwin", GOARCH: "arm64"}
)

// Every decision that depends on the system is taken from the one host
// value of the invocation, so that Linux can take a Mac's part: what the
// checkout's `uname -s` tests see (OT_HOST_OS), PyTorch's MPS fallback,
// the settings file (read on macOS too, where no systemd applies it), Apple's GPU and the requirements
// it gets, and sw_vers in doctor. The same checkout, the same environment;
// only the host differs. What this cannot show is a real Mac: see
// docs/testing.md.
func TestMacOSDecisionsOnLinux(t *testing.T) {
	py, err := testkit.Find(10, 14)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
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
	if out, err := exec.Command(py.Path, "-m", "venv", "--without-pip", filepath.Join(dir, ".venv")).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	home := t.TempDir()
	conf := filepath.Join(home, ".config", "environment.d", "onetrainer.conf")
	os.MkdirAll(filepath.Dir(conf), 0o755)
	os.WriteFile(conf, []byte("OT_CUDA_LOWMEM_MODE=true\n"), 0o644)
	// A stand-in for macOS's sw_vers, answering -productName and
	// -productVersion as the real one does.
	bin := t.TempDir()
	os.WriteFile(filepath.Join(bin, "sw_vers"), []byte("#!/bin/sh\n# stand-in for macOS's sw_vers\ncase \"$1\" in\n-productName) echo macOS ;;\n-productVersion) echo 15.1 ;;\nesac\n"), 0o755)
	emptyRoot := t.TempDir() // no GPU, no os-release: the machine's own do not count
	env := environ.List{"PATH=" + bin + ":/usr/bin:/bin", "HOME=" + home, "GHW_CHROOT=" + emptyRoot}

	startUI, _ := Lookup("start-ui.sh")
	doctor, _ := Lookup("doctor")
	for _, tc := range []struct {
		h                                          host.Host
		hostOS, mpsFallback, allocConf, settingsOf string
		osRelease                                  string
		appleMPS                                   bool
	}{
		{h: linuxHost, hostOS: "Linux", allocConf: "garbage_collection_threshold:0.6,max_split_size_mb:128", settingsOf: conf},
		{h: macHost, hostOS: "Darwin", mpsFallback: "1", allocConf: "garbage_collection_threshold:0.6,max_split_size_mb:128", settingsOf: conf,
			osRelease: "macOS 15.1", appleMPS: true},
	} {
		t.Run(tc.h.GOOS, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			var got environ.List
			inv := Invocation{Dir: dir, Env: env, Host: tc.h, Stdio: proc.Stdio{Out: &stdout, Err: &stderr},
				Exec: func(d, path string, argv, e []string) (int, error) { got = e; return 0, nil }}
			if code := Run(context.Background(), startUI, inv, nil); code != 0 {
				t.Fatalf("start-ui: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
			}
			for name, want := range map[string]string{"OT_HOST_OS": tc.hostOS, "PYTORCH_ENABLE_MPS_FALLBACK": tc.mpsFallback,
				"PYTORCH_CUDA_ALLOC_CONF": tc.allocConf} {
				if v := got.Get(name); v != want {
					t.Errorf("start-ui's child: %s=%q, want %q", name, v, want)
				}
			}

			stdout.Reset()
			stderr.Reset()
			Run(context.Background(), doctor, inv, []string{"--json"})
			var rep struct {
				OS           string `json:"os"`
				OSRelease    string `json:"os_release"`
				SettingsFile string `json:"settings_file"`
				GPU          struct {
					AppleMPS bool `json:"apple_mps"`
				} `json:"gpu"`
				Requirements struct {
					File string `json:"file"`
				} `json:"requirements"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
				t.Fatalf("doctor --json: %v\n%s\n%s", err, stdout.String(), stderr.String())
			}
			if rep.OS != tc.h.GOOS || rep.OSRelease != tc.osRelease || rep.SettingsFile != tc.settingsOf ||
				rep.GPU.AppleMPS != tc.appleMPS || rep.Requirements.File != "requirements-default.txt" {
				t.Errorf("doctor: os %q, os_release %q, settings_file %q, apple_mps %v, requirements %q; want %q, %q, %q, %v, requirements-default.txt",
					rep.OS, rep.OSRelease, rep.SettingsFile, rep.GPU.AppleMPS, rep.Requirements.File,
					tc.h.GOOS, tc.osRelease, tc.settingsOf, tc.appleMPS)
			}
		})
	}
}

// OneTrainer's own conda env gets Tk's xft build on Linux only: the
// checkout's `[[ "${OT_HOST_OS}" == "Linux" ]]`, evaluated with the host's
// uname.
func TestCondaCreateFollowsTheHost(t *testing.T) {
	src := testkit.Fixture(t, "23df3832")
	dir := t.TempDir()
	if out, err := exec.Command("cp", "-R", src+"/.", dir).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	doctor, _ := Lookup("doctor")
	for h, wantTk := range map[host.Host]bool{linuxHost: true, macHost: false} {
		var stdout bytes.Buffer
		inv := Invocation{Dir: dir, Env: environ.List{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "GHW_CHROOT=" + t.TempDir()},
			Host: h, Stdio: proc.Stdio{Out: &stdout, Err: &bytes.Buffer{}}}
		Run(context.Background(), doctor, inv, []string{"--json"})
		var rep struct {
			Upstream struct {
				CondaCreate struct {
					Command string `json:"command"`
				} `json:"conda_create"`
			} `json:"upstream"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
			t.Fatalf("%s: doctor --json: %v\n%s", h.GOOS, err, stdout.String())
		}
		if got := strings.Contains(rep.Upstream.CondaCreate.Command, "tk[build=xft_*]"); got != wantTk || !strings.Contains(rep.Upstream.CondaCreate.Command, "create") {
			t.Errorf("%s: conda create %q; want tk[build=xft_*] there: %v", h.GOOS, rep.Upstream.CondaCreate.Command, wantTk)
		}
	}
}
