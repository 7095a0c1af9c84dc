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
// evaluator recognises, and the built-in values stand.
const (
	fnRunConda    = "run_conda"
	fnRunPip      = "run_pip_in_active_env"
	fnRunPython   = "run_python_in_active_env"
	fnCanExec     = "can_exec"
	condaEnvVar   = "OT_CONDA_ENV"
	scriptDirVar  = "SCRIPT_DIR"
	hostOSVar     = "OT_HOST_OS"
	condaPyVarLit = "OT_CONDA_USE_PYTHON_VERSION"
)

// Extract learns the facts from the sources of the checkout at dir, on a
// host whose `uname -s` prints host, and fills in the built-in values for
// whatever they do not say (Facts.Warnings names what could not be
// evaluated). It never fails: a file it cannot parse is one warning, and
// the built-in values stand for it.
func Extract(dir, host string, sources []Source) *Facts {
	x := &extractor{dir: dir, host: host}
	for _, src := range sources {
		if src.Data == nil {
			continue
		}
		f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src.Data), src.Name)
		if err != nil {
			x.warnf("%s, which is not used: the built-in values stand for what it says", parseError(src.Name, err))
			continue
		}
		x.file = src.Name
		switch src.Name {
		case layout.LibFile:
			x.lib(f)
		case layout.StartUIScript, layout.RunCmdScript:
			x.applet(f)
		}
	}
	f := x.resolve(Builtin(dir))
	return &f
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

	conda, pipBoot, pipReqs, platform, ui bool // found
	funcs                                 []*syntax.FuncDecl
	top                                   *scope // lib.include.sh's top level, after it ran
}

func (x *extractor) where(p syntax.Pos) string {
	return x.file + ":" + strconv.FormatUint(uint64(p.Line()), 10)
}

func (x *extractor) warnf(format string, a ...any) {
	if len(x.f.Warnings) < 50 { // a hostile file gets no more attention than that
		x.f.Warnings = append(x.f.Warnings, fmt.Sprintf(format, a...))
	}
}
