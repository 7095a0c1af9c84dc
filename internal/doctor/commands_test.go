package doctor

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyenv"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// doctor --torch's fix for an env without torch is the very pip command
// pyenv ran to install the requirements: a real Python makes a real venv
// and real pip installs offline (the wheels its ensurepip carries), every
// step pyenv runs recorded as it runs it; then doctor reports on that env.
func TestDoctorShowsWhatPyenvRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("makes a venv and runs pip")
	}
	py, err := testkit.Find(10, 12) // ensurepip carries setuptools up to 3.11
	if err != nil {
		t.Skip(err)
	}
	wheels := t.TempDir()
	for _, w := range testkit.BundledWheels(py) {
		data, err := os.ReadFile(w)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(wheels, filepath.Base(w)), data, 0o644)
	}
	dir := t.TempDir()
	if err := testkit.WriteFramework(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"scripts/train_ui.py", layout.VersionCheckScript, layout.RequirementsGlobal, layout.RequirementsDefault} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := environ.List{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "OT_PYTHON_CMD=" + py.Path, "OT_PREFER_VENV=true",
		"OT_PLATFORM_REQUIREMENTS=" + layout.RequirementsDefault,
		"PIP_NO_INDEX=1", "PIP_FIND_LINKS=" + wheels, "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_CACHE_DIR=1"}
	h := host.Host{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH}
	ctx := context.Background()
	co := layout.Open(dir)

	l, err := launch.Decide(ctx, launch.Input{Checkout: co, Env: env, Host: h}, layout.InstallScript)
	if err != nil {
		t.Fatal(err)
	}
	var ran [][]string
	var output bytes.Buffer
	run := proc.Runner{Stdio: proc.Stdio{Out: &output, Err: &output}, Echo: func(argv []string) { ran = append(ran, slices.Clone(argv)) }}
	quiet := &out.Printer{Stdout: io.Discard, Stderr: io.Discard}
	if _, err := pyenv.Prepare(ctx, pyenv.Request{Launch: l, Run: run.With(dir, l.Env), Out: quiet}); err != nil {
		t.Fatalf("install: %v\n%s", err, output.String())
	}
	var installed []string // the requirements install, as pyenv ran it
	for _, argv := range ran {
		if slices.Contains(argv, layout.RequirementsGlobal) {
			installed = argv
		}
	}
	if len(installed) == 0 || installed[0] != "python" {
		t.Fatalf("pyenv ran no requirements install: %q", ran)
	}

	rep := Gather(ctx, Input{Checkout: co, Env: env, Host: h, Ask: proc.Runner{}, Torch: true})
	venvPython := filepath.Join(dir, ".venv", "bin", "python")
	want := out.QuoteArgs(append([]string{venvPython}, installed[1:]...))
	var fix string
	for _, f := range rep.Findings {
		if f.Section == SectionTorch && f.Fix != "" {
			fix = f.Fix
		}
	}
	if !strings.HasSuffix(fix, ": "+want) {
		t.Errorf("doctor's fix is not what pyenv ran:\n fix:  %s\n ran:  %s", fix, want)
	}
	// Both come from the one value the launch builds.
	if got := l.PipRequirements(layout.RequirementsDefault).Args; !slices.Equal(got, installed[1:]) {
		t.Errorf("launch's requirements install %q, pyenv ran %q", got, installed[1:])
	}
	if got := l.PipBootstrap().Args; !slices.ContainsFunc(ran, func(argv []string) bool { return slices.Equal(argv[1:], got) }) {
		t.Errorf("launch's pip bootstrap %q is not among what pyenv ran: %q", got, ran)
	}
}
