package cli

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/buildinfo"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/settings"
)

// ownName is the binary's own name, for messages.
const ownName = layout.OwnName

// Command is one entry of the launcher's one table of commands.
type Command struct {
	Name string // "start-ui", "link"
	// Script is the launch script an applet stands in for ("start-ui.sh"):
	// it answers to that name through a link, and link replaces that
	// script. Only applets have one.
	Script string
	Args   string // "[ARGS...]", "[--force] [DIR]"
	Desc   string
	// More is what the command's own help says after Desc: its options,
	// what it does and does not do.
	More string
	// ScriptHelp, for an applet that passes its arguments on, says where
	// the script's own help is.
	ScriptHelp string
	// NoCheckout marks a command that needs no checkout (help).
	NoCheckout bool
	Run        Func
}

// Applet reports whether the command is a launch script.
func (c Command) Applet() bool { return c.Script != "" }

// usage is how the command is called under the launcher's own name.
func (c Command) usage() string {
	return ownName + " [-C DIR] " + strings.TrimSpace(c.Name+" "+c.Args)
}

// Commands is the table: the applets in the order of the launch-scripts
// guide, then the binary's own commands. Help prints it, so it cannot be
// a literal that refers to itself; it is made by a function, each time,
// and never changed.
func Commands() []Command {
	return []Command{
		{Name: "install", Script: layout.InstallScript, Run: install,
			Desc: "create the Python environment and install OneTrainer's requirements",
			More: "Arguments are ignored, as by the checkout's own install.sh, --help too: ./install.sh --help installs."},
		{Name: "update", Script: layout.UpdateScript, Run: update,
			Desc: "git pull OneTrainer, then bring the environment's requirements up to date",
			More: "Arguments are ignored, as by the checkout's own update.sh, --help too: ./update.sh --help updates. The links to the launcher stay through the pull."},
		{Name: "start-ui", Script: layout.StartUIScript, Args: "[ARGS...]", Run: startUI,
			Desc:       "start OneTrainer's UI (the script the checkout's start-ui.sh names) with the given arguments",
			ScriptHelp: "./start-ui.sh --help is the UI's own help"},
		{Name: "run-cmd", Script: layout.RunCmdScript, Args: "NAME [ARGS...]", Run: runCmd,
			Desc:       "run scripts/NAME.py with the given arguments, e.g. run-cmd train --config-path FILE",
			ScriptHelp: "./run-cmd.sh NAME --help is that script's own help"},
		{Name: "link", Args: "[--force] [DIR]", Run: link,
			Desc: "copy this binary into DIR's checkout and make its four launch scripts links to the copy (DIR: the working directory)",
			More: `It refuses, changing nothing, a folder that is not a OneTrainer checkout, launch files the launcher cannot follow,
and a launch script holding a change of your own. --force links a script with your change all the same: your
script is kept, runs as it is (with bash), and unlink puts it back; it does not make the launcher follow launch
files it cannot. A checkout already linked is never stopped: what the launcher cannot follow runs as it is.`},
		{Name: "unlink", Args: "[DIR]", Run: unlink,
			Desc: "put DIR's launch scripts back as they were, and remove the copy",
			More: "A script --force linked over gets your own version back; git status is as it was before link."},
		{Name: "doctor", Args: "[--json] [--torch]", Run: doctorCmd,
			Desc: "report the launcher, checkout, settings, environment and GPUs, for bug reports; changes nothing",
			More: `  --json   the report as JSON (docs/doctor.md names every field)
  --torch  also import torch in the environment's Python and ask it for the GPU
It exits 1 when the report names problems.`},
		{Name: "help", Args: "[COMMAND]", NoCheckout: true, Run: help,
			Desc: "print this help, or one command's"},
		{Name: "version", NoCheckout: true, Run: printVersion,
			Desc: "print the version, commit and Go version"},
		{Name: "list", NoCheckout: true, Run: list,
			Desc: "print the names this binary answers to"},
	}
}

// Lookup finds a command by name; an applet also by its script's name, and
// the own commands also as --NAME (--help, --version, --list) and -h.
func Lookup(name string) (Command, bool) {
	for _, c := range Commands() {
		switch {
		case name == c.Name,
			c.Applet() && name == c.Script,
			!c.Applet() && name == "--"+c.Name,
			c.Name == "help" && name == "-h":
			return c, true
		}
	}
	return Command{}, false
}

const usageLines = `Usage: %[1]s [-C DIR] APPLET [ARGS...]
       %[1]s [-C DIR] COMMAND
       APPLET.sh [ARGS...]   (through a link named after the applet, in a OneTrainer checkout)
`

