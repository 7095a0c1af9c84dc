package pyenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gpu"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/settings"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// pixiCmd is pixi's name, as the scripts call it and the "+" lines show it.
const pixiCmd = "pixi"

// pixiEnv is a pixi environment: the pixi that makes and runs it, its
// name, the checkout's way of calling pixi, and the environment its
// commands start from (the checkout's exports, OT_PLATFORM as decided,
// and PATH with pixi's folder first when the scripts would put it there).
type pixiEnv struct {
	exe  string
	name string
	form *upstream.Pixi
	base environ.List
}

// place is where the environment lives. Its records are in its folder;
// pixi.lock is the file whose change means a new install.
func (p pixiEnv) place(co layout.Checkout) Place {
	dir := co.PixiEnv(p.name)
	return Place{Dir: dir, Python: filepath.Join(dir, "bin", "python"), EnvFile: co.Path(layout.PixiLock),
		Lock: layout.EnvLock(dir), Label: fmt.Sprintf("pixi environment %q", p.name),
		Remove: out.QuoteArgs([]string{"rm", "-rf", dir})}
}

// run is `pixi run --locked -e NAME WORDS...`, as the scripts' run_in_env.
func (p pixiEnv) run(words ...string) proc.Cmd {
	argv := append([]string{pixiCmd}, p.form.Run.With(p.name)...)
	return proc.Cmd{Path: p.exe, Argv: append(argv, words...)}
}

// PreparePixi makes the pixi environment ready, as the pixi family's
// prepare_runtime_environment does: pixi found (or installed by the
// checkout's own installer) and, for update.sh, updated; the platform
// chosen; the environment installed when the script asks for it (install.sh,
// update.sh), under the lock, with the launcher's record around it.
func PreparePixi(ctx context.Context, r Request, p *launch.Pixi) (Result, error) {
	px, mode := p.Form, p.Mode
	exe, env, wasThere, err := findPixi(ctx, r, p)
	if err != nil {
		return Result{}, err
	}
	if mode.SelfUpdate && wasThere {
		if err := r.Run.With(r.Checkout.Root, env).Run(ctx, proc.Cmd{Path: exe, Argv: append([]string{pixiCmd}, px.SelfUpdate.Words...)}); err != nil {
			return Result{}, pixiSelfUpdateFailed(r, err)
		}
	}
	name, err := pixiPlatform(ctx, r)
	if err != nil {
		return Result{}, err
	}
	env = env.Clone()
	env.Set(upstream.VarPlatform, name)
	t := Target{Kind: launch.KindPixi, pixi: pixiEnv{exe: exe, name: name, form: px, base: env}}
	t.Place = t.pixi.place(r.Checkout)
	r.Out.Debugf("Using %s with %s", t.Place.Label, exe)
	st, err := lookPixi(t)
	if err != nil {
		return Result{}, err
	}
	res := Result{Target: t, Platform: name}
	if !mode.Install {
		// As the scripts do: pixi run installs what is missing itself, and
		// pixi (since 0.71.2, which OneTrainer's manifest requires)
		// serialises installs of one environment and finishes one that was
		// cut short. The launcher only says so.
		switch {
		case st.exists && st.rec.Pending():
			r.Out.Status("The %s is not completely installed (%s): pixi finishes it as it starts.", t.Place.Label, st.rec.Why())
		case st.ready():
			if changed := st.rec.Changed(r.Checkout.Root); len(changed) > 0 {
				r.Out.Status("%s changed since the %s was installed: pixi brings it up to date as it starts; ./update.sh does so now.", strings.Join(changed, ", "), t.Place.Label)
			}
		}
		return res, nil
	}
	if err := os.MkdirAll(filepath.Dir(t.Place.Dir), 0o777); err != nil {
		return res, out.Errorf("cannot make %s: %w", filepath.Dir(t.Place.Dir), pathutil.Explain(filepath.Dir(t.Place.Dir), err))
	}
	lock, err := takeLock(t.Place, r.Out)
	if err != nil {
		return res, err
	}
	defer lock.Release()
	if st, err = lookPixi(t); err != nil {
		return res, err
	}
	if st.exists && st.rec.Pending() {
		r.Out.Status("Installing the %s again: %s.", t.Place.Label, st.rec.Why())
	}
	beforeInstall(ctx, r, t, name)
	if err := installPixi(ctx, r, t, env); err != nil {
		return res, err
	}
	res.Installed, res.Created = true, !st.exists
	return res, nil
}

