package launch

import (
	"context"
	"os"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gpu"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/settings"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// Platform is the one platform decision of both families: the value the
// family's setting gives (OT_PLATFORM_REQUIREMENTS, a requirements file;
// the pixi family's OT_PLATFORM, an environment), or detection by the
// checkout's own rules, nvidia-smi asked as a question through ask (run
// in the checkout with the children's environment). m is an inspection
// made already (doctor's), or nil. It is asked for when it is needed —
// before an install, and by every pixi launch, which names its
// environment by it — and never on a warm pip launch.
func (l *Launch) Platform(ctx context.Context, ask proc.Runner, m *gpu.Machine) gpu.Decision {
	setting, given := upstream.VarPlatformRequirements, l.Settings.PlatformRequirements
	hasFile := func(name string) bool { return isFile(l.Checkout.Path(name)) }
	override := func(b gpu.Build) string {
		file := layout.RequirementsDefault
		switch b {
		case gpu.CUDA:
			file = layout.RequirementsCUDA
		case gpu.ROCm:
			file = layout.RequirementsROCm
		}
		return upstream.VarPlatformRequirements + "=" + file
	}
	if l.Family.Name == upstream.FamilyPixi {
		setting, given = upstream.VarPlatform, l.Settings.Platform
		hasFile = func(string) bool { return true }
		override = func(b gpu.Build) string {
			if l.Facts.Pixi != nil {
				for _, e := range l.Facts.Pixi.Envs {
					if gpu.BuildOf(e) == b {
						return upstream.VarPlatform + "=" + e
					}
				}
			}
			return upstream.VarPlatform
		}
	}
	if given != settings.PlatformDetect && given != "" {
		return gpu.Decision{File: given, Reason: "given by " + setting, Build: gpu.BuildOf(given)}
	}
	run := ask.With(l.Checkout.Root, l.Env)
	return gpu.Decide(gpu.Input{
		Probe:   l.Probe(),
		Rules:   l.Facts.Platform,
		Legacy:  l.Facts.Legacy,
		HasFile: hasFile,
		SMI: func(smi string) string {
			text, _ := run.Ask(ctx, proc.Cmd{Path: smi, Argv: []string{smi}})
			return text
		},
		Override: override,
	}, m)
}

// Probe is where GPU detection looks: under the machine root, with the
// children's PATH, relative entries taken in the checkout.
func (l *Launch) Probe() gpu.Probe {
	return gpu.ProbeFromEnv(l.Host, l.Root, l.Env.Get("PATH"), l.Checkout.Root)
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}
