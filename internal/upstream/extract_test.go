package upstream

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// framework is a lib.include.sh of the 2024-09 framework's shape, written
// for these tests: defaults, constants, conditional exports, and the
// functions the launcher reads.
const framework = `#!/usr/bin/env bash
set -e
export SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" &>/dev/null && pwd)"
readonly SCRIPT_DIR

export OT_CONDA_CMD="${OT_CONDA_CMD:-${CONDA_EXE:-conda}}"   # conda's own variable first
export OT_CONDA_ENV="${OT_CONDA_ENV:-conda_env}"; export OT_PYTHON_CMD="${OT_PYTHON_CMD:-python}"
export OT_PYTHON_VENV="${OT_PYTHON_VENV:-venv}"
export OT_PREFER_VENV="${OT_PREFER_VENV:-true}"
export OT_CUDA_LOWMEM_MODE=${OT_CUDA_LOWMEM_MODE:-false}
export OT_PLATFORM_REQUIREMENTS='detect'
export OT_SCRIPT_DEBUG="${OT_SCRIPT_DEBUG:-false}"

export OT_PYTHON_VERSION_MINIMUM="3.10"
export OT_PYTHON_VERSION_TOO_HIGH='3.14'
export OT_CONDA_USE_PYTHON_VERSION=3.13
export OT_UPDATE_METADATA_FILE="${SCRIPT_DIR}/update.var"
export OT_HOST_OS="$(uname -s)"

if [[ "${OT_HOST_OS}" == "Darwin" ]]; then
    export PYTORCH_ENABLE_MPS_FALLBACK="1"
fi
if [[ "${OT_CUDA_LOWMEM_MODE}" == "true" ]]; then
    export PYTORCH_CUDA_ALLOC_CONF="gc:0.6"
fi

function create_conda_env {
    declare -a install_args=()
    install_args+=("python==${OT_CONDA_USE_PYTHON_VERSION}.*")
    if [[ "${OT_HOST_OS}" == "Linux" ]]; then
        install_args+=("tk[build=xft_*]")
    fi
    run_conda create -y --prefix "${OT_CONDA_ENV}" --channel "conda-forge" "${install_args[@]}"
}

function run_in_conda_env {
    run_conda run --prefix "${OT_CONDA_ENV}" --no-capture-output "$@"
}

function pick_cuda {
    local plain="requirements-cuda.txt"
    local old="requirements-cuda-legacy.txt"
    local v="$(nvidia-smi | grep -oE 'CUDA Version: [0-9]+' )"
    if [[ -n "${v}" ]] && (( ${v%%.*} < 13 )); then
        echo "${old}"
        return
    fi
    echo "${plain}"
}

function get_platform_requirements_path {
    local platform_reqs="${OT_PLATFORM_REQUIREMENTS}"
    if [[ "${platform_reqs}" == "detect" ]]; then
        if [[ -e "/dev/nvidia0" ]] || can_exec nvidia-smi; then
            platform_reqs="$(pick_cuda)"
        elif [[ -e "/dev/kfd" ]]; then
            platform_reqs="requirements-rocm.txt"
        else
            platform_reqs="requirements-default.txt"
        fi
    fi
    echo "${platform_reqs}"
}

function install_requirements_in_active_env {
    run_pip_in_active_env install --upgrade pip "setuptools==81.0.0"
    run_pip_in_active_env install -r requirements-global.txt -r "$(get_platform_requirements_path)"
}

function prepare_runtime_environment {
    exit_if_no_runtime
    activate_chosen_env
    exit_if_active_env_wrong_python_version
    if [[ "$1" == "upgrade" ]]; then
        install_requirements_in_active_env
    else
        install_requirements_in_active_env_if_necessary
    fi
}
`

const startUI = `#!/usr/bin/env bash
set -e
source "${BASH_SOURCE[0]%/*}/lib.include.sh"
if [[ -z "${HF_HUB_DISABLE_XET+x}" ]]; then
    export HF_HUB_DISABLE_XET=1
fi
prepare_runtime_environment
run_python_in_active_env "scripts/train_ui_qt.py" "$@"
`

