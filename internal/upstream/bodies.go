package upstream

import (
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"

	"mvdan.cc/sh/v3/syntax"
)

// The bodies of the functions the launch scripts reach. The launcher does
// not run them: it does what they do with its own code (the env's checks,
// its making and activation, the pip, conda and pixi commands the other
// readers evaluate, the update record, the platform choice). So every
// statement in them must be one that code accounts for, or the checkout
// is refused at that statement's line: a step added to any of them (a
// ulimit, an export, a source, an extra pip install, a check of its own)
// would otherwise be skipped, and the launcher would do something other
// than the checkout's scripts.
//
// Each function the model knows has a whitelist (steps): the commands it
// may run and the globals it may set. A command it runs that is a function
// of lib.include.sh is itself held to its own whitelist; one without a
// whitelist is refused where it is called. The printing helpers (print,
// print_warning, print_error, print_debug, print_command) are replaced by
// the launcher's own messages: they may print and nothing else.

// funcSteps is what one function may hold.
type funcSteps struct {
	// cmds are the commands it may run, each matched on the call's words
	// as written (quotes dropped): "NAME" takes any arguments, "NAME ARG…"
	// those words first, "=NAME ARG…" exactly those words. An entry
	// ">WORD" allows an output redirection to WORD; "?TEST" the test
	// [[ … ]] or (( … )) as written, "?*" any test (where another reader
	// models them: the platform chain, the CUDA choice; or where they
	// change nothing the launcher does: the printing and argument checks).
	cmds []string
	// globals are the variables it may set (export, or assign without a
	// local declaration): the ones the launcher's model sets the same way.
	globals []string
}

// The names whose calls and bodies the model reads under other names:
// the legacy choice's function is whatever the platform chain calls.
const fnCudaReqs = "get_cuda_requirements_path"