// lookPixi reads the launcher's record of a pixi environment. It exists
// when pixi has made it (its conda-meta folder); a record without it is an
// install that never got that far.
func lookPixi(t Target) (state, error) {
	st := state{exists: fileExists(filepath.Join(t.Place.Dir, "conda-meta"))}
	rec, err := ReadRecord(t.Place.Dir)
	if err != nil {
		return st, out.Errorf("%w", err)
	}
	st.rec = rec
	if !st.exists && rec.Installed != nil {
		// The folder went, the record with it or not: install again.
		st.rec.Installed = nil
		st.rec.Created = true
	}
	if !st.exists {
		st.rec.Created = true // pending: never (completely) installed
	}
	return st, nil
}

// installPixi runs `pixi install --locked -e NAME`, withdrawing the
// completed record first and writing it only once pixi has succeeded.
// pixi install is idempotent: the record is how the launcher knows the
// last one completed (pixi's exit status 0), keyed by pixi.lock and the
// manifest, so that an install cut short is run again.
func installPixi(ctx context.Context, r Request, t Target, env environ.List) error {
	dir := t.Place.Dir
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return out.Errorf("cannot make %s: %w", dir, pathutil.Explain(dir, err))
	}
	if err := BeginInstall(dir, r.Script); err != nil {
		return recordFailed(t, "cannot record the install in "+dir, dir, err)
	}
	r.Out.Debugf("Installing OneTrainer environment, this may take a while...")
	argv := append([]string{pixiCmd}, t.pixi.form.Install.With(t.pixi.name)...)
	if err := r.Run.With(r.Checkout.Root, env).Run(ctx, proc.Cmd{Path: t.pixi.exe, Argv: argv}); err != nil {
		e := installFailed(dir, r, t, err, "")
		if _, statErr := os.Stat(r.Checkout.Path(layout.PixiLock)); statErr != nil {
			if oe, ok := e.(*out.Error); ok {
				oe.WithHints(fmt.Sprintf("The checkout has no %s, which pixi install --locked needs: ./update.sh brings the checkout's own.", layout.PixiLock))
			}
		}
		return e
	}
	var names []string
	for _, n := range []string{layout.PixiLock, layout.PyProject, layout.PixiManifest} {
		if fileExists(r.Checkout.Path(n)) {
			names = append(names, n)
		}
	}
	files, err := HashFiles(r.Checkout.Root, names...)
	if err != nil {
		return out.Errorf("%w", err)
	}
	if err := CompleteInstall(dir, files); err != nil {
		return recordFailed(t, "recording the completed install in "+dir, dir, err)
	}
	if r.Installed != nil {
		return r.Installed(ctx)
	}
	return nil
}

// findPixi finds pixi where the launch found it — on PATH, else in the
// folder the scripts put first on PATH (~/.pixi/bin) — else has the
// checkout's own installer put it there (an echoed step: it downloads
// pixi, as pip downloads packages, the launcher itself reaching nothing),
// and looks again. It returns pixi, the environment children get (PATH
// as the scripts leave it), and whether pixi was there before any
// installer ran.
func findPixi(ctx context.Context, r Request, p *launch.Pixi) (exe string, env environ.List, wasThere bool, err error) {
	px := p.Form
	env = r.Env
	path := env.Get("PATH")
	if p.OnBinDir {
		env = env.Clone()
		env.Set("PATH", p.BinDir+":"+path)
		r.Out.Debugf("pixi not found, looking in %s too", p.BinDir)
	}
	if p.Exe != "" {
		return p.Exe, env, true, nil
	}
	r.Out.Status("pixi is not on PATH nor in %s: the checkout's %s installs it.", p.BinDir, px.Installer)
	installer := r.Checkout.Path(px.Installer)
	runErr := r.Run.With(r.Checkout.Root, env).Run(ctx, proc.Cmd{Path: installer, Argv: []string{px.Installer}})
	if exe = pathutil.Look(pixiCmd, r.Checkout.Root, env.Get("PATH"), ""); exe != "" && runErr == nil {
		return exe, env, false, nil
	}
	status := "it exited 0"
	if runErr != nil {
		status = runErr.Error()
	}
	return "", env, false, &out.Error{Code: proc.Code(runErr), Err: runErr,
		Msg:   fmt.Sprintf("pixi is not on PATH (%s) nor in %s, and the checkout's %s did not put it there (%s)", path, p.BinDir, px.Installer, status),
		Hints: []string{"Install pixi (https://pixi.sh) so that it is on PATH or in " + p.BinDir + ", then run this again."}}
}

