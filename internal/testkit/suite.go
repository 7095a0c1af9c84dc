package testkit

import (
	"os"
	"testing"
)

// FullVar is the switch to the full end-to-end suite: `OT_TEST_FULL=1 go
// test ./...` runs every test; without it (or with -short) `go test ./...`
// is the quick loop, which runs the unit tests and, of the end-to-end
// tests, those that check each applet once.
const FullVar = "OT_TEST_FULL"

// Full reports whether the full suite was asked for. It reads the flags,
// so it may be called only once they are parsed (in a test, or in
// TestMain after flag.Parse).
func Full() bool { return os.Getenv(FullVar) == "1" && !testing.Short() }

// SkipUnlessFull skips a test that belongs to the full suite only, saying
// why it is slow and how to run it.
func SkipUnlessFull(t testing.TB, why string) {
	t.Helper()
	if !Full() {
		t.Skipf("%s: in the full suite only (%s=1 go test ./...)", why, FullVar)
	}
}
