package testkit

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
		SkipFixtures(t, fixturesMissing("OneTrainer's launch files", dir, err))
	}
	return dir
}

// Fixture is the folder of one commit's launch files (its first 8 hex
// digits, "23df3832"), or skips as Fixtures does.
func Fixture(t testing.TB, commit string) string {
	t.Helper()
	dir := filepath.Join(UpstreamFixtures(), commit)
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST")); err != nil {
		SkipFixtures(t, fixturesMissing("OneTrainer's launch files at "+commit, dir, err))
	}
	return dir
}

// FixtureSkipsVar names a file where every test skipped for want of the
// fixtures is written down, a line "PACKAGE-DIR TEST" each (the package's
// folder relative to the project, the top-level test's name): CI runs the
// README's command on a fresh clone, then exactly those tests where the
// fixtures are.
const FixtureSkipsVar = "OT_TEST_FIXTURE_SKIPS"

// SkipFixtures skips a test for want of OneTrainer's launch files, saying
// why, and writes it down where FixtureSkipsVar asks.
func SkipFixtures(t testing.TB, why string) {
	t.Helper()
	if list := os.Getenv(FixtureSkipsVar); list != "" {
		dir, _ := os.Getwd()
		rel, err := filepath.Rel(Root(), dir)
		if err != nil {
			t.Fatalf("%s: %v", FixtureSkipsVar, err)
		}
		top, _, _ := strings.Cut(t.Name(), "/")
		f, err := os.OpenFile(list, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatalf("%s: %v", FixtureSkipsVar, err)
		}
		// One write of one short line: appends from tests running at once
		// do not interleave.
		_, err = f.WriteString("./" + filepath.ToSlash(rel) + " " + top + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatalf("%s: %v", FixtureSkipsVar, err)
		}
	}
	t.Skip(why)
}

func fixturesMissing(what, dir string, err error) string {
	return fmt.Sprintf("%s are not here (%v): tools/upstream-fixtures.sh ONETRAINER_CLONE writes them to %s, "+
		"or OT_UPSTREAM_FIXTURES names a folder of that layout (docs/testing.md)", what, err, UpstreamFixtures())
}
