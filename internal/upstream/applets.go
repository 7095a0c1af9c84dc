package upstream

import (
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"

	"mvdan.cc/sh/v3/syntax"
)

// The runner functions: what runs the final command in the env.
const (
	fnRunPipFamily  = fnRunPython  // run_python_in_active_env SCRIPT "$@"
	fnRunPixiFamily = "run_in_env" // run_in_env python SCRIPT "$@"
)

// appletPlan reads a launch script's top level into its Plan. Each
// statement must be one the launcher models — sourcing the library,
// entering the checkout, a status line, the pull and its git init, the
// hand-over, run-cmd's checks of the script name, exports, preparing the
// env, and the runner — or the script is refused at its line: a step the
// launcher does not know of could change what the env is or what runs.
func (x *extractor) appletPlan(f *syntax.File, name string) Plan {
	p := Plan{Script: name, Where: x.file, Run: Args{Slot: -1}}
	s := newScope(x.host)
	x.stmts(f.Stmts, s, nil, name) // the exports, with their conditions
	sourced, entered := false, false
	for _, st := range f.Stmts {
		if st.Negated || st.Background || len(st.Redirs) > 0 {
			x.refuseStmt(st, "")
			continue
		}
		switch c := st.Cmd.(type) {
		case *syntax.DeclClause:
			if c.Variant.Value != "export" {
				x.refuseStmt(st, "")
			} else {
				x.refuseValueRuns(st, c.Args)
			}
		case *syntax.IfClause:
			x.appletIf(&p, c, s)
		case *syntax.CallExpr:
			if len(c.Args) == 0 {
				if !isCustomScriptAssign(c) {
					x.refuseStmt(st, "")
				}
				continue
			}
			if len(c.Assigns) > 0 {
				// NAME=VALUE CMD: an environment for that one command
				// the launcher would not give.
				x.refuseStmt(st, "")
				continue
			}
			switch cmd := litOf(c.Args[0]); {
			case cmd == "set" && libStep(c): // options only: `set -- …` would change the arguments
			case cmd == "shift" && name == layout.RunCmdScript && len(c.Args) == 1:
			case cmd == "source" || cmd == ".":
				if len(c.Args) != 2 || !isLibPath(wordText(c.Args[1]), entered) {
					x.refuseStmt(st, "it sources something other than its own folder's "+layout.LibFile)
				}
				sourced = true
			case cmd == "cd":
				if !isScriptDir(c.Args[1:]) {
					x.refuseStmt(st, "it enters a folder other than the checkout")
				}
				entered = true
			case cmd == "echo" && len(c.Args) == 2 && strings.HasPrefix(litOf(c.Args[1]), "[OneTrainer] "):
			case cmd == "git" && len(c.Args) == 2 && litOf(c.Args[1]) == "pull":
				p.Pull = true
			case cmd == fnPrepare:
				if !sourced {
					x.refuseStmt(st, "it prepares the env before sourcing "+layout.LibFile)
				}
				p.Prepares = true
				if len(c.Args) > 2 {
					x.refuseStmt(st, "")
				} else if len(c.Args) == 2 {
					if p.Prepare = litOf(c.Args[1]); p.Prepare == "" {
						x.refuseStmt(st, "its argument cannot be evaluated")
					}
				}
			case cmd == fnRunPipFamily || cmd == fnRunPixiFamily:
				x.runner(&p, c, s, cmd)
			default:
				x.refuseStmt(st, "")
			}
		default:
			x.refuseStmt(st, "")
		}
	}
	return p
}

// runner reads the runner's words: what runs in the env, the arguments
// passed on last ("$@"). run-cmd.sh's custom script is the slot.
func (x *extractor) runner(p *Plan, c *syntax.CallExpr, s *scope, fn string) {
	if p.Run.Words != nil {
		x.refusef("%s: a second command to run in the env", x.where(c.Pos()))
		return
	}
	args := c.Args[1:]
	if len(args) == 0 || wordText(args[len(args)-1]) != "$@" {
		x.refusef("%s: %s does not pass the script's arguments on (\"$@\" last)", x.where(c.Pos()), fn)
		return
	}
	run := Args{Slot: -1, Where: x.where(c.Pos()), Words: []string{fn}}
	for _, w := range args[:len(args)-1] {
		if pe := onlyParam(w); pe != nil && pe.Param.Value == VarCustomScriptFile && pe.Exp == nil {
			run.Slot = len(run.Words)
			run.Words = append(run.Words, "")
			continue
		}
		v, ok := s.word(w)
		if !ok || v == "" {
			x.refusef("%s: what %s runs cannot be evaluated", x.where(w.Pos()), fn)
			return
		}
		run.Words = append(run.Words, v)
	}
	p.Run = run
}

