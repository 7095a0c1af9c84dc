package applets

import "github.com/onetrainer-launcher/onetrainer-launcher/pyenv"

// install prepares the runtime: it creates the env if needed and installs
// the requirements into a new one. Arguments are ignored, as by install.sh.
func install(c *Context, args []string) error {
	s, err := begin(c, "install.sh")
	if err != nil {
		return err
	}
	res, err := s.prepare(false)
	if err != nil {
		return err
	}
	s.ready(res, "")
	return nil
}

// ready is the closing line of install.sh and update.sh: what is ready and
// what to run next.
func (s *session) ready(res pyenv.Result, prefix string) {
	what := "has OneTrainer's requirements installed"
	switch {
	case res.Created:
		what = "was created, with OneTrainer's requirements (" + res.Platform + ")"
	case res.Installed:
		what = "has OneTrainer's requirements installed now (" + res.Platform + ")"
	}
	s.p.Status("%sReady: the %s %s. Start OneTrainer with ./start-ui.sh, or run a script with ./run-cmd.sh NAME.", prefix, res.Place.Label, what)
}
