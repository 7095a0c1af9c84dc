package pyenv

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gpu"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyversion"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// beforeInstall says, before an install of the requirements chosen
// (platform), what of this machine would make it fail or not run, each a
// warning with the way forward: too little disk space, an NVIDIA GPU too
// old for the CUDA 13 build the checkout picks, an Intel Mac for which
// PyTorch publishes no wheels. The checkout still decides; nothing here
// runs on a warm launch.
func beforeInstall(ctx context.Context, r Request, t Target, platform string) {
	need := platform
	if t.Exists {
		need = "" // the env is there: what pip replaces, not all of it
	}
	if need != "" {
		checkSpace(r, t.Place.Label, t.Place.Dir, platform)
	} else {
		checkTempSpace(r, platform)
	}
	for _, w := range gpuGeneration(ctx, r, platform) {
		r.Out.Warn("%s", w)
	}
	if w := intelMac(ctx, r, platform); w != "" {
		r.Out.Warn("%s", w)
	}
}

// checkTempSpace is checkSpace for an env that is there: pip's temporary
// folder only.
func checkTempSpace(r Request, platform string) {
	need := needOf(platform)
	tmp := placeOf("pip's temporary folder", tempDir(r))
	if tmp.known && tmp.free < need.temp {
		r.Out.Warn("The install of %s (%s build of PyTorch) may run out of disk space: pip's temporary folder (%s) needs about %s at its peak, and %s has %s free. The install goes on; it fails where the space runs out.",
			platform, gpu.BuildOf(platform), tmp.dir, size(need.temp), tmp.mount, size(tmp.free))
		for _, w := range spaceWays(r, isVenv(r)) {
			r.Out.Status("%s", w)
		}
	}
}

// gpuGeneration warns where the checkout picks its CUDA 13 build
// (platform is its default CUDA choice, its legacy choice the CUDA 12
// one) and nvidia-smi names a GPU below compute capability 7.5, which
// CUDA 13 has no kernels for: the card, its capability, and the exact way
// to the build that runs on it. Asked only of an nvidia-smi that is there.
func gpuGeneration(ctx context.Context, r Request, platform string) []string {
	lg := r.Facts.Legacy
	if lg == nil || lg.Below < 13 || platform != lg.Default || gpu.BuildOf(platform) != gpu.CUDA {
		return nil
	}
	pixi := r.Family.Name == upstream.FamilyPixi
	if !pixi && !isRegular(r.Checkout.Path(lg.Legacy)) {
		return nil
	}
	smi := r.Probe().Look().SMI()
	if smi == "" {
		return nil
	}
	return cudaWarnings(r, platform, gpu.OldForCUDA13(askCards(ctx, r, smi)))
}

// cudaWarnings are gpuGeneration's words for the cards old.
func cudaWarnings(r Request, platform string, old []gpu.Card) []string {
	lg := r.Facts.Legacy
	if len(old) == 0 || lg == nil || lg.Below < 13 || platform != lg.Default || gpu.BuildOf(platform) != gpu.CUDA {
		return nil
	}
	pixi := r.Family.Name == upstream.FamilyPixi
	if !pixi && !isRegular(r.Checkout.Path(lg.Legacy)) {
		return nil
	}
	way := fmt.Sprintf("OT_PLATFORM_REQUIREMENTS=%s ./%s", lg.Legacy, layout.InstallScript)
	if pixi {
		way = fmt.Sprintf("OT_PLATFORM=%s ./%s", lg.Legacy, layout.InstallScript)
	}
	return []string{fmt.Sprintf("%s: CUDA 13, whose build of PyTorch the checkout picks (%s, by the driver's CUDA version), has no kernels for a compute capability below %d.%d, so training would fail with \"no kernel image is available for execution on the device\". The CUDA 12 build runs on it: %s (and keep that setting for ./%s).",
		gpu.DescribeCards(old), platform, gpu.CUDA13Major, gpu.CUDA13Minor, way, layout.UpdateScript)}
}

// askCards asks nvidia-smi at smi each GPU's name and compute capability.
func askCards(ctx context.Context, r Request, smi string) []gpu.Card {
	text, _ := r.Run.With(r.Checkout.Root, r.Env).Ask(ctx, proc.Cmd{Path: smi, Argv: append([]string{smi}, gpu.CapabilityQuery...)})
	return gpu.ParseCapabilities(text)
}

// lastIntelTorch is the last PyTorch with macOS x86_64 wheels.
var lastIntelTorch = pyversion.Version{2, 2, 2}

// intelMac warns on an Intel Mac where the checkout's requirements pin a
// PyTorch newer than the last one published for it.
func intelMac(ctx context.Context, r Request, platform string) string {
	if !r.Host.MacOS() || r.Family.Name == upstream.FamilyPixi {
		return ""
	}
	if macHardware(ctx, r) != host.MachineX86 {
		return ""
	}
	for _, file := range []string{layout.RequirementsGlobal, platform} {
		pin, line := torchPin(r.Checkout.Path(file))
		if pin != nil && pin.Compare(lastIntelTorch) > 0 {
			return fmt.Sprintf("This Mac has an Intel processor (sysctl hw.optional.arm64 does not say 1), and PyTorch publishes no wheels for Intel Macs since %s; %s asks for %s, so pip will end the install with \"No matching distribution found for torch\". OneTrainer on this Mac needs a Linux or Windows machine with a GPU, or OneTrainer's cloud trainer.",
				lastIntelTorch, file, line)
		}
	}
	return ""
}

// torchPin is the torch version a requirements file asks for
// ("torch==2.7.1+cpu" is 2.7.1; "torch>=2.5" is 2.5) and its line.
func torchPin(path string) (pyversion.Version, string) {
	f, err := os.Open(path)
	if err != nil {
		return nil, ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		line = strings.TrimSpace(line)
		rest, ok := strings.CutPrefix(line, "torch")
		if !ok {
			continue
		}
		rest = strings.TrimSpace(rest)
		for _, op := range []string{"===", "==", "~=", ">="} {
			if v, ok := strings.CutPrefix(rest, op); ok {
				v, _, _ = strings.Cut(strings.TrimSpace(v), "+")
				v, _, _ = strings.Cut(v, ";")
				v, _, _ = strings.Cut(v, ",")
				if pv, err := pyversion.Parse(strings.TrimSpace(v)); err == nil {
					return pv, line
				}
			}
		}
	}
	return nil, ""
}

func isRegular(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}
