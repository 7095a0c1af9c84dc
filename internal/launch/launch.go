// Package launch settles what one launch will do, once, into one value:
// the checkout's launch files and the family they belong to (or why the
// launcher refuses them), the hand-over followed, the plan of the script
// the applet stands in for, the settings and constants (the Python bounds
// parsed), the environment children get, the machine root, and the
// runtime — a venv, a conda env or a pixi environment, each a type of its
// own holding what only it needs. install, update, start-ui, run-cmd and
// doctor all read a Launch; none of them decides any of this again.
//
// Deciding changes nothing of the checkout or its env: it reads files and
// looks commands up on PATH, and asks git only for a linked script's copy
// the launcher's state lacks (kept there, with the facts memo) and, for
// launch files it refuses, which of them hold a change of the user's.
// What needs a program to answer (nvidia-smi for the platform, conda for
// where its named env is) is asked when it is needed, from the Launch's
// own values (Platform; pyenv's locating).
package launch

import (
	"context"
	"fmt"
	"path"
	"slices"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/settings"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// Input is what a launch is decided from: the checkout, the launcher's own
// environment, the system, and git to ask for a linked script's HEAD copy
// (nil: git is never asked).
type Input struct {
	Checkout layout.Checkout
	Env      environ.List
	Host     host.Host
	Git      *gitx.Git
}

// Launch is one launch, decided. It is made by Decide and never changed;
// update.sh decides a second one after its pull, from the checkout as the
// pull left it.
type Launch struct {
	Checkout layout.Checkout
	// Script is the launch script the applet stands in for, "start-ui.sh".
	Script string
	Host   host.Host
	// Root is the machine root that /sys, /dev and /etc/os-release are
	// read under: GHW_CHROOT as the environment gives it (ghw's
	// convention, for snapshots of other machines), "" for the machine's
	// own. It is read here once.
	Root string
	// Base is the launcher's own environment.
	Base environ.List
	// File is the settings file that was read; nil when there is none.
	File *settings.EnvFile

	// Top is what the checkout's own launch files say; Facts is what the
	// launch follows: Top's, or, through a hand-over the settings make,
	// the facts of the folder handed over to (Via).
	Top   *upstream.Facts
	Facts *upstream.Facts
	Via   *upstream.Handover
	// Family is the launch logic followed, and whether the launcher
	// refuses it.
	Family Family
	// Plan is what Script does, in Facts.
	Plan upstream.Plan

	Settings  *settings.Config
	Constants settings.Constants
	// Env is the environment children get: Base with the checkout's
	// exports made as Script's run makes them.
	Env environ.List
	// Runtime is the env the launch uses: *Venv, *Conda or *Pixi; nil
	// when the settings or the constants are bad, or it cannot be (a
	// conda env name conda cannot take).
	Runtime Runtime

	// Messages are what deciding noticed that the user should hear, in
	// the order they arose: warnings, and the hand-over's status line.
	Messages []Message
	// Errors are every reason the launch stops, in the order a launch
	// meets them; the first is Decide's error. With a Fallback they are
	// what a launch the launcher follows would stop on; the launch runs
	// the checkout's own script instead, and Decide returns no error.
	Errors []error
	// Fallback, when set, is the checkout's own script that runs as it is
	// (fallback.go): the launcher cannot follow the launch files of a
	// linked checkout, or the script is the user's own version.
	Fallback *Fallback
}

// Family is the family of launch logic a launch follows: upstream's
// FamilyPip or FamilyPixi, where that was decided, and Refused, the reason
// the launcher does not act on the checkout at all (launch files it
// cannot follow, a folder that is not a OneTrainer checkout), nil when it
// does.
type Family struct {
	Name    string
	Where   string
	Refused error
}

// Message is one line deciding has for the user: a warning (stderr) or a
// status line (stdout).
type Message struct {
	Warning bool
	Text    string
}

// Decide settles the launch of script (a launch script's name) for in. The
// error is the first thing that stops an applet, in the order a launch
// meets them — launch files it cannot follow, not a OneTrainer checkout,
// no such script, bad settings, bad constants, a runtime that cannot be —
// each an *out.Error saying what to do. The Launch is returned all the
// same, settled as far as its inputs allowed, so that doctor reports the
// very decision an applet acts on. Where the script is linked and the
// launcher cannot follow the launch files, or the script is the user's
// own version, the Launch has a Fallback and there is no error: the
// checkout's own script runs as it is.
func Decide(ctx context.Context, in Input, script string) (*Launch, error) {
	l := &Launch{Checkout: in.Checkout, Script: script, Host: in.Host, Base: in.Env, Root: in.Env.Get("GHW_CHROOT")}
	l.File = settings.ReadEnvFile(settings.EnvFilePath(in.Host, in.Env), in.Env)
	if l.File != nil {
		for _, w := range l.File.Warnings {
			l.warn("%s", w)
		}
	}
	uname := in.Host.Uname()
	l.Top = checkout.Facts(ctx, in.Checkout, uname, in.Git)
	l.settle(ctx, in.Git, l.Top, "")
	unknown := l.unknownGiven()
	if h := handedOver(l.Plan, l.Settings); h != nil && len(l.Errors) == 0 {
		if h.Message != "" {
			l.Messages = append(l.Messages, Message{Text: h.Message})
		}
		l.Via = h
		l.settle(ctx, in.Git, checkout.HandoverFacts(ctx, in.Checkout, uname, path.Dir(h.Script)), path.Dir(h.Script)+"/")
		// A setting counts when either folder's files know it: the top's
		// (OT_PIP_INSTALL, which hands over) or the one handed over to
		// (OT_PREFER_VENV, which chooses its env).
		there := l.unknownGiven()
		unknown = slices.DeleteFunc(unknown, func(name string) bool { return !slices.Contains(there, name) })
	}
	for _, name := range unknown {
		l.warn("%s is set, but this checkout's launch files do not know it: it has no effect here, as with the checkout's own scripts.", name)
	}
	if l.Fallback = l.fallback(); l.Fallback != nil {
		return l, nil
	}
	if len(l.Errors) > 0 {
		return l, l.Errors[0]
	}
	return l, nil
}

// settle is Decide's work for one set of facts (those of the folder sub,
// "" for the checkout's top): every error an applet would stop on goes to
// Errors, and what can be settled all the same is. git, when not nil, is
// asked which refused launch files hold a change of the user's.
func (l *Launch) settle(ctx context.Context, git *gitx.Git, f *upstream.Facts, sub string) {
	fail := func(err error) { l.Errors = append(l.Errors, err) }
	l.Facts = f
	l.Family = Family{Name: f.Family.Value, Where: f.Family.Where}
	if err := checkout.Follow(l.Checkout, f, ""); err != nil {
		l.Family.Refused = err
		if fallbackOf(l.Checkout, l.Script, err) != nil {
			git = nil // the checkout's own script runs: no git asked for hints it will not show
		}
		fail(out.Errorf("%w", err).WithHints(checkout.RefusedHints(ctx, l.Checkout, git, f.Refusals, "run ./"+l.Script+" again", false)...))
	}
	if err := checkout.Identify(l.Checkout, f, true); err != nil {
		if l.Family.Refused == nil {
			l.Family.Refused = err
		}
		fail(out.Errorf("%w", err))
	}
	plan, ok := f.PlanOf(l.Script)
	if !ok {
		fail(out.Errorf("this checkout has no %s%s, so the launcher cannot tell what it does", sub, l.Script).
			WithHints(fmt.Sprintf("If git tracks it, this brings git's back: git -C %s checkout -- %s%s", out.Quote(l.Checkout.Root), sub, l.Script)))
	}
	l.Plan = plan
	cfg, err := settings.Parse(l.Base, l.File, f)
	l.Settings = cfg
	if err != nil {
		fail(err)
	}
	for _, w := range f.Warnings {
		l.warn("%s", w)
	}
	consts, cerr := settings.ConstantsOf(f)
	l.Constants = consts
	if cerr != nil {
		fail(out.Errorf("%w", cerr))
	}
	l.Env = settings.Export(l.Base, l.Checkout.Root, l.Host, cfg, f, l.Script)
	l.Runtime = nil
	if err == nil && cerr == nil {
		rt, rerr := l.runtime()
		if rerr != nil {
			fail(rerr)
		} else {
			l.Runtime = rt
		}
	}
}

// unknownGiven are the settings the user gave that the settled facts'
// launch files do not know, in the table's order.
func (l *Launch) unknownGiven() []string {
	var names []string
	for _, v := range settings.Vars {
		if l.Settings != nil && l.Settings.Unknown(v.Name) && l.Settings.Given(v.Name) {
			names = append(names, v.Name)
		}
	}
	return names
}

func (l *Launch) warn(format string, a ...any) {
	l.Messages = append(l.Messages, Message{Warning: true, Text: fmt.Sprintf(format, a...)})
}

// handedOver is the one rule of a hand-over: the plan's, when the settings
// give its variable the value it hands over on; nil otherwise.
func handedOver(plan upstream.Plan, cfg *settings.Config) *upstream.Handover {
	if h := plan.Handover; h != nil && cfg != nil && cfg.Value(h.Var) == h.Value {
		return h
	}
	return nil
}

// UpdatePlan is what the checkout's update.sh does before its pull, the
// hand-over the settings make followed. It is read before the pull, which
// may bring launch files of another shape, and so it is judged by
// update.sh's own steps alone: a checkout the launcher cannot otherwise
// follow can still be updated to one it can.
func UpdatePlan(ctx context.Context, in Input) (upstream.Plan, error) {
	uname := in.Host.Uname()
	co := in.Checkout
	facts := checkout.Facts(ctx, co, uname, in.Git)
	if err := checkout.Follow(co, facts, layout.UpdateScript); err != nil {
		return upstream.Plan{}, out.Errorf("%w", err).WithHints(checkout.RefusedHints(ctx, co, in.Git, facts.Refusals, "run ./"+layout.UpdateScript+" again", false)...)
	}
	plan, ok := facts.PlanOf(layout.UpdateScript)
	if !ok {
		return plan, out.Errorf("this checkout has no %s, so the launcher cannot tell how it is updated", layout.UpdateScript)
	}
	if err := checkout.Identify(co, facts, false); err != nil {
		return plan, out.Errorf("%w", err)
	}
	h := plan.Handover
	if h == nil {
		return plan, nil
	}
	file := settings.ReadEnvFile(settings.EnvFilePath(in.Host, in.Env), in.Env)
	cfg, err := settings.Parse(in.Env, file, facts)
	if err != nil {
		return plan, err
	}
	if h = handedOver(plan, cfg); h == nil {
		return plan, nil
	}
	sub := path.Dir(h.Script)
	hf := checkout.HandoverFacts(ctx, co, uname, sub)
	if err := checkout.Follow(co, hf, sub+"/"+layout.UpdateScript); err != nil {
		return plan, out.Errorf("%w", err)
	}
	if plan, ok = hf.PlanOf(layout.UpdateScript); !ok {
		return plan, out.Errorf("this checkout has no %s, which its %s hands over to", h.Script, layout.UpdateScript)
	}
	return plan, nil
}