func extract(lib, ui string) *Facts {
	srcs := []Source{{Name: layout.LibFile, Data: []byte(lib)}}
	if ui != "" {
		srcs = append(srcs, Source{Name: layout.StartUIScript, Data: []byte(ui)})
	}
	return Extract("/co", "Linux", srcs)
}

func TestExtractFramework(t *testing.T) {
	f := extract(framework, startUI)
	if len(f.Warnings) != 0 || len(f.Refusals) != 0 {
		t.Errorf("warnings: %q, refusals: %q", f.Warnings, f.Refusals)
	}
	if f.Family != (Fact{FamilyPip, "lib.include.sh:70"}) {
		t.Errorf("family: %+v", f.Family)
	}
	if !f.Lib {
		t.Fatal("the framework's lib.include.sh was not taken as one")
	}
	for name, want := range map[string]string{
		"OT_CONDA_CMD": "CONDA_EXE|conda|lib.include.sh:6", "OT_CONDA_ENV": "|conda_env|lib.include.sh:7",
		"OT_PYTHON_CMD": "|python|lib.include.sh:7", "OT_PYTHON_VENV": "|venv|lib.include.sh:8",
		"OT_PREFER_VENV": "|true|lib.include.sh:9", "OT_CUDA_LOWMEM_MODE": "|false|lib.include.sh:10",
		"OT_SCRIPT_DEBUG": "|false|lib.include.sh:12",
	} {
		d, ok := f.DefaultOf(name)
		if got := strings.Join(d.Vars, ",") + "|" + d.Lit + "|" + d.Where; !ok || got != want {
			t.Errorf("%s: %q (%v), want %q", name, got, ok, want)
		}
	}
	if _, ok := f.DefaultOf("OT_LAZY_UPDATES"); ok {
		t.Error("a default for OT_LAZY_UPDATES, which the file does not define")
	}
	if _, ok := f.DefaultOf("OT_PLATFORM_REQUIREMENTS"); ok {
		t.Error("OT_PLATFORM_REQUIREMENTS='detect' is a constant, not a default")
	}
	for name, want := range map[string]string{
		"OT_PYTHON_VERSION_MINIMUM": "3.10@lib.include.sh:14", "OT_PYTHON_VERSION_TOO_HIGH": "3.14@lib.include.sh:15",
		"OT_CONDA_USE_PYTHON_VERSION": "3.13@lib.include.sh:16", "OT_UPDATE_METADATA_FILE": "/co/update.var@lib.include.sh:17",
	} {
		c, ok := f.Constant(name)
		if got := c.Value + "@" + c.Where; !ok || got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	var exports []string
	for _, e := range f.ExportsFor(layout.StartUIScript) {
		s := e.Name + "=" + string(e.Kind) + ":" + e.Value
		for _, c := range e.Conds {
			s += " if " + c.Var + " " + string(c.Op) + " " + c.Value
		}
		exports = append(exports, s)
	}
	want := []string{"SCRIPT_DIR=checkout:", "OT_CONDA_CMD=setting:", "OT_CONDA_ENV=setting:", "OT_PYTHON_CMD=setting:",
		"OT_PYTHON_VENV=setting:", "OT_PREFER_VENV=setting:", "OT_CUDA_LOWMEM_MODE=setting:", "OT_PLATFORM_REQUIREMENTS=literal:detect",
		"OT_SCRIPT_DEBUG=setting:", "OT_PYTHON_VERSION_MINIMUM=literal:3.10", "OT_PYTHON_VERSION_TOO_HIGH=literal:3.14",
		"OT_CONDA_USE_PYTHON_VERSION=literal:3.13", "OT_UPDATE_METADATA_FILE=literal:/co/update.var", "OT_HOST_OS=host-os:",
		"PYTORCH_CUDA_ALLOC_CONF=literal:gc:0.6 if OT_CUDA_LOWMEM_MODE == true", "HF_HUB_DISABLE_XET=literal:1 if HF_HUB_DISABLE_XET unset ",
	}
	if !reflect.DeepEqual(exports, want) {
		t.Errorf("exports:\n%s\nwant:\n%s", strings.Join(exports, "\n"), strings.Join(want, "\n"))
	}
	if got := strings.Join(f.Conda.Create.With("ENV"), " "); !f.Conda.Prefix || got != "create -y --prefix ENV --channel conda-forge python==3.13.* tk[build=xft_*]" {
		t.Errorf("conda create: prefix %v, %q", f.Conda.Prefix, got)
	}
	if got := strings.Join(f.Conda.Run.With("ENV"), " "); got != "run --prefix ENV --no-capture-output" {
		t.Errorf("conda run: %q", got)
	}
	if got := strings.Join(f.PipBootstrap.Words, " "); got != "install --upgrade pip setuptools==81.0.0" {
		t.Errorf("pip bootstrap: %q", got)
	}
	if got := strings.Join(f.PipRequirements.With("P"), " "); got != "install -r requirements-global.txt -r P" {
		t.Errorf("pip requirements: %q", got)
	}
	var rules []string
	for _, r := range f.Platform {
		var signs []string
		for _, s := range r.Signs {
			signs = append(signs, map[bool]string{true: "x:", false: "e:"}[s.Exec]+s.Arg)
		}
		rules = append(rules, strings.Join(signs, ",")+"→"+r.File+map[bool]string{true: " (legacy)", false: ""}[r.Legacy])
	}
	if got := strings.Join(rules, "; "); got != "e:/dev/nvidia0,x:nvidia-smi→requirements-cuda.txt (legacy); e:/dev/kfd→requirements-rocm.txt; →requirements-default.txt" {
		t.Errorf("platform rules: %s", got)
	}
	if l := f.Legacy; l == nil || l.Default != "requirements-cuda.txt" || l.Legacy != "requirements-cuda-legacy.txt" || l.Below != 13 {
		t.Errorf("legacy: %+v", l)
	}
	if f.UIScript.Value != "scripts/train_ui_qt.py" || f.UIScript.Where != "start-ui.sh:8" {
		t.Errorf("UI script: %+v", f.UIScript)
	}
	// On macOS the MPS fallback is exported and tk is not asked for.
	mac := Extract("/co", "Darwin", []Source{{Name: layout.LibFile, Data: []byte(framework)}})
	if got := strings.Join(mac.Conda.Create.With("ENV"), " "); strings.Contains(got, "tk[") {
		t.Errorf("conda create on macOS: %q", got)
	}
	found := false
	for _, e := range mac.Exports {
		found = found || e.Name == "PYTORCH_ENABLE_MPS_FALLBACK" && e.Value == "1" && len(e.Conds) == 0
	}
	if !found {
		t.Error("no MPS fallback on macOS")
	}
}

// What the evaluator cannot evaluate is a warning naming file and line
// when it is a detail, and the built-in value stands for it; when it
// decides the env's place, tool or what runs, it is a refusal.
func TestExtractUnevaluable(t *testing.T) {
	lib := strings.Replace(framework, `export OT_PYTHON_VENV="${OT_PYTHON_VENV:-venv}"`, `export OT_PYTHON_VENV="${OT_PYTHON_VENV:-$(pick_a_venv)}"`, 1)
	lib = strings.Replace(lib, `export OT_PYTHON_VERSION_TOO_HIGH='3.14'`, `export OT_PYTHON_VERSION_TOO_HIGH="$(cat /etc/max-python)"`, 1)
	lib = strings.Replace(lib, `run_conda create -y --prefix "${OT_CONDA_ENV}"`, `run_conda create -y --prefix "$(where_to)"`, 1)
	lib += "if some_command; then\n    export OT_X=1\nfi\n"
	f := extract(lib, "source lib.include.sh\nprepare_runtime_environment\nrun_python_in_active_env \"$UI\" \"$@\"\n")
	for _, tc := range []struct {
		list []string
		want string
	}{
		{f.Refusals, "lib.include.sh:8: the default of OT_PYTHON_VENV cannot be evaluated"},
		{f.Warnings, "lib.include.sh:15: the value exported as OT_PYTHON_VERSION_TOO_HIGH cannot be evaluated"},
		{f.Warnings, "lib.include.sh:80: this condition cannot be evaluated"},
		{f.Refusals, "lib.include.sh:33: the conda create command cannot be evaluated"},
		{f.Refusals, "start-ui.sh:3: what run_python_in_active_env runs cannot be evaluated"},
	} {
		found := false
		for _, got := range tc.list {
			found = found || strings.HasPrefix(got, tc.want)
		}
		if !found {
			t.Errorf("no %q in %q", tc.want, tc.list)
		}
	}
	if c, _ := f.Constant("OT_PYTHON_VERSION_TOO_HIGH"); c.Value != "3.14" || c.Where != BuiltIn {
		t.Errorf("the too-high bound: %+v, want the built-in", c)
	}
}

// A file that is not Bash is refused, with its line.
func TestExtractParseError(t *testing.T) {
	f := extract("export A=1\nif [[ then\n", "")
	if len(f.Refusals) == 0 || !strings.HasPrefix(f.Refusals[0], "lib.include.sh:2: cannot be read as Bash") {
		t.Errorf("refusals: %q", f.Refusals)
	}
	if f.Lib || f.UIScript.Where != BuiltIn {
		t.Errorf("facts from a broken file: %+v", f)
	}
}

// A fragment that defines no user variable (only the bounds) is refused;
// its facts, for doctor, are the built-in ones with its own values over
// them.
func TestExtractFragment(t *testing.T) {
	f := extract("export OT_PYTHON_VERSION_MINIMUM=\"3.11\"\n", "")
	if f.Lib {
		t.Error("a fragment taken for the framework")
	}
	if len(f.Refusals) == 0 || !strings.Contains(f.Refusals[0], "defines no prepare_runtime_environment") {
		t.Errorf("a fragment is not a checkout the launcher can follow: %q", f.Refusals)
	}
	if d, ok := f.DefaultOf("OT_PYTHON_VENV"); !ok || d.Lit != ".venv" {
		t.Errorf("built-in defaults lost: %+v", d)
	}
	found := false
	for _, e := range f.Exports {
		found = found || e.Name == "OT_PYTHON_VERSION_MINIMUM" && e.Value == "3.11"
	}
	if !found {
		t.Errorf("the fragment's export is not in force: %+v", f.Exports)
	}
}

// Hostile files stay within bounds: an array appended to itself, deep
// nesting, a value doubled many times.
func TestExtractBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("function create_conda_env {\n    declare -a a=(x x x x x x x x)\n")
	for i := 0; i < 200; i++ {
		b.WriteString("    a+=(\"${a[@]}\")\n")
	}
	b.WriteString("    run_conda create --prefix \"${OT_CONDA_ENV}\" \"${a[@]}\"\n}\n")
	b.WriteString("A=xxxxxxxxxxxxxxxx\n")
	for i := 0; i < 40; i++ {
		b.WriteString("A=\"$A$A\"\n")
	}
	b.WriteString("export OT_PYTHON_VERSION_MINIMUM=\"$A\"\n")
	b.WriteString(strings.Repeat("if [[ 1 == 1 ]]; then ", 500) + "true" + strings.Repeat("; fi", 500) + "\n")
	f := extract(b.String(), "")
	if len(f.Conda.Create.Words) > maxArray {
		t.Errorf("an array of %d words", len(f.Conda.Create.Words))
	}
	if c, _ := f.Constant("OT_PYTHON_VERSION_MINIMUM"); len(c.Value) > maxValue {
		t.Errorf("a value of %d bytes", len(c.Value))
	}
}

