#!/usr/bin/env bash
# Builds the launcher and runs it end to end on the miniature checkout in
# examples/minitrainer, offline: pip installs from a folder holding the
# Python's own bundled pip/setuptools wheels and a small wheel made here.
# Usage: examples/demo.sh   (from the repository root; OT_PYTHON_CMD picks the Python)
# The launcher it builds is ./onetrainer-launcher, kept (git ignores it): it
# is the launcher, ready to link into a real checkout. Everything else it
# makes goes into one temporary folder, removed at the end (also when it
# fails or is interrupted); OT_DEMO_KEEP=1 keeps it to look at.
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

echo "== building ./onetrainer-launcher (kept: link it into your checkout with ./onetrainer-launcher link ~/OneTrainer)"
go build -o onetrainer-launcher .

work=$(mktemp -d "${TMPDIR:-/tmp}/ot-demo.XXXXXX")
finish() {
    if [ "${OT_DEMO_KEEP:-}" = 1 ]; then
        echo "== kept: $work (remove it with: rm -rf '$work')"
    else
        rm -rf "$work" && echo "== removed $work (OT_DEMO_KEEP=1 keeps it)"
    fi
}
trap finish EXIT
checkout="$work/Mini Trainer"          # a space in the path, on purpose
cp -R examples/minitrainer "$checkout"
echo "== onetrainer-launcher link   (the checkout gets its own copy; the scripts become links to it)"
./onetrainer-launcher link "$checkout"

python=${OT_PYTHON_CMD:-$(command -v python3 || command -v python)}
wheels="$work/wheels"
mkdir -p "$wheels"
bundled=$("$python" -c 'import ensurepip, os; print(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled"))')
cp "$bundled"/*.whl "$wheels"/
go run ./internal/cmd/mkwheel "$wheels" otdemo 1.0 \
    'otdemo/__init__.py=def greeting():
    return "installed by pip from a local wheel"
' >/dev/null

export OT_PYTHON_CMD="$python" PIP_NO_INDEX=1 PIP_FIND_LINKS="$wheels" PIP_DISABLE_PIP_VERSION_CHECK=1
echo "== ./install.sh   (in $checkout)"
"$checkout/install.sh"
echo "== ./start-ui.sh --demo 'two words'"
(cd "$checkout" && ./start-ui.sh --demo 'two words')
echo "== ./run-cmd.sh train --config-path demo.json   (from another directory)"
(cd "$work" && "./Mini Trainer/run-cmd.sh" train --config-path demo.json)
echo "== done"
