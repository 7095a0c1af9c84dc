package settings

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// WriteHelp writes one line per row of upstream.Vars: name, kind, built-in
// default, meaning.
func WriteHelp(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  VARIABLE\tKIND\tDEFAULT\tMEANING")
	for _, v := range upstream.Vars {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", v.Name, v.Kind, ShowDefault(upstream.BuiltinDefault(v.Name)), v.Doc)
	}
	tw.Flush()
	fmt.Fprintln(w, "These are the built-in defaults; a checkout's own lib.include.sh gives its own, which win")
	fmt.Fprintln(w, "(OneTrainer's own use venv and conda_env), and says which of these it knows: a pixi-based")
	fmt.Fprintf(w, "checkout knows %s, a pip-based one %s. A variable the checkout's files give a\n", upstream.VarPlatform, upstream.VarPlatformRequirements)
	fmt.Fprintln(w, "default and this list lacks is exported as its scripts export it. 'doctor' shows those in force.")
	fmt.Fprintf(w, "Booleans take %s. Unset or empty means the default.\n", boolSpellings)
	fmt.Fprintln(w, "Every KEY=VALUE of $XDG_CONFIG_HOME/environment.d/onetrainer.conf (by default")
	fmt.Fprintln(w, "~/.config/environment.d/onetrainer.conf, on macOS too) is read at every start and handed to")
	fmt.Fprintln(w, "the launch: a value in the environment wins over the file, and the file over the default.")
}

// ShowDefault writes a default as the help and doctor show it: "$CONDA_EXE,
// else conda".
func ShowDefault(d upstream.Default) string {
	out := ""
	for _, v := range d.Vars {
		out += "$" + v + ", else "
	}
	out += d.Lit
	if d.Unset {
		out += " (when unset; an empty value stands)"
	}
	return out
}
