package upstream

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Bounds on what the evaluator builds, so that no input — a hostile
// lib.include.sh with an array appended to itself, a value that expands to
// itself twice over — makes it allocate without limit. No real launch file
// comes near them.
const (
	maxValue = 64 << 10 // bytes in one evaluated word
	maxArray = 1024     // elements in one array
)

// scope is what the evaluator knows while it walks a file: variables with
// values known now (set in the file from literals, the checkout's path,
// the host's OS name), arrays, and variables whose value is only known at
// launch time (the user's settings, the environment), which stop a word
// from being evaluated now.
type scope struct {
	vars    map[string]string
	arrays  map[string][]string
	runtime map[string]bool
	host    string
}

func newScope(host string) *scope {
	return &scope{vars: map[string]string{}, arrays: map[string][]string{}, runtime: map[string]bool{}, host: host}
}

// child is a scope for a function body: it sees the file's variables, and
// its own assignments stay its own.
func (s *scope) child() *scope {
	c := newScope(s.host)
	for k, v := range s.vars {
		c.vars[k] = v
	}
	for k, v := range s.arrays {
		c.arrays[k] = v
	}
	for k := range s.runtime {
		c.runtime[k] = true
	}
	return c
}

func (s *scope) set(name, value string) {
	s.vars[name] = value
	delete(s.runtime, name)
	delete(s.arrays, name)
}

func (s *scope) setRuntime(name string) {
	s.runtime[name] = true
	delete(s.vars, name)
	delete(s.arrays, name)
}

// word evaluates w now, as a shell would to one string (no splitting, no
// globbing: the launch files quote what they expand). ok is false when
// the word holds anything only known at launch time or beyond the
// evaluator (command substitutions other than uname, arithmetic, ...).
func (s *scope) word(w *syntax.Word) (string, bool) {
	if w == nil {
		return "", true
	}
	return s.join(w.Parts, false)
}

// join evaluates parts, quoted or not, to one string of at most maxValue
// bytes.
func (s *scope) join(parts []syntax.WordPart, quoted bool) (string, bool) {
	var b strings.Builder
	for _, part := range parts {
		v, ok := s.part(part, quoted)
		if !ok || b.Len()+len(v) > maxValue {
			return "", false
		}
		b.WriteString(v)
	}
	return b.String(), true
}

// words evaluates w to the words it gives: one, or an array's elements
// for "${NAME[@]}".
func (s *scope) words(w *syntax.Word) ([]string, bool) {
	if name, ok := arrayAll(w); ok {
		if a, known := s.arrays[name]; known {
			return a, true
		}
		return nil, false
	}
	v, ok := s.word(w)
	if !ok {
		return nil, false
	}
	return []string{v}, true
}

// arrayAll recognises "${NAME[@]}" (quoted or not).
func arrayAll(w *syntax.Word) (string, bool) {
	if w == nil || len(w.Parts) != 1 {
		return "", false
	}
	part := w.Parts[0]
	if dq, ok := part.(*syntax.DblQuoted); ok && len(dq.Parts) == 1 {
		part = dq.Parts[0]
	}
	pe, ok := part.(*syntax.ParamExp)
	if !ok || pe.Param == nil || pe.Index == nil || pe.Exp != nil || pe.Length || pe.Excl {
		return "", false
	}
	if iw, ok := pe.Index.(*syntax.Word); ok && litOf(iw) == "@" {
		return pe.Param.Value, true
	}
	return "", false
}

