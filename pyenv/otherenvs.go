package pyenv

import (
	"os"
	"path/filepath"
)

// otherEnvs says, before a new env is made, that the checkout already holds
// one made by other OneTrainer launch-script versions (venv/, conda_env/)
// with a Python that still resolves, and how to use it instead.
func otherEnvs(r Request, k kind) {
	for _, o := range []struct{ dir, marker, setting, what string }{
		{"venv", "bin/activate", "OT_PYTHON_VENV=venv", "a Python venv"},
		{"conda_env", "conda-meta", "OT_CONDA_ENV=./conda_env (with conda installed)", "a conda environment"},
	} {
		dir := filepath.Join(r.Checkout, o.dir)
		if dir == inUse(k) {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, o.marker)); err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "bin", "python")); err != nil {
			continue // its Python is gone: not worth reusing
		}
		r.Run.P.Status("This checkout already has %s in %s/, made by another version of the launch scripts. To use it instead of a new %s, stop now (Ctrl+C) and run again with %s.",
			o.what, o.dir, k.label(), o.setting)
	}
}

// inUse is the folder of the env being prepared: the venv, or a conda
// env's prefix when that is known.
func inUse(k kind) string {
	switch k := k.(type) {
	case *venvKind:
		return k.Dir
	case *condaKind:
		return k.Prefix
	}
	return ""
}
