package upstream

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// fixture reads one of OneTrainer's fixture commits, or skips.
func fixture(t *testing.T, commit, sub string) *Facts {
	t.Helper()
	dir := testkit.Fixture(t, commit)
	return Extract("/co", "Linux", fixtureSources(dir, sub))
}

// Every master commit's launch files are the pip family's, and every part
// of them is followed.
func TestPipFamilyFixtures(t *testing.T) {
	for commit, ui := range map[string]string{"2da3d159": "scripts/train_ui.py", "1a89b122": "scripts/train_ui.py",
		"341751e8": "scripts/train_ui.py", "4a660d4b": "scripts/train_ui_qt.py", "23df3832": "scripts/train_ui_qt.py"} {
		f := fixture(t, commit, "")
		if len(f.Refusals) > 0 || f.Family.Value != FamilyPip || !strings.HasPrefix(f.Family.Where, "lib.include.sh:") {
			t.Errorf("%s: family %+v, refusals %q", commit, f.Family, f.Refusals)
		}
		if f.UIScript.Value != ui || f.UIScript.Where != "start-ui.sh:9" && f.UIScript.Where != "start-ui.sh:14" {
			t.Errorf("%s: UI %+v", commit, f.UIScript)
		}
		for _, script := range layout.Scripts() {
			p, ok := f.PlanOf(script)
			if !ok || !p.Prepares || p.Handover != nil {
				t.Errorf("%s: %s: %+v", commit, script, p)
			}
		}
		if p, _ := f.PlanOf(layout.UpdateScript); !p.Pull || p.Prepare != "upgrade" {
			t.Errorf("%s: update.sh: %+v", commit, p)
		}
		if p, _ := f.PlanOf(layout.RunCmdScript); p.Run.Slot != 1 || p.Run.Words[0] != fnRunPipFamily {
			t.Errorf("%s: run-cmd.sh runs %+v", commit, p.Run)
		}
	}
}

// The pixi branch: its scripts hand over to scripts/pip-install/ with
// OT_PIP_INSTALL=true, run pixi as lib.include.sh says, and choose among
// the manifest's environments by the driver's CUDA version.
func TestPixiFamilyFixture(t *testing.T) {
	f := fixture(t, "e079c1f2", "")
	if len(f.Refusals) > 0 || f.Family.Value != FamilyPixi {
		t.Fatalf("family %+v, refusals %q", f.Family, f.Refusals)
	}
	px := f.Pixi
	for what, got := range map[string]string{
		"install": strings.Join(px.Install.With("ENV"), " "), "run": strings.Join(px.Run.With("ENV"), " "),
		"self-update": strings.Join(px.SelfUpdate.Words, " "), "installer": px.Installer,
		"bin":  px.BinDir.Var + "|" + px.BinDir.Default + "|" + px.BinDir.Suffix,
		"envs": strings.Join(px.Envs, " "), "install on": strings.Join(px.InstallOn, " "), "self-update on": strings.Join(px.SelfUpdateOn, " "),
	} {
		want := map[string]string{"install": "install --locked -e ENV", "run": "run --locked -e ENV", "self-update": "self-update --no-release-note",
			"installer": "./install-pixi.sh", "bin": "HOME|/root|/.pixi/bin", "envs": "cpu cuda12 cuda13 default rocm",
			"install on": "install upgrade", "self-update on": "upgrade"}[what]
		if got != want {
			t.Errorf("%s: %q, want %q", what, got, want)
		}
	}
	if !strings.HasPrefix(px.EnvsWhere, "pyproject.toml:") {
		t.Errorf("envs from %q", px.EnvsWhere)
	}
	var rules []string
	for _, r := range f.Platform {
		rules = append(rules, r.File)
	}
	if got := strings.Join(rules, " "); got != "cuda13 rocm cpu" || len(f.Platform[0].Signs) != 3 || !f.Platform[0].Legacy {
		t.Errorf("platform rules %s: %+v", got, f.Platform)
	}
	if l := f.Legacy; l == nil || l.Default != "cuda13" || l.Legacy != "cuda12" || l.Below != 13 || !l.UnknownIsLegacy {
		t.Errorf("the driver check: %+v", l)
	}
	for _, script := range layout.Scripts() {
		p, _ := f.PlanOf(script)
		h := p.Handover
		if h == nil || h.Var != "OT_PIP_INSTALL" || h.Value != "true" || h.Script != "scripts/pip-install/"+script {
			t.Errorf("%s hands over %+v", script, h)
		}
	}
	if d, ok := f.DefaultOf("OT_PIP_INSTALL"); !ok || d.Lit != "false" {
		t.Errorf("OT_PIP_INSTALL is not a setting of this checkout: %+v", d)
	}
	if p, _ := f.PlanOf(layout.UpdateScript); len(p.GitInit) != 4 || strings.Join(p.GitInit[1], " ") != "git remote add origin https://github.com/Nerogar/OneTrainer.git" || !p.Pull {
		t.Errorf("update.sh's git init: %q", p.GitInit)
	}
	if p, _ := f.PlanOf(layout.StartUIScript); strings.Join(p.Run.Words, " ") != "run_in_env python scripts/train_ui.py" {
		t.Errorf("start-ui.sh runs %q", p.Run.Words)
	}
	if p, _ := f.PlanOf(layout.InstallScript); p.Prepare != "install" {
		t.Errorf("install.sh prepares with %q", p.Prepare)
	}

	// Its scripts/pip-install/ is the pip family, read the same way.
	pip := fixture(t, "e079c1f2", "scripts/pip-install/")
	if len(pip.Refusals) > 0 || pip.Family.Value != FamilyPip || pip.UIScript.Value != "scripts/train_ui.py" ||
		!strings.HasPrefix(pip.UIScript.Where, "scripts/pip-install/start-ui.sh:") {
		t.Errorf("scripts/pip-install: family %+v, UI %+v, refusals %q", pip.Family, pip.UIScript, pip.Refusals)
	}
	if d, _ := pip.DefaultOf("OT_PREFER_VENV"); d.Lit != "false" || !strings.HasPrefix(d.Where, "scripts/pip-install/lib.include.sh:") {
		t.Errorf("its own defaults: %+v", d)
	}
}

