package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gpu"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyenv"
)

// torchProbe asks torch about itself and prints one JSON line. It runs in
// the env's Python; nothing else is imported.
const torchProbe = `import json, sys
r = {"imported": False}
try:
    import torch
except BaseException as e:
    r["error"] = "%s: %s" % (type(e).__name__, e)
    print(json.dumps(r)); sys.exit(0)
r["imported"] = True
r["version"] = str(getattr(torch, "__version__", ""))
v = getattr(torch, "version", None)
r["cuda"] = str(getattr(v, "cuda", None) or "")
r["hip"] = str(getattr(v, "hip", None) or "")
r["devices"] = []
try:
    r["gpu_usable"] = bool(torch.cuda.is_available())
    if r["gpu_usable"]:
        r["devices"] = [str(torch.cuda.get_device_name(i)) for i in range(torch.cuda.device_count())]
except BaseException as e:
    r["gpu_usable"] = False
    r["error"] = "torch.cuda: %s: %s" % (type(e).__name__, e)
r["arch_list"], r["capabilities"] = [], []
if r["gpu_usable"]:
    try:
        r["arch_list"] = [str(a) for a in torch.cuda.get_arch_list()]
        r["capabilities"] = ["%d.%d" % tuple(torch.cuda.get_device_capability(i)) for i in range(len(r["devices"]))]
    except BaseException:
        pass
try:
    r["mps"] = bool(torch.backends.mps.is_available())
except BaseException:
    r["mps"] = False
print(json.dumps(r))
`

// torchReport asks the env's Python what torch it has, and compares that
// with the build the platform decision d installs. reinstall is the
// checkout's own pip command for the requirements, run by the env's
// Python: the fix that installs them again without pulling new code. Its
// findings are all problems; Torch.Problems holds them as lines.
func torchReport(ctx context.Context, run proc.Runner, e Environment, d gpu.Decision, m *gpu.Machine, reinstall []string) (Torch, []Finding) {
	file := d.File
	t := Torch{Python: e.Python, Devices: []string{}, Problems: []string{}, Expected: string(d.Build), ArchList: []string{}, Capabilities: []string{}}
	var found []Finding
	problem := func(message, fix string) {
		f := Finding{Severity: SeverityProblem, Section: SectionTorch, Message: message, Fix: fix}
		found = append(found, f)
		t.Problems = append(t.Problems, f.Text())
	}
	if e.Python == "" || e.State == pyenv.StateMissing || e.State == pyenv.StateUnusable {
		t.Error = "there is no environment to ask: run ./install.sh first"
		problem("torch: "+t.Error, "")
		return t, found
	}
	text, err := run.Ask(ctx, proc.Cmd{Path: e.Python, Argv: []string{e.Python, "-c", torchProbe}})
	if err != nil {
		t.Error = err.Error()
		problem("torch: the env's Python could not be asked: "+t.Error, "")
		return t, found
	}
	if err := json.Unmarshal([]byte(lastLine(text)), &t); err != nil {
		t.Error = fmt.Sprintf("unreadable answer %q", lastLine(text))
		problem("torch: "+t.Error, "")
		return t, found
	}
	t.Devices, t.ArchList, t.Capabilities = orEmpty(t.Devices), orEmpty(t.ArchList), orEmpty(t.Capabilities)
	fix := "install the requirements again, in the checkout (nothing new is pulled): " + out.QuoteArgs(reinstall)
	if e.Resume != "" {
		fix = "run ./" + layout.InstallScript + ", which finishes the install that did not complete (" + e.Resume + ")"
	}
	if !t.Imported {
		problem("torch cannot be imported in the environment ("+t.Error+")", fix)
		return t, found
	}
	switch {
	case t.CUDA != "":
		t.Build = "CUDA " + t.CUDA
	case t.HIP != "":
		t.Build = "ROCm " + t.HIP
	default:
		t.Build = "CPU"
	}
	if !strings.HasPrefix(t.Build, t.Expected) {
		problem(fmt.Sprintf("torch is a %s build, but the requirements chosen for this machine (%s) install the %s build", t.Build, file, t.Expected),
			fmt.Sprintf("to install the right one, remove this one (%s) and %s", out.QuoteArgs([]string{e.Python, "-m", "pip", "uninstall", "-y", "torch"}), fix))
	}
	if t.Build != "CPU" && !t.GPUUsable {
		why := ""
		if t.Expected == "CUDA" && m != nil && !m.HasNvidia() {
			why = " (no NVIDIA driver is in use here)"
		}
		problem(fmt.Sprintf("torch is a %s build but cannot use a GPU%s", t.Build, why), "")
	}
	for _, p := range archProblems(t, e, file, reinstall) {
		problem(p, "")
	}
	return t, found
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func writeTorch(w io.Writer, t *Torch) {
	if !t.Imported {
		fmt.Fprintf(w, "torch:        not importable in %s: %s\n", orDash(t.Python), t.Error)
		return
	}
	gpus := "no GPU usable"
	if t.GPUUsable {
		gpus = "GPU usable: " + strings.Join(t.Devices, ", ")
	}
	fmt.Fprintf(w, "torch:        %s, %s build (%s expected), %s, MPS %v\n", t.Version, t.Build, t.Expected, gpus, t.MPS)
}

// archProblems compares the architectures the torch build has kernels for
// with each device's compute capability: a device none of them runs on
// (a Pascal card under a CUDA 13 build) fails its first kernel with "no
// kernel image is available", although torch.cuda.is_available() is true.
func archProblems(t Torch, e Environment, file string, reinstall []string) []string {
	var problems []string
	for i, cc := range t.Capabilities {
		major, minor, ok := strings.Cut(cc, ".")
		a, err1 := strconv.Atoi(major)
		b, err2 := strconv.Atoi(minor)
		if !ok || err1 != nil || err2 != nil || gpu.ArchCovers(t.ArchList, a, b) {
			continue
		}
		name := cc
		if i < len(t.Devices) {
			name = t.Devices[i]
		}
		fix := "install a PyTorch build that has kernels for it"
		if file == layout.RequirementsCUDA {
			legacy := make([]string, len(reinstall))
			for j, w := range reinstall {
				legacy[j] = w
				if w == file {
					legacy[j] = layout.RequirementsCUDALeg
				}
			}
			fix = fmt.Sprintf("install the CUDA 12 build, in the checkout: %s, and keep OT_PLATFORM_REQUIREMENTS=%s for ./%s",
				out.QuoteArgs(legacy), layout.RequirementsCUDALeg, layout.UpdateScript)
		}
		problems = append(problems, fmt.Sprintf("torch %s (%s build) has kernels for %s only, and GPU %d, %s, is compute capability %s: its first kernel fails with \"no kernel image is available for execution on the device\" although torch.cuda.is_available() is true. To fix it, %s",
			t.Version, t.Build, strings.Join(t.ArchList, " "), i, name, cc, fix))
	}
	return problems
}
