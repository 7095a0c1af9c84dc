// Package pyversion reads and compares Python version numbers the way
// OneTrainer's scripts/util/version_check.py does: dotted numbers compared
// as tuples, a missing part counting as less (3.10 < 3.10.0).
package pyversion

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a dotted version number, such as 3.10 or 3.13.2.
type Version []int

// Parse reads "3", "3.10" or "3.10.4": one to three dot-separated numbers,
// what version_check.py accepts for its bounds.
func Parse(s string) (Version, error) {
	v, rest := leading(s)
	if rest != "" || len(v) == 0 || len(v) > 3 {
		return nil, fmt.Errorf("%q is not a version such as 3.10", s)
	}
	return v, nil
}

// Leading reads the version a longer string starts with: "3.13.0rc1" and
// "3.13.0.final.0" give 3.13.0. It is nil when s starts with no number.
func Leading(s string) Version {
	v, _ := leading(s)
	return v
}

// leading reads dot-separated numbers from the start of s and returns
// them and what follows.
func leading(s string) (Version, string) {
	var v Version
	rest := s
	for {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i > 9 {
			if len(v) > 0 {
				return v, "." + rest
			}
			return nil, s
		}
		n, _ := strconv.Atoi(rest[:i])
		v = append(v, n)
		rest = rest[i:]
		if !strings.HasPrefix(rest, ".") {
			return v, rest
		}
		rest = rest[1:]
	}
}

// Compare returns -1, 0 or 1 as v is less than, equal to or greater than w,
// comparing as tuples do.
func (v Version) Compare(w Version) int {
	for i := 0; i < len(v) && i < len(w); i++ {
		if v[i] != w[i] {
			if v[i] < w[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(v) < len(w):
		return -1
	case len(v) > len(w):
		return 1
	}
	return 0
}

// In reports whether lo <= v < hi, the range version_check.py accepts.
func (v Version) In(lo, hi Version) bool { return v.Compare(lo) >= 0 && v.Compare(hi) < 0 }

// AtLeast reports whether v's major and minor are at least major.minor.
func (v Version) AtLeast(major, minor int) bool {
	return len(v) >= 2 && (v[0] > major || v[0] == major && v[1] >= minor)
}

func (v Version) String() string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ".")
}

// Range is the Python versions a checkout accepts: >= Lo and < Hi, the
// two bounds version_check.py is given.
type Range struct {
	Lo, Hi Version
}

// Holds reports whether v is in the range.
func (r Range) Holds(v Version) bool { return v.In(r.Lo, r.Hi) }

// String is the range as messages say it: ">= 3.10 and < 3.14".
func (r Range) String() string { return ">= " + r.Lo.String() + " and < " + r.Hi.String() }