func (s *scope) part(p syntax.WordPart, quoted bool) (string, bool) {
	switch p := p.(type) {
	case *syntax.Lit:
		return unescape(p.Value, quoted), true
	case *syntax.SglQuoted:
		if p.Dollar && strings.Contains(p.Value, `\`) {
			return "", false // $'...' escapes: not needed by the launch files
		}
		return p.Value, true
	case *syntax.DblQuoted:
		if p.Dollar {
			return "", false
		}
		return s.join(p.Parts, true)
	case *syntax.ParamExp:
		return s.param(p)
	case *syntax.CmdSubst:
		if isUname(p) {
			return s.host, true
		}
	}
	return "", false
}

// param evaluates ${NAME}, $NAME and the default/alternate forms on
// variables whose value is known now.
func (s *scope) param(pe *syntax.ParamExp) (string, bool) {
	if pe.Param == nil || pe.Excl || pe.Length || pe.Width || pe.Index != nil || pe.Slice != nil ||
		pe.Repl != nil || pe.Names != 0 || len(pe.Modifiers) != 0 || pe.Flags != nil || pe.NestedParam != nil {
		return "", false
	}
	name := pe.Param.Value
	if !IsName(name) || s.runtime[name] {
		return "", false
	}
	v, set := s.vars[name]
	if !set {
		// Not assigned in the file: only the environment at launch time
		// can say.
		return "", false
	}
	if pe.Exp == nil {
		return v, true
	}
	switch pe.Exp.Op {
	case syntax.DefaultUnsetOrNull:
		if v != "" {
			return v, true
		}
		return s.word(pe.Exp.Word)
	case syntax.DefaultUnset:
		return v, true
	case syntax.AlternateUnsetOrNull:
		if v == "" {
			return "", true
		}
		return s.word(pe.Exp.Word)
	case syntax.AlternateUnset:
		return s.word(pe.Exp.Word)
	}
	return "", false
}

// isUname recognises $(uname) and $(uname -s), whose answer the launcher
// knows without running anything.
func isUname(cs *syntax.CmdSubst) bool {
	if len(cs.Stmts) != 1 {
		return false
	}
	st := cs.Stmts[0]
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || st.Negated || st.Background || len(st.Redirs) != 0 || len(call.Assigns) != 0 {
		return false
	}
	switch len(call.Args) {
	case 1:
		return litOf(call.Args[0]) == "uname"
	case 2:
		return litOf(call.Args[0]) == "uname" && litOf(call.Args[1]) == "-s"
	}
	return false
}

// litOf is w's text when w is one plain or quoted literal, else "".
func litOf(w *syntax.Word) string {
	if w == nil || len(w.Parts) != 1 {
		return ""
	}
	switch p := w.Parts[0].(type) {
	case *syntax.Lit:
		return unescape(p.Value, false)
	case *syntax.SglQuoted:
		if !p.Dollar {
			return p.Value
		}
	case *syntax.DblQuoted:
		if len(p.Parts) == 1 {
			if l, ok := p.Parts[0].(*syntax.Lit); ok {
				return unescape(l.Value, true)
			}
		}
		if len(p.Parts) == 0 {
			return ""
		}
	}
	return ""
}

// onlyParam returns the ParamExp w consists of ("${V}", $V, "${V:-x}"),
// quoted or not.
func onlyParam(w *syntax.Word) *syntax.ParamExp {
	if w == nil || len(w.Parts) != 1 {
		return nil
	}
	part := w.Parts[0]
	if dq, ok := part.(*syntax.DblQuoted); ok {
		if len(dq.Parts) != 1 || dq.Dollar {
			return nil
		}
		part = dq.Parts[0]
	}
	pe, _ := part.(*syntax.ParamExp)
	if pe == nil || pe.Param == nil || pe.Excl || pe.Length || pe.Index != nil || pe.Slice != nil || pe.Repl != nil || pe.Names != 0 {
		return nil
	}
	return pe
}

// onlyCmdSubst returns the command substitution w consists of, quoted or not.
func onlyCmdSubst(w *syntax.Word) *syntax.CmdSubst {
	if w == nil || len(w.Parts) != 1 {
		return nil
	}
	part := w.Parts[0]
	if dq, ok := part.(*syntax.DblQuoted); ok {
		if len(dq.Parts) != 1 {
			return nil
		}
		part = dq.Parts[0]
	}
	cs, _ := part.(*syntax.CmdSubst)
	return cs
}

// unescape removes the backslashes that a shell removes: any in an
// unquoted word, and in double quotes those before $ ` " \ and newline.
func unescape(s string, quoted bool) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			next := s[i+1]
			switch {
			case next == '\n':
				i++
				continue
			case !quoted || strings.IndexByte("$`\"\\", next) >= 0:
				b.WriteByte(next)
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// IsName reports whether s is a shell variable name.
func IsName(s string) bool {
	for i, c := range s {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}