// appletIf reads an if at a launch script's top level: the hand-over, the
// git init of a tree that is not a git checkout, run-cmd's checks of the
// script name, or exports under a condition.
func (x *extractor) appletIf(p *Plan, c *syntax.IfClause, s *scope) {
	for b := c; b != nil; b = b.Else {
		if st := condRuns(b.Cond); st != nil {
			x.refuseStmt(st, "the launcher does not model this step (a command in an if's condition)")
			return
		}
	}
	switch {
	case c.Else == nil && x.handover(p, c):
	case c.Else == nil && x.gitInit(p, c):
	case c.Else == nil && p.Script == layout.RunCmdScript && isNameCheck(c):
	case onlyExports(c):
		for b := c; b != nil; b = b.Else {
			for _, st := range b.Then {
				x.refuseValueRuns(st, st.Cmd.(*syntax.DeclClause).Args)
			}
		}
	default:
		x.refusef("%s: this if does something the launcher does not model, so it cannot tell what the script does", x.where(c.Pos()))
	}
}

// handover reads `if [ "$VAR" = "VALUE" ]; then echo ...; bash SCRIPT
// ["$@"]; exit 0; fi`.
func (x *extractor) handover(p *Plan, c *syntax.IfClause) bool {
	v, value, ok := equalsTest(c.Cond)
	if !ok {
		return false
	}
	h := &Handover{Var: v, Value: value, Where: x.where(c.Pos())}
	exited := false
	for _, st := range c.Then {
		call, ok := st.Cmd.(*syntax.CallExpr)
		if !ok || len(call.Args) == 0 || exited {
			return false
		}
		switch litOf(call.Args[0]) {
		case "echo":
			if len(call.Args) == 2 {
				h.Message = strings.TrimPrefix(litOf(call.Args[1]), "[OneTrainer] ")
			}
		case "bash":
			if h.Script != "" || len(call.Args) < 2 || len(call.Args) > 3 {
				return false
			}
			h.Script = strings.TrimPrefix(litOf(call.Args[1]), "./")
			if h.Script == "" || len(call.Args) == 3 && wordText(call.Args[2]) != "$@" {
				return false
			}
			h.PassesArgs = len(call.Args) == 3
		case "exit":
			exited = len(call.Args) == 2 && litOf(call.Args[1]) == "0"
		default:
			return false
		}
	}
	if h.Script == "" || !exited || p.Handover != nil {
		return false
	}
	p.Handover = h
	return true
}

// equalsTest reads [ "$VAR" = "VALUE" ] or [[ "${VAR}" == "VALUE" ]].
func equalsTest(cond []*syntax.Stmt) (name, value string, ok bool) {
	if len(cond) != 1 {
		return "", "", false
	}
	switch c := cond[0].Cmd.(type) {
	case *syntax.CallExpr:
		if len(c.Args) != 5 || litOf(c.Args[0]) != "[" || litOf(c.Args[4]) != "]" ||
			(litOf(c.Args[2]) != "=" && litOf(c.Args[2]) != "==") {
			return "", "", false
		}
		pe := onlyParam(c.Args[1])
		if pe == nil || pe.Exp != nil || !IsName(pe.Param.Value) {
			return "", "", false
		}
		return pe.Param.Value, litOf(c.Args[3]), litOf(c.Args[3]) != ""
	case *syntax.TestClause:
		b, ok := c.X.(*syntax.BinaryTest)
		if !ok || b.Op != syntax.TsMatch && b.Op != syntax.TsMatchShort {
			return "", "", false
		}
		xw, ok1 := b.X.(*syntax.Word)
		yw, ok2 := b.Y.(*syntax.Word)
		if !ok1 || !ok2 {
			return "", "", false
		}
		pe := onlyParam(xw)
		if pe == nil || pe.Exp != nil || !IsName(pe.Param.Value) || litOf(yw) == "" {
			return "", "", false
		}
		return pe.Param.Value, litOf(yw), true
	}
	return "", "", false
}

