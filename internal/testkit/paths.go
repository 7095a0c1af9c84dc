package testkit

import (
	"os"
	"path/filepath"
)

// Root is the launcher's source tree, found from the test's working
// directory (a package folder) by its go.mod.
func Root() string {
	dir, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if d == filepath.Dir(d) {
			panic("no go.mod above " + dir)
		}
	}
}

// Snapshot is the path of a real machine's sysfs snapshot in the project's
// testdata/sysfs (ghw's, Apache-2.0).
func Snapshot(name string) string {
	return filepath.Join(Root(), "testdata", "sysfs", name+".tar.gz")
}

// UpstreamFixtures is where OneTrainer's launch files of several commits
// are kept beside the project (../shared/fixtures/upstream, not part of it:
// AGPL-licensed, read from there only), or the folder OT_UPSTREAM_FIXTURES
// names, of the same layout, to check more commits.
func UpstreamFixtures() string {
	if d := os.Getenv("OT_UPSTREAM_FIXTURES"); d != "" {
		return d
	}
	return filepath.Join(Root(), "..", "shared", "fixtures", "upstream")
}
