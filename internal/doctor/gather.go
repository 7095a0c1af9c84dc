package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/buildinfo"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gpu"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyenv"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/settings"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// Input is what doctor looks at: the checkout, the launcher's
// environment, the system, the binary, and how to ask questions (a Runner
// whose output goes nowhere: no step is ever run).
type Input struct {
	Checkout layout.Checkout
	Env      environ.List
	Host     host.Host
	Self     string
	Build    buildinfo.Info
	Ask      proc.Runner
	Torch    bool // import torch in the env's Python too
}

// Gather makes the report. It changes nothing in the checkout or its env
// (deciding may refresh the launcher's facts memo in its state); its questions
// (nvidia-smi, git, the env's Python) print nothing. What it reports of
// the launch is the launch as launch.Decide settles it for start-ui.sh —
// the very value an applet acts on — found out, never acted on.
func Gather(ctx context.Context, in Input) Report {
	rep := Report{OS: in.Host.GOOS, Arch: in.Host.GOARCH, Go: runtime.Version(), Findings: []Finding{}, Problems: []string{}}
	rep.Launcher = Launcher{Version: in.Build.Version, Revision: in.Build.Revision, Path: in.Self}
	quiet := &out.Printer{Stdout: io.Discard, Stderr: io.Discard}

	co := in.Checkout
	g := gitx.Git{Dir: co.Root, Run: in.Ask}
	l, _ := launch.Decide(ctx, launch.Input{Checkout: co, Env: in.Env, Host: in.Host, Git: &g}, layout.StartUIScript)
	rep.OSRelease = osRelease(ctx, in, l.Root)
	var notOT *checkout.NotOneTrainer
	var stops []error // what stops an applet, said after the settings
	for _, err := range l.Errors {
		var nf *checkout.NotFollowed
		switch {
		case errors.As(err, &notOT), errors.As(err, &nf):
			// The checkout's report and the refusals below say these.
		default:
			stops = append(stops, unjoin(err)...)
		}
	}
	conflicted := checkout.Conflicted(ctx, co, g)
	rep.Checkout = checkoutReport(ctx, co, g, in.Self, notOT)
	markConflicts(&rep.Checkout, conflicted)
	launchLogs(&rep, co)
	if !rep.Checkout.LooksLikeOneTrainer {
		if len(rep.Checkout.Missing) > 0 {
			rep.Problem(SectionCheckout, "this does not look like a OneTrainer checkout: missing "+strings.Join(rep.Checkout.Missing, ", "), "")
		}
		for _, d := range rep.Checkout.Denied {
			rep.Problem(SectionCheckout, d, "")
		}
	}
	for _, p := range gitProblems(ctx, co, g, conflicted) {
		rep.Problem(SectionCheckout, p, "")
	}
	if l.File != nil {
		rep.SettingsFile = l.File.Path
		rep.SettingsFilePasses = l.File.Passed()
		for _, w := range l.File.Warnings {
			rep.Problem(SectionSettings, w, "")
		}
	}
	facts := l.Facts
	rep.Upstream = upstreamReport(facts)
	if fb := l.Fallback; fb != nil {
		rep.Upstream.Fallback = "runs the checkout's own " + fb.Script + ": " + fb.Why
	}
	if l.Via != nil {
		h := handoverReport(*l.Via)
		rep.Upstream.Via = &h
	}
	for _, ref := range besideConflicts(facts.Refusals, conflicted) {
		rep.Problem(SectionUpstream, ref, "")
	}
	for _, w := range facts.Warnings {
		rep.Problem(SectionUpstream, w, "")
	}
	for _, set := range l.Settings.Settings {
		rep.Settings = append(rep.Settings, Setting{Name: set.Name, Value: set.Value, Kind: string(set.Kind), Source: set.Source,
			DefaultFrom: set.DefaultFrom, Problem: set.Bad, Unknown: set.Unknown})
		if set.Unknown && set.Source != settings.SourceDefault {
			rep.Warn(SectionSettings, set.Name+" is set, but this checkout's launch files do not know it: it has no effect here, as with the checkout's own scripts", "")
		}
	}
	for _, err := range stops {
		if len(besideConflicts([]string{err.Error()}, conflicted)) > 0 { // a conflict's own line says it
			rep.Problem(SectionLaunch, err.Error(), hintsOf(err))
		}
	}
	for _, name := range settings.ConstantNames {
		rep.Constants = append(rep.Constants, Setting{Name: name, Value: l.Constants.Value(name), Source: l.Constants.Source[name]})
	}

	probe := l.Probe()
	m := probe.Examine(func(smi string) string {
		text, _ := in.Ask.Ask(ctx, proc.Cmd{Path: smi, Argv: []string{smi}})
		return text
	})
	probe.NameDevices(m.PCI)
	rep.GPU = gpuReport(probe.Root, m)
	rep.Machine = machineReport(ctx, in, l, m, &rep)

	if l.Runtime == nil {
		return rep
	}
	r := pyenv.Request{Launch: l, Run: in.Ask.With(co.Root, l.Env), Out: quiet}
	uiReport := func(insp pyenv.Inspection) {
		u := &UI{Script: facts.UIScript.Value, Kind: pyenv.UIKindOf(co, facts.UIScript.Value), Checks: []UICheck{}}
		for _, c := range insp.CheckUI(ctx, r, facts.UIScript.Value) {
			u.Checks = append(u.Checks, UICheck(c))
			if !c.OK {
				rep.Problem(SectionUI, fmt.Sprintf("the UI may not open: %s is missing (%s)", c.Name, c.Problem), c.Fix)
			}
		}
		rep.UI = u
	}
	if px, ok := l.Runtime.(*launch.Pixi); ok {
		insp, info := pyenv.InspectPixi(ctx, r, px, m)
		uiReport(insp)
		envRep := environmentReport(insp)
		envRep.Pixi = &PixiEnv{Found: info.Found, Path: info.Path, Version: info.Version, BinDir: info.BinDir,
			Environment: info.Env, Reason: info.Reason, Warnings: orEmpty(info.Warnings), Notes: orEmpty(info.Notes),
			Known: info.Known, Dir: info.EnvDir, Installed: info.Installed, Recorded: info.Recorded, LockMatches: info.LockMatches}
		rep.Environment = &envRep
		environmentFindings(&rep, co, nil)
		for _, w := range info.Warnings {
			rep.Warn(SectionEnvironment, w, "")
		}
		return rep
	}
	insp := pyenv.Inspect(ctx, r)
	uiReport(insp)
	envRep := environmentReport(insp)
	rep.Environment = &envRep
	environmentFindings(&rep, co, insp.Ways)
	d := l.Platform(ctx, in.Ask, m)
	_, statErr := os.Stat(co.Path(d.File)) // an absolute OT_PLATFORM_REQUIREMENTS too
	rep.Requirements = &Requirements{File: d.File, Reason: d.Reason, Exists: statErr == nil,
		Warnings: orEmpty(d.Warnings), Notes: orEmpty(d.Notes)}
	for _, w := range d.Warnings {
		rep.Warn(SectionRequirements, w, "")
	}
	if statErr != nil {
		rep.Problem(SectionRequirements, "the requirements file "+d.File+" is missing in the checkout", "")
	}
	if in.Torch {
		reinstall := append([]string{envRep.Python, "-m", "pip"}, facts.PipRequirements.With(d.File)...)
		t, found := torchReport(ctx, r.Run, envRep, d, m, reinstall)
		rep.Torch = &t
		for _, f := range found {
			rep.add(f)
		}
	}
	return rep
}