// gitInit reads `if [ ! -d .git ]; then git ...; ...; fi`: git commands
// only, each of literal words.
func (x *extractor) gitInit(p *Plan, c *syntax.IfClause) bool {
	if len(c.Cond) != 1 || len(c.Then) == 0 || p.GitInit != nil {
		return false
	}
	call, ok := c.Cond[0].Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) != 5 || litOf(call.Args[0]) != "[" || litOf(call.Args[1]) != "!" ||
		litOf(call.Args[2]) != "-d" || litOf(call.Args[3]) != ".git" || litOf(call.Args[4]) != "]" {
		return false
	}
	var cmds [][]string
	for _, st := range c.Then {
		g, ok := st.Cmd.(*syntax.CallExpr)
		if !ok || len(g.Args) < 2 || litOf(g.Args[0]) != "git" {
			return false
		}
		var words []string
		for _, w := range g.Args {
			v := litOf(w)
			if v == "" {
				return false
			}
			words = append(words, v)
		}
		cmds = append(cmds, words)
	}
	p.GitInit = cmds
	return true
}

// isNameCheck reads run-cmd.sh's checks of the script name: an if whose
// body prints an error and exits 1. The launcher checks the name itself,
// with the same outcome and its list of valid names.
func isNameCheck(c *syntax.IfClause) bool {
	if len(c.Then) == 0 {
		return false
	}
	last, ok := c.Then[len(c.Then)-1].Cmd.(*syntax.CallExpr)
	if !ok || len(last.Args) != 2 || litOf(last.Args[0]) != "exit" || litOf(last.Args[1]) != "1" {
		return false
	}
	for _, st := range c.Then[:len(c.Then)-1] {
		call, ok := st.Cmd.(*syntax.CallExpr)
		if !ok || len(call.Args) == 0 || litOf(call.Args[0]) != "print_error" {
			return false
		}
	}
	text := wordsText(c.Cond)
	return strings.Contains(text, "${1}") || strings.Contains(text, "$1") || strings.Contains(text, VarCustomScriptFile)
}

// onlyExports reports an if whose branches hold nothing but exports.
func onlyExports(c *syntax.IfClause) bool {
	for b := c; b != nil; b = b.Else {
		for _, st := range b.Then {
			d, ok := st.Cmd.(*syntax.DeclClause)
			if !ok || d.Variant.Value != "export" {
				return false
			}
		}
	}
	return true
}

// isCustomScriptAssign reads run-cmd.sh's OT_CUSTOM_SCRIPT_FILE="scripts/${1}.py".
func isCustomScriptAssign(c *syntax.CallExpr) bool {
	return len(c.Assigns) == 1 && c.Assigns[0].Name != nil && c.Assigns[0].Name.Value == VarCustomScriptFile &&
		wordText(c.Assigns[0].Value) == "scripts/${1}.py"
}

// refuseStmt refuses a statement of a launch script.
func (x *extractor) refuseStmt(st *syntax.Stmt, why string) {
	if why == "" {
		why = "the launcher does not model this step, so it cannot tell what the script does"
	}
	x.refusef("%s: %s: %s", x.where(st.Pos()), clipText(stmtText(st)), why)
}

// wordText is a word as written, quotes dropped: "${BASH_SOURCE[0]%/*}/lib.include.sh".
func wordText(w *syntax.Word) string {
	if w == nil {
		return ""
	}
	var b strings.Builder
	syntax.NewPrinter().Print(&b, w)
	return strings.ReplaceAll(strings.ReplaceAll(b.String(), `"`, ""), `'`, "")
}

func wordsText(list []*syntax.Stmt) string {
	var b strings.Builder
	for _, st := range list {
		syntax.NewPrinter().Print(&b, st)
	}
	return b.String()
}

func stmtText(st *syntax.Stmt) string {
	var b strings.Builder
	syntax.NewPrinter().Print(&b, st)
	line, _, _ := strings.Cut(strings.TrimSpace(b.String()), "\n")
	return line
}

func clipText(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// scriptDirForms are the ways a launch script names its own folder.
func scriptDirForms() []string {
	return []string{"${BASH_SOURCE[0]%/*}", "$(dirname -- ${BASH_SOURCE[0]})", "$(dirname ${BASH_SOURCE[0]})"}
}

// isScriptDir reads cd's arguments: [--] the script's own folder.
func isScriptDir(args []*syntax.Word) bool {
	if len(args) > 0 && litOf(args[0]) == "--" {
		args = args[1:]
	}
	return len(args) == 1 && has(scriptDirForms(), wordText(args[0]))
}

// isLibPath reads what a script sources: lib.include.sh in its own
// folder, named from the script's path, or plainly once the script has
// entered its folder.
func isLibPath(p string, entered bool) bool {
	if entered && (p == layout.LibFile || p == "./"+layout.LibFile) {
		return true
	}
	for _, d := range scriptDirForms() {
		if p == d+"/"+layout.LibFile {
			return true
		}
	}
	return false
}
