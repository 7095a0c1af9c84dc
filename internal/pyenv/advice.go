package pyenv

import (
	"fmt"
	"strconv"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
)

// venvSolutions tells a user whose Python is missing or of the wrong
// version how to get a suitable one. venvDir is the venv that a wrong
// version lives in, or "" when there is none yet.
func venvSolutions(venvDir string) []string {
	s := []string{"Solution: install a Python in the accepted range and point OT_PYTHON_CMD at it, or make it the default: with pyenv (https://github.com/pyenv/pyenv), run \"pyenv install <version>\" and then \"pyenv local <version>\" in the OneTrainer directory; or install Miniconda (https://docs.anaconda.com/miniconda/) and let the launcher manage a conda environment. LAUNCH-SCRIPTS.md has the details."}
	if venvDir != "" {
		s = append(s, fmt.Sprintf("The venv %s was made with another Python: delete it first: rm -rf %s (the launcher never deletes it).", venvDir, out.Quote(venvDir)))
	}
	return s
}

// solutions says what to do about a wrong Python in the target's env.
func (t Target) solutions(r Request) []string {
	if t.Kind == KindConda {
		return []string{fmt.Sprintf("Solution: the conda environment %q has a Python outside the accepted range. Delete it, and the next run creates a new one with Python %s. To delete it, run: %s (the launcher never deletes it).",
			t.conda.Given, r.Constants.CondaUsePythonVersion, t.conda.removeCommand(t.loc))}
	}
	return venvSolutions(t.venv.Dir)
}

// quotedErr is a setting that cannot be used, and why.
func quotedErr(name, value string, err error) error {
	return out.Errorf("%s=%q cannot be used: %w", name, value, err)
}

func quote(s string) string { return strconv.Quote(s) }
