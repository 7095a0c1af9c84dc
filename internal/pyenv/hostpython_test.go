package pyenv

import (
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyversion"
)

func TestCandidates(t *testing.T) {
	for _, tc := range []struct{ lo, hi, want string }{
		{"3.10", "3.14", "python python3 python3.13 python3.12 python3.11 python3.10"},
		{"3.11", "3.13.2", "python python3 python3.13 python3.12 python3.11"},
		{"3.12", "3.13.0", "python python3 python3.12"},
	} {
		lo, _ := pyversion.Parse(tc.lo)
		hi, _ := pyversion.Parse(tc.hi)
		if got := strings.Join(candidates(lo, hi), " "); got != tc.want {
			t.Errorf("%s..%s: %s, want %s", tc.lo, tc.hi, got, tc.want)
		}
	}
}
