package pyenv

import (
	"os"
	"path/filepath"
)

// OtherEnv is an env the checkout holds that is not the one in use: one
// made by another version of the launch scripts (venv/, conda_env/) or of
// the launcher (.venv/, its old default).
type OtherEnv struct {
	Dir     string `json:"dir"`     // relative to the checkout
	What    string `json:"what"`    // "a Python venv", "a conda environment"
	Setting string `json:"setting"` // the setting that uses it
	Usable  bool   `json:"usable"`  // its Python still resolves
}

// candidates for otherEnvsIn: where each kind of launch script put its env.
var otherEnvPlaces = []struct{ dir, marker, setting, what string }{
	{"venv", "bin/activate", "OT_PYTHON_VENV=venv", "a Python venv"},
	{".venv", "bin/activate", "OT_PYTHON_VENV=.venv", "a Python venv"},
	{"conda_env", "conda-meta", "OT_CONDA_ENV=./conda_env (with conda installed)", "a conda environment"},
}

// otherEnvsIn lists the envs in the checkout other than the one at inUse.
func otherEnvsIn(checkout, inUse string) []OtherEnv {
	var found []OtherEnv
	for _, o := range otherEnvPlaces {
		dir := filepath.Join(checkout, o.dir)
		if dir == inUse {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, o.marker)); err != nil {
			continue
		}
		_, err := os.Stat(filepath.Join(dir, "bin", "python"))
		found = append(found, OtherEnv{Dir: o.dir, What: o.what, Setting: o.setting, Usable: err == nil})
	}
	return found
}

// otherEnvs says, before a new env is made, that the checkout already
// holds a usable one elsewhere, and how to use it instead.
func otherEnvs(r Request, t Target) {
	for _, o := range otherEnvsIn(r.Checkout.Root, t.Place.Dir) {
		if !o.Usable {
			continue // its Python is gone: not worth reusing
		}
		r.Out.Status("This checkout already has %s in %s/, made by another version of the launch scripts or the launcher. To use it instead of a new %s, stop now (Ctrl+C) and run again with %s.",
			o.What, o.Dir, t.Place.Label, o.Setting)
	}
}
