package applets

import "github.com/onetrainer-launcher/onetrainer-launcher/envspec"

// StartUI prepares the runtime and becomes OneTrainer's UI, passing every
// argument through untouched.
func StartUI(c *Context, args []string) int {
	s, code := begin(c)
	if s == nil {
		return code
	}
	env, code := s.prepare(false)
	if env == nil {
		return code
	}
	return s.execPython(env, append([]string{envspec.TrainUIScript}, args...)...)
}
