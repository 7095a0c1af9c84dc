package checkout

import (
	"fmt"
	"os"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
)

// NotOneTrainer is the answer to "is this a OneTrainer checkout?" when it
// is not: the files it lacks.
type NotOneTrainer struct {
	Dir     string
	Missing []string
	// Source is set when Dir is the launcher's own source tree, whose
	// committed links would otherwise fail in a confusing way.
	Source bool
}

func (e *NotOneTrainer) Error() string {
	if e.Source {
		return fmt.Sprintf("%s is %s's own source, not a OneTrainer checkout: build it and link it into one (go build -o %[2]s . && ./%[2]s link /path/to/OneTrainer), or run it there", e.Dir, layout.OwnName)
	}
	verb := "is"
	if len(e.Missing) > 1 {
		verb = "are"
	}
	return fmt.Sprintf("%s does not look like a OneTrainer checkout: %s %s missing", e.Dir, JoinAnd(e.Missing), verb)
}

// Identify is the one answer to "is co a OneTrainer checkout?": it holds
// the UI script its start-ui.sh runs (ui; "" leaves it out), the version
// check and the global requirements. It is nil, or a *NotOneTrainer.
func Identify(co layout.Checkout, ui string) error {
	var missing []string
	for _, f := range []string{ui, layout.VersionCheckScript, layout.RequirementsGlobal} {
		if f == "" {
			continue
		}
		if fi, err := os.Stat(co.Path(f)); err != nil || !fi.Mode().IsRegular() {
			missing = append(missing, f)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &NotOneTrainer{Dir: co.Root, Missing: missing, Source: co.IsLauncherSource()}
}

// JoinAnd joins "a", "b" and "c" as "a, b and c".
func JoinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
