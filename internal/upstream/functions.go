package upstream

import "mvdan.cc/sh/v3/syntax"

// call is a command call found in a function, with the function's scope
// as it stood there.
type call struct {
	expr     *syntax.CallExpr
	scope    *scope
	followed bool // reached by a path the evaluator could follow
}

// findCalls walks every function of lib.include.sh and returns the calls
// match accepts, each with the scope at that point.
func (x *extractor) findCalls(match func(*syntax.CallExpr) bool) []call {
	var found []call
	for _, fd := range x.funcs {
		s := x.top.child()
		x.walk(bodyOf(fd), s, true, match, &found)
	}
	return found
}

func bodyOf(fd *syntax.FuncDecl) []*syntax.Stmt {
	if fd.Body == nil {
		return nil
	}
	if b, ok := fd.Body.Cmd.(*syntax.Block); ok {
		return b.Stmts
	}
	return []*syntax.Stmt{fd.Body}
}

// walk runs a function body's statements in s: local and plain
// assignments, array appends, ifs by conditions known now (both branches,
// not followed, when the condition is not known).
func (x *extractor) walk(list []*syntax.Stmt, s *scope, followed bool, match func(*syntax.CallExpr) bool, found *[]call) {
	for _, st := range list {
		switch c := st.Cmd.(type) {
		case *syntax.CallExpr:
			if len(c.Args) > 0 && match(c) {
				*found = append(*found, call{c, s, followed})
				s = s.child() // later calls see later assignments only
			}
			for _, a := range c.Assigns {
				if len(c.Args) == 0 {
					localAssign(a, s)
				}
			}
		case *syntax.DeclClause:
			for _, a := range c.Args {
				if a.Name != nil {
					localAssign(a, s)
				}
			}
		case *syntax.IfClause:
			x.walkIf(c, s, followed, match, found)
		case *syntax.Block:
			x.walk(c.Stmts, s, followed, match, found)
		case *syntax.BinaryCmd:
			x.walk([]*syntax.Stmt{c.X}, s, followed, match, found)
			x.walk([]*syntax.Stmt{c.Y}, s, false, match, found)
		}
	}
}

func (x *extractor) walkIf(c *syntax.IfClause, s *scope, followed bool, match func(*syntax.CallExpr) bool, found *[]call) {
	if len(c.Cond) == 0 {
		x.walk(c.Then, s, followed, match, found)
		return
	}
	// A condition may itself hold a call the caller wants (can_exec ...).
	x.walk(c.Cond, s.child(), false, match, found)
	if t, ok := s.cond(c.Cond); ok && t.static {
		if t.value {
			x.walk(c.Then, s, followed, match, found)
		} else if c.Else != nil {
			x.walkIf(c.Else, s, followed, match, found)
		}
		return
	}
	x.walk(c.Then, s.child(), false, match, found)
	if c.Else != nil {
		x.walkIf(c.Else, s.child(), false, match, found)
	}
	x.forgetAssigned(c, s)
}

// localAssign applies NAME=VALUE, NAME=(...) and NAME+=(...) inside a
// function.
func localAssign(a *syntax.Assign, s *scope) {
	name := a.Name.Value
	switch {
	case a.Naked:
		if _, known := s.vars[name]; !known {
			s.set(name, "") // `local NAME`: empty
		}
	case a.Array != nil:
		var elems []string
		if a.Append {
			prev, ok := s.arrays[name]
			if !ok {
				s.setRuntime(name)
				return
			}
			elems = append(elems, prev...)
		}
		for _, el := range a.Array.Elems {
			ws, ok := s.words(el.Value)
			if !ok || el.Index != nil || len(elems)+len(ws) > maxArray {
				s.setRuntime(name)
				return
			}
			elems = append(elems, ws...)
		}
		delete(s.vars, name)
		delete(s.runtime, name)
		s.arrays[name] = elems
	case a.Append || a.Index != nil:
		s.setRuntime(name)
	default:
		if v, ok := s.word(a.Value); ok {
			s.set(name, v)
		} else {
			s.setRuntime(name)
		}
	}
}
