package e2e_test

import (
	"os"
	"os/exec"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
	"github.com/rogpeppe/go-internal/testscript"
)

// The testscript commands that make a machine: real machines' sysfs
// snapshots.

// untar-fixture NAME DIR: unpacks testdata/sysfs/NAME.tar.gz at the
// project's top, a real machine's sysfs snapshot, into DIR.
func cmdUntarFixture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: untar-fixture NAME DIR")
	}
	tarball := testkit.Snapshot(args[0])
	if _, err := os.Stat(tarball); err != nil {
		ts.Fatalf("snapshot missing from the project: %v", err)
	}
	dir := ts.MkAbs(args[1])
	ts.Check(os.MkdirAll(dir, 0o755))
	if out, err := exec.Command("tar", "-xzf", tarball, "-C", dir).CombinedOutput(); err != nil {
		ts.Fatalf("unpacking %s: %v\n%s", tarball, err, out)
	}
}
