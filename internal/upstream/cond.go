package upstream

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// truth is what the evaluator makes of an if's condition: known now
// (static, with its value), or a conjunction of tests that only launch
// time can answer.
type truth struct {
	static bool
	value  bool
	conds  []Cond
}

// cond evaluates an if's condition list. ok is false for anything beyond
// [[ ... ]] tests of literals and variables joined by && (and ! on one
// test).
func (s *scope) cond(stmts []*syntax.Stmt) (truth, bool) {
	if len(stmts) != 1 {
		return truth{}, false
	}
	st := stmts[0]
	if st.Background || len(st.Redirs) != 0 {
		return truth{}, false
	}
	t, ok := s.command(st.Cmd)
	if ok && st.Negated {
		return t.not()
	}
	return t, ok
}

func (s *scope) command(c syntax.Command) (truth, bool) {
	switch c := c.(type) {
	case *syntax.TestClause:
		return s.test(c.X)
	case *syntax.BinaryCmd:
		if c.Op != syntax.AndStmt {
			return truth{}, false
		}
		x, ok1 := s.cond([]*syntax.Stmt{c.X})
		y, ok2 := s.cond([]*syntax.Stmt{c.Y})
		if !ok1 || !ok2 {
			return truth{}, false
		}
		return x.and(y), true
	}
	return truth{}, false
}

func (s *scope) test(e syntax.TestExpr) (truth, bool) {
	switch e := e.(type) {
	case *syntax.ParenTest:
		return s.test(e.X)
	case *syntax.BinaryTest:
		switch e.Op {
		case syntax.AndTest:
			x, ok1 := s.test(e.X)
			y, ok2 := s.test(e.Y)
			if !ok1 || !ok2 {
				return truth{}, false
			}
			return x.and(y), true
		case syntax.OrTest:
			x, ok1 := s.test(e.X)
			y, ok2 := s.test(e.Y)
			if !ok1 || !ok2 || !x.static || !y.static {
				return truth{}, false
			}
			return truth{static: true, value: x.value || y.value}, true
		case syntax.TsMatch, syntax.TsMatchShort, syntax.TsNoMatch:
			return s.match(e)
		}
	case *syntax.UnaryTest:
		switch e.Op {
		case syntax.TsEmpStr, syntax.TsNempStr:
			w, ok := e.X.(*syntax.Word)
			if !ok {
				return truth{}, false
			}
			t, ok := s.empty(w)
			if ok && e.Op == syntax.TsNempStr {
				return t.not()
			}
			return t, ok
		case syntax.TsNot:
			t, ok := s.test(e.X)
			if !ok {
				return t, false
			}
			return t.not()
		}
	case *syntax.Word:
		t, ok := s.empty(e)
		if !ok {
			return t, false
		}
		return t.not()
	}
	return truth{}, false
}

// empty is [[ -z WORD ]]: WORD known now, "${V}" (unset or empty) or
// "${V+x}" (unset).
func (s *scope) empty(w *syntax.Word) (truth, bool) {
	if v, ok := s.word(w); ok {
		return truth{static: true, value: v == ""}, true
	}
	pe := onlyParam(w)
	if pe == nil || !IsName(pe.Param.Value) {
		return truth{}, false
	}
	switch {
	case pe.Exp == nil:
		return truth{conds: []Cond{{Var: pe.Param.Value, Op: CondEmpty}}}, true
	case pe.Exp.Op == syntax.AlternateUnset:
		if alt, ok := s.word(pe.Exp.Word); ok && alt != "" {
			return truth{conds: []Cond{{Var: pe.Param.Value, Op: CondUnset}}}, true
		}
	}
	return truth{}, false
}

// match is [[ A == B ]], [[ A = B ]] or [[ A != B ]], one side known now
// (a pattern without glob characters, so that it matches itself only) and
// the other known now or a plain "${V}".
func (s *scope) match(e *syntax.BinaryTest) (truth, bool) {
	x, ok1 := e.X.(*syntax.Word)
	y, ok2 := e.Y.(*syntax.Word)
	if !ok1 || !ok2 || hasGlob(y) {
		return truth{}, false
	}
	pat, ok := s.word(y)
	if !ok {
		return truth{}, false
	}
	eq := e.Op != syntax.TsNoMatch
	if v, ok := s.word(x); ok {
		return truth{static: true, value: (v == pat) == eq}, true
	}
	pe := onlyParam(x)
	if pe == nil || pe.Exp != nil || !IsName(pe.Param.Value) {
		return truth{}, false
	}
	op := CondEqual
	if !eq {
		op = CondNotEqual
	}
	return truth{conds: []Cond{{Var: pe.Param.Value, Op: op, Value: pat}}}, true
}

// hasGlob reports an unquoted glob character in a [[ == ]] pattern: the
// evaluator compares strings, not patterns.
func hasGlob(w *syntax.Word) bool {
	for _, p := range w.Parts {
		if l, ok := p.(*syntax.Lit); ok && strings.ContainsAny(l.Value, "*?[") {
			return true
		}
		if _, ok := p.(*syntax.ExtGlob); ok {
			return true
		}
	}
	return false
}

func (t truth) and(u truth) truth {
	switch {
	case t.static && !t.value, u.static && !u.value:
		return truth{static: true, value: false}
	case t.static:
		return u
	case u.static:
		return t
	}
	return truth{conds: append(append([]Cond(nil), t.conds...), u.conds...)}
}

// not negates t; a conjunction of two or more tests cannot be negated
// into one.
func (t truth) not() (truth, bool) {
	if t.static {
		return truth{static: true, value: !t.value}, true
	}
	if len(t.conds) != 1 {
		return truth{}, false
	}
	c := t.conds[0]
	switch c.Op {
	case CondEqual:
		c.Op = CondNotEqual
	case CondNotEqual:
		c.Op = CondEqual
	case CondUnset:
		c.Op = CondSet
	case CondSet:
		c.Op = CondUnset
	case CondEmpty:
		c.Op = CondNonEmpty
	case CondNonEmpty:
		c.Op = CondEmpty
	}
	return truth{conds: []Cond{c}}, true
}
