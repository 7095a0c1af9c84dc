package pyenv

import (
	"os"
	"path/filepath"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
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

// otherEnvPlaces are where each kind of launch script put its env, and
// the kind (a venv, else a conda env).
var otherEnvPlaces = []struct {
	dir, marker, what string
	venv              bool
}{
	{"venv", "bin/activate", "a Python venv", true},
	{".venv", "bin/activate", "a Python venv", true},
	{"conda_env", "conda-meta", "a conda environment", false},
}

// otherEnvsIn lists the envs in the checkout other than the one at inUse,
// each with the settings that would use it.
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
		setting := upstream.VarPreferVenv + "=true " + upstream.VarPythonVenv + "=" + o.dir
		if !o.venv {
			setting = upstream.VarPreferVenv + "=false " + upstream.VarCondaEnv + "=./" + o.dir + " (with conda installed)"
		}
		found = append(found, OtherEnv{Dir: o.dir, What: o.what, Setting: setting, Usable: err == nil})
	}
	return found
}

// otherEnvs says, as a new env is about to be made, that the checkout
// already holds a usable one elsewhere, and the settings that use it.
func otherEnvs(r Request, t Target) {
	for _, o := range otherEnvsIn(r.Checkout.Root, t.Place.Dir) {
		if !o.Usable {
			continue // its Python is gone: not worth reusing
		}
		r.Out.Status("This checkout already has %s in %s/, made by another version of the launch scripts or the launcher, or with other settings. A new %s is made now; to use the one that is there instead, stop this (Ctrl+C) and run again with %s.",
			o.What, o.Dir, t.Place.Label, o.Setting)
	}
}
