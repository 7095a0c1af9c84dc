package applets

import "github.com/onetrainer-launcher/onetrainer-launcher/pathutil"

// startUI prepares the runtime and becomes OneTrainer's UI — the script the
// checkout's own start-ui.sh runs (scripts/train_ui_qt.py since 2026-07) —
// passing every argument through untouched.
func startUI(c *Context, args []string) error {
	s, err := begin(c, "start-ui.sh")
	if err != nil {
		return err
	}
	res, err := s.prepare(false)
	if err != nil {
		return err
	}
	return s.execPython(res.Env, append([]string{pathutil.Arg(s.facts.UIScript.Value)}, args...)...)
}
