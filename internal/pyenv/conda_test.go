package pyenv

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

var builtin = upstream.Builtin("/ot")

// prefixLib is the part of a lib.include.sh that says how its conda env
// is made and run, as OneTrainer's does since 2024-09-29.
const prefixLib = `export OT_CONDA_USE_PYTHON_VERSION="3.13"
export OT_HOST_OS="$(uname -s)"
function create_conda_env {
    declare -a install_args=()
    install_args+=("python==${OT_CONDA_USE_PYTHON_VERSION}.*")
    if [[ "${OT_HOST_OS}" == "Linux" ]]; then
        install_args+=("tk[build=xft_*]")
    fi
    run_conda create -y --prefix "${OT_CONDA_ENV}" --override-channels --strict-channel-priority --channel "conda-forge" "${install_args[@]}"
}
function run_in_conda_env {
    run_conda run --prefix "${OT_CONDA_ENV}" --no-capture-output "$@"
}
function prepare_runtime_environment {
    activate_chosen_env
}
`

// newConda is the launch's conda env as launch.NewConda makes it, with
// the environment conda runs with.
func newConda(cmd, exe, given, checkout string, base environ.List, form upstream.Conda) *Conda {
	return &Conda{Conda: launch.NewConda(cmd, exe, given, layout.Open(checkout), form), base: base}
}

func mkEnv(t *testing.T, prefix string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(prefix, "conda-meta"), 0o755); err != nil {
		t.Fatal(err)
	}
	return prefix
}

func TestCondaFindFast(t *testing.T) {
	tmp := t.TempDir()
	root := filepath.Join(tmp, "miniconda3")
	exe := filepath.Join(root, "bin", "conda")
	os.MkdirAll(filepath.Dir(exe), 0o755)
	os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755)
	home := filepath.Join(tmp, "home")
	mkEnv(t, root)
	mkEnv(t, filepath.Join(root, "envs", "onetrainer-old"))
	mkEnv(t, filepath.Join(root, "envs", "OneTrainer"))
	os.MkdirAll(filepath.Join(root, "envs", "nometa"), 0o755)
	mkEnv(t, filepath.Join(tmp, "custom-envs", "fromvar"))
	mkEnv(t, filepath.Join(home, ".conda", "envs", "inhome"))
	far := mkEnv(t, filepath.Join(tmp, "far", "listed"))
	os.MkdirAll(filepath.Join(home, ".conda"), 0o755)
	os.WriteFile(filepath.Join(home, ".conda", "environments.txt"), []byte(root+"\n"+far+"\n"), 0o644)
	base := environ.List{"HOME=" + home, "CONDA_ENVS_PATH=" + filepath.Join(tmp, "custom-envs")}

	for _, tc := range []struct {
		given, wantPrefix, wantHow string
		wantTarget                 string
	}{
		{"onetrainer", "", "", "-n onetrainer"}, // neither onetrainer-old nor OneTrainer
		{"nometa", "", "", "-n nometa"},
		{"OneTrainer", filepath.Join(root, "envs", "OneTrainer"), "envs dir " + filepath.Join(root, "envs"), "-n OneTrainer"},
		{"fromvar", filepath.Join(tmp, "custom-envs", "fromvar"), "envs dir " + filepath.Join(tmp, "custom-envs"), "-n fromvar"},
		{"inhome", filepath.Join(home, ".conda", "envs", "inhome"), "envs dir " + filepath.Join(home, ".conda", "envs"), "-n inhome"},
		{"listed", far, "environments.txt", "-p " + far},
		{"base", root, "root prefix", "-n base"},
	} {
		c := newConda("conda", exe, tc.given, tmp, base, builtin.Conda)
		loc := c.findFast()
		if loc.found() != (tc.wantPrefix != "") || loc.Prefix != tc.wantPrefix || loc.Via != tc.wantHow {
			t.Errorf("%s: found=%v at %q via %q; want %q via %q", tc.given, loc.found(), loc.Prefix, loc.Via, tc.wantPrefix, tc.wantHow)
		}
		if got := condaTarget(c, loc); got != tc.wantTarget {
			t.Errorf("%s: target %q, want %q", tc.given, got, tc.wantTarget)
		}
	}

	c := newConda("conda", exe, "./conda_env", tmp, base, builtin.Conda)
	if c.findFast().found() {
		t.Errorf("a prefix without conda-meta was found")
	}
	mkEnv(t, filepath.Join(tmp, "conda_env"))
	loc := c.findFast()
	if !loc.found() || loc.Prefix != filepath.Join(tmp, "conda_env") || condaTarget(c, loc) != "-p ./conda_env" {
		t.Errorf("prefix env: %+v at %+v", c, loc)
	}
	if got := c.removeCommand(loc); got != "conda remove -y -p "+filepath.Join(tmp, "conda_env")+" --all" {
		t.Errorf("remove command %q", got)
	}

	// A checkout whose scripts make a prefix env (OneTrainer since
	// 2024-09-29): a plain name is a path in the checkout, spelled as its
	// scripts spell it, and create gets its arguments.
	head := upstream.Extract(tmp, "Linux", []upstream.Source{{Name: layout.LibFile, Data: []byte(prefixLib)}})
	c = newConda("conda", exe, "conda_env", tmp, base, head.Conda)
	if c.Name != "" || c.Path != filepath.Join(tmp, "conda_env") {
		t.Errorf("a prefix checkout took %q as a name: %+v", "conda_env", c)
	}
	if got := strings.Join(c.Create().Argv, " "); got != "conda create -y --prefix conda_env --override-channels --strict-channel-priority --channel conda-forge python==3.13.* tk[build=xft_*]" {
		t.Errorf("create: %s", got)
	}
	if got := strings.Join(c.python(condaLoc{}, "x.py").Argv, " "); got != "conda run --prefix conda_env --no-capture-output python x.py" {
		t.Errorf("run: %s", got)
	}
	if got := c.removeCommand(condaLoc{}); got != "conda remove -y --prefix "+filepath.Join(tmp, "conda_env")+" --all" {
		t.Errorf("remove command %q", got)
	}
	odd := newConda("conda", exe, "-odd", tmp, base, head.Conda)
	if got := strings.Join(odd.Create().Argv[:5], " "); got != "conda create -y --prefix ./-odd" {
		t.Errorf("a path that looks like an option: %s", got)
	}
}

