package cli

import (
	"path"
	"strings"
	"testing"
)

// Whatever run-cmd is given as a name, an accepted one names a file inside
// scripts/ and nowhere else.
func FuzzScriptPath(f *testing.F) {
	for _, s := range []string{"train", "util/tool", "../x", "/etc/passwd", "a/../../b", "..", "./train", "a//b", "..."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		p, err := scriptPath(name)
		if err != nil {
			return
		}
		clean := path.Clean(p)
		if !strings.HasPrefix(clean, "scripts/") || strings.HasPrefix(p, "/") {
			t.Fatalf("%q accepted as %q, which leaves scripts/", name, p)
		}
		for _, part := range strings.Split(clean, "/") {
			if part == ".." {
				t.Fatalf("%q accepted as %q", name, p)
			}
		}
	})
}
