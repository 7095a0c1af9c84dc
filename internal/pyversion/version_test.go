package pyversion

import "testing"

func TestParse(t *testing.T) {
	for in, want := range map[string]string{"3": "3", "3.10": "3.10", "3.10.4": "3.10.4"} {
		v, err := Parse(in)
		if err != nil || v.String() != want {
			t.Errorf("Parse(%q) = %v, %v", in, v, err)
		}
	}
	for _, bad := range []string{"", "3.", ".3", "3.10.4.1", "3.x", "v3", "3.10 ", "1234567890"} {
		if v, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", bad, v)
		}
	}
	for in, want := range map[string]string{"3.13.0rc1": "3.13.0", "3.13.0.final.0": "3.13.0", "3.12": "3.12", "rc": ""} {
		if got := Leading(in).String(); got != want {
			t.Errorf("Leading(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCompareAsTuples(t *testing.T) {
	lo, _ := Parse("3.10")
	hi, _ := Parse("3.14")
	for in, want := range map[string]bool{"3.9.18": false, "3.10": true, "3.10.0": true, "3.13.9": true, "3.14": false, "3.14.0": false, "2.7.18": false, "4": false} {
		v, err := Parse(in)
		if err != nil || v.In(lo, hi) != want {
			t.Errorf("%s in [3.10, 3.14): %v, want %v (%v)", in, v.In(lo, hi), want, err)
		}
	}
	a, _ := Parse("3.10")
	b, _ := Parse("3.10.0")
	if a.Compare(b) >= 0 || b.Compare(a) <= 0 || a.Compare(a) != 0 {
		t.Errorf("3.10 must be less than 3.10.0, as tuples compare")
	}
	if !Leading("3.13.1").AtLeast(3, 13) || Leading("3.12.9").AtLeast(3, 13) || !Leading("4.0").AtLeast(3, 13) {
		t.Errorf("AtLeast")
	}
}
