package testkit_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// bashParses holds the edited files to Bash's own parser (bash -n), where
// Bash is installed: an edit must leave a script that runs.
func bashParses(t *testing.T, dir string, names ...string) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Log("no bash here: the edited scripts are not parsed")
		return
	}
	for _, n := range names {
		if out, err := exec.Command("bash", "-n", filepath.Join(dir, n)).CombinedOutput(); err != nil {
			t.Errorf("bash -n %s: %v\n%s", n, err, out)
		}
	}
}

func TestUpstreamEdits(t *testing.T) {
	u := testkit.FrameworkUpstream().
		AddFunction("check_gpu_memory", "print \"GPU memory: enough\"\nreturn 0").
		Before("start-ui.sh", "prepare_runtime_environment", "check_gpu_memory").
		After("run-cmd.sh", "shift", "sync_datasets \"$@\"\nprint synced").
		After(testkit.LibFile, "activate_chosen_env", "warn_if_low_disk").
		SetDefault("OT_NEWTHING", "x").
		SetDefault("OT_PYTHON_VENV", "venv2").
		SetConstant("OT_PYTHON_VERSION_TOO_HIGH", "3.15").
		ReplaceFunction("run_in_conda_env", `run_conda run -n "${OT_CONDA_ENV}" "$@"`).
		Replace("install.sh", "#!/usr/bin/env bash\nexec true\n")
	if err := u.Err(); err != nil {
		t.Fatal(err)
	}
	lib := u.File(testkit.LibFile)
	for _, want := range []string{
		"\nfunction check_gpu_memory {\n    print \"GPU memory: enough\"\n    return 0\n}\n",
		"    activate_chosen_env\n    warn_if_low_disk\n    exit_if_active_env_wrong_python_version\n",
		"export OT_SCRIPT_DEBUG=\"${OT_SCRIPT_DEBUG:-false}\"\nexport OT_NEWTHING=\"${OT_NEWTHING:-x}\"\nexport OT_PYTHON_VERSION_MINIMUM=",
		"export OT_PYTHON_VENV=\"${OT_PYTHON_VENV:-venv2}\"\n",
		"export OT_PYTHON_VERSION_TOO_HIGH=\"3.15\"\n",
		"function run_in_conda_env {\n    run_conda run -n \"${OT_CONDA_ENV}\" \"$@\"\n}\n\nfunction get_cuda_requirements_path {",
	} {
		if !strings.Contains(lib, want) {
			t.Errorf("lib.include.sh lacks %q:\n%s", want, lib)
		}
	}
	if n := strings.Count(lib, "OT_PYTHON_VENV:-"); n != 1 {
		t.Errorf("SetDefault of an existing setting added a line: %d lines", n)
	}
	if got := u.File("start-ui.sh"); !strings.Contains(got, "\ncheck_gpu_memory\nprepare_runtime_environment\n") {
		t.Errorf("start-ui.sh:\n%s", got)
	}
	if got := u.File("run-cmd.sh"); !strings.Contains(got, "\nshift\nsync_datasets \"$@\"\nprint synced\nrun_python_in_active_env") {
		t.Errorf("run-cmd.sh:\n%s", got)
	}
	if got := u.File("install.sh"); got != "#!/usr/bin/env bash\nexec true\n" {
		t.Errorf("install.sh: %q", got)
	}
	dir := t.TempDir()
	if err := u.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"lib.include.sh", "start-ui.sh", "run-cmd.sh", "install.sh", "update.sh"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(data) != u.File(name) {
			t.Errorf("%s written: %v, %q", name, err, data)
		}
	}
	bashParses(t, dir, u.Files()...)
	back, err := testkit.ReadUpstream(dir)
	if err != nil || strings.Join(back.Files(), " ") != strings.Join(u.Files(), " ") || back.File("run-cmd.sh") != u.File("run-cmd.sh") {
		t.Errorf("read back: %v, %q", err, back.Files())
	}
}

