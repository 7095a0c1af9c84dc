package e2e_test

import (
	"fmt"
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

// edit-upstream DIR OP ARGS...: an edit of the launch files in DIR, as
// testkit.Upstream makes it (a linked script's kept copy is edited):
//
//	edit-upstream DIR function NAME BODYFILE   a function in lib.include.sh
//	edit-upstream DIR before FILE LINE STEP    a step before the line LINE
//	edit-upstream DIR after FILE LINE STEP     a step after it
//	edit-upstream DIR body NAME BODYFILE       a function's body replaced
//	edit-upstream DIR default NAME VALUE       export NAME="${NAME:-VALUE}"
//	edit-upstream DIR constant NAME VALUE      export NAME="VALUE"
//	edit-upstream DIR replace FILE FROMFILE    a file whole
//
// BODYFILE and FROMFILE are files of the script's work folder (the
// archive's, say). Negated, the edit must not apply; why is on stderr.
func cmdEditUpstream(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 4 {
		ts.Fatalf("usage: edit-upstream DIR function|before|after|body|default|constant|replace ARGS...")
	}
	dir := ts.MkAbs(args[0])
	u, err := testkit.ReadUpstream(dir)
	ts.Check(err)
	read := func(name string) string { return ts.ReadFile(name) }
	switch op, a := args[1], args[2:]; {
	case op == "function" && len(a) == 2:
		u.AddFunction(a[0], read(a[1]))
	case op == "before" && len(a) == 3:
		u.Before(a[0], a[1], a[2])
	case op == "after" && len(a) == 3:
		u.After(a[0], a[1], a[2])
	case op == "body" && len(a) == 2:
		u.ReplaceFunction(a[0], read(a[1]))
	case op == "default" && len(a) == 2:
		u.SetDefault(a[0], a[1])
	case op == "constant" && len(a) == 2:
		u.SetConstant(a[0], a[1])
	case op == "replace" && len(a) == 2:
		u.Replace(a[0], read(a[1]))
	default:
		ts.Fatalf("edit-upstream: unknown edit %q with %d arguments", op, len(a))
	}
	// ! edit-upstream: the edit must not apply, and says why on stderr.
	switch err := u.Write(dir); {
	case err != nil && neg:
		fmt.Fprintln(ts.Stderr(), err)
	case err != nil:
		ts.Fatalf("%v", err)
	case neg:
		ts.Fatalf("edit-upstream %s: the edit applied", strings.Join(args, " "))
	}
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
