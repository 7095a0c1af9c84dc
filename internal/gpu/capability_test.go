package gpu

import (
	"testing"
)

// nvidia-smi --query-gpu=name,compute_cap --format=csv,noheader prints one
// "NAME, X.Y" line per GPU; a driver before 510 refuses the field.
func TestParseCapabilities(t *testing.T) {
	text := "NVIDIA GeForce GTX 1080 Ti, 6.1\nTesla V100-SXM2-16GB, 7.0\nNVIDIA GeForce RTX 2080, 7.5\nNVIDIA H100 80GB HBM3, 9.0\n"
	cards := ParseCapabilities(text)
	if len(cards) != 4 || cards[0] != (Card{"NVIDIA GeForce GTX 1080 Ti", 6, 1}) || cards[3].Capability() != "9.0" {
		t.Fatalf("got %+v", cards)
	}
	old := OldForCUDA13(cards)
	if len(old) != 2 || old[0].Name != "NVIDIA GeForce GTX 1080 Ti" || old[1].Name != "Tesla V100-SXM2-16GB" {
		t.Errorf("below 7.5: %+v", old)
	}
	if got := DescribeCards(old); got != "NVIDIA GeForce GTX 1080 Ti (compute capability 6.1); Tesla V100-SXM2-16GB (compute capability 7.0)" {
		t.Errorf("described as %q", got)
	}
	for _, bad := range []string{"Field \"compute_cap\" is not a valid field to query.\n", "NVIDIA GeForce GTX 1080, [N/A]\n", ""} {
		if c := ParseCapabilities(bad); len(c) != 0 {
			t.Errorf("%q: %+v", bad, c)
		}
	}
}

// torch.cuda.get_arch_list() of a build against a card's capability.
func TestArchCovers(t *testing.T) {
	cu13 := []string{"sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120", "compute_120"}
	cu126 := []string{"sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"}
	for _, tc := range []struct {
		archs        []string
		major, minor int
		want         bool
	}{
		{cu13, 6, 1, false}, {cu13, 7, 0, false}, {cu13, 7, 5, true}, {cu13, 8, 9, true}, {cu13, 12, 0, true},
		{cu126, 6, 1, true}, {cu126, 5, 2, true}, {cu126, 3, 7, false},
		{[]string{"sm_80", "compute_80"}, 9, 0, true}, {[]string{"sm_80"}, 9, 0, false}, {nil, 6, 1, true},
	} {
		if got := ArchCovers(tc.archs, tc.major, tc.minor); got != tc.want {
			t.Errorf("%v for %d.%d: %v, want %v", tc.archs, tc.major, tc.minor, got, tc.want)
		}
	}
}
