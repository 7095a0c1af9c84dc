package upstream

import "mvdan.cc/sh/v3/syntax"

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
		if len(calls) > 1 {
			x.refusef("%s: a second `%s %s`, and the launcher models one", x.where(calls[1].expr.Pos()), fnRunConda, sub)
			x.conda = false
			return
		}
		args, ok := x.envArgs(c)
		where := x.where(c.expr.Pos())
		if !ok {
			x.refusef("%s: the conda %s command cannot be evaluated, and it decides where the conda env is and how it is made", where, sub)
			x.conda = false
			return
		}
		args.Where = where
		prefix, okFlag := envFlag(args)
		if !okFlag {
			x.refusef("%s: the conda %s command gives the environment without -n, --name, -p or --prefix", where, sub)
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
			case VarCondaEnv:
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
