package cli

import (
	"os"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// anyTerminal reports whether any of the stdio streams is a terminal: a
// launch someone watches, who sees what the launcher says.
func anyTerminal(s proc.Stdio) bool {
	for _, f := range []any{s.In, s.Out, s.Err} {
		if f, ok := f.(*os.File); ok && f != nil && isTerminal(f.Fd()) {
			return true
		}
	}
	return false
}
