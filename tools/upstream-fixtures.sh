#!/usr/bin/env bash
# upstream-fixtures.sh: rebuild the upstream launch-file fixtures (one folder per OneTrainer
# commit, named by its first 8 hex digits, each with a MANIFEST) from a local clone of
# https://github.com/Nerogar/OneTrainer. The compatibility tests read them from
# ../shared/fixtures/upstream; each folder's MANIFEST names its commit, date and subject and the
# paths it had, and docs/testing.md says how the tests use them.
#
# Licence: the files written are OneTrainer's (AGPL-3.0). They are read from the clone with
# `git show COMMIT:PATH` into OUT_DIR, which lies outside this repository; never copy them into it.
# This script holds none of OneTrainer's code, only the list of commits and paths.
#
# Usage: tools/upstream-fixtures.sh ONETRAINER_CLONE [OUT_DIR]
#   OUT_DIR defaults to ../shared/fixtures/upstream beside the repository root. Existing commit
#   folders there are replaced. The clone is only read (no checkout, no network): when a commit
#   is missing, the script says what to fetch. Exit status: 0 all written; 1 a master commit is
#   missing (nothing written); 2 usage; 3 only the PR #1244 merge is missing (the rest written).
set -euo pipefail

[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 ONETRAINER_CLONE [OUT_DIR]" >&2; exit 2; }
CLONE=$1
OUT=${2:-$(cd "$(dirname "$0")/.." && pwd)/../shared/fixtures/upstream}
g() { git -C "$CLONE" "$@"; }
g rev-parse --git-dir >/dev/null 2>&1 || { echo "error: $CLONE is not a git repository" >&2; exit 2; }
# A partial clone would fetch missing files on demand (and `cat-file -e` would say "absent").
if [ -n "$(g config --get extensions.partialClone || true)" ]; then
  echo "error: $CLONE is a partial clone; use a full one: git clone https://github.com/Nerogar/OneTrainer" >&2
  exit 2
fi

# Five commits of master, oldest first, and PR #1244 ("Move to a pixi-based installation")
# merged onto 23df3832, which GitHub publishes only as refs/pull/1244/merge.
MASTER="2da3d1591c22bd653ba876ef9f1ba168cdb3e4e2 1a89b12202ac4815e0143f030e7824c493d9c96e
341751e84e3d4c539f718860e4282b07c3c45eca 4a660d4bb07d85892852fb708dd699f022352732
23df3832e8f213d64c337e39f9365ba46e99fed0"
PIXI=e079c1f26b0383b51cb8f38a6631c6ac1cacc2cb
# The fixture's own subject and note for it (git's subject just names the two hashes).
PIXI_SUBJECT='Merge 9ac9d2cd (PR #1244 "Move to a pixi-based installation", open; merged into the preview branch 2026-07-11) into 23df3832'
PIXI_NOTE='pixi.lock (11k lines) is not copied: a test that needs one writes its own'

FILES="lib.include.sh install.sh update.sh start-ui.sh run-cmd.sh scripts/util/version_check.py .gitignore"
PIXI_FILES="$FILES install-pixi.sh pyproject.toml scripts/pip-install/install.sh scripts/pip-install/lib.include.sh
scripts/pip-install/run-cmd.sh scripts/pip-install/start-ui.sh scripts/pip-install/update.sh"
# Paths whose presence the MANIFEST records (`has` lines, in this order); the master folders
# record only the UI entry points and requirements files that the launch scripts look for.
HAS="scripts/train_ui.py scripts/train_ui_qt.py scripts/train.py requirements-global.txt requirements-cuda.txt
requirements-cuda-legacy.txt requirements-rocm.txt requirements-default.txt"
PIXI_HAS="scripts/train_ui.py scripts/train_ui_qt.py scripts/train_ui_ctk.py scripts/train.py scripts/train_remote.py
requirements-global.txt requirements-cuda.txt requirements-cuda-legacy.txt requirements-rocm.txt
requirements-default.txt requirements.txt pixi.lock"

present() { g cat-file -e "$1^{commit}" 2>/dev/null; }

missing=""
for c in $MASTER; do present "$c" || missing="$missing $c"; done
if [ -n "$missing" ]; then
  for c in $missing; do echo "error: commit $c (folder ${c:0:8}) is not in $CLONE" >&2; done
  if [ "$(g rev-parse --is-shallow-repository)" = true ]; then
    echo "  it is a shallow clone; run: git -C $CLONE fetch --unshallow origin master" >&2
  else
    echo "  run: git -C $CLONE fetch origin master" >&2
  fi
  exit 1
fi

# build COMMIT "FILES" "HAS" [SUBJECT REF NOTE]: write OUT/<8 hex>/ afresh.
build() {
  local c=$1 dir=$OUT/${1:0:8} p mode
  rm -rf "$dir"
  for p in $2; do
    mkdir -p "$(dirname "$dir/$p")"
    g show "$c:$p" >"$dir/$p"
    mode=$(g ls-tree "$c" -- "$p" | cut -d' ' -f1)
    # Git's mode, except that launch scripts are always executable (upstream's
    # scripts/pip-install/run-cmd.sh is not); lib.include.sh is sourced and keeps git's mode.
    case $p in *lib.include.sh) ;; *.sh) mode=100755 ;; esac
    if [ "$mode" = 100755 ]; then chmod 755 "$dir/$p"; else chmod 644 "$dir/$p"; fi
  done
  {
    echo "commit $c"
    echo "date $(g log -1 --no-show-signature --format=%cd --date=short "$c")"
    echo "subject ${4:-$(g log -1 --no-show-signature --format=%s "$c")}"
    [ -z "${5:-}" ] || echo "ref $5"
    for p in $3; do if g cat-file -e "$c:$p" 2>/dev/null; then echo "has $p"; fi; done
    [ -z "${6:-}" ] || echo "note $6"
  } >"$dir/MANIFEST"
  echo "wrote $dir"
}

mkdir -p "$OUT"
for c in $MASTER; do build "$c" "$FILES" "$HAS"; done
if present "$PIXI"; then
  build "$PIXI" "$PIXI_FILES" "$PIXI_HAS" "$PIXI_SUBJECT" refs/pull/1244/merge "$PIXI_NOTE"
else
  cat >&2 <<EOF
skipped: commit $PIXI (folder ${PIXI:0:8}, PR #1244 merged onto 23df3832) is not in $CLONE.
  run: git -C $CLONE fetch origin pull/1244/merge
  (refs/pull/1244/merge moves when master or the PR moves; if FETCH_HEAD is not ${PIXI:0:8},
  try fetching the commit itself: git -C $CLONE fetch origin $PIXI)
EOF
  exit 3
fi
