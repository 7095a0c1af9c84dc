package upstream

import (
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// platformChain finds the if/elif chain that assigns the platform
// requirements file, and turns each branch into a Rule.
func (x *extractor) platformChain() {
	for _, fd := range x.funcs {
		var chain *syntax.IfClause
		var variable string
		syntax.Walk(fd, func(n syntax.Node) bool {
			if c, ok := n.(*syntax.IfClause); ok && chain == nil {
				if v := chainVar(c); v != "" {
					chain, variable = c, v
					return false
				}
			}
			return chain == nil
		})
		if chain == nil {
			continue
		}
		rules, ok := x.rules(chain, variable, x.top.child())
		if !ok {
			x.refusef("%s: the platform detection cannot be evaluated, and it decides which build of PyTorch the env gets", x.where(chain.Pos()))
			return
		}
		x.f.Platform, x.platform = rules, true
		x.chainFn, x.chainVar, x.chain = fd.Name.Value, variable, chain
		return
	}
}

// chainVar returns the variable every branch of an if/elif/else chain
// assigns first, when there are at least three branches and it ends with
// an else: the shape of the platform detection.
func chainVar(c *syntax.IfClause) string {
	name, n := "", 0
	for b := c; b != nil; b = b.Else {
		v := firstAssigned(b.Then)
		if v == "" {
			v = awkAssigned(b.Then)
		}
		if v == "" || name != "" && v != name {
			return ""
		}
		name, n = v, n+1
		if len(b.Cond) == 0 {
			if n >= 3 {
				return name
			}
			return ""
		}
	}
	return ""
}

func firstAssigned(list []*syntax.Stmt) string {
	for _, st := range list {
		if c, ok := st.Cmd.(*syntax.CallExpr); ok && len(c.Args) == 0 && len(c.Assigns) == 1 && c.Assigns[0].Name != nil {
			return c.Assigns[0].Name.Value
		}
	}
	return ""
}

// rules turns the chain's branches into Rules.
func (x *extractor) rules(c *syntax.IfClause, variable string, s *scope) ([]Rule, bool) {
	var rules []Rule
	for b := c; b != nil; b = b.Else {
		r := Rule{Where: x.where(b.Pos())}
		if len(b.Cond) > 0 {
			signs, ok := signsOf(b.Cond, s)
			if !ok {
				return nil, false
			}
			r.Signs = signs
		}
		var value *syntax.Word
		for _, st := range b.Then {
			if ce, ok := st.Cmd.(*syntax.CallExpr); ok && len(ce.Args) == 0 && len(ce.Assigns) == 1 && ce.Assigns[0].Name.Value == variable {
				value = ce.Assigns[0].Value
				break
			}
		}
		if value == nil {
			legacy, ok := x.awkLegacy(b.Then, variable, s)
			if !ok {
				return nil, false
			}
			r.File, r.Legacy = legacy.Default, true
			x.f.Legacy = legacy
		} else if cs := onlyCmdSubst(value); cs != nil {
			fn := calledFunc(cs)
			legacy, ok := x.legacy(fn, s)
			if !ok {
				return nil, false
			}
			r.File, r.Legacy = legacy.Default, true
			x.f.Legacy = legacy
		} else if v, ok := s.word(value); ok && v != "" {
			r.File = v
		} else {
			return nil, false
		}
		rules = append(rules, r)
		if len(b.Cond) == 0 {
			break
		}
	}
	return rules, len(rules) > 0 && len(rules[len(rules)-1].Signs) == 0
}

// signsOf reads a branch condition: tests joined by ||, each
// [[ -e PATH ]] or can_exec NAME.
func signsOf(list []*syntax.Stmt, s *scope) ([]Sign, bool) {
	if len(list) != 1 || list[0].Negated {
		return nil, false
	}
	switch c := list[0].Cmd.(type) {
	case *syntax.BinaryCmd:
		if c.Op != syntax.OrStmt {
			return nil, false
		}
		a, ok1 := signsOf([]*syntax.Stmt{c.X}, s)
		b, ok2 := signsOf([]*syntax.Stmt{c.Y}, s)
		return append(a, b...), ok1 && ok2
	case *syntax.TestClause:
		u, ok := c.X.(*syntax.UnaryTest)
		if !ok || u.Op != syntax.TsExists {
			return nil, false
		}
		w, ok := u.X.(*syntax.Word)
		if !ok {
			return nil, false
		}
		v, ok := s.word(w)
		return []Sign{{Arg: v}}, ok && v != ""
	case *syntax.CallExpr:
		if len(c.Args) != 2 || litOf(c.Args[0]) != fnCanExec {
			return nil, false
		}
		v, ok := s.word(c.Args[1])
		return []Sign{{Exec: true, Arg: v}}, ok && v != ""
	}
	return nil, false
}

// calledFunc is the one command a substitution runs, when it is a plain
// call: "$(get_cuda_requirements_path)".
func calledFunc(cs *syntax.CmdSubst) string {
	if len(cs.Stmts) != 1 {
		return ""
	}
	if c, ok := cs.Stmts[0].Cmd.(*syntax.CallExpr); ok && len(c.Args) == 1 && len(c.Assigns) == 0 {
		return litOf(c.Args[0])
	}
	return ""
}

// legacy reads the function that chooses between the CUDA file and the
// legacy one: the file it echoes last by default, the file it echoes in
// the branch whose condition compares the driver's CUDA major version with
// (( ... < N )), and N.
func (x *extractor) legacy(name string, s *scope) (*Legacy, bool) {
	var fd *syntax.FuncDecl
	for _, f := range x.funcs {
		if f.Name.Value == name {
			fd = f
		}
	}
	if fd == nil {
		return nil, false
	}
	x.legacyFn = name
	l := &Legacy{Where: x.where(fd.Pos())}
	fs := s.child()
	for _, st := range bodyOf(fd) {
		switch c := st.Cmd.(type) {
		case *syntax.DeclClause:
			for _, a := range c.Args {
				if a.Name != nil {
					localAssign(a, fs)
				}
			}
		case *syntax.CallExpr:
			if len(c.Args) == 0 {
				for _, a := range c.Assigns {
					localAssign(a, fs)
				}
			} else if v, ok := echoed(c, fs); ok {
				l.Default = v
			}
		case *syntax.IfClause:
			below, ok := arithBelow(c.Cond)
			if !ok {
				continue
			}
			for _, t := range c.Then {
				if ce, isCall := t.Cmd.(*syntax.CallExpr); isCall {
					if v, ok := echoed(ce, fs); ok {
						l.Legacy, l.Below = v, below
					}
				}
			}
		}
	}
	return l, l.Default != "" && l.Legacy != "" && l.Below > 0
}

// echoed is the word `echo WORD` prints.
func echoed(c *syntax.CallExpr, s *scope) (string, bool) {
	if len(c.Args) != 2 || litOf(c.Args[0]) != "echo" {
		return "", false
	}
	v, ok := s.word(c.Args[1])
	return v, ok && v != ""
}

// arithBelow finds (( ... < N )) in a condition, N a literal number.
func arithBelow(list []*syntax.Stmt) (int, bool) {
	below, found := 0, false
	for _, st := range list {
		syntax.Walk(st, func(n syntax.Node) bool {
			if b, ok := n.(*syntax.BinaryArithm); ok && b.Op == syntax.Lss && !found {
				if w, ok := b.Y.(*syntax.Word); ok {
					if n, err := strconv.Atoi(litOf(w)); err == nil && n > 0 {
						below, found = n, true
					}
				}
			}
			return !found
		})
	}
	return below, found
}

// awkIf finds, in a branch, the driver check of the pixi family's
// get_platform: `if awk "BEGIN{exit !(${driver_cuda} >= 13.0)}"; then
// VAR=A; else ...; VAR=B; fi`. It returns the if and N.
func awkIf(list []*syntax.Stmt) (*syntax.IfClause, int) {
	for _, st := range list {
		c, ok := st.Cmd.(*syntax.IfClause)
		if !ok || len(c.Cond) != 1 || c.Else == nil || len(c.Else.Cond) != 0 {
			continue
		}
		call, ok := c.Cond[0].Cmd.(*syntax.CallExpr)
		if !ok || len(call.Args) != 2 || litOf(call.Args[0]) != "awk" {
			continue
		}
		if n, ok := atLeast(call.Args[1]); ok {
			return c, n
		}
	}
	return nil, 0
}

// atLeast reads an awk program of the form BEGIN{exit !(X >= N.0)}, X a
// variable, N a whole number: it exits 0 when X >= N.
func atLeast(w *syntax.Word) (int, bool) {
	var text strings.Builder
	var parts []syntax.WordPart
	for _, p := range w.Parts {
		if dq, ok := p.(*syntax.DblQuoted); ok {
			parts = append(parts, dq.Parts...)
		} else {
			parts = append(parts, p)
		}
	}
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.Lit:
			text.WriteString(p.Value)
		case *syntax.ParamExp:
			text.WriteString("X")
		default:
			return 0, false
		}
	}
	prog := strings.ReplaceAll(text.String(), " ", "")
	num, ok := strings.CutPrefix(prog, "BEGIN{exit!(X>=")
	if !ok {
		return 0, false
	}
	num, ok = strings.CutSuffix(num, ")}")
	if !ok {
		return 0, false
	}
	whole, frac, _ := strings.Cut(num, ".")
	n, err := strconv.Atoi(whole)
	if err != nil || n <= 0 || strings.Trim(frac, "0") != "" {
		return 0, false
	}
	return n, true
}

