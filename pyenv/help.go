package pyenv

import (
	"fmt"

	"github.com/onetrainer-launcher/onetrainer-launcher/out"
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
