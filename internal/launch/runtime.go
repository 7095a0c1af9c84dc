package launch

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// Kind names a kind of env, for reports ("venv", "conda", "pixi").
type Kind string

const (
	KindVenv  Kind = "venv"
	KindConda Kind = "conda"
	KindPixi  Kind = "pixi"
)

// Runtime is the env a launch uses: *Venv, *Conda or *Pixi. Each holds
// what only its kind needs — a venv the host Python that makes it, a conda
// env the conda command, a pixi environment pixi — so that no kind can ask
// for another's.
type Runtime interface {
	Kind() Kind
	runtime()
}

// Venv is a Python venv the launch uses, made by a host Python when it is
// not there.
type Venv struct {
	Dir   string // absolute
	Given string // OT_PYTHON_VENV as configured
	// Python is the host Python that makes the venv: the one need of a
	// launch that only a venv has.
	Python HostPython
	// Warning says why this is a venv where conda was asked for (an
	// OT_CONDA_CMD that is no conda); "" otherwise. It is among the
	// launch's Messages too.
	Warning string
}

// HostPython is the Python a venv is made from: OT_PYTHON_CMD, and
// whether the user set it (then it is taken as it is, and must exist even
// for a venv that is there, as in the original scripts) or left it to the
// checkout's default (then the launcher may find a better one).
type HostPython struct {
	Cmd   string
	Given bool
}

// Conda is a conda env the launch uses, named (-n) or at a prefix path
// (-p), made by conda's create with its own Python.
type Conda struct {
	Cmd  string // the conda command as configured (OT_CONDA_CMD), for argv
	Exe  string // its executable
	Root string // conda's root prefix, from Exe's location
	// Name is the env's name; "" for a prefix env, whose absolute path is
	// Path.
	Name string
	Path string
	// Given is OT_CONDA_ENV as configured.
	Given string
	// Form is how the checkout's scripts name, make and run the env.
	Form upstream.Conda
}

// Pixi is a pixi environment of the checkout's manifest the launch uses.
// Which one (OT_PLATFORM, detected) is the platform decision, taken when
// pixi runs.
type Pixi struct {
	Form *upstream.Pixi
	// Mode is what the script asks of pixi.
	Mode PixiMode
	// BinDir is where the scripts look for pixi when it is not on PATH;
	// OnBinDir is set when pixi was not on PATH, so that the scripts put
	// BinDir first on it.
	BinDir   string
	OnBinDir bool
	// Exe is pixi's executable; "" when neither PATH nor BinDir has it,
	// and the checkout's installer (Form.Installer) runs first.
	Exe string
}

// PixiMode is what a launch script asks of pixi, from its argument to
// prepare_runtime_environment: install the environment, update pixi.
type PixiMode struct {
	Install, SelfUpdate bool
}

func (*Venv) Kind() Kind  { return KindVenv }
func (*Conda) Kind() Kind { return KindConda }
func (*Pixi) Kind() Kind  { return KindPixi }
func (*Venv) runtime()    {}
func (*Conda) runtime()   {}
func (*Pixi) runtime()    {}

// runtime is the one decision of the env: the pixi family's environment;
// in the pip family conda when it is there and not refused
// (OT_PREFER_VENV), else a venv.
func (l *Launch) runtime() (Runtime, error) {
	co, cfg, path := l.Checkout, l.Settings, l.Env.Get("PATH")
	if l.Family.Name == upstream.FamilyPixi {
		px := l.Facts.Pixi
		if px == nil {
			return nil, out.Errorf("%s: the pixi family's calls of pixi cannot be found, so the launcher cannot tell how it runs pixi", layout.LibFile)
		}
		home := l.Env.Get(px.BinDir.Var)
		if home == "" {
			home = px.BinDir.Default
		}
		p := &Pixi{Form: px, Mode: pixiMode(px, l.Plan.Prepare), BinDir: home + px.BinDir.Suffix}
		if p.Exe = pathutil.Look(pixiCmd, co.Root, path, ""); p.Exe == "" {
			p.OnBinDir = true
			p.Exe = pathutil.Look(pixiCmd, co.Root, p.BinDir+":"+path, "")
		}
		return p, nil
	}
	v := &Venv{Dir: co.Path(cfg.PythonVenv), Given: cfg.PythonVenv,
		Python: HostPython{Cmd: cfg.PythonCmd, Given: cfg.Given(upstream.VarPythonCmd)}}
	if !cfg.PreferVenv {
		if c := l.Conda(); c != nil {
			return c, c.checkName()
		}
		if cfg.Given(upstream.VarCondaCmd) {
			// Without an executable conda, a venv, as the original scripts
			// chose; they did so silently, which hid a typo in a conda
			// command the user named behind a venv built by surprise.
			v.Warning = upstream.VarCondaCmd + "=" + strconv.Quote(cfg.CondaCmd) + " is not an executable conda, so a Python venv is used. Give conda's path or a command on PATH to use conda, or set OT_PREFER_VENV=true to choose the venv and silence this."
			l.warn("%s", v.Warning)
		}
	}
	return v, nil
}

// Conda is the conda env the settings describe, when OT_CONDA_CMD can be
// run; nil when it cannot. It is the runtime unless OT_PREFER_VENV
// chooses a venv; reports and advice ask it whether conda is there.
func (l *Launch) Conda() *Conda {
	cfg, co := l.Settings, l.Checkout
	exe := pathutil.Look(cfg.CondaCmd, co.Root, l.Env.Get("PATH"), "")
	if exe == "" {
		return nil
	}
	return NewConda(cfg.CondaCmd, exe, cfg.CondaEnv, co, l.Facts.Conda)
}

// NewConda is the env OT_CONDA_ENV (given) names for the conda command cmd
// at exe, in the form the checkout's scripts give it: a path (conda's
// --prefix, relative to the checkout) where they use one, else a name, a
// value with a "/" being a path all the same.
func NewConda(cmd, exe, given string, co layout.Checkout, form upstream.Conda) *Conda {
	c := &Conda{Cmd: cmd, Exe: exe, Given: given, Root: condaRoot(exe), Form: form}
	if form.Prefix || strings.Contains(given, "/") {
		c.Path = co.Path(given)
	} else {
		c.Name = given
	}
	return c
}

// pixiCmd is pixi's name, as the scripts call it.
const pixiCmd = "pixi"

// pixiMode is what a plan's prepare argument asks, by the checkout's own
// prepare_runtime_environment.
func pixiMode(px *upstream.Pixi, prepare string) PixiMode {
	return PixiMode{Install: prepare != "" && contains(px.InstallOn, prepare), SelfUpdate: prepare != "" && contains(px.SelfUpdateOn, prepare)}
}

// checkName refuses an OT_CONDA_ENV that conda cannot take as a name. A
// path is not checked here: conda itself refuses a prefix it cannot use.
func (c *Conda) checkName() error {
	if c.Name == "" {
		return nil
	}
	name := c.Name
	if name == "." || name == ".." || strings.HasPrefix(name, "-") || strings.ContainsAny(name, " \t\n\r:#\\") {
		return out.Errorf(upstream.VarCondaEnv+"=%q is not a conda environment name", name).
			WithHints("Use letters, digits, '.', '-' and '_' (not first a '-'), or a path containing '/' such as ./conda_env.")
	}
	return nil
}

// condaRoot is the root prefix of the conda at exe: the parent of the
// folder holding it (<root>/bin/conda, <root>/condabin/conda).
func condaRoot(exe string) string {
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	return filepath.Dir(filepath.Dir(exe))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
