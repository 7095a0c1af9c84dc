package e2e_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
	"github.com/rogpeppe/go-internal/testscript"
)

// framework DIR [NAME=VALUE...]: the test framework's launch files in DIR.
func cmdFramework(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: framework DIR [NAME=VALUE...]")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	ts.Check(testkit.WriteFramework(dir, args[1:]...))
}

// The test framework is one the launcher follows.
func TestFrameworkIsFollowed(t *testing.T) {
	t.Parallel()
	if s.err != nil {
		t.Fatal(s.err)
	}
	dir := t.TempDir()
	if err := writeCheckout(dir, true, false); err != nil {
		t.Fatal(err)
	}
	if err := testkit.WriteFramework(dir); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(s.launcher, "-C", dir, "doctor").CombinedOutput()
	if err != nil || strings.Contains(string(out), "CANNOT FOLLOW") || !strings.Contains(string(out), "family:           pip (lib.include.sh:") {
		t.Errorf("%v\n%s", err, out)
	}
}
