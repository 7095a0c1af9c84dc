package doctor

import (
	"fmt"
	"io"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/settings"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// WriteText writes the report for a person to read.
func WriteText(w io.Writer, r Report) {
	commit := ""
	if r.Launcher.Revision != "" { // "": the module version names the source
		commit = " (commit " + r.Launcher.Revision + ")"
	}
	fmt.Fprintf(w, "Launcher:     %s %s%s at %s\n", layout.OwnName, r.Launcher.Version, commit, orDash(r.Launcher.Path))
	fmt.Fprintf(w, "System:       %s/%s, %s; launcher built with %s\n", r.OS, r.Arch, orDash(r.OSRelease), r.Go)
	looks := "looks like OneTrainer"
	if !r.Checkout.LooksLikeOneTrainer {
		looks = "does not look like OneTrainer: missing " + strings.Join(r.Checkout.Missing, ", ")
	}
	fmt.Fprintf(w, "Checkout:     %s (%s)\n", r.Checkout.Path, looks)
	if g := r.Checkout.Git; g != nil {
		up := "no upstream branch"
		if g.Upstream != "" {
			up = fmt.Sprintf("%d ahead and %d behind %s", g.Ahead, g.Behind, g.Upstream)
		}
		fmt.Fprintf(w, "  git:        %s on %s, %s; %d local change(s) to tracked files\n", orDash(g.Commit), orDash(g.Branch), up, len(g.Changes))
		for _, ch := range g.Changes {
			fmt.Fprintf(w, "              %s\n", ch)
		}
	} else {
		fmt.Fprintln(w, "  git:        not a git checkout")
	}
	for _, s := range r.Checkout.Scripts {
		target := ""
		if s.Target != "" {
			target = " -> " + s.Target
		}
		fmt.Fprintf(w, "  %-11s %s%s\n", s.Name, s.State, target)
	}
	if r.SettingsFile != "" {
		fmt.Fprintf(w, "Settings file: %s\n", r.SettingsFile)
		if len(r.SettingsFilePasses) > 0 {
			fmt.Fprintf(w, "  also hands the launch: %s (values not shown)\n", strings.Join(r.SettingsFilePasses, ", "))
		}
	}
	fmt.Fprintln(w, "Settings:")
	for _, s := range r.Settings {
		note := s.Source
		if s.Source == settings.SourceDefault {
			note = "default, " + s.DefaultFrom
		}
		if s.Unknown {
			note += "; not known to this checkout"
		}
		if s.Kind == string(upstream.KindText) {
			note += "; this checkout's own, handed on as its scripts do"
		}
		if s.Problem != "" {
			note += "; BAD: " + s.Problem
		}
		fmt.Fprintf(w, "  %-28s %-24s (%s)\n", s.Name, out.Quote(s.Value), note)
	}
	for _, s := range r.Constants {
		fmt.Fprintf(w, "  %-28s %-24s (%s)\n", s.Name, out.Quote(s.Value), s.Source)
	}
	u := r.Upstream
	fmt.Fprintln(w, "The checkout's launch files decide:")
	fmt.Fprintf(w, "  family:           %s (%s)\n", u.Family.Value, u.Family.Where)
	for _, ref := range u.Refusals {
		fmt.Fprintf(w, "  CANNOT FOLLOW:    %s\n", ref)
	}
	if u.Fallback != "" {
		fmt.Fprintf(w, "  ./start-ui.sh:    %s\n", u.Fallback)
	}
	if v := u.Via; v != nil {
		fmt.Fprintf(w, "  handed over to:   %s, as %s%s (%s); what follows is that folder's\n", v.Script, v.When, saying(v.Message), v.Where)
	}
	for _, p := range u.Plans {
		var does []string
		if p.Handover != nil {
			does = append(does, "with "+p.Handover.When+" runs "+p.Handover.Script+saying(p.Handover.Message))
		}
		if len(p.GitInit) > 0 {
			does = append(does, "outside git: "+strings.Join(p.GitInit, "; "))
		}
		if p.Pull {
			does = append(does, "git pull")
		}
		if p.Prepares {
			does = append(does, strings.TrimSpace("prepares the env "+p.Prepare))
		}
		if p.Runs != nil {
			does = append(does, "runs "+p.Runs.Command)
		}
		fmt.Fprintf(w, "  %-17s %s (%s)\n", p.Script+":", strings.Join(does, ", then "), p.Where)
	}
	fmt.Fprintf(w, "  UI script:        %s (%s)\n", u.UIScript.Value, u.UIScript.Where)
	if px := u.Pixi; px != nil {
		fmt.Fprintf(w, "  pixi:             %s; %s; %s (%s)\n", px.Install.Command, px.Run.Command, px.SelfUpdate.Command, px.Where)
		fmt.Fprintf(w, "  pixi off PATH:    %s, else %s\n", px.BinDir, px.Installer)
		fmt.Fprintf(w, "  environments:     %s (%s)\n", strings.Join(px.Environments, ", "), px.EnvironmentsWhere)
	} else {
		fmt.Fprintf(w, "  conda env:        %s; created with: %s (%s)\n", u.CondaForm, u.CondaCreate.Command, u.CondaCreate.Where)
		fmt.Fprintf(w, "  pip bootstrap:    %s (%s)\n", u.PipBootstrap.Command, u.PipBootstrap.Where)
	}
	for _, rule := range u.Platform {
		signs := "otherwise"
		if len(rule.Signs) > 0 {
			signs = "when " + strings.Join(rule.Signs, " or ")
		}
		legacy := ""
		if rule.Legacy {
			legacy = " (legacy CUDA on an old driver)"
		}
		fmt.Fprintf(w, "  platform:         %s%s %s (%s)\n", rule.File, legacy, signs, rule.Where)
	}
	if u.LegacyCUDA != nil {
		fmt.Fprintf(w, "  legacy CUDA:      %s (%s)\n", u.LegacyCUDA.Value, u.LegacyCUDA.Where)
	}
	for _, e := range u.Exports {
		when := ""
		if e.When != "" {
			when = " when " + e.When
		}
		fmt.Fprintf(w, "  export:           %s=%s%s (%s)\n", e.Name, e.Value, when, e.Where)
	}
	if e := r.Environment; e != nil {
		fmt.Fprintf(w, "Environment:  %s in %s: %s\n", e.Kind, orDash(e.Path), e.State)
		if px := e.Pixi; px != nil {
			found := "not found (looked on PATH and in " + px.BinDir + ")"
			if px.Found {
				found = px.Path + ", " + orDash(px.Version)
			}
			fmt.Fprintf(w, "  pixi:       %s\n", found)
			fmt.Fprintf(w, "  platform:   %s (%s)\n", px.Environment, px.Reason)
			for _, s := range px.Notes { // its warnings are findings, below
				fmt.Fprintf(w, "              %s\n", s)
			}
			lock := "no install recorded by the launcher"
			if px.Recorded && px.LockMatches {
				lock = layout.PixiLock + " as at the last install"
			} else if px.Recorded {
				lock = layout.PixiLock + " or the manifest changed since the last install: ./" + layout.UpdateScript + " installs it"
			}
			fmt.Fprintf(w, "  installed:  %v; %s\n", px.Installed, lock)
		}
		if e.Problem != "" {
			fmt.Fprintf(w, "  problem:    %s\n", e.Problem)
		}
		if e.Resume != "" {
			fmt.Fprintf(w, "  next launch installs the requirements: %s\n", e.Resume)
		}
		fmt.Fprintf(w, "  Python:     %s %s\n", orDash(e.Python), e.PythonVersion)
		if e.PipLog != "" {
			fmt.Fprintf(w, "  pip log:    %s (the last install's)\n", e.PipLog)
		}
		cd := e.Conda
		switch {
		case e.Pixi != nil:
		case cd.Found && cd.EnvPrefix != "":
			fmt.Fprintf(w, "  conda:      %s (root %s); env %q at %s, found via %s\n", cd.Path, cd.Root, cd.Env, cd.EnvPrefix, cd.FoundVia)
		case cd.Found:
			fmt.Fprintf(w, "  conda:      %s (root %s); env %q not made yet\n", cd.Path, cd.Root, cd.Env)
		default:
			fmt.Fprintf(w, "  conda:      not found (%s)\n", cd.Command)
		}
		for _, o := range e.Others {
			usable := ""
			if !o.Usable {
				usable = ", its Python is gone"
			}
			fmt.Fprintf(w, "  also here:  %s in %s/ (not in use%s; %s uses it)\n", o.What, o.Dir, usable, o.Setting)
		}
	}
	if u := r.UI; u != nil {
		fmt.Fprintf(w, "UI:           %s (%s)\n", u.Script, orDash(u.Kind))
		for _, c := range u.Checks {
			if c.OK {
				fmt.Fprintf(w, "  %-18s there (%s)\n", c.Name+":", c.When)
			} else {
				fmt.Fprintf(w, "  %-18s MISSING (%s): %s; to fix: %s\n", c.Name+":", c.When, c.Problem, c.Fix)
			}
		}
	}
	g := r.GPU
	fmt.Fprintf(w, "GPUs (read under %s):\n", g.Root)
	for _, d := range g.PCIDevices {
		driver := d.Driver
		if driver == "" {
			driver = "no driver bound"
		}
		name := strings.TrimSpace(d.Vendor + " " + d.Device)
		fmt.Fprintf(w, "  %s  [%s:%s] %s, %s (%s)\n", d.Address, d.VendorID, d.DeviceID, orDash(name), d.Kind, driver)
	}
	if len(g.PCIDevices) == 0 {
		fmt.Fprintln(w, "  no display or accelerator devices on the PCI bus"+strings.TrimRight(" "+g.PCIError, " "))
	}
	fmt.Fprintf(w, "  /dev/nvidia0: %v, nvidia-smi: %s, WSL nvidia-smi: %s, nvcc: %s, /dev/kfd: %v, Apple MPS: %v\n",
		g.NvidiaDeviceNode, orDash(g.NvidiaSMI), orDash(g.WSLNvidiaSMI), orDash(g.NVCC), g.KFD, g.AppleMPS)
	if g.DriverVersion != "" || g.DriverCUDA != "" {
		fmt.Fprintf(w, "  NVIDIA driver %s, CUDA up to %s\n", g.DriverVersion, g.DriverCUDA)
	}
	if q := r.Requirements; q != nil {
		exists := ""
		if !q.Exists {
			exists = " — MISSING in the checkout"
		}
		fmt.Fprintf(w, "Requirements: %s%s — %s\n", q.File, exists, q.Reason)
		for _, s := range q.Notes { // its warnings are findings, below
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
	writeMachine(w, r.Machine)
	if t := r.Torch; t != nil {
		writeTorch(w, t)
	}
	if len(r.LaunchLogs) > 0 {
		fmt.Fprintln(w, "Launch logs:  (what the launcher said in each applet's last run that installed, failed or was refused)")
		for _, l := range r.LaunchLogs {
			what := "exit status " + fmt.Sprint(l.Status)
			if l.Error != "" {
				what += ": " + l.Error
			}
			fmt.Fprintf(w, "  %-12s %s (%s)\n", l.Script+":", l.Path, what)
		}
	}
	for _, sev := range []Severity{SeverityWarning, SeverityProblem} {
		for _, f := range r.Findings {
			if f.Severity == sev {
				label := "Warning:"
				if sev == SeverityProblem {
					label = "Problem:"
				}
				fmt.Fprintf(w, "%-13s %s\n", label, f.Text())
			}
		}
	}
}

// saying is a hand-over's status line, as the text shows it after the
// hand-over: `, saying "..."`, or "" for none.
func saying(message string) string {
	if message == "" {
		return ""
	}
	return fmt.Sprintf(", saying %q", message)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