// stepsOf is the whitelist of the function called name in family fam, and
// whether the model knows the function. (A function, not a map: a
// package-level map is built at every start, and the warm path never asks.)
func stepsOf(fam, name string) (funcSteps, bool) {
	switch name {
	case "print", "print_warning", "print_error":
		return funcSteps{cmds: []string{"printf", "echo"}}, true
	case "print_debug":
		return funcSteps{cmds: []string{`?*`, "print", "printf", "echo"}}, true
	case "print_command":
		return funcSteps{cmds: []string{"printf", "echo", "escape_shell_command"}}, true
	case "escape_shell_command":
		return funcSteps{cmds: []string{"printf", "=sed s/^ //"}}, true
	case "regex_escape":
		return funcSteps{cmds: []string{`=sed s/[][\.|$(){}?+*^]/\\&/g`}}, true
	case "can_exec":
		return funcSteps{cmds: []string{`?*`, "print_error", "return", "=command -v $1"}}, true
	case "absolute_path":
		return funcSteps{cmds: []string{`?*`, "print_error", "return", "echo", "=cd -- $1", "pwd"}}, true
	case "run_cmd":
		return funcSteps{cmds: []string{"=print_command $@", "=$@"}}, true
	}
	if fam == FamilyPixi {
		switch name {
		case fnPrepare:
			return funcSteps{cmds: []string{`?[[ "$1" == "install" || "$1" == "upgrade" ]]`, "=" + fnGetPixi + " $@", "get_platform", fnInstallEnv, "print_debug", "print", "print_warning"},
				globals: []string{VarPlatform}}, true
		case fnGetPixi:
			return funcSteps{cmds: []string{`?[[ "$1" == "upgrade" ]]`, fnCanExec, "print_debug", "print", "which", "run_cmd pixi self-update", "=./" + layout.PixiInstall},
				globals: []string{"PATH"}}, true
		case "get_platform":
			return funcSteps{cmds: []string{`?*`, fnCanExec, "grep", "head", "awk BEGIN{exit", "print_warning", "print_debug", "echo", "=${smi}", "=nvidia-smi"}}, true
		case fnInstallEnv:
			return funcSteps{cmds: []string{"print_debug", "print", "run_cmd pixi install"}}, true
		case fnRunPixiFamily:
			return funcSteps{cmds: []string{"run_cmd pixi run"}}, true
		}
		return funcSteps{}, false
	}
	switch name {
	case fnPrepare:
		return funcSteps{cmds: []string{`?[[ "$1" == "upgrade" ]]`, `?[[ "${OT_LAZY_UPDATES}" == "false" ]]`, `?[[ "${force_update}" == "true" ]]`, "exit_if_no_runtime", "activate_chosen_env", "exit_if_active_env_wrong_python_version",
			"install_requirements_in_active_env", "install_requirements_in_active_env_if_necessary",
			"is_update_metadata_changed", "print_debug", "print", "print_warning"}}, true
	case "exit_if_no_runtime":
		return funcSteps{cmds: []string{"should_use_conda", "has_python", "print_error", "show_runtime_solutions", "=exit 1"}}, true
	case "show_runtime_solutions":
		return funcSteps{cmds: []string{"should_use_conda", "has_conda_env", "absolute_path", "print"}}, true
	case "should_use_conda":
		return funcSteps{cmds: []string{`?[[ "${OT_PREFER_VENV}" != "true" ]]`, "has_conda"}}, true
	case "has_conda":
		return funcSteps{cmds: []string{`?[[ -z "${__HAS_CONDA__CACHE}" ]]`, `?[[ "${__HAS_CONDA__CACHE}" == "true" ]]`, "=" + fnCanExec + " ${OT_CONDA_CMD}"}, globals: []string{"__HAS_CONDA__CACHE"}}, true
	case "has_python":
		return funcSteps{cmds: []string{"=" + fnCanExec + " ${OT_PYTHON_CMD}"}}, true
	case "has_python_venv":
		return funcSteps{cmds: []string{`?[[ -f "${OT_PYTHON_VENV}/bin/activate" ]]`}}, true // a test only
	case "has_conda_env": // a test of the prefix's conda-meta, or the named env in conda's list (2024)
		return funcSteps{cmds: []string{`?[[ -d "${OT_CONDA_ENV}/conda-meta" ]]`, fnRunConda + " info --envs", "grep", "regex_escape"}}, true
	case "has_conda_global_env":
		return funcSteps{cmds: []string{`?*`, "print_error", "return", fnRunConda + " info --envs", "grep", "regex_escape"}}, true
	case "activate_chosen_env":
		return funcSteps{cmds: []string{"should_use_conda", "print", "ensure_conda_env_exists", "ensure_python_venv_exists", "activate_python_venv"}}, true
	case "ensure_conda_env_exists":
		return funcSteps{cmds: []string{"has_conda_env", "create_conda_env"}}, true
	case "create_conda_env":
		return funcSteps{cmds: []string{`?[[ "${OT_HOST_OS}" == "Linux" ]]`, "print", fnRunConda + " create", "has_conda_global_env", "print_warning"},
			globals: []string{VarMustInstallRequirements}}, true
	case "ensure_python_venv_exists":
		return funcSteps{cmds: []string{"has_python_venv", "create_python_venv"}}, true
	case "create_python_venv":
		return funcSteps{cmds: []string{"print", "=run_venv ${OT_PYTHON_VENV}"}, globals: []string{VarMustInstallRequirements}}, true
	case "activate_python_venv":
		return funcSteps{cmds: []string{`?[[ -z "${VIRTUAL_ENV}" ]]`, "=source ${OT_PYTHON_VENV}/bin/activate", "print_error", "=exit 1"}, globals: []string{VarPythonCmd}}, true
	case "exit_if_active_env_wrong_python_version":
		return funcSteps{cmds: []string{"=" + fnRunPython + " scripts/util/version_check.py ${OT_PYTHON_VERSION_MINIMUM} ${OT_PYTHON_VERSION_TOO_HIGH}",
			"show_runtime_solutions", "=exit 1"}}, true
	case fnRunPython:
		return funcSteps{cmds: []string{"should_use_conda", "=run_python_in_conda_env $@", "=run_python $@"}}, true
	case fnRunPip:
		return funcSteps{cmds: []string{"should_use_conda", "=run_pip_in_conda_env $@", "=run_pip $@"}}, true
	case "run_python_in_conda_env":
		return funcSteps{cmds: []string{"=run_in_conda_env python $@"}}, true
	case "run_pip_in_conda_env":
		return funcSteps{cmds: []string{"=run_python_in_conda_env -m pip $@"}}, true
	case "run_in_conda_env":
		return funcSteps{cmds: []string{fnRunConda + " run"}}, true
	case "run_python":
		return funcSteps{cmds: []string{"=run_cmd ${OT_PYTHON_CMD} $@", "print", "=${OT_PYTHON_CMD} $@"}}, true
	case "run_pip":
		return funcSteps{cmds: []string{"=run_python -m pip $@"}}, true
	case "run_venv":
		return funcSteps{cmds: []string{"=run_python -m venv $@"}}, true
	case fnRunConda:
		return funcSteps{cmds: []string{"=run_cmd ${OT_CONDA_CMD} $@", "print", "=${OT_CONDA_CMD} $@"}}, true
	case "install_requirements_in_active_env_if_necessary":
		return funcSteps{cmds: []string{`?[[ "${OT_MUST_INSTALL_REQUIREMENTS}" != "false" ]]`, "install_requirements_in_active_env"}}, true
	case "install_requirements_in_active_env":
		return funcSteps{cmds: []string{`?[[ "${OT_LAZY_UPDATES}" == "true" ]]`, `?[[ -f "${OT_UPDATE_METADATA_FILE}" ]]`, "print", "print_debug", fnRunPip + " install", "get_platform_requirements_path",
			"save_update_metadata", "=rm -f ${OT_UPDATE_METADATA_FILE}"}, globals: []string{VarMustInstallRequirements}}, true
	case "get_platform_requirements_path":
		return funcSteps{cmds: []string{`?*`, fnCanExec, fnCudaReqs, "print_error", "return", "echo"}}, true
	case fnCudaReqs:
		return funcSteps{cmds: []string{`?*`, fnCanExec, "echo", "return", "grep", "head", "print_warning", "print_debug", "=${smi}", "=nvidia-smi"}}, true
	case "is_update_metadata_changed":
		return funcSteps{cmds: []string{`?[[ -f "${OT_UPDATE_METADATA_FILE}" ]]`, `?[[ "${saved_hash}" == "${current_hash}" ]]`, "get_current_git_hash", "print_debug", "return"}}, true
	case "save_update_metadata":
		return funcSteps{cmds: []string{"=get_current_git_hash", ">${OT_UPDATE_METADATA_FILE}"}}, true
	case "get_current_git_hash":
		return funcSteps{cmds: []string{"=git rev-parse HEAD"}}, true
	}
	return funcSteps{}, false
}