// An edit that does not apply says which and why, the edits after it are
// not made, and Write writes nothing.
func TestUpstreamEditErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*testkit.Upstream) *testkit.Upstream
		want string
	}{
		{"no such line", func(u *testkit.Upstream) *testkit.Upstream {
			return u.Before("start-ui.sh", "check_gpu_memory", "x")
		}, `Before("check_gpu_memory"): start-ui.sh: no line is "check_gpu_memory"`},
		{"a line twice", func(u *testkit.Upstream) *testkit.Upstream {
			return u.After(testkit.LibFile, "fi", "x")
		}, `After("fi"): lib.include.sh: 6 lines are "fi" (lines 21, 24, 39, 52, 53, 70)`},
		{"no such file", func(u *testkit.Upstream) *testkit.Upstream {
			return u.After("train.sh", "x", "y")
		}, `there is no train.sh (the files are install.sh, lib.include.sh, run-cmd.sh, start-ui.sh, update.sh)`},
		{"a function twice", func(u *testkit.Upstream) *testkit.Upstream {
			return u.AddFunction("prepare_runtime_environment", "true")
		}, "it defines prepare_runtime_environment already: use ReplaceFunction"},
		{"no such function", func(u *testkit.Upstream) *testkit.Upstream {
			return u.ReplaceFunction("check_gpu_memory", "true")
		}, "0 definitions of check_gpu_memory"},
		{"no such constant", func(u *testkit.Upstream) *testkit.Upstream {
			return u.SetConstant("OT_NEWTHING", "1")
		}, "it exports no OT_NEWTHING"},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := c.edit(testkit.FrameworkUpstream()).SetDefault("OT_LATER", "1")
			if err := u.Err(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want %q", err, c.want)
			}
			if strings.Contains(u.File(testkit.LibFile), "OT_LATER") {
				t.Errorf("an edit after the failed one was made")
			}
			dir := t.TempDir()
			if err := u.Write(dir); err == nil {
				t.Errorf("Write after a failed edit succeeded")
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("Write after a failed edit wrote %d files", len(entries))
			}
		})
	}
}

// On OneTrainer's own files at HEAD: the edits of an upstream commit the
// launcher does not model, written over a linked checkout's kept copies
// where the scripts are links, and every file Bash still parses.
func TestUpstreamEditsAFixture(t *testing.T) {
	u := testkit.FixtureUpstream(t, "23df3832")
	if slices.Contains(u.Files(), "MANIFEST") {
		t.Fatalf("the MANIFEST is held as a launch file: %q", u.Files())
	}
	if u.File("scripts/util/version_check.py") == "" {
		t.Errorf("the fixture's version check is not held: %q", u.Files())
	}
	u.AddFunction("check_gpu_memory", `print "GPU memory: enough"`).
		Before("start-ui.sh", "prepare_runtime_environment", "check_gpu_memory").
		After(testkit.LibFile, "activate_chosen_env", "warn_if_low_disk").
		SetDefault("OT_NEWTHING", "x").
		ReplaceFunction("print_debug", `[[ "${OT_SCRIPT_DEBUG}" == "true" ]] && print "Debug: $*" || true`)
	if err := u.Err(); err != nil {
		t.Fatal(err)
	}
	lib := u.File(testkit.LibFile)
	if !strings.Contains(lib, "export OT_SCRIPT_DEBUG=\"${OT_SCRIPT_DEBUG:-false}\"\nexport OT_NEWTHING=\"${OT_NEWTHING:-x}\"\n") ||
		!strings.Contains(lib, "    activate_chosen_env\n    warn_if_low_disk\n") ||
		!strings.Contains(lib, "function print_debug {\n    [[ \"${OT_SCRIPT_DEBUG}\" == \"true\" ]] && print \"Debug: $*\" || true\n}\n\nfunction print_command {") {
		t.Errorf("lib.include.sh after the edits:\n%s", lib)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".git", "onetrainer-launcher", "upstream"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/nonexistent/onetrainer-launcher", filepath.Join(dir, "start-ui.sh")); err != nil {
		t.Fatal(err)
	}
	if err := u.Write(dir); err != nil {
		t.Fatal(err)
	}
	kept, err := os.ReadFile(filepath.Join(dir, ".git", "onetrainer-launcher", "upstream", "start-ui.sh"))
	if err != nil || !strings.Contains(string(kept), "check_gpu_memory\nprepare_runtime_environment") {
		t.Errorf("the linked start-ui.sh's kept copy: %v %q", err, kept)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "start-ui.sh")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was written over: %v", err)
	}
	bashParses(t, dir, "lib.include.sh", "install.sh", "run-cmd.sh", "update.sh", filepath.Join(".git", "onetrainer-launcher", "upstream", "start-ui.sh"))
	back, err := testkit.ReadUpstream(dir)
	if err != nil || back.File("start-ui.sh") != u.File("start-ui.sh") || back.File(testkit.LibFile) != lib {
		t.Errorf("read back through the link: %v", err)
	}
}