// When `info --envs --json` fails, the text form is read. The conda here is
// a STAND-IN script that prints conda's real text layout.
func TestCondaAskTextFallback(t *testing.T) {
	tmp := t.TempDir()
	env := mkEnv(t, filepath.Join(tmp, "envs", "onetrainer"))
	fake := filepath.Join(tmp, "conda")
	script := "#!/bin/sh\ncase \"$*\" in *--json*) echo 'not json'; exit 1;; esac\n" +
		"printf '# conda environments:\\n#\\nbase                  *  " + tmp + "\\n" +
		"onetrainer-old           /x/onetrainer-old\\n" +
		"onetrainer               " + env + "\\n" +
		"                         /elsewhere/unnamed\\n'\n"
	os.WriteFile(fake, []byte(script), 0o755)
	var o bytes.Buffer
	run := proc.Runner{Echo: (&out.Printer{Stdout: &o, Stderr: &o}).Command, Stdio: proc.Stdio{Out: &o, Err: &o}}
	c := newConda("conda", fake, "onetrainer", tmp, environ.List{"PATH=/usr/bin:/bin"}, builtin.Conda)
	loc := c.askConda(context.Background(), run.Output)
	if loc.Prefix != env || loc.Via != "conda info --envs" {
		t.Fatalf("got %q via %q\n%s", loc.Prefix, loc.Via, o.String())
	}
	if !strings.Contains(o.String(), "+ conda info --envs --json\n") || !strings.Contains(o.String(), "+ conda info --envs\n") {
		t.Errorf("both questions should be announced:\n%s", o.String())
	}
}

// condaTarget is how the env is named in the conda run of the env found at
// loc, "FLAG ENV".
func condaTarget(c *Conda, loc condaLoc) string {
	r := c.run(loc)
	return r.Flag + " " + r.Env
}