// awkAssigned is the variable both arms of a branch's driver check assign.
func awkAssigned(list []*syntax.Stmt) string {
	c, _ := awkIf(list)
	if c == nil {
		return ""
	}
	a, b := lastAssigned(c.Then), lastAssigned(c.Else.Then)
	if a == "" || a != b {
		return ""
	}
	return a
}

// lastAssigned is the variable the last plain assignment of list assigns.
func lastAssigned(list []*syntax.Stmt) string {
	name := ""
	for _, st := range list {
		if c, ok := st.Cmd.(*syntax.CallExpr); ok && len(c.Args) == 0 && len(c.Assigns) == 1 && c.Assigns[0].Name != nil {
			name = c.Assigns[0].Name.Value
		}
	}
	return name
}

// assignedWord is the value list's last assignment of variable gives.
func assignedWord(list []*syntax.Stmt, variable string, s *scope) (string, bool) {
	var w *syntax.Word
	for _, st := range list {
		if c, ok := st.Cmd.(*syntax.CallExpr); ok && len(c.Args) == 0 && len(c.Assigns) == 1 && c.Assigns[0].Name != nil && c.Assigns[0].Name.Value == variable {
			w = c.Assigns[0].Value
		}
	}
	if w == nil {
		return "", false
	}
	v, ok := s.word(w)
	return v, ok && v != ""
}

// awkLegacy reads a branch's driver check as the legacy choice: A when the
// driver's CUDA version is at least N, else B — also when nvidia-smi told
// none, since awk then fails.
func (x *extractor) awkLegacy(list []*syntax.Stmt, variable string, s *scope) (*Legacy, bool) {
	c, n := awkIf(list)
	if c == nil {
		return nil, false
	}
	a, ok1 := assignedWord(c.Then, variable, s)
	b, ok2 := assignedWord(c.Else.Then, variable, s)
	if !ok1 || !ok2 {
		return nil, false
	}
	return &Legacy{Default: a, Legacy: b, Below: n, UnknownIsLegacy: true, Where: x.where(c.Pos())}, true
}
