package testkit

import "strings"

// frameworkLib and frameworkScripts are launch files of the pip family's
// framework, written for these tests with the launch-scripts guide's
// defaults (a .venv, a conda env named onetrainer): the shape of
// OneTrainer's own, which the launcher follows (internal/e2e's
// TestFrameworkIsFollowed holds it to that). Only the launcher reads
// them; they are not meant to run.
const frameworkLib = `#!/usr/bin/env bash
set -e
export SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" &>/dev/null && pwd)"
export OT_CONDA_CMD="${OT_CONDA_CMD:-${CONDA_EXE:-conda}}"
export OT_CONDA_ENV="${OT_CONDA_ENV:-onetrainer}"
export OT_PYTHON_CMD="${OT_PYTHON_CMD:-python}"
export OT_PYTHON_VENV="${OT_PYTHON_VENV:-.venv}"
export OT_PREFER_VENV="${OT_PREFER_VENV:-false}"
export OT_LAZY_UPDATES="${OT_LAZY_UPDATES:-false}"
export OT_CUDA_LOWMEM_MODE="${OT_CUDA_LOWMEM_MODE:-false}"
export OT_PLATFORM_REQUIREMENTS="${OT_PLATFORM_REQUIREMENTS:-detect}"
export OT_SCRIPT_DEBUG="${OT_SCRIPT_DEBUG:-false}"
export OT_PYTHON_VERSION_MINIMUM="3.10"
export OT_PYTHON_VERSION_TOO_HIGH="3.14"
export OT_CONDA_USE_PYTHON_VERSION="3.13"
export OT_MUST_INSTALL_REQUIREMENTS="false"
export OT_UPDATE_METADATA_FILE="${SCRIPT_DIR}/update.var"
export OT_HOST_OS="$(uname -s)"
if [[ "${OT_HOST_OS}" == "Darwin" ]]; then
    export PYTORCH_ENABLE_MPS_FALLBACK="1"
fi
if [[ "${OT_CUDA_LOWMEM_MODE}" == "true" ]]; then
    export PYTORCH_CUDA_ALLOC_CONF="garbage_collection_threshold:0.6,max_split_size_mb:128"
fi

function create_conda_env {
    run_conda create -y -n "${OT_CONDA_ENV}" --override-channels --strict-channel-priority --channel "conda-forge" "python==${OT_CONDA_USE_PYTHON_VERSION}.*"
}

function run_in_conda_env {
    run_conda run -n "${OT_CONDA_ENV}" --no-capture-output "$@"
}

function get_cuda_requirements_path {
    local driver_cuda="$(nvidia-smi | grep -oE 'CUDA Version: [0-9]+\.[0-9]+' | grep -oE '[0-9]+\.[0-9]+')"
    if [[ -n "${driver_cuda}" ]] && (( ${driver_cuda%%.*} < 13 )); then
        echo "requirements-cuda-legacy.txt"
        return
    fi
    echo "requirements-cuda.txt"
}

function get_platform_requirements_path {
    local platform_reqs="${OT_PLATFORM_REQUIREMENTS}"
    if [[ "${platform_reqs}" == "detect" ]]; then
        if [[ -e "/dev/nvidia0" ]] || can_exec nvidia-smi || can_exec "/usr/lib/wsl/lib/nvidia-smi"; then
            platform_reqs="$(get_cuda_requirements_path)"
        elif [[ -e "/dev/kfd" ]]; then
            platform_reqs="requirements-rocm.txt"
        else
            platform_reqs="requirements-default.txt"
        fi
    fi
    echo "${platform_reqs}"
}

function install_requirements_in_active_env {
    run_pip_in_active_env install --upgrade --upgrade-strategy eager pip setuptools
    run_pip_in_active_env install --upgrade --upgrade-strategy eager -r requirements-global.txt -r "$(get_platform_requirements_path)"
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

// frameworkScripts is made anew on each call: no package state.
func frameworkScripts() map[string]string {
	return map[string]string{
		"install.sh": `#!/usr/bin/env bash
set -e
source "${BASH_SOURCE[0]%/*}/lib.include.sh"
prepare_runtime_environment
`,
		"update.sh": `#!/usr/bin/env bash
set -e
cd -- "$(dirname -- "${BASH_SOURCE[0]}")"
echo "[OneTrainer] Updating OneTrainer to latest version from Git repository..."
git pull
source "lib.include.sh"
prepare_runtime_environment upgrade
`,
		"start-ui.sh": `#!/usr/bin/env bash
set -e
source "${BASH_SOURCE[0]%/*}/lib.include.sh"
prepare_runtime_environment
run_python_in_active_env "scripts/train_ui.py" "$@"
`,
		"run-cmd.sh": `#!/usr/bin/env bash
set -e
source "${BASH_SOURCE[0]%/*}/lib.include.sh"
if [[ -z "${1}" ]]; then
    print_error "You must provide the name of the script to execute, such as \"train\"."
    exit 1
fi
OT_CUSTOM_SCRIPT_FILE="scripts/${1}.py"
if [[ ! -f "${OT_CUSTOM_SCRIPT_FILE}" ]]; then
    print_error "Custom script file \"${OT_CUSTOM_SCRIPT_FILE}\" does not exist."
    exit 1
fi
prepare_runtime_environment
shift
run_python_in_active_env "${OT_CUSTOM_SCRIPT_FILE}" "$@"
`,
	}
}

// FrameworkScript is the test framework's launch script name (install.sh,
// start-ui.sh, ...).
func FrameworkScript(name string) string { return frameworkScripts()[name] }

// WriteFramework writes the test framework's launch files into dir, each
// export NAME="…" of lib.include.sh given the value sets names (the
// bounds, say). A script that is a link already (a checkout whose scripts
// were linked by hand) gets its copy where link keeps git's copies. Other
// edits: FrameworkUpstream.
func WriteFramework(dir string, sets ...string) error {
	u := FrameworkUpstream()
	for _, kv := range sets {
		name, value, _ := strings.Cut(kv, "=")
		u.SetConstant(name, value)
	}
	return u.Write(dir)
}
