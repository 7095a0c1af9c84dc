// Command onetrainer-launcher replaces OneTrainer's Mac/Linux launch scripts.
// Linked as install.sh, update.sh, start-ui.sh or run-cmd.sh into a
// OneTrainer checkout, it acts as that script; under its own name it takes
// a command of its table (cli.Commands) as its first argument.
package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/u-root/gobusybox/src/pkg/bb/bbmain"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/cli"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
)

func main() {
	for _, cmd := range cli.Commands() {
		if cmd.Applet() {
			run := func() { os.Exit(runLinked(cmd)) }
			bbmain.Register(cmd.Name, bbmain.Noop, run)
			bbmain.Register(cmd.Script, bbmain.Noop, run)
		}
	}
	name := filepath.Base(os.Args[0])
	err := bbmain.Run(name) // exits when name is an applet
	p := &out.Printer{Stdout: os.Stdout, Stderr: os.Stderr}
	if !errors.Is(err, bbmain.ErrNotRegistered) {
		os.Exit(cli.Report(p, err))
	}
	// Under any name that is not an applet's (its own, a download's
	// onetrainer-launcher_linux_amd64, a package's olt) it is the launcher
	// itself.
	os.Exit(runOwnName(p, os.Args[1:]))
}

// runLinked runs an applet invoked through a link: the checkout is the
// link's.
func runLinked(cmd cli.Command) int {
	p := &out.Printer{Stdout: os.Stdout, Stderr: os.Stderr}
	cwd, err := os.Getwd()
	if err != nil {
		return cli.Report(p, out.Errorf("cannot read the working directory: %w", err))
	}
	dir, err := findCheckout(os.Args[0], cwd, os.Getenv("PATH"))
	if err != nil {
		return cli.Report(p, err)
	}
	return cli.Main(cmd, dir, cwd, os.Args[1:], true)
}

// runOwnName handles `onetrainer-launcher [-C DIR] COMMAND ARGS...`.
func runOwnName(p *out.Printer, args []string) int {
	dir := ""
	for len(args) > 0 && strings.HasPrefix(args[0], "-C") {
		switch {
		case args[0] != "-C":
			dir, args = args[0][2:], args[1:]
		case len(args) > 1:
			dir, args = args[1], args[2:]
		default:
			return cli.Report(p, &cli.UsageError{Msg: "-C needs a directory: -C DIR"})
		}
	}
	if len(args) == 0 {
		return cli.Report(p, &cli.UsageError{Msg: "no command given"})
	}
	cmd, ok := cli.Lookup(args[0])
	if !ok {
		return cli.Report(p, &cli.UsageError{Msg: "unknown command " + quote(args[0])})
	}
	cwd, err := os.Getwd()
	if err != nil {
		return cli.Report(p, out.Errorf("cannot read the working directory: %w", err))
	}
	abs := filepath.Join(cwd, dir) // "" is the working directory
	if filepath.IsAbs(dir) {
		abs = filepath.Clean(dir)
	}
	return cli.Main(cmd, abs, cwd, args[1:], false)
}

func quote(s string) string { return `"` + s + `"` }