// The memo gives back exactly what was learnt, under its key only: every
// field of every fact, compared as values. Facts filled by reflection —
// every field, however deep, set to a value of its own — and facts
// extracted from small inputs and from the fixture commits' launch files
// where they are here make the round trip, so that a field the memo did
// not carry would fail here rather than vanish from warm launches.
func TestMemoRoundTrip(t *testing.T) {
	samples := []*Facts{extract(framework, startUI), extract("", ""), extract("export A=\"tab\there\"\n", "")}
	for _, n := range []int{0, 2} {
		f := new(Facts)
		testkit.Fill(reflect.ValueOf(f).Elem(), n)
		if n == 0 {
			f.Platform = []Rule{{File: "requirements-default.txt"}} // a memo needs one
		}
		samples = append(samples, f)
	}
	roundTrip(t, samples)
	good := encode(samples[0], "k")
	for _, bad := range []string{
		"onetrainer-launcher-facts 2\nkey\tk\nbogus\tline\n", // the format before
		"something else\n",
		good[:len(good)-3], // cut short
		good + "more\n",    // more than the schema holds
		strings.Replace(good, "\n1\n", "\nyes\n", 1),
		strings.Replace(good, memoSchema, "0000000000000000", 1), // another schema
	} {
		if _, _, err := decode(bad); err == nil {
			t.Errorf("a memo that is not one was taken:\n%q", bad)
		}
	}
}

