package envspec

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteHelp writes one line per variable of Vars: name, default, meaning.
func WriteHelp(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  VARIABLE\tDEFAULT\tMEANING")
	for _, v := range Vars {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", v.Name, v.Default, v.Help)
	}
	tw.Flush()
	fmt.Fprintf(w, "Booleans take %s. Unset or empty means the default.\n", BoolSpellings)
	fmt.Fprintln(w, "On Linux, OT_* values are also read from $XDG_CONFIG_HOME/environment.d/onetrainer.conf")
	fmt.Fprintln(w, "(~/.config/environment.d/onetrainer.conf by default) at every start; a value in the")
	fmt.Fprintln(w, "environment wins over the file, and the file over the default.")
}