// What the launcher cannot follow is refused, naming the file and line.
func TestRefusals(t *testing.T) {
	head := testkit.Fixture(t, "23df3832")
	pixi := testkit.Fixture(t, "e079c1f2")
	read := func(dir, name string) string {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	for _, tc := range []struct {
		name   string
		dir    string
		file   string
		change func(string) string
		want   string
	}{
		{"a step start-ui.sh runs", head, layout.StartUIScript, func(s string) string {
			return strings.Replace(s, "prepare_runtime_environment\n", "prepare_runtime_environment\nnvidia-smi -pm 1\n", 1)
		}, "start-ui.sh:8: nvidia-smi -pm 1: the launcher does not model this step"},
		{"another runner", head, layout.StartUIScript, func(s string) string {
			return strings.Replace(s, "run_python_in_active_env", "run_in_env python", 1)
		}, "start-ui.sh:9: runs its script with run_in_env, which is not the pip family's runner"},
		{"an env tool the launcher does not know", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "    activate_chosen_env\n", "    uv sync --frozen\n", 1)
		}, "calls none of the steps of the launch logic the launcher knows"},
		{"a step prepare runs besides the framework's", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "    activate_chosen_env\n", "    activate_chosen_env\n    uv sync\n", 1)
		}, "prepare_runtime_environment runs uv, which the launcher does not model"},
		{"prepare's steps in another order", head, layout.LibFile, func(s string) string {
			s = strings.Replace(s, "    exit_if_no_runtime\n", "", 1)
			return strings.Replace(s, "    activate_chosen_env\n", "    activate_chosen_env\n    exit_if_no_runtime\n", 1)
		}, "lib.include.sh:447: prepare_runtime_environment runs activate_chosen_env, exit_if_no_runtime, exit_if_active_env_wrong_python_version, is_update_metadata_changed, install_requirements_in_active_env, install_requirements_in_active_env_if_necessary, an order"},
		{"prepare installing twice", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "        install_requirements_in_active_env_if_necessary\n", "        install_requirements_in_active_env_if_necessary\n    fi\n    if [[ \"$1\" == \"install\" ]]; then\n        install_requirements_in_active_env\n", 1)
		}, "install_requirements_in_active_env_if_necessary, install_requirements_in_active_env, an order of steps the launcher does not model"},
		{"prepare with a mode of its own", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, `if [[ "$1" == "upgrade" ]]; then`, `if [[ "$1" == "upgrade" || "$1" == "refresh" ]]; then`, 1)
		}, "lib.include.sh:447: prepare_runtime_environment tells its modes by [\"refresh\" \"upgrade\"]"},
		{"no prepare_runtime_environment", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "function prepare_runtime_environment", "function prepare_something_else", 1)
		}, "lib.include.sh: defines no prepare_runtime_environment"},
		{"install.sh that prepares nothing", head, layout.InstallScript, func(s string) string {
			return strings.Replace(s, "prepare_runtime_environment", "print 'nothing to do'", 1)
		}, "install.sh:7: print 'nothing to do': the launcher does not model this step"},
		{"update.sh without its pull", head, layout.UpdateScript, func(s string) string {
			return strings.Replace(s, "git pull\n", "", 1)
		}, "update.sh: runs no git pull"},
		{"a pixi command with a computed environment", pixi, layout.LibFile, func(s string) string {
			return strings.Replace(s, `run_cmd pixi install --locked -e "${OT_PLATFORM}"`, `run_cmd pixi install --locked -e "$(pick)"`, 1)
		}, "lib.include.sh:174: this `pixi install` cannot be evaluated"},
		{"a pixi run of something else", pixi, layout.StartUIScript, func(s string) string {
			return strings.Replace(s, `run_in_env python "scripts/train_ui.py"`, `run_in_env jupyter lab`, 1)
		}, "start-ui.sh:15: runs something other than python in the pixi environment"},
		{"a hand-over that does more", pixi, layout.InstallScript, func(s string) string {
			return strings.Replace(s, "    exit 0\n", "    rm -rf .pixi\n    exit 0\n", 1)
		}, "install.sh:5: this if does something the launcher does not model"},
		{"a manifest without environments", pixi, layout.PyProject, func(s string) string {
			return strings.Replace(s, "[tool.pixi.environments]", "[tool.pixi.not-environments]", 1)
		}, "pyproject.toml: defines no [tool.pixi.environments]"},
		{"a step at the top of lib.include.sh", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "cd -- \"${SCRIPT_DIR}\"\n", "cd -- \"${SCRIPT_DIR}\"\ncheck_gpu_memory\n", 1)
		}, "lib.include.sh:13: check_gpu_memory: the launcher does not model this step at the top of lib.include.sh"},
		{"a cd elsewhere at the top of lib.include.sh", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "cd -- \"${SCRIPT_DIR}\"\n", "cd -- \"${SCRIPT_DIR}/..\"\n", 1)
		}, "lib.include.sh:12: cd -- \"${SCRIPT_DIR}/..\": the launcher does not model this step"},
		{"set -- at the top of lib.include.sh", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "set -e\n", "set -e -- train\n", 1)
		}, "lib.include.sh:3: set -e -- train: the launcher does not model this step"},
		{"a source at the top of the hand-over's lib.include.sh", filepath.Join(pixi, "scripts/pip-install"), layout.LibFile, func(s string) string {
			return strings.Replace(s, "set -e\n", "set -e\nsource ~/env.sh\n", 1)
		}, "lib.include.sh:4: source ~/env.sh: the launcher does not model this step at the top of lib.include.sh"},
		{"a step under a condition at the top of lib.include.sh", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "cd -- \"${SCRIPT_DIR}\"\n", "cd -- \"${SCRIPT_DIR}\"\nif [[ -f ~/.otrc ]]; then\n    source ~/.otrc\nfi\n", 1)
		}, "lib.include.sh:14: source ~/.otrc: the launcher does not model this step at the top"},
		{"a loop at the top of lib.include.sh", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "cd -- \"${SCRIPT_DIR}\"\n", "cd -- \"${SCRIPT_DIR}\"\nfor f in ~/.ot/*.sh; do source \"$f\"; done\n", 1)
		}, "lib.include.sh:13: for f in"},
		// The bodies of the functions the scripts reach: each statement one
		// the launcher's model accounts for, or refused at its line.
		{"a step in a function prepare calls", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "function activate_chosen_env {\n", "function activate_chosen_env {\n    ulimit -n 4096\n", 1)
		}, "lib.include.sh:298: ulimit -n 4096: the launcher does not model this step in activate_chosen_env"},
		{"an export in the requirements install", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "    export OT_MUST_INSTALL_REQUIREMENTS=\"false\"\n", "    export OT_MUST_INSTALL_REQUIREMENTS=\"false\"\n    export FOO=bar\n", 1)
		}, "lib.include.sh:394: export FOO=bar: the launcher does not model this step in install_requirements_in_active_env"},
		{"a global set in a check", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "function has_python {\n", "function has_python {\n    OT_PYTHON_CMD=python3\n", 1)
		}, "lib.include.sh:164: OT_PYTHON_CMD=python3: the launcher does not model this step in has_python"},
		{"a source in the venv's activation", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "    source \"${OT_PYTHON_VENV}/bin/activate\"\n", "    source \"${OT_PYTHON_VENV}/bin/activate\"\n    source ~/env.sh\n", 1)
		}, "lib.include.sh:187: source ~/env.sh: the launcher does not model this step in activate_python_venv"},
		{"a function of the checkout's called by a check", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "function exit_if_no_runtime {\n", "function check_gpu_memory {\n    nvidia-smi\n}\nfunction exit_if_no_runtime {\n    check_gpu_memory\n", 1)
		}, "lib.include.sh:433: check_gpu_memory: the launcher does not model this step in exit_if_no_runtime"},
		{"a venv made another way", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, `run_venv "${OT_PYTHON_VENV}"`, `run_venv --system-site-packages "${OT_PYTHON_VENV}"`, 1)
		}, "lib.include.sh:173: run_venv --system-site-packages"},
		{"a pip install's output sent to a file", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "pip setuptools==81.0.0\n", "pip setuptools==81.0.0 >>install.log\n", 1)
		}, "the launcher does not model this step in install_requirements_in_active_env"},
		{"a printing helper that does more", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "function print {\n", "function print {\n    logger \"$*\"\n", 1)
		}, "lib.include.sh:59: logger \"$*\": the launcher does not model this step in print"},
		{"a step in the driver check", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "    local legacy_reqs=\"requirements-cuda-legacy.txt\"\n", "    local legacy_reqs=\"requirements-cuda-legacy.txt\"\n    nvidia-smi -pm 1\n", 1)
		}, "lib.include.sh:331: nvidia-smi -pm 1: the launcher does not model this step in get_cuda_requirements_path"},
		{"a step in the pixi platform check", pixi, layout.LibFile, func(s string) string {
			return strings.Replace(s, "            local smi=\"nvidia-smi\"\n", "            local smi=\"nvidia-smi\"\n            nvidia-smi -pm 1\n", 1)
		}, "lib.include.sh:150: nvidia-smi -pm 1: the launcher does not model this step in get_platform"},
		{"a loop in pixi's finder", pixi, layout.LibFile, func(s string) string {
			return strings.Replace(s, "function get_or_update_pixi {\n", "function get_or_update_pixi {\n    for f in ~/.pixirc.d/*; do source \"$f\"; done\n", 1)
		}, "lib.include.sh:182: for f in ~/.pixirc.d/*; do source \"$f\"; done: the launcher does not model this step in get_or_update_pixi"},
		{"the platform's file chosen again after the chain", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "    if [[ -z \"${platform_reqs}\" ]] ||", "    platform_reqs=\"requirements-special.txt\"\n    if [[ -z \"${platform_reqs}\" ]] ||", 1)
		}, "lib.include.sh:376: platform_reqs=\"requirements-special.txt\": the launcher does not model this step in get_platform_requirements_path"},
		{"pixi's platform starting as something else", pixi, layout.LibFile, func(s string) string {
			return strings.Replace(s, `local platform="${OT_PLATFORM}"`, `local platform="cpu"`, 1)
		}, "lib.include.sh:137: local platform=\"cpu\": the launcher does not model this step in get_platform"},
		{"conda preferred the other way round", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, `[[ "${OT_PREFER_VENV}" != "true" ]]`, `[[ "${OT_PREFER_VENV}" == "true" ]]`, 1)
		}, "lib.include.sh:292: [[ \"${OT_PREFER_VENV}\" == \"true\" ]]: the launcher does not model this step in should_use_conda"},
		{"a venv told by another file", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, `[[ -f "${OT_PYTHON_VENV}/bin/activate" ]]`, `[[ -x "${OT_PYTHON_VENV}/bin/python" ]]`, 1)
		}, "lib.include.sh:168: [[ -x \"${OT_PYTHON_VENV}/bin/python\" ]]: the launcher does not model this step in has_python_venv"},
		{"an export in pixi's prepare", pixi, layout.LibFile, func(s string) string {
			return strings.Replace(s, "    export OT_PLATFORM=\"$(get_platform)\"\n", "    export OT_PLATFORM=\"$(get_platform)\"\n    export PIXI_CACHE_DIR=/tmp/pixi\n", 1)
		}, "lib.include.sh:205: export PIXI_CACHE_DIR=/tmp/pixi: the launcher does not model this step in prepare_runtime_environment"},
		{"a setting shadowed by a local for the functions called", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "function activate_chosen_env {\n", "function activate_chosen_env {\n    local OT_PYTHON_VENV=\"/tmp/venv\"\n", 1)
		}, "lib.include.sh:298: local OT_PYTHON_VENV=\"/tmp/venv\": the launcher does not model this step in activate_chosen_env"},
		{"a printing helper that sets a variable", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "function print {\n", "function print {\n    printf -v OT_PYTHON_CMD python3\n", 1)
		}, "lib.include.sh:59: printf -v OT_PYTHON_CMD python3: the launcher does not model this step in print"},
		{"a check that runs another command", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, `if local full_path="$(command -v "$1" 2>/dev/null)"; then`, `if local full_path="$(command -v "$1" 2>/dev/null)" && command rm -rf ~/.cache/pip; then`, 1)
		}, "lib.include.sh:135: command rm -rf ~/.cache/pip: the launcher does not model this step in can_exec"},
		{"a third pip install", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "    export OT_MUST_INSTALL_REQUIREMENTS=\"false\"\n", "    run_pip_in_active_env install extra\n    export OT_MUST_INSTALL_REQUIREMENTS=\"false\"\n", 1)
		}, "lib.include.sh:393: a pip install besides the two the launcher models"},
		{"a second conda create", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "    export OT_MUST_INSTALL_REQUIREMENTS=\"true\"\n\n    # Show", "    run_conda create -y --prefix \"${OT_CONDA_ENV}\" cudatoolkit\n    export OT_MUST_INSTALL_REQUIREMENTS=\"true\"\n\n    # Show", 1)
		}, "lib.include.sh:259: a second `run_conda create`"},
		{"a second pixi install", pixi, layout.LibFile, func(s string) string {
			return strings.Replace(s, "    run_cmd pixi install --locked -e \"${OT_PLATFORM}\"\n", "    run_cmd pixi install --locked -e \"${OT_PLATFORM}\"\n    run_cmd pixi install --locked -e cpu\n", 1)
		}, "lib.include.sh:175: a second `run_cmd pixi install`"},
		{"a function of the checkout's shadowing a command the model runs", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "# Retrieves the most recent", "function git {\n    command git \"$@\" && curl -s example.com\n}\n# Retrieves the most recent", 1)
		}, "lib.include.sh:88: git rev-parse HEAD: the launcher does not model this step in get_current_git_hash"},
		{"a job in the background", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "function create_python_venv {\n", "function create_python_venv {\n    print \"warming up\" &\n", 1)
		}, "lib.include.sh:172: print \"warming up\" &: the launcher does not model this step in create_python_venv"},
		{"a script entering the folder above", head, layout.UpdateScript, func(s string) string {
			return strings.Replace(s, `cd -- "$(dirname -- "${BASH_SOURCE[0]}")"`, `cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."`, 1)
		}, "update.sh:6: cd -- \"$(dirname -- \"${BASH_SOURCE[0]}\")/..\": it enters a folder other than the checkout"},
		{"a script sourcing another folder's library", head, layout.StartUIScript, func(s string) string {
			return strings.Replace(s, `source "${BASH_SOURCE[0]%/*}/lib.include.sh"`, `source ~/ot-overrides/lib.include.sh`, 1)
		}, "start-ui.sh:5: source ~/ot-overrides/lib.include.sh: it sources something other than its own folder's lib.include.sh"},
		// The scripts' and lib.include.sh's top level: what a statement the
		// readers take runs besides.
		{"an environment for the runner alone", head, layout.StartUIScript, func(s string) string {
			return strings.Replace(s, "run_python_in_active_env", "CUDA_VISIBLE_DEVICES=1 run_python_in_active_env", 1)
		}, "start-ui.sh:9: CUDA_VISIBLE_DEVICES=1 run_python_in_active_env"},
		{"set -- in a launch script", head, layout.StartUIScript, func(s string) string {
			return strings.Replace(s, "set -e\n", "set -e -- --help\n", 1)
		}, "start-ui.sh:3: set -e -- --help: the launcher does not model this step"},
		{"a command in the condition of a script's exports", head, layout.StartUIScript, func(s string) string {
			return strings.Replace(s, "prepare_runtime_environment\n", "if nvidia-smi -pm 1; then\n    export GPU_PM=1\nfi\nprepare_runtime_environment\n", 1)
		}, "start-ui.sh:7: nvidia-smi -pm 1: the launcher does not model this step"},
		{"a command in a script's export", head, layout.StartUIScript, func(s string) string {
			return strings.Replace(s, "prepare_runtime_environment\n", "export GPU_NAME=\"$(nvidia-smi -pm 1)\"\nprepare_runtime_environment\n", 1)
		}, "start-ui.sh:7: export GPU_NAME=\"$(nvidia-smi -pm 1)\": the launcher does not model this step"},
		{"a command in the condition of lib.include.sh's exports", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, `if [[ "${OT_CUDA_LOWMEM_MODE}" == "true" ]]; then`, `if check_gpu_memory; then`, 1)
		}, "lib.include.sh:48: check_gpu_memory: the launcher does not model this step at the top"},
		{"a command in an export of lib.include.sh", head, layout.LibFile, func(s string) string {
			return strings.Replace(s, "export OT_HOST_OS=\"$(uname -s)\"\n", "export OT_HOST_OS=\"$(uname -s)\"\nexport OT_GPUS=\"$(nvidia-smi -L)\"\n", 1)
		}, "lib.include.sh:41: export OT_GPUS=\"$(nvidia-smi -L)\": the launcher does not model this step"},
		{"a script that is not Bash", head, layout.RunCmdScript, func(s string) string {
			return s + "\nif [[ then\n"
		}, "run-cmd.sh:25: cannot be read as Bash"},
	} {
		srcs := fixtureSources(tc.dir, "")
		for i := range srcs {
			if srcs[i].Name == tc.file {
				srcs[i].Data = []byte(tc.change(read(tc.dir, tc.file)))
			}
		}
		f := Extract("/co", "Linux", srcs)
		found := false
		for _, r := range f.Refusals {
			found = found || strings.Contains(r, tc.want)
		}
		if !found {
			t.Errorf("%s: no refusal %q in %q", tc.name, tc.want, f.Refusals)
		}
	}
	// Without lib.include.sh the scripts cannot be followed; without any
	// launch file the built-in framework stands.
	f := Extract("/co", "Linux", []Source{{Name: layout.StartUIScript, Data: []byte(read(head, layout.StartUIScript))}})
	if len(f.Refusals) == 0 || !strings.Contains(f.Refusals[0], "lib.include.sh is missing") {
		t.Errorf("scripts without their library: %q", f.Refusals)
	}
	if f := Extract("/co", "Linux", nil); len(f.Refusals) > 0 || f.Family != (Fact{FamilyPip, BuiltIn}) {
		t.Errorf("no launch files: %+v %q", f.Family, f.Refusals)
	}
}