// pixiPlatform is the pixi environment to use: OT_PLATFORM as given, or
// detected by the checkout's get_platform rules. It must be one the
// checkout's manifest defines, before pixi runs.
func pixiPlatform(ctx context.Context, r Request) (string, error) {
	d := r.Platform(ctx, r.Run, nil)
	for _, w := range d.Warnings {
		r.Out.Warn("%s", w)
	}
	for _, n := range d.Notes {
		r.Out.Status("%s", n)
	}
	r.Out.Debugf("Platform: %s (%s)", d.File, d.Reason)
	px := r.Facts.Pixi
	if !knownEnv(px, d.File) {
		how := upstream.VarPlatform + "=" + quote(d.File)
		if !r.Settings.Given(upstream.VarPlatform) || r.Settings.Platform == settings.PlatformDetect {
			how = "the detected platform " + quote(d.File) + " (" + d.Reason + ")"
		}
		return "", out.Errorf("%s names no environment of the checkout's %s (%s)", how, layout.PyProject, px.EnvsWhere).
			WithHints("It defines " + checkout.JoinAnd(px.Envs) + "; set OT_PLATFORM to one of them.")
	}
	return d.File, nil
}

// knownEnv reports whether the manifest defines the environment name
// (a manifest whose environments could not be read takes any).
func knownEnv(px *upstream.Pixi, name string) bool {
	if len(px.Envs) == 0 {
		return true
	}
	for _, e := range px.Envs {
		if e == name {
			return true
		}
	}
	return false
}

// PixiInfo is what doctor reports of pixi and its environment.
type PixiInfo struct {
	Found       bool
	Path        string // pixi's executable
	Version     string // what `pixi --version` says
	BinDir      string // where the scripts look for it off PATH
	Env         string // the environment the next launch uses
	Reason      string // why that one
	Warnings    []string
	Notes       []string
	Known       bool   // the manifest defines it
	EnvDir      string // .pixi/envs/NAME
	Installed   bool   // pixi made it (conda-meta)
	LockMatches bool   // pixi.lock is as it was at the launcher's last install
	Recorded    bool   // the launcher recorded a completed install
}

// InspectPixi reports on pixi and the environment the next launch uses,
// found as a launch finds them, without installing or running anything
// but `pixi --version`.
func InspectPixi(ctx context.Context, r Request, p *launch.Pixi, m *gpu.Machine) (Inspection, PixiInfo) {
	px := p.Form
	info := PixiInfo{BinDir: p.BinDir, Path: p.Exe, Found: p.Exe != ""}
	if info.Found {
		if text, err := r.Run.Ask(ctx, proc.Cmd{Path: info.Path, Argv: []string{pixiCmd, "--version"}}); err == nil {
			info.Version = strings.TrimSpace(text)
		}
	}
	d := r.Platform(ctx, r.Run, m)
	info.Env, info.Reason, info.Warnings, info.Notes = d.File, d.Reason, d.Warnings, d.Notes
	info.Known = knownEnv(px, d.File)
	t := Target{Kind: launch.KindPixi, pixi: pixiEnv{exe: info.Path, name: d.File, form: px}}
	t.Place = t.pixi.place(r.Checkout)
	info.EnvDir = t.Place.Dir
	rep := Inspection{Kind: launch.KindPixi, Path: t.Place.Dir, Others: []OtherEnv{}, target: t}
	st, err := lookPixi(t)
	if err != nil {
		rep.State, rep.Problem = StateUnusable, err.Error()
		return rep, info
	}
	info.Installed = st.exists
	info.Recorded = st.rec.Installed != nil
	info.LockMatches = info.Recorded && len(st.rec.Changed(r.Checkout.Root)) == 0
	switch {
	case !st.exists:
		rep.State = StateMissing
		if st.rec.Installing != nil { // a first install that failed or was cut short
			rep.Resume = st.rec.Why()
		}
	case st.rec.Installing != nil:
		rep.State, rep.Resume = StatePending, st.rec.Why()
	case info.Recorded:
		rep.State = StateInstalled
	default:
		rep.State = StateForeign
	}
	if st.exists {
		rep.Python = t.Place.Python
		if text, err := r.Run.With(r.Checkout.Root, r.Env).Ask(ctx, proc.Cmd{Path: rep.Python, Argv: []string{rep.Python, "-c", versionQuestion}}); err == nil {
			rep.PythonVersion = strings.TrimSpace(text)
		}
	}
	if !info.Known {
		rep.Problem = fmt.Sprintf("the platform %q is no environment of the checkout's %s, which defines %s", d.File, layout.PyProject, checkout.JoinAnd(px.Envs))
	} else if !info.Found {
		rep.Problem = fmt.Sprintf("pixi is not on PATH nor in %s: the next launch runs the checkout's %s to install it", info.BinDir, px.Installer)
	}
	return rep, info
}
