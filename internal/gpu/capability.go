package gpu

import (
	"fmt"
	"strconv"
	"strings"
)

// CapabilityQuery is the nvidia-smi question for each GPU's name and
// compute capability, one line per GPU: "NVIDIA GeForce GTX 1080 Ti, 6.1"
// (CSV without its header; the compute_cap field exists from driver 510
// on — older ones refuse the field and print no such lines).
var CapabilityQuery = []string{"--query-gpu=name,compute_cap", "--format=csv,noheader"}

// Card is one GPU as nvidia-smi names it, with its compute capability.
type Card struct {
	Name         string
	Major, Minor int
}

// Capability is "6.1".
func (c Card) Capability() string { return strconv.Itoa(c.Major) + "." + strconv.Itoa(c.Minor) }

// Below reports whether the card's capability is below major.minor.
func (c Card) Below(major, minor int) bool {
	return c.Major < major || c.Major == major && c.Minor < minor
}

// ParseCapabilities reads CapabilityQuery's answer: each line's last
// comma-separated field is the capability, what comes before it the name
// (a name may hold a comma). Lines that are not of that shape (an old
// driver's "Field "compute_cap" is not a valid field to query.", "[N/A]")
// are passed over.
func ParseCapabilities(text string) []Card {
	var cards []Card
	for _, line := range strings.Split(text, "\n") {
		i := strings.LastIndexByte(line, ',')
		if i < 0 {
			continue
		}
		name, cc := strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
		major, minor, ok := strings.Cut(cc, ".")
		a, err1 := strconv.Atoi(major)
		b, err2 := strconv.Atoi(minor)
		if !ok || err1 != nil || err2 != nil || a < 0 || b < 0 || name == "" {
			continue
		}
		cards = append(cards, Card{Name: name, Major: a, Minor: b})
	}
	return cards
}

// CUDA13Minimum is the lowest compute capability CUDA 13's toolkit, and
// so PyTorch's CUDA 13 builds, have kernels for: Turing (7.5). Maxwell
// (5.x), Pascal (6.x, the GTX 10 series) and Volta (7.0) need a CUDA 12
// build.
const CUDA13Major, CUDA13Minor = 7, 5

// OldForCUDA13 are the cards that a CUDA 13 build has no kernels for.
func OldForCUDA13(cards []Card) []Card {
	var old []Card
	for _, c := range cards {
		if c.Below(CUDA13Major, CUDA13Minor) {
			old = append(old, c)
		}
	}
	return old
}

// DescribeCards is "NVIDIA GeForce GTX 1080 Ti (compute capability 6.1)",
// each card so, joined with "; ".
func DescribeCards(cards []Card) string {
	var s []string
	for _, c := range cards {
		s = append(s, fmt.Sprintf("%s (compute capability %s)", c.Name, c.Capability()))
	}
	return strings.Join(s, "; ")
}

// ArchCovers reports whether a PyTorch build whose
// torch.cuda.get_arch_list() is archs ("sm_75", "sm_80", "compute_90")
// has kernels a card of capability major.minor runs: an sm_XY of the same
// major no newer than the card (binary compatibility within a major), or
// a compute_XY (PTX, compiled on the spot) no newer than the card. An
// empty list covers nothing it can be asked about: true.
func ArchCovers(archs []string, major, minor int) bool {
	if len(archs) == 0 {
		return true
	}
	for _, a := range archs {
		kind, num, ok := strings.Cut(a, "_")
		if !ok || len(num) < 2 {
			continue
		}
		n, err := strconv.Atoi(strings.TrimRight(num, "abf"))
		if err != nil {
			continue
		}
		am, an := n/10, n%10 // sm_61 is 6.1, sm_120 12.0
		switch kind {
		case "sm":
			if am == major && an <= minor {
				return true
			}
		case "compute":
			if am < major || am == major && an <= minor {
				return true
			}
		}
	}
	return false
}