// The manifest's environments as pixi reads them, for the shapes TOML
// allows: keys with tables or arrays that span lines, quoted keys,
// sub-tables, comments, and pixi.toml's own table name.
func TestPixiEnvs(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"pyproject.toml", "[tool.pixi.environments]\ncpu = [\"cpu\"]\ncuda = { features = [\"cuda\"],\n  solve-group = \"x\" }\n\"my-env\" = []\n[tool.pixi.tasks]\nnot = 1\n", "cpu cuda default my-env"},
		{"pyproject.toml", "[tool.pixi.environments.gpu]\nfeatures = [\"a\"]\n[ tool.pixi.environments.cpu ]\n", "cpu default gpu"},
		{"pyproject.toml", "[tool.pixi.environments]\nlist = [\n  \"a\", # a = 1\n  \"b\",\n]\nx = \"]\" # not = 2\n", "default list x"},
		{"pixi.toml", "[environments]\nrocm = [\"rocm\"]\n", "default rocm"},
	} {
		envs, _, ok := pixiEnvs(tc.name, []byte(tc.text))
		if got := strings.Join(envs, " "); !ok || got != tc.want {
			t.Errorf("%q: %q (%v), want %q", tc.text, got, ok, tc.want)
		}
	}
	if _, _, ok := pixiEnvs("pyproject.toml", []byte("[project]\nname = \"x\"\n")); ok {
		t.Error("a manifest without environments")
	}
}