// auditBodies holds every function the launch scripts reach — from
// prepare_runtime_environment, the family's runner and run-cmd.sh's
// print_error — to its whitelist, refusing each statement it does not
// allow. It runs once the family is known and every other reader has run.
func (x *extractor) auditBodies(fam string) {
	roots := []string{fnPrepare, "print_error", fnRunPipFamily}
	if fam == FamilyPixi {
		roots[2] = fnRunPixiFamily
	}
	x.prepareOrder(fam)
	pr := syntax.NewPrinter()
	seen := map[string]bool{}
	queue := roots
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		fd := x.fn(name)
		if fd == nil {
			continue // not defined here: a command of the host's, or the launcher's own
		}
		steps, _ := stepsOf(fam, x.modelName(name))
		a := &audit{x: x, fam: fam, fn: name, steps: steps, locals: localsOf(fd), pr: pr}
		a.stmts(bodyOf(fd))
		queue = append(queue, a.reached...)
	}
}

// modelName is the name the model knows a function by: the platform
// chain's legacy choice is read under whatever name the chain calls it.
func (x *extractor) modelName(name string) string {
	if x.legacyFn != "" && name == x.legacyFn {
		return fnCudaReqs
	}
	return name
}

// audit checks one function's body.
type audit struct {
	x       *extractor
	fam, fn string
	steps   funcSteps
	locals  map[string]bool
	reached []string // the functions of lib.include.sh it calls
	pr      *syntax.Printer
	buf     *strings.Builder
}

// localsOf is the names a function declares local (local, declare or
// typeset without -g or -x).
func localsOf(fd *syntax.FuncDecl) map[string]bool {
	locals := map[string]bool{}
	syntax.Walk(fd, func(n syntax.Node) bool {
		if d, ok := n.(*syntax.DeclClause); ok && declLocal(d) {
			for _, a := range d.Args {
				if a.Name != nil {
					locals[a.Name.Value] = true
				}
			}
		}
		return true
	})
	return locals
}

// declLocal reports a declaration whose names are the function's own.
func declLocal(d *syntax.DeclClause) bool {
	switch d.Variant.Value {
	case "local", "declare", "typeset":
	default:
		return false
	}
	for _, a := range d.Args {
		if a.Name == nil {
			if f := litOf(a.Value); strings.HasPrefix(f, "-") && strings.ContainsAny(f, "gx") {
				return false
			}
		}
	}
	return true
}

