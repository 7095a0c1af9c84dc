package upstream

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

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
// 2024-09 framework; a checkout that renamed them says nothing the
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
		case LibFile:
			x.lib(f)
		case StartUIFile, RunCmdFile:
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

// lib reads lib.include.sh: its top level (exports, conditional exports,
// function declarations), then the functions that make and run the env,
// install the requirements and choose the platform file.
func (x *extractor) lib(f *syntax.File) {
	s := newScope(x.host)
	x.stmts(f.Stmts, s, nil, "")
	x.top = s
	x.condaCalls()
	x.pipCalls()
	x.platformChain()
}

// applet reads start-ui.sh or run-cmd.sh: its own exports, and the script
// start-ui.sh runs.
func (x *extractor) applet(f *syntax.File) {
	s := newScope(x.host)
	x.stmts(f.Stmts, s, nil, x.file)
	if x.file != StartUIFile {
		return
	}
	for _, st := range f.Stmts {
		call, ok := st.Cmd.(*syntax.CallExpr)
		if !ok || len(call.Args) < 2 || litOf(call.Args[0]) != fnRunPython {
			continue
		}
		if v, ok := s.word(call.Args[1]); ok && v != "" {
			x.f.UIScript = Fact{v, x.where(call.Args[1].Pos())}
			x.ui = true
		} else {
			x.warnf("%s: the script that %s runs cannot be evaluated: the built-in %s stands", x.where(call.Pos()), StartUIFile, builtinUIScript)
		}
		return
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
			for _, a := range c.Args {
				if a.Name != nil {
					x.assign(a, s, exported, conds, applet)
				}
			}
		case *syntax.CallExpr:
			if len(c.Args) == 0 {
				for _, a := range c.Assigns {
					x.assign(a, s, false, conds, applet)
				}
			}
		case *syntax.IfClause:
			x.ifClause(c, s, conds, applet)
		case *syntax.FuncDecl:
			if applet == "" && c.Name != nil {
				x.funcs = append(x.funcs, c)
			}
		}
	}
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
	if pe := onlyParam(a.Value); pe != nil && pe.Param.Value == name && pe.Exp != nil && pe.Exp.Op == syntax.DefaultUnsetOrNull {
		d, ok := x.defaultChain(pe.Exp.Word, s)
		if !ok {
			x.warnf("%s: the default of %s cannot be evaluated: the built-in default stands", where, name)
			d = BuiltinDefault(name)
		}
		d.Name = name
		if ok {
			d.Where = where
		}
		if applet == "" && len(conds) == 0 {
			x.f.Defaults = append(x.f.Defaults, d)
		}
		s.setRuntime(name)
		export(Export{Kind: ExportSetting})
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

// condaCalls finds `run_conda create ...` and `run_conda run ...`.
func (x *extractor) condaCalls() {
	for _, sub := range []string{"create", "run"} {
		calls := x.findCalls(func(c *syntax.CallExpr) bool {
			return len(c.Args) > 1 && litOf(c.Args[0]) == fnRunConda && litOf(c.Args[1]) == sub
		})
		if len(calls) == 0 {
			continue
		}
		c := calls[0]
		args, ok := x.envArgs(c)
		where := x.where(c.expr.Pos())
		if !ok {
			x.warnf("%s: the conda %s command cannot be evaluated: the built-in conda commands stand", where, sub)
			x.conda = false
			return
		}
		args.Where = where
		prefix, okFlag := envFlag(args)
		if !okFlag {
			x.warnf("%s: the conda %s command gives the environment without -n, --name, -p or --prefix: the built-in conda commands stand", where, sub)
			x.conda = false
			return
		}
		if sub == "create" {
			x.f.Conda.Create, x.f.Conda.Prefix = args, prefix
			x.conda = true
		} else {
			if x.conda && prefix != x.f.Conda.Prefix {
				x.warnf("%s: conda run names the environment differently from conda create: create's form is used", where)
			}
			x.f.Conda.Run = args
		}
	}
	if x.conda && x.f.Conda.Run.Words == nil {
		x.conda = false // create without run: not the framework's shape
	}
}

// envArgs evaluates a conda call's words after run_conda, with the
// ${OT_CONDA_ENV} word as the slot, up to "$@".
func (x *extractor) envArgs(c call) (Args, bool) {
	a := Args{Slot: -1}
	if !c.followed {
		return a, false
	}
	for _, w := range c.expr.Args[1:] {
		if pe := onlyParam(w); pe != nil && pe.Exp == nil {
			switch pe.Param.Value {
			case condaEnvVar:
				if a.Slot >= 0 {
					return a, false
				}
				a.Slot = len(a.Words)
				a.Words = append(a.Words, "")
				continue
			case "@":
				return a, a.Slot >= 0
			}
		}
		ws, ok := c.scope.words(w)
		if !ok || len(a.Words)+len(ws) > maxArray {
			return a, false
		}
		a.Words = append(a.Words, ws...)
	}
	return a, a.Slot >= 0
}

// envFlag checks the word before the slot names the env's form.
func envFlag(a Args) (prefix, ok bool) {
	if a.Slot < 1 {
		return false, false
	}
	switch a.Words[a.Slot-1] {
	case "-p", "--prefix":
		return true, true
	case "-n", "--name":
		return false, true
	}
	return false, false
}

// pipCalls finds the two `run_pip_in_active_env install ...` calls: the
// bootstrap (pip and setuptools, with the checkout's pins) and the
// requirements install, whose platform file is a command substitution.
func (x *extractor) pipCalls() {
	calls := x.findCalls(func(c *syntax.CallExpr) bool {
		return len(c.Args) > 1 && litOf(c.Args[0]) == fnRunPip && litOf(c.Args[1]) == "install"
	})
	for _, c := range calls {
		where := x.where(c.expr.Pos())
		a := Args{Slot: -1, Where: where}
		ok := c.followed
		for _, w := range c.expr.Args[1:] {
			if !ok {
				break
			}
			if cs := onlyCmdSubst(w); cs != nil && a.Slot < 0 {
				a.Slot = len(a.Words)
				a.Words = append(a.Words, "")
				continue
			}
			ws, wok := c.scope.words(w)
			ok = wok && len(a.Words)+len(ws) <= maxArray
			a.Words = append(a.Words, ws...)
		}
		switch {
		case !ok:
			x.warnf("%s: this pip install cannot be evaluated: the built-in one stands", where)
		case a.Slot >= 0 && !x.pipReqs:
			x.f.PipRequirements, x.pipReqs = a, true
		case a.Slot < 0 && !x.pipBoot:
			x.f.PipBootstrap, x.pipBoot = a, true
		}
	}
}

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
			x.warnf("%s: the platform detection cannot be evaluated: the built-in one stands", x.where(chain.Pos()))
			return
		}
		x.f.Platform, x.platform = rules, true
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
		if cs := onlyCmdSubst(value); cs != nil {
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

// resolve fills in the built-in facts for whatever the checkout did not
// say.
func (x *extractor) resolve(b Facts) Facts {
	f := x.f
	// A lib.include.sh of the framework defines the user variables; its
	// exports are then exactly what the scripts exported. One that
	// defines none (a fragment, a file of another shape) says nothing of
	// them: the built-in ones stand, with its own exports over them.
	f.Lib = len(f.Defaults) > 0
	if !f.Lib {
		f.Defaults = b.Defaults
		exports := append([]Export(nil), b.Exports...)
		for _, e := range f.Exports {
			replaced := false
			for i := range exports {
				if exports[i].Name == e.Name {
					exports[i], replaced = e, true
				}
			}
			if !replaced {
				exports = append(exports, e)
			}
		}
		f.Exports = exports
	}
	// The bounds and the conda Python are needed whether or not the
	// checkout exports them.
	for _, c := range b.Constants {
		if _, ok := f.Constant(c.Name); !ok {
			f.Constants = append(f.Constants, c)
		}
	}
	if !x.conda {
		f.Conda = b.Conda
		if py, ok := f.Constant(condaPyVarLit); ok {
			f.Conda.Create.Words[len(f.Conda.Create.Words)-1] = "python==" + py.Value + ".*"
		}
	}
	if !x.pipBoot {
		f.PipBootstrap = b.PipBootstrap
	}
	if !x.pipReqs {
		f.PipRequirements = b.PipRequirements
	}
	if !x.platform {
		f.Platform, f.Legacy = b.Platform, b.Legacy
	}
	if !x.ui {
		f.UIScript = b.UIScript
	}
	return f
}

// BuiltinDefault is the built-in default of a user variable.
func BuiltinDefault(name string) Default {
	for _, d := range Builtin("").Defaults {
		if d.Name == name {
			return d
		}
	}
	return Default{Name: name, Where: BuiltIn}
}

// HostOS returns what `uname -s` prints for a Go GOOS.
func HostOS(goos string) string {
	switch goos {
	case "darwin":
		return "Darwin"
	case "linux":
		return "Linux"
	case "freebsd":
		return "FreeBSD"
	}
	return strings.ToUpper(goos[:1]) + goos[1:]
}
