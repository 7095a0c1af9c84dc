package upstream

// resolve fills in the built-in facts for whatever the checkout did not
// say.
func (x *extractor) resolve(b Facts) Facts {
	f := x.f
	// A lib.include.sh of the framework defines the user variables; its
	// exports are then exactly what the scripts exported. One that
	// defines none (a fragment, a file of another shape) says nothing of
	// them: the built-in ones stand, with its own exports over them.
	f.Lib = len(f.Defaults) > 0
	if !f.Lib {
		f.Defaults = b.Defaults
		exports := append([]Export(nil), b.Exports...)
		for _, e := range f.Exports {
			replaced := false
			for i := range exports {
				if exports[i].Name == e.Name {
					exports[i], replaced = e, true
				}
			}
			if !replaced {
				exports = append(exports, e)
			}
		}
		f.Exports = exports
	}
	// The bounds and the conda Python are needed whether or not the
	// checkout exports them.
	for _, c := range b.Constants {
		if _, ok := f.Constant(c.Name); !ok {
			f.Constants = append(f.Constants, c)
		}
	}
	if !x.conda {
		f.Conda = b.Conda
		if py, ok := f.Constant(condaPyVarLit); ok {
			f.Conda.Create.Words[len(f.Conda.Create.Words)-1] = "python==" + py.Value + ".*"
		}
	}
	if !x.pipBoot {
		f.PipBootstrap = b.PipBootstrap
	}
	if !x.pipReqs {
		f.PipRequirements = b.PipRequirements
	}
	if !x.platform {
		f.Platform, f.Legacy = b.Platform, b.Legacy
	}
	if !x.ui {
		f.UIScript = b.UIScript
	}
	return f
}
