package upstream

import "mvdan.cc/sh/v3/syntax"

// What a launch script's top level (or lib.include.sh's) runs besides
// its own steps: a command in an if's condition, a command substitution
// in a value. The readers evaluate tests and values; a command there runs
// each time the script does, and the launcher would skip it.

// condRuns is the first statement of an if's condition that runs a
// command: anything but [[ ... ]], [ ... ] or test, joined by && and ||,
// with no command substitution but $(uname) in them.
func condRuns(cond []*syntax.Stmt) *syntax.Stmt {
	for _, st := range cond {
		if st.Background || st.Coprocess || len(st.Redirs) > 0 {
			return st
		}
		switch c := st.Cmd.(type) {
		case *syntax.BinaryCmd:
			if c.Op != syntax.AndStmt && c.Op != syntax.OrStmt {
				return st
			}
			if r := condRuns([]*syntax.Stmt{c.X, c.Y}); r != nil {
				return r
			}
			continue
		case *syntax.TestClause:
		case *syntax.CallExpr:
			if len(c.Assigns) > 0 || len(c.Args) == 0 {
				return st
			}
			if name := litOf(c.Args[0]); name != "[" && name != "test" {
				return st
			}
		default:
			return st
		}
		if substRuns(st) {
			return st
		}
	}
	return nil
}

// substRuns reports a command substitution (or process substitution) in
// n other than $(uname) and $(uname -s), whose answer the launcher knows.
func substRuns(n syntax.Node) bool {
	runs := false
	syntax.Walk(n, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CmdSubst:
			runs = runs || !isUname(n)
			return false
		case *syntax.ProcSubst:
			runs = true
		}
		return !runs
	})
	return runs
}

// refuseValueRuns refuses an assignment or export at a top level whose
// value runs a command; SCRIPT_DIR's, the checkout's path however it is
// computed, is the launcher's own.
func (x *extractor) refuseValueRuns(st *syntax.Stmt, assigns []*syntax.Assign) {
	for _, a := range assigns {
		if a.Name != nil && a.Name.Value == scriptDirVar {
			continue
		}
		if substRuns(a) {
			x.refuseStmt(st, "the launcher does not model this step (the value runs a command)")
			return
		}
	}
}
