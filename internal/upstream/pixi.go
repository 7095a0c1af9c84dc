package upstream

import (
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"

	"mvdan.cc/sh/v3/syntax"
)

// Names the pixi family's lib.include.sh uses.
const (
	fnRunCmd       = "run_cmd"
	fnGetPixi      = "get_or_update_pixi"
	fnInstallEnv   = "install_env"
	pixiCmd        = "pixi"
	pixiInstallArg = "install"
)

// pixiFacts reads how the pixi family's lib.include.sh runs pixi: the
// install, run and self-update commands (`run_cmd pixi …`, the
// environment's name "${OT_PLATFORM}" as the slot), where it looks for
// pixi off PATH, the checkout's own installer, and the arguments of
// prepare_runtime_environment that install and update. What cannot be
// read is a refusal: these decide what gets built.
func (x *extractor) pixiFacts() {
	px := &Pixi{Where: x.file}
	for _, sub := range []string{"install", "run", "self-update"} {
		calls := x.findCalls(func(c *syntax.CallExpr) bool {
			return len(c.Args) > 2 && litOf(c.Args[0]) == fnRunCmd && litOf(c.Args[1]) == pixiCmd && litOf(c.Args[2]) == sub
		})
		if len(calls) == 0 {
			x.refusef("%s: no `%s %s %s` is there, which the pixi family's scripts run", x.file, fnRunCmd, pixiCmd, sub)
			continue
		}
		if len(calls) > 1 {
			x.refusef("%s: a second `%s %s %s`, and the launcher models one", x.where(calls[1].expr.Pos()), fnRunCmd, pixiCmd, sub)
		}
		a, ok := slotArgs(calls[0], VarPlatform, 2, sub == "run")
		a.Where = x.where(calls[0].expr.Pos())
		switch {
		case !ok:
			x.refusef("%s: this `pixi %s` cannot be evaluated", a.Where, sub)
		case sub == "install":
			px.Install = a
		case sub == "run":
			px.Run = a
		default:
			px.SelfUpdate = a
		}
	}
	if px.Install.Words != nil && px.Install.Slot < 0 || px.Run.Words != nil && px.Run.Slot < 0 {
		x.refusef("%s: pixi install and pixi run must name the environment with \"${%s}\"", x.file, VarPlatform)
	}
	if fd := x.fn(fnGetPixi); fd == nil {
		x.refusef("%s: defines no %s, which finds or installs pixi", x.file, fnGetPixi)
	} else {
		x.pixiFinder(px, fd)
		px.SelfUpdateOn = modesOf(fd)
	}
	if fd := x.fn(fnPrepare); fd != nil {
		px.InstallOn = modesOf(fd)
	}
	x.f.Pixi = px
}

// pixiFinder reads get_or_update_pixi: the folder put first on PATH when
// pixi is not there (export PATH="${HOME:-/root}/.pixi/bin:$PATH") and the
// installer it runs when pixi is still missing (./install-pixi.sh).
func (x *extractor) pixiFinder(px *Pixi, fd *syntax.FuncDecl) {
	syntax.Walk(fd, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Assign:
			if n.Name != nil && n.Name.Value == "PATH" && px.BinDir.Suffix == "" {
				if !binDir(px, n.Value) {
					x.refusef("%s: where pixi is looked for off PATH cannot be evaluated", x.where(n.Pos()))
				}
			}
		case *syntax.CallExpr:
			if len(n.Args) == 1 && strings.HasSuffix(litOf(n.Args[0]), layout.PixiInstall) {
				px.Installer = litOf(n.Args[0])
			}
		}
		return true
	})
	if px.BinDir.Suffix == "" {
		x.refusef("%s: %s does not say where pixi is looked for off PATH", x.where(fd.Pos()), fnGetPixi)
	}
	if px.Installer == "" {
		x.refusef("%s: %s runs no installer of pixi's", x.where(fd.Pos()), fnGetPixi)
	}
}

// binDir reads "${VAR:-DEFAULT}/SUFFIX:$PATH".
func binDir(px *Pixi, w *syntax.Word) bool {
	var parts []syntax.WordPart
	for _, p := range w.Parts {
		if dq, ok := p.(*syntax.DblQuoted); ok {
			parts = append(parts, dq.Parts...)
		} else {
			parts = append(parts, p)
		}
	}
	if len(parts) != 3 {
		return false
	}
	pe, ok1 := parts[0].(*syntax.ParamExp)
	lit, ok2 := parts[1].(*syntax.Lit)
	tail, ok3 := parts[2].(*syntax.ParamExp)
	if !ok1 || !ok2 || !ok3 || pe.Param == nil || tail.Param == nil || tail.Param.Value != "PATH" || tail.Exp != nil {
		return false
	}
	suffix, ok := strings.CutSuffix(lit.Value, ":")
	if !ok || !strings.HasPrefix(suffix, "/") {
		return false
	}
	px.BinDir.Var, px.BinDir.Suffix = pe.Param.Value, suffix
	if pe.Exp != nil {
		if pe.Exp.Op != syntax.DefaultUnsetOrNull {
			return false
		}
		px.BinDir.Default = litOf(pe.Exp.Word)
	}
	return true
}

// slotArgs evaluates a call's words from index from on, with the word
// "${slotVar}" as the slot; with rest, the words must end with "$@",
// which is left out.
func slotArgs(c call, slotVar string, from int, rest bool) (Args, bool) {
	a := Args{Slot: -1}
	words := c.expr.Args[from:]
	if rest {
		if len(words) == 0 || wordText(words[len(words)-1]) != "$@" {
			return a, false
		}
		words = words[:len(words)-1]
	}
	for _, w := range words {
		if pe := onlyParam(w); pe != nil && pe.Exp == nil && pe.Param.Value == slotVar {
			if a.Slot >= 0 {
				return a, false
			}
			a.Slot = len(a.Words)
			a.Words = append(a.Words, "")
			continue
		}
		v, ok := c.scope.word(w)
		if !ok || v == "" {
			return a, false
		}
		a.Words = append(a.Words, v)
	}
	return a, true
}
