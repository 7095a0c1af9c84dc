// Command onetrainer-launcher replaces OneTrainer's Mac/Linux launch scripts.
// Linked as install.sh, update.sh, start-ui.sh or run-cmd.sh into a
// OneTrainer checkout, it acts as that script; under its own name it takes
// the applet as its first argument and offers help, version and list.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/u-root/gobusybox/src/pkg/bb/bbmain"

	"github.com/onetrainer-launcher/onetrainer-launcher/applets"
	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
)

// ownName is the binary's own name; names that start with it (release
// builds such as onetrainer-launcher-linux-amd64) count as it too.
const ownName = "onetrainer-launcher"

// version is set at release time with -ldflags "-X main.version=v1.2.3".
var version = "devel"

func main() {
	for _, a := range applets.All {
		run := func() { os.Exit(runLinked(a)) }
		bbmain.Register(a.Name, bbmain.Noop, run)
		bbmain.Register(a.Name+".sh", bbmain.Noop, run)
	}
	name := filepath.Base(os.Args[0])
	err := bbmain.Run(name) // exits when name is an applet
	if !errors.Is(err, bbmain.ErrNotRegistered) {
		fmt.Fprintf(os.Stderr, "%s: %v\n", ownName, err)
		os.Exit(1)
	}
	if !strings.HasPrefix(name, ownName) {
		fmt.Fprintf(os.Stderr, "%s: %q is not an applet name.\n", ownName, name)
		shortUsage(os.Stderr)
		os.Exit(2)
	}
	os.Exit(runOwnName(os.Args[1:]))
}

// runLinked runs applet a invoked through a link: the checkout is the link's.
func runLinked(a applets.Applet) int {
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(os.Stderr, "[OneTrainer] Error: cannot read the working directory: %v\n", err)
		return 1
	}
	dir, err := findCheckout(os.Args[0], cwd, os.Getenv("PATH"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "[OneTrainer] Error: %v\n", err)
		return 1
	}
	return runApplet(a.Run, dir, os.Args[1:])
}

// runApplet enters the checkout, as the original scripts did first of all,
// and runs the applet there.
func runApplet(run applets.Func, dir string, args []string) int {
	if err := os.Chdir(dir); err != nil {
		fmt.Fprintf(os.Stderr, "[OneTrainer] Error: cannot enter the checkout: %v\n", err)
		return 1
	}
	c := &applets.Context{
		Context: context.Background(),
		Dir:     dir,
		Env:     envspec.Environ(os.Environ()),
		Stdin:   os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Exec: proc.ExecOrInit,
	}
	return run(c, args)
}

// runOwnName handles `onetrainer-launcher [-C DIR] COMMAND ARGS...`.
func runOwnName(args []string) int {
	dir := ""
	for len(args) > 0 {
		switch {
		case args[0] == "-C" && len(args) > 1:
			dir, args = args[1], args[2:]
			continue
		case strings.HasPrefix(args[0], "-C") && len(args[0]) > 2:
			dir, args = args[0][2:], args[1:]
			continue
		}
		break
	}
	if len(args) == 0 {
		shortUsage(os.Stderr)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "--help", "-h":
		if len(rest) > 0 {
			return helpFor(rest[0])
		}
		usage(os.Stdout)
		return 0
	case "version", "--version":
		printVersion(os.Stdout)
		return 0
	case "list", "--list":
		for _, n := range bbmain.ListCmds() {
			fmt.Println(n)
		}
		return 0
	}
	var run applets.Func
	switch cmd {
	case "link":
		self, err := selfPath()
		if err != nil {
			fmt.Fprintf(os.Stderr, "[OneTrainer] Error: cannot tell where this binary is: %v\n", err)
			return 1
		}
		run = func(c *applets.Context, args []string) int { return applets.Link(c, self, args) }
	case "unlink":
		run = applets.Unlink
	case "doctor":
		run = applets.Doctor
	default:
		a, ok := applets.Lookup(cmd)
		if !ok {
			fmt.Fprintf(os.Stderr, "%s: unknown command %q.\n", ownName, cmd)
			shortUsage(os.Stderr)
			return 2
		}
		run = a.Run
	}
	abs, err := filepath.Abs(dirOrDot(dir))
	if err != nil {
		fmt.Fprintf(os.Stderr, "[OneTrainer] Error: %v\n", err)
		return 1
	}
	return runApplet(run, abs, rest)
}

func dirOrDot(dir string) string {
	if dir == "" {
		if pwd, err := os.Getwd(); err == nil {
			return pwd
		}
		return "."
	}
	return dir
}

func helpFor(name string) int {
	if a, ok := applets.Lookup(name); ok {
		fmt.Printf("%s [ARGS...]: %s\n", a.Name+".sh", a.Summary)
		return 0
	}
	for _, c := range commands {
		if strings.Fields(c.name)[0] == name {
			fmt.Printf("%s: %s\n", c.name, c.summary)
			return 0
		}
	}
	fmt.Fprintf(os.Stderr, "%s: no help for %q.\n", ownName, name)
	shortUsage(os.Stderr)
	return 2
}

var commands = []struct{ name, summary string }{
	{"help [COMMAND]", "print this help, or one command's"},
	{"version", "print the version, commit and Go version"},
	{"list", "print the names this binary answers to"},
	{"link [--force] [DIR]", "make DIR's four launch scripts links to this binary (DIR: the working directory)"},
	{"unlink [DIR]", "put DIR's launch scripts back as they were"},
	{"doctor [--json]", "report the checkout, settings, environment and GPUs, for bug reports; changes nothing"},
}

const usageLines = `Usage: %[1]s [-C DIR] APPLET [ARGS...]
       %[1]s COMMAND
       APPLET.sh [ARGS...]   (through a link named after the applet, in a OneTrainer checkout)
`

// shortUsage is the usage after a mistake: the forms, and where help is.
func shortUsage(w io.Writer) {
	fmt.Fprintf(w, usageLines, ownName)
	fmt.Fprintf(w, "Applets: install, update, start-ui, run-cmd. Run '%s --help' for more.\n", ownName)
}

func usage(w io.Writer) {
	fmt.Fprintf(w, usageLines+`
One binary for OneTrainer's four launch scripts. Linked into a checkout as
install.sh, update.sh, start-ui.sh and run-cmd.sh, it behaves as they did.
Under its own name the checkout is the working directory, or DIR with -C.

Applets (also without .sh):
`, ownName)
	for _, a := range applets.All {
		fmt.Fprintf(w, "  %-12s %s\n", a.Name+".sh", a.Summary)
	}
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-22s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEnvironment:")
	envspec.WriteHelp(w)
}

func printVersion(w io.Writer) {
	commit := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				commit = s.Value
			}
		}
	}
	fmt.Fprintf(w, "%s %s (commit %s, %s, %s/%s)\n", ownName, version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// selfPath is this binary's absolute path, links resolved, for link.
func selfPath() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(p)
}
