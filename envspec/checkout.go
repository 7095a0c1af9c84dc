package envspec

import (
	"fmt"
	"os"
	"path/filepath"
)

// Files and folders of a OneTrainer checkout, relative to its root. The
// UI script is not among them: the checkout's own start-ui.sh names it.
const (
	ScriptsDir          = "scripts"
	VersionCheckScript  = "scripts/util/version_check.py"
	RequirementsGlobal  = "requirements-global.txt"
	RequirementsCUDA    = "requirements-cuda.txt"
	RequirementsCUDALeg = "requirements-cuda-legacy.txt"
	RequirementsROCm    = "requirements-rocm.txt"
	RequirementsDefault = "requirements-default.txt"
	// UpdateMetadataFile records the git HEAD of the last install when
	// OT_LAZY_UPDATES is on.
	UpdateMetadataFile = "update.var"
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
		return fmt.Sprintf("%s is onetrainer-launcher's own source, not a OneTrainer checkout: build it and link it into one (go build -o onetrainer-launcher . && ./onetrainer-launcher link /path/to/OneTrainer), or run it there", e.Dir)
	}
	verb := "is"
	if len(e.Missing) > 1 {
		verb = "are"
	}
	return fmt.Sprintf("%s does not look like a OneTrainer checkout: %s %s missing", e.Dir, joinAnd(e.Missing), verb)
}

// CheckCheckout is the one answer to "is dir a OneTrainer checkout?": it
// holds the UI script its start-ui.sh runs (ui; "" leaves it out), the
// version check and the global requirements.
func CheckCheckout(dir, ui string) error {
	var missing []string
	for _, f := range []string{ui, VersionCheckScript, RequirementsGlobal} {
		if f == "" {
			continue
		}
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || !fi.Mode().IsRegular() {
			missing = append(missing, f)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err1 := os.Stat(filepath.Join(dir, "go.mod"))
	_, err2 := os.Stat(filepath.Join(dir, "envspec", "vars.go"))
	return &NotOneTrainer{Dir: dir, Missing: missing, Source: err1 == nil && err2 == nil}
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	out := ""
	for i, x := range s {
		switch {
		case i == 0:
			out = x
		case i == len(s)-1:
			out += " and " + x
		default:
			out += ", " + x
		}
	}
	return out
}
