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
	// NoCheckout marks a command that needs no checkout (help).
	NoCheckout bool
	Run        Func
}

// Applet reports whether the command is a launch script.
func (c Command) Applet() bool { return c.Script != "" }

// Commands is the table: the applets in the order of the launch-scripts
// guide, then the binary's own commands. Help prints it, so it cannot be
// a literal that refers to itself; it is made by a function, each time,
// and never changed.
func Commands() []Command {
	return []Command{
		{Name: "install", Script: layout.InstallScript, Run: install,
			Desc: "create the Python environment and install OneTrainer's requirements"},
		{Name: "update", Script: layout.UpdateScript, Run: update,
			Desc: "git pull OneTrainer, then bring the environment's requirements up to date"},
		{Name: "start-ui", Script: layout.StartUIScript, Args: "[ARGS...]", Run: startUI,
			Desc: "start OneTrainer's UI (the script the checkout's start-ui.sh names) with the given arguments"},
		{Name: "run-cmd", Script: layout.RunCmdScript, Args: "NAME [ARGS...]", Run: runCmd,
			Desc: "run scripts/NAME.py with the given arguments, e.g. run-cmd train --config-path FILE"},
		{Name: "link", Args: "[--force] [DIR]", Run: link,
			Desc: "copy this binary into DIR's checkout and make its four launch scripts links to the copy (DIR: the working directory)"},
		{Name: "unlink", Args: "[DIR]", Run: unlink,
			Desc: "put DIR's launch scripts back as they were, and remove the copy"},
		{Name: "doctor", Args: "[--json] [--torch]", Run: doctorCmd,
			Desc: "report the launcher, checkout, settings, environment and GPUs, for bug reports; changes nothing"},
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

// shortUsage is the usage after a mistake: the forms, and where help is.
func shortUsage(w io.Writer) {
	fmt.Fprintf(w, usageLines, ownName)
	var names []string
	for _, c := range Commands() {
		if c.Applet() {
			names = append(names, c.Name)
		}
	}
	fmt.Fprintf(w, "Applets: %s. Run '%s --help' for more.\n", strings.Join(names, ", "), ownName)
}

func usage(w io.Writer) {
	fmt.Fprintf(w, usageLines+`
One binary for OneTrainer's four launch scripts. Linked into a checkout as
install.sh, update.sh, start-ui.sh and run-cmd.sh, it behaves as they did.
Under its own name the checkout is the working directory, or DIR with -C.
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

func help(ctx context.Context, inv Invocation, args []string) error {
	if len(args) == 0 {
		usage(inv.Stdio.Out)
		return nil
	}
	cmd, ok := Lookup(args[0])
	if !ok {
		return usageErrorf("no help for %q", args[0])
	}
	name := cmd.Name
	if cmd.Applet() {
		name = cmd.Script
	}
	fmt.Fprintf(inv.Stdio.Out, "%s: %s\n", strings.TrimSpace(name+" "+cmd.Args), cmd.Desc)
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
