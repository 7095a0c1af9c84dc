package e2e_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/rogpeppe/go-internal/testscript"
)

// The testscript commands that make checkouts and wheels, and the probe
// scripts that stand in for OneTrainer's.

// recorder stands in for OneTrainer's scripts: it writes what it was given
// to files in $TEST_OUT (default: its working directory): record.txt (interpreter, environment),
// args.txt (each argument as Python's ascii() shows it) and pid.txt, and
// exits with $TEST_EXIT, after sleeping $TEST_SLEEP seconds if set.
const recorder = `import os, sys
names = ("SCRIPT_DIR", "VIRTUAL_ENV", "VIRTUAL_ENV_PROMPT", "PYTHONHOME", "CONDA_PREFIX", "CONDA_DEFAULT_ENV")
out = os.environ.get("TEST_OUT", ".")
lines = ["script %s" % sys.argv[0], "exe %s" % sys.executable, "cwd %s" % os.getcwd()]
for k in sorted(os.environ):
    if (k.startswith(("OT_", "PYTORCH_")) or k in names) and not k.startswith("OT_TEST"):
        lines.append("env %s=%s" % (k, os.environ[k]))
lines.append("path0 %s" % os.environ.get("PATH", "").split(os.pathsep)[0])
with open(os.path.join(out, "record.txt"), "w") as f:
    f.write("\n".join(lines) + "\n")
with open(os.path.join(out, "args.txt"), "w") as f:
    f.write("".join("%s\n" % ascii(a) for a in sys.argv[1:]))
with open(os.path.join(out, "pid.txt"), "w") as f:
    f.write("%d\n" % os.getpid())
print("recorded " + sys.argv[0], flush=True)
if os.environ.get("TEST_SLEEP"):
    import time
    time.sleep(float(os.environ["TEST_SLEEP"]))
sys.exit(int(os.environ.get("TEST_EXIT", "0")))
`

// versionCheck does what OneTrainer's scripts/util/version_check.py does.
const versionCheck = `import sys
def v(s):
    return tuple(int(x) for x in s.split("."))
here = tuple(sys.version_info[:3])
if not (v(sys.argv[1]) <= here < v(sys.argv[2])):
    sys.stderr.write("Error: Python %s is outside >= %s and < %s\n" % (".".join(map(str, here)), sys.argv[1], sys.argv[2]))
    sys.exit(1)
`

// checkout DIR [legacy] [nolinks]: a miniature OneTrainer checkout whose
// four scripts are links to the launcher. Each requirements file names one
// test wheel, so the installed packages show which file was used.
func cmdCheckout(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: checkout DIR [legacy] [nolinks]")
	}
	opts := strings.Join(args[1:], " ")
	ts.Check(writeCheckout(ts.MkAbs(args[0]), strings.Contains(opts, "legacy"), !strings.Contains(opts, "nolinks")))
}

// linkedCheckout is a fresh miniature checkout with the four scripts
// linked to the launcher under test.
func linkedCheckout(t *testing.T) string {
	t.Helper()
	if s.err != nil {
		t.Fatal(s.err)
	}
	dir := t.TempDir()
	if err := writeCheckout(dir, false, true); err != nil {
		t.Fatal(err)
	}
	return dir
}

// writeCheckout writes the miniature checkout cmdCheckout describes.
func writeCheckout(dir string, legacy, links bool) error {
	files := map[string]string{
		"scripts/train_ui.py":           recorder,
		"scripts/train.py":              recorder,
		"scripts/sub/tool.py":           recorder,
		"scripts/util/version_check.py": versionCheck,
		"requirements-global.txt":       "otglobal\n",
		"requirements-default.txt":      "otdefault\n",
		"requirements-cuda.txt":         "otcuda\n",
		"requirements-rocm.txt":         "otrocm\n",
		// OneTrainer's own .gitignore lines for what the launch scripts make.
		".gitignore": "/.venv*\n/venv*\n/conda_env*\n/update.var\n",
	}
	if legacy {
		files["requirements-cuda-legacy.txt"] = "otlegacy\n"
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	if !links {
		return nil
	}
	for _, a := range layout.Scripts() {
		if err := os.Symlink(s.launcher, filepath.Join(dir, a)); err != nil {
			return err
		}
	}
	return nil
}

// wheel DIR NAME VERSION: a wheel of module NAME whose VERSION is VERSION.
func cmdWheel(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: wheel DIR NAME VERSION")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	_, err := moduleWheel(dir, args[1], args[2])
	ts.Check(err)
}
