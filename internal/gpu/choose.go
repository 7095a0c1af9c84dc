package gpu

import (
	"fmt"
	"os"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// choice is the platform requirements file and why it was chosen.
type choice struct {
	File    string
	Reason  string
	Warning string // non-empty when the user should act (legacy CUDA)
	Build   Build
}

// choose applies the checkout's detection rules in order (upstream.Facts
// Platform: NVIDIA before AMD before the CPU build, each by the signs that
// commit checks): the first rule with a sign that holds, or
// without signs, chooses. A rule with the legacy check asks nvidia-smi for
// the driver's CUDA version — through smi, and only when the checkout has
// the legacy file — and below legacy.Below chooses the legacy file. When
// nvidia-smi tells no version (there is none, or it cannot reach the
// driver), the checkout's own check decides (legacy.UnknownIsLegacy): the
// pip family keeps the default, the pixi family takes the legacy build.
func choose(p Probe, rules []upstream.Rule, legacy *upstream.Legacy, hasFile func(string) bool, smi func(path string) string) choice {
	for _, r := range rules {
		held := p.held(r.Signs)
		if len(r.Signs) > 0 && len(held) == 0 {
			continue
		}
		c := choice{File: r.File, Build: BuildOf(r.File)}
		switch {
		case len(r.Signs) == 0:
			c.Reason = "no sign of a GPU that the checkout's detection knows; it checks " + describeSigns(rules)
		case c.Build == CUDA:
			c.Reason = "NVIDIA GPU: " + strings.Join(held, ", ")
		case c.Build == ROCm:
			c.Reason = "AMD GPU: " + strings.Join(held, ", ")
		default:
			c.Reason = strings.Join(held, ", ")
		}
		if r.Legacy && legacy != nil && hasFile(legacy.Legacy) {
			var h SMIHeader
			ok := false
			path := p.smi()
			if path != "" {
				h, ok = parseSMIHeader(smi(path))
			}
			switch {
			case ok && h.CUDAMajor < legacy.Below:
				c.File = legacy.Legacy
				c.Reason += fmt.Sprintf("; driver supports CUDA %s only", h.CUDA())
				c.Warning = fmt.Sprintf("Your NVIDIA driver (%s) supports CUDA up to %s, so the legacy CUDA build of PyTorch (%s) is installed. A driver that supports CUDA %d gives the faster build.",
					h.DriverVersion, h.CUDA(), legacy.Legacy, legacy.Below)
			case !ok && legacy.UnknownIsLegacy:
				told := "there is no nvidia-smi to ask"
				if path != "" {
					told = path + " tells no CUDA version (it cannot reach the driver)"
				}
				c.File = legacy.Legacy
				c.Reason += "; " + told + ", and the checkout's own check then takes the legacy build"
				c.Warning = fmt.Sprintf("The driver's CUDA version is not known (%s), so the legacy CUDA build of PyTorch (%s) is installed, as the checkout's own check does. A driver that supports CUDA %d gives the faster build.",
					told, legacy.Legacy, legacy.Below)
			}
		}
		return c
	}
	// Every rule list ends with one without signs; an empty one chooses
	// the CPU build.
	return choice{File: layout.RequirementsDefault, Reason: "the checkout's detection has no rules", Build: CPU}
}

// held lists the signs that hold on the probed machine, in words.
func (p Probe) held(signs []upstream.Sign) []string {
	var out []string
	for _, s := range signs {
		if s.Exec {
			if path := pathutil.Look(s.Arg, p.Dir, p.PATH, p.Root); path != "" {
				if path == pathutil.Under(p.Root, s.Arg) && strings.Contains(s.Arg, "/") {
					out = append(out, s.Arg+" can be run")
				} else {
					out = append(out, s.Arg+" at "+path)
				}
			}
		} else if _, err := os.Stat(pathutil.Under(p.Root, s.Arg)); err == nil {
			out = append(out, s.Arg+" exists")
		}
	}
	return out
}

// smi is the nvidia-smi the legacy check asks: PATH's, else WSL's.
func (p Probe) smi() string {
	if path := pathutil.Look("nvidia-smi", p.Dir, p.PATH, p.Root); path != "" {
		return path
	}
	return pathutil.Look(wslSmi, p.Dir, p.PATH, p.Root)
}

// describeSigns lists every sign of the rules, for the reason of a
// fallback choice.
func describeSigns(rules []upstream.Rule) string {
	var s []string
	for _, r := range rules {
		for _, sign := range r.Signs {
			s = append(s, sign.Arg)
		}
	}
	return strings.Join(s, ", ")
}
