package out

import (
	"fmt"
	"io"
)

// prefix starts every line the launcher itself prints.
const prefix = "[OneTrainer] "

// Printer writes the launcher's messages. Debug lines appear only when Debug
// is set (OT_SCRIPT_DEBUG).
type Printer struct {
	Stdout, Stderr io.Writer
	Debug          bool
}

// Say prints msg as a status line on stdout, as it is: for the lines of
// the warm path, which fmt's formatting would only slow.
func (p *Printer) Say(msg string) {
	io.WriteString(p.Stdout, prefix+msg+"\n")
}

// Status prints a status line on stdout.
func (p *Printer) Status(format string, a ...any) {
	fmt.Fprintf(p.Stdout, prefix+format+"\n", a...)
}

// Warn prints a warning on stderr.
func (p *Printer) Warn(format string, a ...any) {
	fmt.Fprintf(p.Stderr, prefix+"Warning: "+format+"\n", a...)
}

// Error prints an error on stderr.
func (p *Printer) Error(format string, a ...any) {
	fmt.Fprintf(p.Stderr, prefix+"Error: "+format+"\n", a...)
}

// Hint prints advice that follows an error, on stderr with it, so that
// the whole report of a failure stays on one stream and in order.
func (p *Printer) Hint(msg string) {
	io.WriteString(p.Stderr, prefix+msg+"\n")
}

// Debugf prints a debug line on stdout when debugging is on.
func (p *Printer) Debugf(format string, a ...any) {
	if p.Debug {
		fmt.Fprintf(p.Stdout, prefix+"Debug: "+format+"\n", a...)
	}
}

// Command prints the "+ command" line that precedes every external command,
// each argument quoted so that the line can be pasted into a shell.
func (p *Printer) Command(argv []string) {
	io.WriteString(p.Stdout, prefix+"+ "+QuoteArgs(argv)+"\n")
}