// environmentFindings adds what the env's report found: an env that cannot
// be used, an install that failed or was cut short (the next launch
// completes it: it is a problem until then, with the command that does it),
// what the decision noticed. ways are the ways around the cause of the
// failed install, where pip's log names one.
func environmentFindings(rep *Report, co layout.Checkout, ways []string) {
	e := rep.Environment
	if e.Problem != "" {
		rep.Problem(SectionEnvironment, e.Problem, "")
	}
	install := "run " + out.QuoteArgs([]string{co.Path(layout.InstallScript)}) + ", which completes it"
	if len(ways) > 0 {
		install = strings.Join(ways, " ") + " Then " + install
	}
	switch {
	case e.Resume != "":
		log := ""
		if e.PipLog != "" {
			log = " (pip's log: " + e.PipLog + ")"
		}
		rep.Problem(SectionEnvironment, "the environment's install did not complete: "+e.Resume+log, install)
	case e.State == pyenv.StateInterrupted:
		rep.Problem(SectionEnvironment, "the launcher began making the environment "+e.Path+" and did not finish", install)
	}
	for _, w := range e.Warnings {
		rep.Warn(SectionEnvironment, w, "")
	}
}

// hintsOf is the way forward an error carries: an *out.Error's hints.
func hintsOf(err error) string {
	var oe *out.Error
	if errors.As(err, &oe) {
		return strings.Join(oe.Hints, " ")
	}
	return ""
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// checkoutReport reports the checkout; nt is what the launch found
// missing of it, nil when nothing.
func checkoutReport(ctx context.Context, co layout.Checkout, g gitx.Git, self string, nt *checkout.NotOneTrainer) Checkout {
	r := Checkout{Path: co.Root, Missing: []string{}, Denied: []string{}, Scripts: []Script{}}
	if nt != nil {
		r.Missing, r.Denied = orEmpty(nt.Missing), orEmpty(nt.Denied)
	}
	r.LooksLikeOneTrainer = len(r.Missing) == 0 && len(r.Denied) == 0
	for _, name := range layout.Scripts() {
		path := co.Path(name)
		sr := Script{Name: name}
		fi, err := os.Lstat(path)
		switch {
		case err != nil:
			sr.State = "missing"
		case fi.Mode()&os.ModeSymlink != 0:
			sr.Target, _ = os.Readlink(path)
			switch {
			case !checkout.IsLauncherLink(path, self):
				sr.State = "other link"
			case co.Path(sr.Target) == co.Binary():
				sr.State = "linked"
			default:
				sr.State = "linked elsewhere"
			}
		default:
			sr.State = "the checkout's own"
		}
		r.Scripts = append(r.Scripts, sr)
	}
	if co.GitDir == "" {
		return r
	}
	gr := &Git{Changes: []string{}}
	gr.Commit, _ = g.Head(ctx)
	gr.Branch, _ = g.Ask(ctx, "rev-parse", "--abbrev-ref", "HEAD")
	gr.Upstream, _ = g.Ask(ctx, "rev-parse", "--abbrev-ref", "@{upstream}")
	if gr.Upstream != "" {
		if counts, err := g.Ask(ctx, "rev-list", "--left-right", "--count", "HEAD...@{upstream}"); err == nil {
			fmt.Sscanf(counts, "%d %d", &gr.Ahead, &gr.Behind)
		}
	}
	if status, err := g.Ask(ctx, "status", "--porcelain=v1", "--untracked-files=no"); err == nil {
		scripts := map[string]bool{}
		for _, s := range layout.Scripts() {
			scripts[s] = true
		}
		for _, line := range strings.Split(status, "\n") {
			if len(line) > 3 && !scripts[line[3:]] {
				gr.Changes = append(gr.Changes, strings.TrimSpace(line))
			}
		}
	}
	r.Git = gr
	return r
}

func handoverReport(h upstream.Handover) Handover {
	return Handover{When: h.Var + " = " + h.Value, Script: h.Script, PassesArgs: h.PassesArgs, Message: h.Message, Where: h.Where}
}

func upstreamReport(f *upstream.Facts) Upstream {
	r := Upstream{UIScript: Fact(f.UIScript), Warnings: orEmpty(f.Warnings), Platform: []Rule{}, Exports: []Export{},
		Family: Fact(f.Family), Refusals: orEmpty(f.Refusals), Plans: []Plan{}}
	for _, p := range f.Plans {
		pr := Plan{Script: p.Script, Where: p.Where, Prepares: p.Prepares, Prepare: p.Prepare, Pull: p.Pull, GitInit: []string{}}
		for _, c := range p.GitInit {
			pr.GitInit = append(pr.GitInit, out.QuoteArgs(c))
		}
		if len(p.Run.Words) > 0 {
			pr.Runs = &Args{Command: out.QuoteArgs(p.Run.With("SCRIPT")), Where: p.Run.Where}
		}
		if p.Handover != nil {
			h := handoverReport(*p.Handover)
			pr.Handover = &h
		}
		r.Plans = append(r.Plans, pr)
	}
	if px := f.Pixi; px != nil {
		bin := px.BinDir.Suffix
		if px.BinDir.Var != "" {
			bin = "${" + px.BinDir.Var + ":-" + px.BinDir.Default + "}" + px.BinDir.Suffix
		}
		pa := func(a upstream.Args) Args {
			return Args{Command: out.QuoteArgs(append([]string{"pixi"}, a.With("ENV")...)), Where: a.Where}
		}
		r.Pixi = &PixiFacts{Install: pa(px.Install), Run: pa(px.Run), SelfUpdate: pa(px.SelfUpdate),
			InstallOn: orEmpty(px.InstallOn), SelfUpdateOn: orEmpty(px.SelfUpdateOn), BinDir: bin, Installer: px.Installer,
			Environments: orEmpty(px.Envs), EnvironmentsWhere: px.EnvsWhere, Where: px.Where}
	}
	switch {
	case f.Conda.Auto:
		r.CondaForm = "a name, or a path when it holds a / (built-in)"
	case f.Conda.Prefix:
		r.CondaForm = "prefix (a path relative to the checkout)"
	default:
		r.CondaForm = "name"
	}
	args := func(prefix []string, a upstream.Args, slot string) Args {
		return Args{Command: out.QuoteArgs(append(prefix, a.With(slot)...)), Where: a.Where}
	}
	r.CondaCreate = args([]string{"conda"}, f.Conda.Create, "ENV")
	r.CondaRun = args([]string{"conda"}, f.Conda.Run, "ENV")
	r.PipBootstrap = args([]string{"python", "-m", "pip"}, f.PipBootstrap, "")
	r.PipRequirements = args([]string{"python", "-m", "pip"}, f.PipRequirements, "PLATFORM-FILE")
	legacy := false
	for _, rule := range f.Platform {
		rr := Rule{File: rule.File, Legacy: rule.Legacy, Where: rule.Where, Signs: []string{}}
		for _, s := range rule.Signs {
			if s.Exec {
				rr.Signs = append(rr.Signs, "can run "+s.Arg)
			} else {
				rr.Signs = append(rr.Signs, s.Arg+" exists")
			}
		}
		r.Platform = append(r.Platform, rr)
		legacy = legacy || rule.Legacy
	}
	if l := f.Legacy; l != nil && legacy {
		when := fmt.Sprintf("when the driver supports CUDA below %d", l.Below)
		if l.UnknownIsLegacy {
			when += ", or when nvidia-smi gives no CUDA version"
		}
		r.LegacyCUDA = &Fact{Value: fmt.Sprintf("%s instead of %s %s", l.Legacy, l.Default, when), Where: l.Where}
	}
	for _, e := range append(append([]upstream.Export(nil), f.Exports...), f.AppletExports...) {
		er := Export{Script: e.Applet, Name: e.Name, Value: e.Value, Where: e.Where}
		if er.Script == "" {
			er.Script = layout.LibFile
		}
		switch e.Kind {
		case upstream.ExportCheckout:
			er.Value = "(the checkout's path)"
		case upstream.ExportHostOS:
			er.Value = "(uname -s)"
		case upstream.ExportSetting:
			er.Value = "(the setting)"
		}
		if d := e.Default; d != nil { // a setting's own default
			er.Default = settings.ShowDefault(*d)
			if d.Where != e.Where {
				er.Default += " (from " + d.Where + ")"
			}
		}
		var when []string
		for _, cond := range e.Conds {
			switch cond.Op {
			case upstream.CondUnset, upstream.CondSet, upstream.CondEmpty, upstream.CondNonEmpty:
				when = append(when, cond.Var+" "+string(cond.Op))
			default:
				when = append(when, cond.Var+" "+string(cond.Op)+" "+cond.Value)
			}
		}
		er.When = strings.Join(when, " and ")
		r.Exports = append(r.Exports, er)
	}
	return r
}

func environmentReport(in pyenv.Inspection) Environment {
	c := in.Conda
	e := Environment{Kind: string(in.Kind), Path: in.Path, State: in.State, Python: in.Python, PythonVersion: in.PythonVersion,
		Conda:   &Conda{Found: c.Found, Command: c.Command, Path: c.Path, Root: c.Root, Env: c.Env, EnvPrefix: c.EnvPrefix, FoundVia: c.FoundVia, Form: c.Form},
		Problem: in.Problem, Warnings: orEmpty(in.Warnings), Resume: in.Resume, PipLog: in.PipLog, Others: []OtherEnv{}}
	for _, o := range in.Others {
		e.Others = append(e.Others, OtherEnv(o))
	}
	return e
}

func gpuReport(root string, m *gpu.Machine) GPU {
	g := GPU{Root: root, PCIDevices: []PCIDevice{}, PCIError: m.PCIError, NvidiaDeviceNode: m.NvidiaDevice,
		NvidiaSMI: m.NvidiaSMI, WSLNvidiaSMI: m.WSLSmi, NVCC: m.NVCC, KFD: m.KFD, AppleMPS: m.AppleMPS,
		NVIDIA: m.NvidiaGPU(), AMD: m.AMDGPU()}
	for _, d := range m.PCI {
		g.PCIDevices = append(g.PCIDevices, PCIDevice(d))
	}
	if m.Banner != nil {
		g.DriverVersion, g.DriverCUDA = m.Banner.DriverVersion, m.Banner.CUDA()
	}
	return g
}

// osRelease names the operating system: /etc/os-release's PRETTY_NAME on
// Linux, sw_vers on macOS.
func osRelease(ctx context.Context, in Input, root string) string {
	if in.Host.MacOS() {
		name, _ := in.Ask.Ask(ctx, proc.Cmd{Argv: []string{"sw_vers", "-productName"}})
		ver, _ := in.Ask.Ask(ctx, proc.Cmd{Argv: []string{"sw_vers", "-productVersion"}})
		return strings.TrimSpace(strings.TrimSpace(name) + " " + strings.TrimSpace(ver))
	}
	return host.ReadOSRelease(root).PrettyName
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
