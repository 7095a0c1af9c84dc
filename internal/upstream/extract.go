package upstream

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"mvdan.cc/sh/v3/syntax"
)

// Source is one launch file's bytes. Name is how facts cite it
// ("lib.include.sh"); a Source with nil Data is a file the checkout lacks.
type Source struct {
	Name string
	Data []byte
}

// Names the launch files use for what the launcher looks for. They are
// the functions and variables of OneTrainer's lib.include.sh since its
// launch-script framework; a checkout that renamed them says nothing the
// evaluator recognises, and is refused (resolve), the built-in values
// filling in the facts for the report.
const (
	fnRunConda   = "run_conda"
	fnRunPip     = "run_pip_in_active_env"
	fnRunPython  = "run_python_in_active_env"
	fnCanExec    = "can_exec"
	scriptDirVar = "SCRIPT_DIR"
)

// Extract learns the facts from the sources of the checkout at dir, on a
// host whose `uname -s` prints host: its launch files (lib.include.sh and
// the four scripts, each named by its path in the checkout, so that the
// scripts of scripts/pip-install/ are read the same way) and its pixi
// manifest. What the launcher cannot follow is a refusal (Facts.Refusals);
// a detail it cannot evaluate is a warning, and the built-in value stands
// for it. A checkout without any launch file gets the built-in facts: the
// launch-scripts guide's framework.
func Extract(dir, host string, sources []Source) *Facts {
	x := &extractor{dir: dir, host: host}
	ordered := make([]Source, 0, len(sources))
	for _, pass := range []func(string) bool{
		func(n string) bool { return n == layout.LibFile },
		func(n string) bool { return has(layout.Scripts(), n) },
		func(n string) bool { return n == layout.PyProject || n == layout.PixiManifest },
	} {
		for _, src := range sources {
			if src.Data != nil && pass(base(src.Name)) {
				ordered = append(ordered, src)
			}
		}
	}
	launchFiles := 0
	var manifests []Source
	for _, src := range ordered {
		name := base(src.Name)
		if name == layout.PyProject || name == layout.PixiManifest {
			manifests = append(manifests, src)
			continue
		}
		launchFiles++
		f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src.Data), src.Name)
		if err != nil {
			x.refusef("%s, so the launcher cannot tell what it does", parseError(src.Name, err))
			continue
		}
		x.file = src.Name
		if name == layout.LibFile {
			x.lib(f)
			x.libSeen = true
		} else {
			x.f.Plans = append(x.f.Plans, x.appletPlan(f, name))
		}
	}
	b := Builtin(dir)
	if launchFiles == 0 {
		return &b
	}
	if x.f.Pixi != nil {
		x.manifestEnvs(manifests)
	}
	f := x.resolve(b)
	return &f
}

// manifestEnvs reads the pixi environments from the first manifest that
// defines them.
func (x *extractor) manifestEnvs(manifests []Source) {
	for _, m := range manifests {
		if envs, where, ok := pixiEnvs(m.Name, m.Data); ok {
			x.f.Pixi.Envs, x.f.Pixi.EnvsWhere = envs, where
			return
		}
	}
	x.refusef("%s: defines no [tool.pixi.environments] (nor does a %s), and the pixi family's scripts run one of them", layout.PyProject, layout.PixiManifest)
}

// parseError cites a parse error by file and line.
func parseError(name string, err error) string {
	if pe, ok := err.(syntax.ParseError); ok {
		return fmt.Sprintf("%s:%d: cannot be read as Bash (%s)", name, pe.Pos.Line(), pe.Text)
	}
	if pe, ok := err.(*syntax.ParseError); ok {
		return fmt.Sprintf("%s:%d: cannot be read as Bash (%s)", name, pe.Pos.Line(), pe.Text)
	}
	return fmt.Sprintf("%s: cannot be read as Bash (%v)", name, err)
}

type extractor struct {
	dir, host string
	file      string // the source being read, for file:line
	f         Facts

	conda, pipBoot, pipReqs, platform, libSeen bool // found
	funcs                                      []*syntax.FuncDecl
	top                                        *scope // lib.include.sh's top level, after it ran
	legacyFn                                   string // the function the platform chain's legacy choice is
	chainFn, chainVar                          string // the function holding the platform chain, and what it assigns
	chain                                      *syntax.IfClause
}

func (x *extractor) where(p syntax.Pos) string {
	return x.file + ":" + strconv.FormatUint(uint64(p.Line()), 10)
}

func (x *extractor) warnf(format string, a ...any) {
	if len(x.f.Warnings) < 50 { // a hostile file gets no more attention than that
		x.f.Warnings = append(x.f.Warnings, fmt.Sprintf(format, a...))
	}
}
