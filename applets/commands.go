package applets

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/linker"
)

// ownName is the binary's own name, for messages.
const ownName = linker.OwnName

// Version is set at release time with
// -ldflags "-X github.com/onetrainer-launcher/onetrainer-launcher/applets.Version=v1.2.3".
var Version = "devel"

// Command is one entry of the launcher's one table of commands.
type Command struct {
	Name string // "start-ui", "link"
	Args string // "[ARGS...]", "[--force] [DIR]"
	Desc string
	// Applet marks a launch script: it answers to NAME.sh through a link,
	// and NAME.sh is one of the scripts link replaces.
	Applet bool
	// NoCheckout marks a command that needs no checkout (help).
	NoCheckout bool
	Run        Func
}

// Commands is the table: the applets in the order of the launch-scripts
// guide, then the binary's own commands. It is filled once, at
// initialisation (help prints it, so it cannot refer to itself in a
// literal), and never changed.
var Commands []Command

func init() {
	Commands = []Command{
		{Name: "install", Args: "", Applet: true, Run: install,
			Desc: "create the Python environment and install OneTrainer's requirements"},
		{Name: "update", Args: "", Applet: true, Run: update,
			Desc: "git pull OneTrainer, then bring the environment's requirements up to date"},
		{Name: "start-ui", Args: "[ARGS...]", Applet: true, Run: startUI,
			Desc: "start OneTrainer's UI (the script the checkout's start-ui.sh names) with the given arguments"},
		{Name: "run-cmd", Args: "NAME [ARGS...]", Applet: true, Run: runCmd,
			Desc: "run scripts/NAME.py with the given arguments, e.g. run-cmd train --config-path FILE"},
		{Name: "link", Args: "[--force] [DIR]", Run: link,
			Desc: "copy this binary into DIR's checkout and make its four launch scripts links to the copy (DIR: the working directory)"},
		{Name: "unlink", Args: "[DIR]", Run: unlink,
			Desc: "put DIR's launch scripts back as they were, and remove the copy"},
		{Name: "doctor", Args: "[--json] [--torch]", Run: doctor,
			Desc: "report the launcher, checkout, settings, environment and GPUs, for bug reports; changes nothing"},
		{Name: "help", Args: "[COMMAND]", NoCheckout: true, Run: help,
			Desc: "print this help, or one command's"},
		{Name: "version", NoCheckout: true, Run: printVersion,
			Desc: "print the version, commit and Go version"},
		{Name: "list", NoCheckout: true, Run: list,
			Desc: "print the names this binary answers to"},
	}
}

// Lookup finds a command by name; an applet also by NAME.sh, and the own
// commands also as --NAME (--help, --version, --list) and -h.
func Lookup(name string) (Command, bool) {
	for _, c := range Commands {
		switch {
		case name == c.Name,
			c.Applet && name == c.Name+".sh",
			!c.Applet && name == "--"+c.Name,
			c.Name == "help" && name == "-h":
			return c, true
		}
	}
	return Command{}, false
}

// Script returns the applet's script name, NAME.sh.
func (c Command) Script() string { return c.Name + ".sh" }

// Scripts lists the launch scripts the applets stand in for, in the
// table's order: install.sh, update.sh, start-ui.sh, run-cmd.sh.
func Scripts() []string {
	var s []string
	for _, c := range Commands {
		if c.Applet {
			s = append(s, c.Script())
		}
	}
	return s
}

const usageLines = `Usage: %[1]s [-C DIR] APPLET [ARGS...]
       %[1]s [-C DIR] COMMAND
       APPLET.sh [ARGS...]   (through a link named after the applet, in a OneTrainer checkout)
`

// shortUsage is the usage after a mistake: the forms, and where help is.
func shortUsage(w io.Writer) {
	fmt.Fprintf(w, usageLines, ownName)
	var names []string
	for _, c := range Commands {
		if c.Applet {
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
		for _, c := range Commands {
			if c.Applet == applets {
				name := c.Name
				if c.Applet {
					name = c.Script()
				}
				fmt.Fprintf(w, "  %-26s %s\n", strings.TrimSpace(name+" "+c.Args), c.Desc)
			}
		}
	}
	fmt.Fprintln(w, "\nEnvironment:")
	envspec.WriteHelp(w)
}

func help(c *Context, args []string) error {
	if len(args) == 0 {
		usage(c.Stdout)
		return nil
	}
	cmd, ok := Lookup(args[0])
	if !ok {
		return usageErrorf("no help for %q", args[0])
	}
	name := cmd.Name
	if cmd.Applet {
		name = cmd.Script()
	}
	fmt.Fprintf(c.Stdout, "%s: %s\n", strings.TrimSpace(name+" "+cmd.Args), cmd.Desc)
	return nil
}

func list(c *Context, args []string) error {
	for _, cmd := range Commands {
		if cmd.Applet {
			fmt.Fprintln(c.Stdout, cmd.Name)
			fmt.Fprintln(c.Stdout, cmd.Script())
		}
	}
	return nil
}

// revision is the VCS revision the binary was built from, with "-dirty"
// when the tree had changes; "unknown" when the build did not record it.
func revision() string {
	rev, dirty := "unknown", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}

func printVersion(c *Context, args []string) error {
	fmt.Fprintf(c.Stdout, "%s %s (commit %s, %s, %s/%s)\n", ownName, Version, revision(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