// The facts of OneTrainer's own launch files, on Linux and on macOS, and
// of the pixi branch's hand-over folder, come back from the memo whole.
func TestMemoRoundTripOfFixtures(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(testkit.Fixtures(t), "*"))
	var samples []*Facts
	for _, dir := range dirs {
		for _, sub := range []string{"", "scripts/pip-install/"} {
			if srcs := fixtureSources(dir, sub); srcs != nil {
				samples = append(samples, Extract("/co", "Linux", srcs), Extract("/co", "Darwin", srcs))
			}
		}
	}
	if len(samples) == 0 {
		t.Fatalf("no launch files in %s", testkit.UpstreamFixtures())
	}
	roundTrip(t, samples)
}

// roundTrip encodes each of samples as a memo and decodes it again, which
// must give back what was encoded.
func roundTrip(t *testing.T, samples []*Facts) {
	t.Helper()
	for i, f := range samples {
		text := encode(f, "key\x00one")
		g, key, err := decode(text)
		if f.UIScript.Value == "" || len(f.Platform) == 0 {
			continue // no memo of a checkout without these is taken (extract always gives them)
		}
		if err != nil || key != "key\x00one" {
			t.Fatalf("sample %d: decode: %v, key %q\n%s", i, err, key, text)
		}
		if !reflect.DeepEqual(g, f) {
			t.Errorf("sample %d: the memo does not give back what was learnt:\nlearnt %+v\nback   %+v", i, f, g)
		}
	}
}

// The codec is what internal/cmd/memogen makes of facts.go.
func TestMemoCodecIsGenerated(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH:", err)
	}
	cmd := exec.Command(goTool, "run", "./internal/cmd/memogen", "-check")
	cmd.Dir = testkit.Root()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%v\n%s", err, out)
	}
}

// fixtureSources are the launch files of a fixture commit's folder (sub:
// "" for the checkout's top, or its scripts/pip-install/), and its
// manifest, named as a checkout names them; nil when there are none.
func fixtureSources(dir, sub string) []Source {
	var srcs []Source
	for _, name := range append([]string{layout.LibFile, layout.PyProject}, layout.Scripts()...) {
		if data, err := os.ReadFile(filepath.Join(dir, sub, name)); err == nil {
			if name == layout.PyProject {
				srcs = append(srcs, Source{Name: name, Data: data})
			} else {
				srcs = append(srcs, Source{Name: sub + name, Data: data})
			}
		}
	}
	if len(srcs) == 0 || sub != "" && len(srcs) == 1 {
		return nil
	}
	return srcs
}