func (a *audit) refuse(st *syntax.Stmt) {
	a.x.refuseStmt(st, "the launcher does not model this step in "+a.fn+", which the launch scripts run")
}

func (a *audit) stmts(list []*syntax.Stmt) {
	for _, st := range list {
		a.stmt(st)
	}
}

// stmt checks one statement: its redirections, its command, and the
// commands in the words it expands.
func (a *audit) stmt(st *syntax.Stmt) {
	if st.Background || st.Coprocess {
		a.refuse(st)
		return
	}
	for _, r := range st.Redirs {
		if !a.redirOK(r) {
			a.refuse(st)
			return
		}
	}
	switch c := st.Cmd.(type) {
	case nil: // $(<file): a read
	case *syntax.CallExpr:
		if len(c.Args) == 0 {
			for _, as := range c.Assigns {
				if as.Name == nil || !a.settable(as.Name.Value) || a.outsideChain(st, as) {
					a.refuse(st)
					return
				}
			}
		} else if len(c.Assigns) > 0 || !a.callOK(c) {
			a.refuse(st) // NAME=VALUE cmd: an environment the model does not give
			return
		}
	case *syntax.DeclClause:
		local := declLocal(c)
		if !local && c.Variant.Value != "export" {
			a.refuse(st) // readonly, nameref
			return
		}
		for _, as := range c.Args {
			if as.Name == nil {
				if local {
					continue // declare's flags
				}
				a.refuse(st)
				return
			}
			if local && strings.ToLower(as.Name.Value) != as.Name.Value {
				// local OT_PYTHON_VENV=…, local PATH: Bash's scopes are
				// dynamic, so the functions it calls would see that value
				// where the model reads the setting's.
				a.refuse(st)
				return
			}
			if !local && !a.settable(as.Name.Value) || a.outsideChain(st, as) {
				a.refuse(st)
				return
			}
		}
	case *syntax.IfClause:
		for b := c; b != nil; b = b.Else {
			a.stmts(b.Cond)
			a.stmts(b.Then)
		}
		return
	case *syntax.BinaryCmd:
		a.stmt(c.X)
		a.stmt(c.Y)
		return
	case *syntax.Block:
		a.stmts(c.Stmts)
		return
	case *syntax.TestClause, *syntax.ArithmCmd:
		if !a.testOK(st) {
			a.refuse(st) // a condition the model does not decide by
			return
		}
	default: // loops, case, subshells, nested functions, let, time
		a.refuse(st)
		return
	}
	a.substs(st)
}

// substs checks the commands a statement's words run: $(...) and <(...).
func (a *audit) substs(st *syntax.Stmt) {
	syntax.Walk(st, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CmdSubst:
			a.stmts(n.Stmts)
			return false
		case *syntax.ProcSubst:
			a.stmts(n.Stmts)
			return false
		}
		return true
	})
}

// settable reports a variable the function may set.
func (a *audit) settable(name string) bool {
	return a.locals[name] || has(a.steps.globals, name)
}

// callOK reports a call the whitelist allows, and notes a function of
// lib.include.sh it reaches, which is held to its own. The call's words
// are printed only where an entry for its name names words.
func (a *audit) callOK(c *syntax.CallExpr) bool {
	first := litOf(c.Args[0])
	if first == "" {
		first = a.text(c.Args[0])
	}
	name := a.x.modelName(first)
	allowed := false
	text := ""
	for _, e := range a.steps.cmds {
		exact := strings.HasPrefix(e, "=")
		e = strings.TrimPrefix(e, "=")
		head, rest, withArgs := strings.Cut(e, " ")
		if head != name || strings.HasPrefix(e, ">") || strings.HasPrefix(e, "?") {
			continue
		}
		if !withArgs && !exact {
			allowed = true
			break
		}
		if text == "" {
			words := make([]string, 0, len(c.Args)-1)
			for _, w := range c.Args[1:] {
				words = append(words, a.text(w))
			}
			text = strings.Join(words, " ")
		}
		if text == rest || !exact && strings.HasPrefix(text, rest+" ") {
			allowed = true
			break
		}
	}
	if !allowed || name == "printf" && len(c.Args) > 1 && strings.HasPrefix(a.text(c.Args[1]), "-v") {
		return false // printf -v VAR sets a variable
	}
	if a.x.fn(first) != nil {
		if _, known := stepsOf(a.fam, name); !known {
			return false // a function of the checkout's the model does not know
		}
		a.reached = append(a.reached, first)
	}
	return true
}

