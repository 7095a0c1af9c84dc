package launch

import (
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// The commands a launch runs, each built here and only here, from the
// checkout's facts (upstream.Args: the words its files give, a slot for
// what is known at launch time) and the launch's settings: pyenv runs
// them, doctor shows them (with placeholders where the value is only
// known at launch time: ENV, PLATFORM-FILE, SCRIPT), cli's execRun hands
// over to the final one. Each kind of command is a type of its own, so
// that a field one kind needs lands on that kind alone. What only running
// can find — where conda keeps a named env, pixi's executable, the
// platform chosen — is an argument.

// PipInstall is one of the checkout's two pip installs, run by the env's
// Python: Args are python's arguments ("-m", "pip", "install", ...).
type PipInstall struct {
	Args []string
	// Requirements is the platform requirements file the install takes,
	// as it stands in Args; "" for the bootstrap, which takes none.
	Requirements string
	Where        string
}

// Argv is the install as python at the path python runs it.
func (p PipInstall) Argv(python string) []string {
	return append([]string{python}, p.Args...)
}

// PipBootstrap is the checkout's pip install of pip and setuptools, with
// its pins.
func PipBootstrap(f *upstream.Facts) PipInstall {
	return PipInstall{Args: pipArgs(f.PipBootstrap, ""), Where: f.PipBootstrap.Where}
}

// PipRequirements is the checkout's pip install of the requirements, the
// platform requirements file (a checkout-relative name, or a path) in its
// slot, kept from reading as an option.
func PipRequirements(f *upstream.Facts, platform string) PipInstall {
	file := pathutil.Arg(platform)
	return PipInstall{Args: pipArgs(f.PipRequirements, file), Requirements: file, Where: f.PipRequirements.Where}
}

func pipArgs(a upstream.Args, slot string) []string {
	return append([]string{"-m", "pip"}, a.With(slot)...)
}

// PipBootstrap is the launch's pip bootstrap.
func (l *Launch) PipBootstrap() PipInstall { return PipBootstrap(l.Facts) }

// PipRequirements is the launch's requirements install of platform.
func (l *Launch) PipRequirements(platform string) PipInstall {
	return PipRequirements(l.Facts, platform)
}

// CondaCreate is the conda command that makes the env, as the checkout's
// create_conda_env runs it: its channels, its Python, and the packages it
// adds (tk[build=xft_*] on Linux in OneTrainer's). Argv starts with the
// conda command as configured.
type CondaCreate struct {
	Argv  []string
	Where string
}

// CondaRun is `conda run` for the env, up to the command it runs: Flag
// and Env are how it names the env ("-n" NAME, "--prefix" PATH).
type CondaRun struct {
	Argv      []string
	Flag, Env string
	Where     string
}

// Python is the argv that runs python with args in the env.
func (r CondaRun) Python(args ...string) []string {
	argv := append(append([]string(nil), r.Argv...), "python")
	return append(argv, args...)
}

// Create is the command that makes the env.
func (c *Conda) Create() CondaCreate {
	flag, env := c.target(c.Form.Create, "")
	return CondaCreate{Argv: c.command(c.Form.Create, flag, env), Where: c.Form.Create.Where}
}

// Run is `conda run` for the env. at is the prefix a named env was found
// at where conda's envs dirs do not hold it (listed only in
// environments.txt): no name that `conda run -n` resolves, so it is given
// by its path; "" otherwise.
func (c *Conda) Run(at string) CondaRun {
	flag, env := c.target(c.Form.Run, at)
	return CondaRun{Argv: c.command(c.Form.Run, flag, env), Flag: flag, Env: env, Where: c.Form.Run.Where}
}

// target is conda's -n NAME or -p PATH for the env, spelled as the
// checkout's scripts spell it in a (--prefix in OneTrainer's).
func (c *Conda) target(a upstream.Args, at string) (flag, env string) {
	if a.Slot >= 1 {
		flag = a.Words[a.Slot-1]
	}
	isPrefixFlag := flag == "-p" || flag == "--prefix"
	switch {
	case c.Name == "":
		if !isPrefixFlag {
			flag = "-p"
		}
		return flag, pathutil.Arg(c.Given)
	case at != "":
		if !isPrefixFlag {
			flag = "-p"
		}
		return flag, at
	}
	if isPrefixFlag || flag == "" {
		flag = "-n"
	}
	return flag, c.Name
}

// command is a conda command of the checkout's form a, with the env's flag
// and value in their place.
func (c *Conda) command(a upstream.Args, flag, env string) []string {
	words := a.With(env)
	if a.Slot >= 1 {
		words[a.Slot-1] = flag
	}
	return append([]string{c.Cmd}, words...)
}

// CondaForm is a conda command of the checkout's form as its files give
// it, the env's name or path in the slot: what doctor shows of the
// checkout, before a launch settles the env's flag.
func CondaForm(cmd string, a upstream.Args, env string) []string {
	return append([]string{cmd}, a.With(env)...)
}

// PixiInstall is `pixi install --locked -e ENV` for the environment Env.
type PixiInstall struct {
	Argv  []string
	Env   string
	Where string
}

// PixiRun is `pixi run --locked -e ENV` with the command it runs.
type PixiRun struct {
	Argv  []string
	Env   string
	Where string
}

// PixiSelfUpdate is the checkout's update of pixi itself.
type PixiSelfUpdate struct {
	Argv  []string
	Where string
}

// Install is the install of the environment env.
func (p *Pixi) Install(env string) PixiInstall {
	return PixiInstall{Argv: append([]string{pixiCmd}, p.Form.Install.With(env)...), Env: env, Where: p.Form.Install.Where}
}

// Run is the run of words in the environment env, as the scripts'
// run_in_env.
func (p *Pixi) Run(env string, words ...string) PixiRun {
	argv := append([]string{pixiCmd}, p.Form.Run.With(env)...)
	return PixiRun{Argv: append(argv, words...), Env: env, Where: p.Form.Run.Where}
}

// SelfUpdate is pixi's update of itself. OneTrainer's names no
// environment; one that does ("${OT_PLATFORM}") gets platform, the
// variable's value where the scripts update pixi, before the platform is
// chosen.
func (p *Pixi) SelfUpdate(platform string) PixiSelfUpdate {
	return PixiSelfUpdate{Argv: append([]string{pixiCmd}, p.Form.SelfUpdate.With(platform)...), Where: p.Form.SelfUpdate.Where}
}

// ScriptRun is what a launch script's runner runs in the env: Runner is
// the runner function (run_python_in_active_env, run_in_env), Words its
// arguments — python's in the pip family, the command pixi runs in the
// pixi family — with a script path kept from reading as an option.
type ScriptRun struct {
	Runner string
	Words  []string
	Where  string
}

// Argv is the run as the checkout's script spells it, runner first.
func (s ScriptRun) Argv() []string { return append([]string{s.Runner}, s.Words...) }

// ScriptRunOf is what plan runs, its slot (run-cmd.sh's script) filled
// with slot; the zero ScriptRun for a plan that runs nothing.
func ScriptRunOf(plan upstream.Plan, slot string) ScriptRun {
	words := plan.Run.With(slot)
	if len(words) == 0 {
		return ScriptRun{}
	}
	s := ScriptRun{Runner: words[0], Words: words[1:], Where: plan.Run.Where}
	for i, w := range s.Words {
		if strings.HasSuffix(w, ".py") {
			s.Words[i] = pathutil.Arg(w)
		}
	}
	return s
}

// ScriptRun is what the launch's script runs, its slot filled with slot.
func (l *Launch) ScriptRun(slot string) ScriptRun { return ScriptRunOf(l.Plan, slot) }
