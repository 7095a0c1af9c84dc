package settings

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// WriteHelp writes one line per variable of Vars: name, default, meaning.
func WriteHelp(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  VARIABLE\tDEFAULT\tMEANING")
	for _, v := range Vars {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", v.Name, showDefault(upstream.BuiltinDefault(v.Name)), v.Help)
	}
	tw.Flush()
	fmt.Fprintln(w, "These are the built-in defaults; a checkout's own lib.include.sh gives its own, which win")
	fmt.Fprintln(w, "(OneTrainer's own use venv and conda_env), and says which of these it knows: a pixi-based")
	fmt.Fprintln(w, "checkout knows OT_PLATFORM, a pip-based one OT_PLATFORM_REQUIREMENTS. 'doctor' shows those in force.")
	fmt.Fprintf(w, "Booleans take %s. Unset or empty means the default.\n", boolSpellings)
	fmt.Fprintln(w, "On Linux, OT_* values are also read from $XDG_CONFIG_HOME/environment.d/onetrainer.conf")
	fmt.Fprintln(w, "(~/.config/environment.d/onetrainer.conf by default) at every start; a value in the")
	fmt.Fprintln(w, "environment wins over the file, and the file over the default.")
}

// showDefault writes a default as the help shows it: "$CONDA_EXE, else conda".
func showDefault(d upstream.Default) string {
	out := ""
	for _, v := range d.Vars {
		out += "$" + v + ", else "
	}
	return out + d.Lit
}
