package launch

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// checkoutAt is a checkout holding OneTrainer's launch files at commit
// (every file of the fixture) and the files that make it OneTrainer.
func checkoutAt(t *testing.T, commit string) string {
	t.Helper()
	fx := testkit.Fixture(t, commit)
	dir := t.TempDir()
	err := filepath.WalkDir(fx, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(fx, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755)
		return os.WriteFile(filepath.Join(dir, rel), data, 0o755)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"scripts/train_ui_qt.py", "scripts/train_ui.py", layout.VersionCheckScript, layout.RequirementsGlobal} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	return dir
}

func words(argv []string) string { return strings.Join(argv, " ") }

// The commands of a venv launch, a conda launch and a pixi launch come out
// word for word as OneTrainer's own scripts run them (each expectation
// read off the fixture's lib.include.sh and scripts, at the line quoted).
func TestCommandsAsTheScriptsRunThem(t *testing.T) {
	dir := checkoutAt(t, "23df3832")

	// A venv (no conda anywhere).
	l, err := decide(t, dir, layout.StartUIScript)
	if _, ok := l.Runtime.(*Venv); err != nil || !ok {
		t.Fatalf("HEAD, no conda: %v, %#v", err, l.Runtime)
	}
	// install_requirements_in_active_env: run_pip_in_active_env install ... pip setuptools==81.0.0
	if got := words(l.PipBootstrap().Argv("python")); got != "python -m pip install --upgrade --upgrade-strategy eager pip setuptools==81.0.0" {
		t.Errorf("pip bootstrap: %s", got)
	}
	// ... -r requirements-global.txt -r "$(get_platform_requirements_path)"
	req := l.PipRequirements(layout.RequirementsCUDA)
	if got := words(req.Argv("python")); got != "python -m pip install --upgrade --upgrade-strategy eager -r requirements-global.txt -r requirements-cuda.txt" || req.Requirements != layout.RequirementsCUDA {
		t.Errorf("pip requirements: %s (%q)", got, req.Requirements)
	}
	if !strings.HasPrefix(req.Where, layout.LibFile+":") {
		t.Errorf("pip requirements from %q", req.Where)
	}
	// A platform file that reads as an option is given as a path.
	if got := l.PipRequirements("-odd.txt").Args; got[len(got)-1] != "./-odd.txt" {
		t.Errorf("an odd platform file: %q", got)
	}
	// start-ui.sh: run_python_in_active_env "scripts/train_ui_qt.py" "$@"
	if run := l.ScriptRun(""); words(run.Argv()) != "run_python_in_active_env scripts/train_ui_qt.py" || words(run.Words) != "scripts/train_ui_qt.py" {
		t.Errorf("start-ui.sh runs %q", run.Argv())
	}
	// run-cmd.sh: run_python_in_active_env "${OT_CUSTOM_SCRIPT_FILE}" "$@"
	l, _ = decide(t, dir, layout.RunCmdScript)
	if run := l.ScriptRun("scripts/train.py"); words(run.Argv()) != "run_python_in_active_env scripts/train.py" {
		t.Errorf("run-cmd.sh runs %q", run.Argv())
	}
	if run := l.ScriptRun("-x.py"); words(run.Words) != "./-x.py" {
		t.Errorf("run-cmd.sh's script that reads as an option: %q", run.Words)
	}

	// A conda env: run_conda create -y --prefix "${OT_CONDA_ENV}" --override-channels
	// --strict-channel-priority --channel "conda-forge" "${install_args[@]}",
	// install_args python==${OT_CONDA_USE_PYTHON_VERSION}.* and, on Linux, tk[build=xft_*].
	conda := exe(t, filepath.Join(t.TempDir(), "miniconda3", "bin", "conda"))
	l, err = decide(t, dir, layout.StartUIScript, "PATH="+filepath.Dir(conda), "OT_PREFER_VENV=false")
	c, ok := l.Runtime.(*Conda)
	if err != nil || !ok {
		t.Fatalf("HEAD, conda: %v, %#v", err, l.Runtime)
	}
	if got := words(c.Create().Argv); got != "conda create -y --prefix conda_env --override-channels --strict-channel-priority --channel conda-forge python==3.13.* tk[build=xft_*]" {
		t.Errorf("conda create: %s", got)
	}
	// run_conda run --prefix "${OT_CONDA_ENV}" --no-capture-output "$@"
	run := c.Run("")
	if got := words(run.Python(l.ScriptRun("").Words...)); got != "conda run --prefix conda_env --no-capture-output python scripts/train_ui_qt.py" || run.Flag != "--prefix" || run.Env != "conda_env" {
		t.Errorf("conda run: %s (%s %s)", got, run.Flag, run.Env)
	}
	// A named env (a value the scripts take as a name where they use -n);
	// one found outside conda's envs dirs is given by its path.
	named := NewConda("conda", conda, "ot", layout.Open(dir), l.Facts.Conda)
	named.Form.Prefix = false
	named.Name, named.Path = "ot", ""
	if got := words(named.Run("").Argv); got != "conda run -n ot --no-capture-output" {
		t.Errorf("conda run of a named env: %s", got)
	}
	if got := words(named.Run("/elsewhere/ot").Argv); got != "conda run --prefix /elsewhere/ot --no-capture-output" {
		t.Errorf("conda run of a named env found elsewhere: %s", got)
	}

	// pixi (the pixi branch): run_cmd pixi install --locked -e "${OT_PLATFORM}",
	// run_in_env: run_cmd pixi run --locked -e "${OT_PLATFORM}" "$@",
	// get_pixi: run_cmd pixi self-update --no-release-note,
	// start-ui.sh: run_in_env python "scripts/train_ui.py" "$@".
	dir = checkoutAt(t, "e079c1f2")
	l, err = decide(t, dir, layout.UpdateScript)
	p, ok := l.Runtime.(*Pixi)
	if err != nil || !ok {
		t.Fatalf("pixi: %v, %#v", err, l.Runtime)
	}
	if got := words(p.Install("cuda").Argv); got != "pixi install --locked -e cuda" {
		t.Errorf("pixi install: %s", got)
	}
	if got := words(p.SelfUpdate("").Argv); got != "pixi self-update --no-release-note" {
		t.Errorf("pixi self-update: %s", got)
	}
	l, _ = decide(t, dir, layout.StartUIScript)
	if got := words(p.Run("cuda", l.ScriptRun("").Words...).Argv); got != "pixi run --locked -e cuda python scripts/train_ui.py" {
		t.Errorf("pixi run: %s", got)
	}
}
