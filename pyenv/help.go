package pyenv

// venvSolutions tells a user whose Python is missing or of the wrong
// version how to get a suitable one.
func venvSolutions(p interface{ Status(string, ...any) }) {
	p.Status("Solution: install a Python in the accepted range and point OT_PYTHON_CMD at it, or make it the default: with pyenv (https://github.com/pyenv/pyenv), run \"pyenv install <version>\" and then \"pyenv local <version>\" in the OneTrainer directory; or install Miniconda (https://docs.anaconda.com/miniconda/) and let the launcher manage a conda environment. A venv made with another Python version must be deleted by hand first; the launcher never deletes it. LAUNCH-SCRIPTS.md has the details.")
}
