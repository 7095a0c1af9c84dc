package pyenv

import (
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyversion"
)

// The newest 3.X a too-high bound allows is the version the advice names.
func TestTopMinor(t *testing.T) {
	for _, tc := range []struct {
		hi   string
		want int
	}{
		{"3.14", 13},
		{"3.13.2", 13},
		{"3.13.0", 12},
		{"3.13", 12},
	} {
		hi, _ := pyversion.Parse(tc.hi)
		if got := topMinor(hi); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.hi, got, tc.want)
		}
	}
}
