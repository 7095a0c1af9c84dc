package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/buildinfo"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// launchLog is one applet run's launch log: what the launcher says (its
// printer's lines, kept in memory as they are printed), written to the
// checkout's state (layout.LaunchLog) only by a run that installs, fails or
// is refused — never by a warm launch of a ready env, which only pays for
// keeping its few lines in memory — and by a failed or refused one only
// where that state folder is already there (a linked checkout, one the
// launcher installed in): a refusal elsewhere leaves nothing behind.
type launchLog struct {
	lines   out.Log
	script  string
	args    []string
	started time.Time
	// installs: the run made an env or installed into one, so its log is
	// written even when it succeeds.
	installs bool
}

// newLaunchLog starts the launch log of cmd, an applet, run with args.
func newLaunchLog(cmd Command, args []string) *launchLog {
	return &launchLog{script: cmd.Script, args: args, started: time.Now()}
}

// installed marks the run as one that installs. l may be nil.
func (l *launchLog) installed() {
	if l != nil {
		l.installs = true
	}
}

// write writes the log in co's state: status is the run's exit status,
// became the final command the launcher is about to become ("" for none).
// A log that cannot be written is said in a debug line only: it is no
// reason to stop. It returns the log's path, "" when it was not written.
func (l *launchLog) write(co layout.Checkout, p *out.Printer, status int, became string) string {
	if l == nil {
		return ""
	}
	b := buildinfo.Read()
	header := fmt.Sprintf("%s %s: ./%s %s in %s, started %s", layout.OwnName, b.Version, l.script, out.QuoteArgs(l.args), co.Root,
		l.started.Format(time.RFC3339))
	path := co.LaunchLog(l.script)
	err := os.MkdirAll(filepath.Dir(path), 0o755)
	if err == nil {
		err = pathutil.WriteFile(path, l.lines.Text(strings.TrimSpace(header), status, became))
	}
	if err != nil {
		p.Debugf("the launch log cannot be written: %v", pathutil.Explain(path, err))
		return ""
	}
	return path
}

// beforeExec writes the log of a run that installed, before the launcher
// becomes the final command argv. l may be nil.
func (l *launchLog) beforeExec(co layout.Checkout, p *out.Printer, argv []string) {
	if l != nil && l.installs {
		l.write(co, p, 0, out.QuoteArgs(argv))
	}
}

// closeLaunchLog ends an applet's run: its launch log is written when the
// run failed, was refused or installed, and a failure nobody can see — no
// terminal on any of the launcher's stdio, in a desktop session
// (DISPLAY or WAYLAND_DISPLAY) — is shown as a desktop notification
// (notify-send, where it is on PATH) naming the log; else the log is all.
func (inv Invocation) closeLaunchLog(ctx context.Context, status int) {
	l := inv.log
	if l == nil || status == 0 && !l.installs {
		return
	}
	co := layout.Open(inv.Dir)
	if !l.installs && !co.HasState() {
		// A refusal in a folder the launcher keeps nothing in yet (not
		// linked, never installed): nothing is left behind.
		return
	}
	p := inv.printer()
	path := l.write(co, p, status, "")
	if status == 0 || path == "" || anyTerminal(inv.Stdio) || inv.Env.Get("DISPLAY") == "" && inv.Env.Get("WAYLAND_DISPLAY") == "" {
		return
	}
	notify := pathutil.Look("notify-send", inv.Dir, inv.Env.Get("PATH"), "")
	if notify == "" {
		return
	}
	what := "it stopped"
	if end, ok := out.ReadLog(l.lines.Text("", status, "")); ok && end.Error != "" {
		what = end.Error
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	quiet := proc.Runner{Dir: inv.Dir, Env: inv.Env, Echo: p.Command}
	quiet.Run(ctx, proc.Cmd{Path: notify, Argv: []string{"notify-send", "--app-name=OneTrainer", "--urgency=critical",
		"OneTrainer: ./" + l.script + " failed", what + " (what the launcher said is in " + path + ")"}})
}
