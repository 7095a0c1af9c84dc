package testkit

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
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

// Fixtures is UpstreamFixtures for a test that needs it, which skips,
// saying where it looked and how to get OneTrainer's launch files there,
// when the folder is missing.
func Fixtures(t testing.TB) string {
	t.Helper()
	dir := UpstreamFixtures()
	if _, err := os.Stat(dir); err != nil {
		t.Skip(fixturesMissing("OneTrainer's launch files", dir, err))
	}
	return dir
}

// Fixture is the folder of one commit's launch files (its first 8 hex
// digits, "23df3832"), or skips as Fixtures does.
func Fixture(t testing.TB, commit string) string {
	t.Helper()
	dir := filepath.Join(UpstreamFixtures(), commit)
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST")); err != nil {
		t.Skip(fixturesMissing("OneTrainer's launch files at "+commit, dir, err))
	}
	return dir
}

func fixturesMissing(what, dir string, err error) string {
	return fmt.Sprintf("%s are not here (%v): tools/upstream-fixtures.sh ONETRAINER_CLONE writes them to %s, "+
		"or OT_UPSTREAM_FIXTURES names a folder of that layout (docs/testing.md)", what, err, UpstreamFixtures())
}
