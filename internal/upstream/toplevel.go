package upstream

import (
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// placeVar tells the settings whose defaults decide where the env is or
// which tool makes it: a checkout's default for one of them that cannot be
// evaluated is a refusal, not a detail.
func placeVar(name string) bool {
	v, _ := VarOf(name)
	return v.Place
}

// lib reads lib.include.sh: its top level (exports, conditional exports,
// function declarations), the family of its prepare_runtime_environment,
// then, for that family, the functions that make and run the env, install
// what it needs and choose the platform.
func (x *extractor) lib(f *syntax.File) {
	s := newScope(x.host)
	x.stmts(f.Stmts, s, nil, "")
	x.top = s
	x.family()
	switch x.f.Family.Value {
	case FamilyPip:
		x.condaCalls()
		x.pipCalls()
		x.platformChain()
	case FamilyPixi:
		x.pixiFacts()
		x.platformChain()
	}
	if fam := x.f.Family.Value; fam != "" {
		x.auditBodies(fam)
	}
}

// stmts walks statements at a file's top level (or inside its ifs): the
// assignments and exports in order, the ifs by their conditions, and the
// function declarations, which run later. conds are the launch-time
// conditions the statements are under.
func (x *extractor) stmts(list []*syntax.Stmt, s *scope, conds []Cond, applet string) {
	for _, st := range list {
		switch c := st.Cmd.(type) {
		case *syntax.DeclClause:
			exported := c.Variant.Value == "export"
			if applet == "" {
				x.refuseValueRuns(st, c.Args)
			}
			for _, a := range c.Args {
				if a.Name != nil {
					x.assign(a, s, exported, conds, applet)
				}
			}
		case *syntax.CallExpr:
			if len(c.Args) == 0 {
				if applet == "" {
					x.refuseValueRuns(st, c.Assigns)
				}
				for _, a := range c.Assigns {
					x.assign(a, s, false, conds, applet)
				}
			} else if applet == "" && (len(c.Assigns) > 0 || !libStep(c)) {
				x.refuseLibStep(st)
			}
		case *syntax.IfClause:
			x.ifClause(c, s, conds, applet)
		case *syntax.FuncDecl:
			if applet == "" && c.Name != nil {
				x.funcs = append(x.funcs, c)
			}
		default:
			if applet == "" {
				x.refuseLibStep(st)
			}
		}
	}
}

// libStep reports a command at the top of lib.include.sh that the
// launcher models: `set` with options only (the shell's own behaviour,
// which changes nothing the launcher does), and the `cd` into SCRIPT_DIR
// that every script's run starts with (the launcher enters the checkout
// first of all). Anything else runs each time a launch script sources the
// file, so the launcher cannot follow a checkout whose file has one.
func libStep(c *syntax.CallExpr) bool {
	switch litOf(c.Args[0]) {
	case "set": // options (-e, -eo pipefail, +x), never positional parameters
		for _, a := range c.Args[1:] {
			w := litOf(a)
			switch {
			case w == "" || w == "--" || w == "-" || w == "+":
				return false
			case w[0] == '-' || w[0] == '+':
				if strings.Trim(w[1:], "abcdefhkmnoptuvxBCEHPT") != "" {
					return false
				}
			case strings.Trim(w, "abcdefghijklmnopqrstuvwxyz-") != "":
				return false // an option's name (pipefail, errexit) is all there is besides
			}
		}
		return true
	case "cd":
		args := c.Args[1:]
		if len(args) > 0 && litOf(args[0]) == "--" {
			args = args[1:]
		}
		if len(args) != 1 {
			return false
		}
		pe := onlyParam(args[0])
		return pe != nil && pe.Param.Value == scriptDirVar && pe.Exp == nil && pe.Repl == nil && pe.Slice == nil && !pe.Length && !pe.Excl
	}
	return false
}

// refuseLibSteps refuses what the branches of an if at the top of
// lib.include.sh run, where the launcher cannot tell which one runs: any
// command but an assignment (the exports are warned of as before).
func (x *extractor) refuseLibSteps(c *syntax.IfClause) {
	for b := c; b != nil; b = b.Else {
		if st := condRuns(b.Cond); st != nil {
			x.refuseLibStep(st)
		}
		for _, st := range b.Then {
			switch cmd := st.Cmd.(type) {
			case *syntax.DeclClause:
				x.refuseValueRuns(st, cmd.Args)
			case *syntax.CallExpr:
				if len(cmd.Args) > 0 && (len(cmd.Assigns) > 0 || !libStep(cmd)) {
					x.refuseLibStep(st)
				} else if len(cmd.Args) == 0 {
					x.refuseValueRuns(st, cmd.Assigns)
				}
			case *syntax.IfClause:
				x.refuseLibSteps(cmd)
			default:
				x.refuseLibStep(st)
			}
		}
	}
}

// refuseLibStep refuses a statement at the top of lib.include.sh (or in
// an if there) that the launcher does not model.
func (x *extractor) refuseLibStep(st *syntax.Stmt) {
	x.refuseStmt(st, "the launcher does not model this step at the top of "+path.Base(x.file)+", which every launch script sources")
}

// assign evaluates one NAME=VALUE (exported or not).
func (x *extractor) assign(a *syntax.Assign, s *scope, exported bool, conds []Cond, applet string) {
	name := a.Name.Value
	where := x.where(a.Pos())
	if a.Array != nil || a.Append || a.Index != nil {
		s.setRuntime(name) // not needed at top level: known no more
		return
	}
	export := func(e Export) {
		if !exported {
			return
		}
		e.Applet, e.Name, e.Conds, e.Where = applet, name, conds, where
		if applet == "" {
			x.f.Exports = append(x.f.Exports, e)
		} else {
			x.f.AppletExports = append(x.f.AppletExports, e)
		}
	}
	if a.Naked {
		// `export NAME` exports what NAME holds; the launcher only knows
		// that for a value set in the file.
		if v, ok := s.vars[name]; ok {
			export(Export{Kind: ExportLiteral, Value: v})
		}
		return
	}
	if name == scriptDirVar {
		// The checkout's own path, however the file computes it.
		s.set(name, x.dir)
		export(Export{Kind: ExportCheckout})
		return
	}
	if pe := onlyParam(a.Value); pe != nil && pe.Param.Value == name && pe.Exp != nil &&
		(pe.Exp.Op == syntax.DefaultUnsetOrNull || pe.Exp.Op == syntax.DefaultUnset) {
		d, ok := x.defaultChain(pe.Exp.Word, s)
		if !ok {
			if placeVar(name) {
				x.refusef("%s: the default of %s cannot be evaluated, and it decides where the env is", where, name)
			} else {
				x.warnf("%s: the default of %s cannot be evaluated: the built-in default stands", where, name)
			}
			d = BuiltinDefault(name)
		}
		d.Name, d.Unset = name, pe.Exp.Op == syntax.DefaultUnset
		if ok {
			d.Where = where
		}
		if applet == "" && len(conds) == 0 {
			x.f.Defaults = append(x.f.Defaults, d)
		}
		s.setRuntime(name)
		export(Export{Kind: ExportSetting, Default: &d})
		return
	}
	if cs := onlyCmdSubst(a.Value); cs != nil && isUname(cs) {
		s.set(name, x.host)
		export(Export{Kind: ExportHostOS})
		return
	}
	if v, ok := s.word(a.Value); ok {
		if len(conds) == 0 {
			s.set(name, v)
		} else {
			s.setRuntime(name)
		}
		if exported && applet == "" && len(conds) == 0 {
			x.f.Constants = append(x.f.Constants, Constant{name, v, where})
		}
		export(Export{Kind: ExportLiteral, Value: v})
		return
	}
	s.setRuntime(name)
	if exported {
		x.warnf("%s: the value exported as %s cannot be evaluated without running the file: it is not exported", where, name)
	}
}

// defaultChain evaluates the default in ${NAME:-DEFAULT}: a value known
// now, or ${OTHER:-...} tried at launch time.
func (x *extractor) defaultChain(w *syntax.Word, s *scope) (Default, bool) {
	var d Default
	for depth := 0; depth < 8; depth++ {
		if v, ok := s.word(w); ok {
			d.Lit = v
			return d, true
		}
		pe := onlyParam(w)
		if pe == nil || !IsName(pe.Param.Value) {
			return d, false
		}
		d.Vars = append(d.Vars, pe.Param.Value)
		if pe.Exp == nil {
			return d, true
		}
		if pe.Exp.Op != syntax.DefaultUnsetOrNull {
			return d, false
		}
		w = pe.Exp.Word
	}
	return d, false
}

// ifClause takes the branch a condition known now chooses, or, for a
// launch-time condition, records it on the exports inside.
func (x *extractor) ifClause(c *syntax.IfClause, s *scope, conds []Cond, applet string) {
	if len(c.Cond) == 0 { // a final else
		x.stmts(c.Then, s, conds, applet)
		return
	}
	t, ok := s.cond(c.Cond)
	switch {
	case !ok:
		if applet == "" {
			x.refuseLibSteps(c)
		}
		if hasExport(c) {
			x.warnf("%s: this condition cannot be evaluated without running the file: what is exported under it is not exported", x.where(c.Pos()))
		}
		x.forgetAssigned(c, s)
	case t.static && t.value:
		x.stmts(c.Then, s, conds, applet)
	case t.static:
		if c.Else != nil {
			x.ifClause(c.Else, s, conds, applet)
		}
	default:
		inner := s.child()
		x.stmts(c.Then, inner, append(append([]Cond(nil), conds...), t.conds...), applet)
		if c.Else != nil {
			if neg, ok := t.not(); ok && len(c.Else.Cond) == 0 {
				x.stmts(c.Else.Then, s.child(), append(append([]Cond(nil), conds...), neg.conds...), applet)
			} else if hasExport(c.Else) {
				x.warnf("%s: this else branch cannot be evaluated without running the file: what is exported under it is not exported", x.where(c.Else.Pos()))
			}
		}
		x.forgetAssigned(c, s)
	}
}

// forgetAssigned marks what an if assigns under a condition only launch
// time can answer as unknown after it.
func (x *extractor) forgetAssigned(n syntax.Node, s *scope) {
	syntax.Walk(n, func(n syntax.Node) bool {
		if a, ok := n.(*syntax.Assign); ok && a.Name != nil {
			s.setRuntime(a.Name.Value)
		}
		return true
	})
}

func hasExport(n syntax.Node) bool {
	found := false
	syntax.Walk(n, func(n syntax.Node) bool {
		if d, ok := n.(*syntax.DeclClause); ok && d.Variant.Value == "export" {
			found = true
		}
		return !found
	})
	return found
}
