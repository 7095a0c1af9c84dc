package launch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// framework is a checkout holding the tests' launch files of OneTrainer's
// shape (a conda env named onetrainer, a .venv, OT_PREFER_VENV false) and
// the files that make it OneTrainer.
func framework(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := testkit.WriteFramework(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"scripts/train_ui.py", layout.VersionCheckScript, layout.RequirementsGlobal} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// exe writes an executable at path: a stand-in for a tool that is only
// looked up, never run, by deciding.
func exe(t *testing.T, path string) string {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte("#!/bin/sh\nexit 99\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func decide(t *testing.T, dir, script string, env ...string) (*Launch, error) {
	t.Helper()
	base := environ.List{"PATH=" + filepath.Join(dir, "no-bin"), "HOME=" + t.TempDir()}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		base.Set(k, v)
	}
	return Decide(context.Background(), Input{Checkout: layout.Open(dir), Env: base, Host: host.Host{GOOS: "linux", GOARCH: "amd64"}}, script)
}

// The runtime is one value, of its kind: a venv holds the host Python
// that makes it; a conda env its conda, and no host Python at all.
func TestRuntimeKinds(t *testing.T) {
	dir := framework(t)
	conda := exe(t, filepath.Join(t.TempDir(), "miniconda3", "bin", "conda"))

	l, err := decide(t, dir, layout.StartUIScript)
	v, ok := l.Runtime.(*Venv)
	if err != nil || !ok || v.Dir != filepath.Join(dir, ".venv") || v.Python != (HostPython{Cmd: "python"}) || v.Warning != "" {
		t.Fatalf("no conda: %v, %#v", err, l.Runtime)
	}

	l, err = decide(t, dir, layout.StartUIScript, "PATH="+filepath.Dir(conda))
	c, ok := l.Runtime.(*Conda)
	if err != nil || !ok || c.Exe != conda || c.Name != "onetrainer" || c.Path != "" || c.Root != filepath.Dir(filepath.Dir(conda)) {
		t.Fatalf("conda on PATH: %v, %#v", err, l.Runtime)
	}
	if l.Runtime.Kind() != KindConda || len(l.Messages) != 0 {
		t.Errorf("conda: kind %q, messages %v", l.Runtime.Kind(), l.Messages)
	}

	l, _ = decide(t, dir, layout.StartUIScript, "PATH="+filepath.Dir(conda), "OT_PREFER_VENV=yes", "OT_PYTHON_CMD=python3.12")
	if v, ok := l.Runtime.(*Venv); !ok || v.Python != (HostPython{Cmd: "python3.12", Given: true}) {
		t.Errorf("a venv preferred: %#v", l.Runtime)
	}

	// A conda named by the user that is none: a venv, said once.
	l, err = decide(t, dir, layout.InstallScript, "OT_CONDA_CMD=/nowhere/conda")
	v, ok = l.Runtime.(*Venv)
	if err != nil || !ok || !strings.Contains(v.Warning, `OT_CONDA_CMD="/nowhere/conda" is not an executable conda`) ||
		len(l.Messages) != 1 || !l.Messages[0].Warning || l.Messages[0].Text != v.Warning {
		t.Errorf("OT_CONDA_CMD that is none: %v, %#v, %v", err, l.Runtime, l.Messages)
	}

	// A conda env name conda cannot take: the launch stops, with no runtime.
	l, err = decide(t, dir, layout.InstallScript, "PATH="+filepath.Dir(conda), "OT_CONDA_ENV=-x")
	if err == nil || !strings.Contains(err.Error(), `OT_CONDA_ENV="-x" is not a conda environment name`) || l.Runtime != nil || len(l.Errors) != 1 {
		t.Errorf("a bad conda name: %v, %#v", err, l.Runtime)
	}
}

// What stops a launch stops it in the order a launch meets it, and the
// rest is settled all the same, for doctor.
func TestDecideSettlesWhatItCan(t *testing.T) {
	dir := framework(t)
	os.Remove(filepath.Join(dir, layout.RequirementsGlobal))
	l, err := decide(t, dir, layout.RunCmdScript, "OT_SCRIPT_DEBUG=perhaps", "GHW_CHROOT=/snap")
	var nt *checkout.NotOneTrainer
	if !errors.As(err, &nt) || nt.Missing[0] != layout.RequirementsGlobal {
		t.Fatalf("the first error is not the missing file: %v", err)
	}
	if len(l.Errors) != 2 || !strings.Contains(l.Errors[1].Error(), `OT_SCRIPT_DEBUG="perhaps" is not a boolean`) {
		t.Errorf("errors: %v", l.Errors)
	}
	if l.Runtime != nil || l.Settings == nil || l.Settings.Setting("OT_SCRIPT_DEBUG").Bad == "" || l.Env.Get("SCRIPT_DIR") != dir {
		t.Errorf("settled: runtime %#v, settings %v, env %v", l.Runtime, l.Settings, l.Env)
	}
	if l.Root != "/snap" || l.Probe().Root != "/snap" {
		t.Errorf("the machine root: %q, the probe's %q", l.Root, l.Probe().Root)
	}
	if l.Constants.Python.String() != ">= 3.10 and < 3.14" || !l.Constants.Python.Holds([]int{3, 13, 1}) || l.Constants.Python.Holds([]int{3, 14}) {
		t.Errorf("the bounds: %v", l.Constants.Python)
	}
	if l.Family.Name != "pip" || l.Family.Refused == nil || l.Plan.Script != layout.RunCmdScript {
		t.Errorf("family %+v, plan %+v", l.Family, l.Plan)
	}
}

// The pixi branch's launch files give a pixi runtime: pixi looked for on
// PATH, then where the scripts put it, else the checkout's installer; no
// host Python, no conda. Through OT_PIP_INSTALL=true the hand-over is
// followed once, and the runtime is the pip family's.
func TestPixiRuntime(t *testing.T) {
	fx := testkit.Fixture(t, "e079c1f2")
	dir := t.TempDir()
	for _, f := range []string{layout.LibFile, layout.InstallScript, layout.UpdateScript, layout.StartUIScript, layout.RunCmdScript, layout.PyProject,
		"scripts/pip-install/lib.include.sh", "scripts/pip-install/install.sh", "scripts/pip-install/update.sh",
		"scripts/pip-install/start-ui.sh", "scripts/pip-install/run-cmd.sh"} {
		data, err := os.ReadFile(filepath.Join(fx, f))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
		os.WriteFile(filepath.Join(dir, f), data, 0o755)
	}
	for _, f := range []string{"scripts/train_ui_qt.py", "scripts/train_ui.py", layout.VersionCheckScript, layout.RequirementsGlobal} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	home := t.TempDir()
	l, err := decide(t, dir, layout.InstallScript, "HOME="+home)
	p, ok := l.Runtime.(*Pixi)
	if err != nil || !ok || p.Exe != "" || !p.OnBinDir || p.BinDir != filepath.Join(home, ".pixi", "bin") || !p.Mode.Install || p.Mode.SelfUpdate {
		t.Fatalf("no pixi anywhere: %v, %#v", err, l.Runtime)
	}
	pixi := exe(t, filepath.Join(home, ".pixi", "bin", "pixi"))
	l, _ = decide(t, dir, layout.UpdateScript, "HOME="+home)
	if p, ok := l.Runtime.(*Pixi); !ok || p.Exe != pixi || !p.OnBinDir || !p.Mode.SelfUpdate {
		t.Errorf("pixi in ~/.pixi/bin, update.sh: %#v", l.Runtime)
	}
	l, _ = decide(t, dir, layout.StartUIScript, "HOME="+home, "PATH="+filepath.Dir(pixi))
	if p, ok := l.Runtime.(*Pixi); !ok || p.OnBinDir || p.Mode.Install {
		t.Errorf("pixi on PATH, start-ui.sh: %#v", l.Runtime)
	}

	l, err = decide(t, dir, layout.StartUIScript, "HOME="+home, "OT_PIP_INSTALL=true")
	if err != nil || l.Via == nil || l.Family.Name != "pip" || l.Top.Family.Value != "pixi" {
		t.Fatalf("the hand-over: %v, via %+v, family %+v", err, l.Via, l.Family)
	}
	if _, ok := l.Runtime.(*Venv); !ok {
		t.Errorf("the hand-over's runtime: %#v", l.Runtime)
	}
	if len(l.Messages) == 0 || l.Messages[0].Warning {
		t.Errorf("the hand-over's status line: %v", l.Messages)
	}

	// A setting is known when either folder's files know it: through the
	// hand-over, OT_PIP_INSTALL (the top's) and OT_PREFER_VENV (the pip
	// folder's) both take effect, and neither is called unknown; without
	// it, OT_PREFER_VENV is unknown to the pixi scripts, and said to be.
	unknownWarned := func(l *Launch, name string) bool {
		for _, m := range l.Messages {
			if m.Warning && strings.HasPrefix(m.Text, name+" is set, but this checkout's launch files do not know it") {
				return true
			}
		}
		return false
	}
	l, _ = decide(t, dir, layout.InstallScript, "HOME="+home, "OT_PIP_INSTALL=true", "OT_PREFER_VENV=false")
	if unknownWarned(l, "OT_PIP_INSTALL") || unknownWarned(l, "OT_PREFER_VENV") {
		t.Errorf("a setting one folder knows was called unknown: %v", l.Messages)
	}
	l, _ = decide(t, dir, layout.InstallScript, "HOME="+home, "OT_PREFER_VENV=false")
	if !unknownWarned(l, "OT_PREFER_VENV") {
		t.Errorf("OT_PREFER_VENV without the hand-over, which the pixi scripts do not know: %v", l.Messages)
	}
}
