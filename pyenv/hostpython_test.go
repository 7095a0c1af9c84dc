package pyenv

import (
	"strings"
	"testing"
)

func TestCandidates(t *testing.T) {
	for _, tc := range []struct{ lo, hi, want string }{
		{"3.10", "3.14", "python python3 python3.13 python3.12 python3.11 python3.10"},
		{"3.11", "3.13.2", "python python3 python3.13 python3.12 python3.11"},
		{"3.12", "3.13.0", "python python3 python3.12"},
	} {
		lo, _ := parseVersion(tc.lo)
		hi, _ := parseVersion(tc.hi)
		if got := strings.Join(candidates(lo, hi), " "); got != tc.want {
			t.Errorf("%s..%s: %s, want %s", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestInBounds(t *testing.T) {
	lo, _ := parseVersion("3.10")
	hi, _ := parseVersion("3.14")
	for v, want := range map[string]bool{"3.9.18": false, "3.10.0": true, "3.13.9": true, "3.14.0": false, "3.14": false, "2.7.18": false} {
		pv, err := parseVersion(v)
		if err != nil || inBounds(pv, lo, hi) != want {
			t.Errorf("%s: in bounds %v, want %v (%v)", v, inBounds(pv, lo, hi), want, err)
		}
	}
	if _, err := parseVersion("3.x"); err == nil {
		t.Error("3.x parsed")
	}
}