// shortUsage is the usage after a mistake: the forms, the names, and
// where help is.
func shortUsage(w io.Writer) {
	fmt.Fprintf(w, usageLines, ownName)
	var applets, own []string
	for _, c := range Commands() {
		if c.Applet() {
			applets = append(applets, c.Name)
		} else {
			own = append(own, c.Name)
		}
	}
	fmt.Fprintf(w, "Applets: %s. Commands: %s.\nRun '%s --help' for more, or '%s help COMMAND'.\n",
		strings.Join(applets, ", "), strings.Join(own, ", "), ownName, ownName)
}

func usage(w io.Writer) {
	fmt.Fprintf(w, usageLines+`
One binary for OneTrainer's four launch scripts. Linked into a checkout as
install.sh, update.sh, start-ui.sh and run-cmd.sh, it behaves as they did:
an applet passes every argument on as the checkout's own script does, so
./start-ui.sh --help is OneTrainer's help, not this one. Under its own name
(or any name that is not an applet's) the checkout is the working directory,
or DIR with -C, and each command answers -h and --help (an applet's as
its first argument).
`, ownName)
	for _, applets := range []bool{true, false} {
		if applets {
			fmt.Fprintln(w, "\nApplets (also without .sh):")
		} else {
			fmt.Fprintln(w, "\nCommands:")
		}
		for _, c := range Commands() {
			if c.Applet() == applets {
				name := c.Name
				if c.Applet() {
					name = c.Script
				}
				fmt.Fprintf(w, "  %-26s %s\n", strings.TrimSpace(name+" "+c.Args), c.Desc)
			}
		}
	}
	fmt.Fprintln(w, "\nEnvironment:")
	settings.WriteHelp(w)
}

// commandHelp is one command's own help: how to call it, what it does,
// and for an applet that it passes its arguments on.
func commandHelp(w io.Writer, c Command) {
	if c.Applet() {
		fmt.Fprintf(w, "Usage: ./%s\n       %s\n\n", strings.TrimSpace(c.Script+" "+c.Args), c.usage())
	} else {
		fmt.Fprintf(w, "Usage: %s\n\n", c.usage())
	}
	fmt.Fprintf(w, "%s%s.\n", strings.ToUpper(c.Desc[:1]), c.Desc[1:])
	if c.More != "" {
		fmt.Fprintln(w, c.More)
	}
	if c.Applet() {
		if c.ScriptHelp != "" {
			fmt.Fprintf(w, "Every argument goes on untouched, as the checkout's own %s passes it, --help too: %s.\n", c.Script, c.ScriptHelp)
		}
		fmt.Fprintf(w, "This help is the launcher's: %s help %s, or -h or --help first under the launcher's own name (%[1]s %[2]s --help).\n", ownName, c.Name)
	}
}

// wantsHelp reports a command asked for its help: an own command by -h or
// --help anywhere among its arguments; an applet under the launcher's own
// name by -h or --help first (onetrainer-launcher install --help), so that
// asking never installs or pulls. Through a link every argument is the
// script's, as with the checkout's own script.
func wantsHelp(c Command, inv Invocation, args []string) bool {
	isHelp := func(a string) bool { return a == "-h" || a == "--help" }
	switch {
	case c.Applet() && inv.Linked:
		return false
	case c.Applet():
		return len(args) > 0 && isHelp(args[0])
	}
	for _, a := range args {
		if isHelp(a) {
			return true
		}
	}
	return false
}

func help(ctx context.Context, inv Invocation, args []string) error {
	if len(args) == 0 {
		usage(inv.Stdio.Out)
		return nil
	}
	cmd, ok := Lookup(args[0])
	if !ok {
		return usageErrorf("no help for %q", args[0])
	}
	commandHelp(inv.Stdio.Out, cmd)
	return nil
}

func list(ctx context.Context, inv Invocation, args []string) error {
	for _, cmd := range Commands() {
		if cmd.Applet() {
			fmt.Fprintln(inv.Stdio.Out, cmd.Name)
			fmt.Fprintln(inv.Stdio.Out, cmd.Script)
		}
	}
	return nil
}

func printVersion(ctx context.Context, inv Invocation, args []string) error {
	b := buildinfo.Read()
	var about []string
	if b.Revision != "" {
		about = append(about, "commit "+b.Revision)
	}
	if b.Date != "" {
		about = append(about, b.Date)
	}
	about = append(about, runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH)
	fmt.Fprintf(inv.Stdio.Out, "%s %s (%s)\n", ownName, b.Version, strings.Join(about, ", "))
	if b.Missing != "" {
		fmt.Fprintf(inv.Stdio.Out, "no commit recorded: %s\n", b.Missing)
	}
	return nil
}
