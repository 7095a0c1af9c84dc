package upstream

import "mvdan.cc/sh/v3/syntax"

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
			x.refusef("%s: this pip install cannot be evaluated, and it decides what the env gets", where)
		case a.Slot >= 0 && !x.pipReqs:
			x.f.PipRequirements, x.pipReqs = a, true
		case a.Slot < 0 && !x.pipBoot:
			x.f.PipBootstrap, x.pipBoot = a, true
		default:
			x.refusef("%s: a pip install besides the two the launcher models (pip and setuptools, then the requirements with the platform's file), so it cannot tell what the env gets", where)
		}
	}
}
