package upstream

import (
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
)

// resolve judges what was read — every launch script must be one its
// family models, and the family's own facts must all be there — and fills
// in the built-in values for the details the checkout did not say.
func (x *extractor) resolve(b Facts) Facts {
	if !x.libSeen {
		x.refusef("%s is missing, and the checkout's launch scripts source it", layout.LibFile)
	}
	fam := x.f.Family.Value
	if fam == FamilyPip {
		for what, found := range map[string]bool{"the conda env's commands (run_conda create and run)": x.conda,
			"the pip installs (run_pip_in_active_env install)": x.pipBoot && x.pipReqs, "the platform detection": x.platform} {
			if !found {
				x.refusef("%s: %s cannot be found", layout.LibFile, what)
			}
		}
	}
	if fam == FamilyPixi && !x.platform {
		x.refusef("%s: the platform detection (get_platform) cannot be found", layout.LibFile)
	}
	why := map[string]string{FamilyPip: "it decides where the env is", FamilyPixi: "it names the pixi environment"}[fam]
	for _, v := range Vars {
		if v.Required != "" && v.Required == fam {
			if _, ok := x.f.DefaultOf(v.Name); !ok {
				x.refusef("%s: gives %s no default, and %s", layout.LibFile, v.Name, why)
			}
		}
	}
	for _, p := range x.f.Plans {
		x.judgePlan(p, fam)
	}
	if p, ok := x.f.PlanOf(layout.StartUIScript); ok && len(p.Run.Words) > 0 {
		x.f.UIScript = Fact{p.Run.Words[len(p.Run.Words)-1], p.Run.Where}
	}

	f := x.f
	// A lib.include.sh of the framework defines the user variables; its
	// exports are then exactly what the scripts exported. One that
	// defines none (a fragment, a file of another shape) says nothing of
	// them: the built-in ones stand, with its own exports over them.
	f.Lib = len(f.Defaults) > 0
	if !f.Lib {
		f.Defaults = b.Defaults
		exports := append([]Export(nil), b.Exports...)
		for _, e := range f.Exports {
			replaced := false
			for i := range exports {
				if exports[i].Name == e.Name {
					exports[i], replaced = e, true
				}
			}
			if !replaced {
				exports = append(exports, e)
			}
		}
		f.Exports = exports
	}
	for _, p := range f.Plans {
		if h := p.Handover; h != nil {
			if _, ok := f.DefaultOf(h.Var); !ok {
				f.Defaults = append(f.Defaults, Default{Name: h.Var, Lit: "false", Where: h.Where})
			}
		}
	}
	// The bounds and the conda Python are needed whether or not the
	// checkout exports them.
	for _, c := range b.Constants {
		if _, ok := f.Constant(c.Name); !ok {
			f.Constants = append(f.Constants, c)
		}
	}
	if !x.conda {
		f.Conda = b.Conda
		if py, ok := f.Constant(VarCondaUsePythonVersion); ok {
			f.Conda.Create.Words[len(f.Conda.Create.Words)-1] = condaPythonPin(py.Value)
		}
	}
	if !x.pipBoot {
		f.PipBootstrap = b.PipBootstrap
	}
	if !x.pipReqs {
		f.PipRequirements = b.PipRequirements
	}
	if !x.platform {
		f.Platform, f.Legacy = b.Platform, b.Legacy
	}
	if f.UIScript.Value == "" {
		f.UIScript = b.UIScript
	}
	if f.Family.Value == "" {
		f.Family = Fact{"unknown", layout.LibFile}
	}
	return f
}

// judgePlan refuses a launch script that does not do what its applet is
// for, in its family's way: install.sh and update.sh prepare the env
// (update.sh after its pull), start-ui.sh and run-cmd.sh prepare it and
// then run their script with the family's runner.
func (x *extractor) judgePlan(p Plan, fam string) {
	runner := map[string]string{FamilyPip: fnRunPipFamily, FamilyPixi: fnRunPixiFamily}[fam]
	where := p.Where
	switch {
	case !p.Prepares:
		x.refusef("%s: never calls %s, so the launcher cannot tell how it makes the env ready", where, fnPrepare)
	case p.Script == layout.UpdateScript && !p.Pull:
		x.refusef("%s: runs no git pull", where)
	}
	switch p.Script {
	case layout.StartUIScript, layout.RunCmdScript:
		switch {
		case len(p.Run.Words) == 0:
			x.refusef("%s: runs nothing in the env", where)
		case runner != "" && p.Run.Words[0] != runner:
			x.refusef("%s: runs its script with %s, which is not the %s family's runner (%s)", p.Run.Where, p.Run.Words[0], fam, runner)
		case fam == FamilyPixi && (len(p.Run.Words) < 2 || p.Run.Words[1] != "python"):
			x.refusef("%s: runs something other than python in the pixi environment", p.Run.Where)
		case p.Script == layout.RunCmdScript && p.Run.Slot < 0:
			x.refusef("%s: does not run the script named on its command line (${%s})", p.Run.Where, VarCustomScriptFile)
		case p.Script == layout.StartUIScript && p.Run.Slot >= 0:
			x.refusef("%s: runs a script named at launch time, not one the launcher can read", p.Run.Where)
		}
	default:
		if len(p.Run.Words) > 0 {
			x.refusef("%s: runs a command in the env, which %s does not", p.Run.Where, p.Script)
		}
	}
}