// text is a word as written, quotes dropped (wordText, with the audit's
// one printer).
func (a *audit) text(w *syntax.Word) string {
	if a.buf == nil {
		a.buf = &strings.Builder{}
	}
	a.buf.Reset()
	a.pr.Print(a.buf, w)
	return strings.NewReplacer(`"`, "", `'`, "").Replace(a.buf.String())
}

// redirOK allows what changes no file: a duplicated descriptor (>&2), a
// read, a here-string, output thrown away; and the output files the
// whitelist names.
func (a *audit) redirOK(r *syntax.Redirect) bool {
	target := litOf(r.Word)
	if target == "" {
		target = a.text(r.Word)
	}
	switch r.Op {
	case syntax.DplOut, syntax.DplIn, syntax.RdrIn, syntax.WordHdoc:
		return true
	case syntax.RdrOut, syntax.AppOut, syntax.RdrAll, syntax.AppAll, syntax.ClbOut:
		return target == "/dev/null" || has(a.steps.cmds, ">"+target)
	}
	return false
}

// outsideChain reports an assignment of the platform chain's variable
// outside the chain, in the function that holds it: the chain's rules are
// what the launcher models, and its variable may start only as the
// setting's value (local platform_reqs="${OT_PLATFORM_REQUIREMENTS}").
func (a *audit) outsideChain(st *syntax.Stmt, as *syntax.Assign) bool {
	x := a.x
	if x.chain == nil || a.fn != x.chainFn || as.Name == nil || as.Name.Value != x.chainVar {
		return false
	}
	if st.Pos().Offset() >= x.chain.Pos().Offset() && st.End().Offset() <= x.chain.End().Offset() {
		return false
	}
	if _, decl := st.Cmd.(*syntax.DeclClause); decl {
		switch wordText(as.Value) {
		case "${" + VarPlatformRequirements + "}", "${" + VarPlatform + "}":
			return false
		}
	}
	return true
}

// prepareOrder holds prepare_runtime_environment to the order of steps the
// launcher models, each once: a step moved, repeated or left out would
// make the env differently. (Its prints and debug lines are free; what it
// may call at all is family's.) In the pip family it must tell an upgrade
// by its argument, "upgrade", and by nothing else.
func (x *extractor) prepareOrder(fam string) {
	fd := x.fn(fnPrepare)
	if fd == nil {
		return
	}
	var got []string
	for _, c := range calledIn(fd) {
		switch c.name {
		case "print", "print_debug", "print_warning", "local":
		default:
			got = append(got, c.name)
		}
	}
	var shapes [][]string
	if fam == FamilyPixi {
		shapes = [][]string{{fnGetPixi, "get_platform", fnInstallEnv}}
	} else {
		shapes = [][]string{
			{"exit_if_no_runtime", "activate_chosen_env", "exit_if_active_env_wrong_python_version",
				"install_requirements_in_active_env", "install_requirements_in_active_env_if_necessary"},
			{"exit_if_no_runtime", "activate_chosen_env", "exit_if_active_env_wrong_python_version", "is_update_metadata_changed",
				"install_requirements_in_active_env", "install_requirements_in_active_env_if_necessary"},
		}
	}
	text := strings.Join(got, ", ")
	known := false
	for _, sh := range shapes {
		known = known || text == strings.Join(sh, ", ")
	}
	if !known {
		x.refusef("%s: %s runs %s, an order of steps the launcher does not model (it models %s)",
			x.where(fd.Pos()), fnPrepare, text, strings.Join(shapes[0], ", "))
	}
	if modes := modesOf(fd); fam == FamilyPip && strings.Join(modes, " ") != "upgrade" {
		x.refusef("%s: %s tells its modes by %q, and the launcher models \"upgrade\" only", x.where(fd.Pos()), fnPrepare, modes)
	}
}

// testOK reports a test the whitelist allows, as written (a negation
// included).
func (a *audit) testOK(st *syntax.Stmt) bool {
	if has(a.steps.cmds, "?*") {
		return true
	}
	if a.buf == nil {
		a.buf = &strings.Builder{}
	}
	a.buf.Reset()
	a.pr.Print(a.buf, st)
	return has(a.steps.cmds, "?"+strings.TrimSpace(a.buf.String()))
}
