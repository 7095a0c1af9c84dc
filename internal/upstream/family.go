package upstream

import (
	"fmt"
	"sort"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// The function every OneTrainer launch script calls to get its env ready,
// and what each family's version of it may call.
const fnPrepare = "prepare_runtime_environment"

// familyCalls are what each family's prepare_runtime_environment may
// call. (Functions, not maps: a package-level map is built at every
// start, and the warm path never asks.)
func familyCalls(fam string) []string {
	switch fam {
	case FamilyPip:
		return []string{"exit_if_no_runtime", "activate_chosen_env", "exit_if_active_env_wrong_python_version",
			"install_requirements_in_active_env", "install_requirements_in_active_env_if_necessary",
			"is_update_metadata_changed", "print_debug", "print", "print_warning", "local"}
	case FamilyPixi:
		return []string{"get_or_update_pixi", "get_platform", "install_env", "print_debug", "print", "print_warning", "local"}
	}
	return nil
}

// familyMark is the call that tells a family's prepare_runtime_environment.
func familyMark(fam string) string {
	if fam == FamilyPixi {
		return "get_or_update_pixi"
	}
	return "activate_chosen_env"
}

// fn is lib.include.sh's function called name, or nil.
func (x *extractor) fn(name string) *syntax.FuncDecl {
	var found *syntax.FuncDecl
	for _, f := range x.funcs {
		if f.Name != nil && f.Name.Value == name {
			found = f // the last definition wins, as in Bash
		}
	}
	return found
}

// family places lib.include.sh's prepare_runtime_environment in a family:
// by what it calls, each call one its family's version makes. Anything
// else is a refusal naming the line.
func (x *extractor) family() {
	fd := x.fn(fnPrepare)
	if fd == nil {
		x.refusef("%s: defines no %s, the function every OneTrainer launch script calls, so the launcher cannot tell how this checkout's env is made", x.file, fnPrepare)
		return
	}
	calls := calledIn(fd)
	fam := ""
	for _, f := range []string{FamilyPip, FamilyPixi} {
		for _, c := range calls {
			if c.name == familyMark(f) {
				fam = f
			}
		}
	}
	if fam == "" {
		x.refusef("%s: %s calls none of the steps of the launch logic the launcher knows (%s for a venv or conda env, %s for pixi)",
			x.where(fd.Pos()), fnPrepare, familyMark(FamilyPip), familyMark(FamilyPixi))
		return
	}
	known := map[string]bool{}
	for _, k := range familyCalls(fam) {
		known[k] = true
	}
	ok := true
	for _, c := range calls {
		if !known[c.name] {
			x.refusef("%s: %s runs %s, which the launcher does not model", x.where(c.pos), fnPrepare, c.name)
			ok = false
		}
	}
	if ok {
		x.f.Family = Fact{fam, x.where(fd.Pos())}
	}
}

// calledCmd is a command a function runs: its name and where.
type calledCmd struct {
	name string
	pos  syntax.Pos
}

// calledIn lists the commands a function's body runs, in its statements,
// conditions and command substitutions, test clauses left out.
func calledIn(n syntax.Node) []calledCmd {
	var calls []calledCmd
	syntax.Walk(n, func(n syntax.Node) bool {
		switch c := n.(type) {
		case *syntax.CallExpr:
			if len(c.Args) > 0 {
				name := litOf(c.Args[0])
				if name == "" {
					name = "a command whose name is computed"
				}
				calls = append(calls, calledCmd{name, c.Pos()})
			}
		case *syntax.DeclClause:
			// local, export, declare: assignments, whose values may still
			// run commands (walked on).
		}
		return true
	})
	return calls
}

// modesOf lists the literals a function compares its first argument with
// ([[ "$1" == "upgrade" ]]): the arguments that change what it does.
func modesOf(n syntax.Node) []string {
	seen := map[string]bool{}
	syntax.Walk(n, func(n syntax.Node) bool {
		b, ok := n.(*syntax.BinaryTest)
		if !ok || b.Op != syntax.TsMatch && b.Op != syntax.TsMatchShort {
			return true
		}
		x, ok1 := b.X.(*syntax.Word)
		y, ok2 := b.Y.(*syntax.Word)
		if !ok1 || !ok2 {
			return true
		}
		if pe := onlyParam(x); pe != nil && pe.Param.Value == "1" && pe.Exp == nil {
			if v := litOf(y); v != "" {
				seen[v] = true
			}
		}
		return true
	})
	var modes []string
	for m := range seen {
		modes = append(modes, m)
	}
	sort.Strings(modes)
	return modes
}

// refusef records what the launcher cannot follow.
func (x *extractor) refusef(format string, a ...any) {
	if len(x.f.Refusals) < 20 {
		x.f.Refusals = append(x.f.Refusals, fmt.Sprintf(format, a...))
	}
}

// has reports whether list holds s.
func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func base(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}
