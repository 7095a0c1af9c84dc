package applets

import (
	"os"
	"path/filepath"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
)

// StartUI prepares the runtime and becomes OneTrainer's UI, passing every
// argument through untouched.
func StartUI(c *Context, args []string) int {
	s, code := begin(c)
	if s == nil {
		return code
	}
	if fi, err := os.Stat(filepath.Join(c.Dir, envspec.TrainUIScript)); err != nil || !fi.Mode().IsRegular() {
		s.p.Error("%s does not exist in %s: is this a OneTrainer checkout?", envspec.TrainUIScript, c.Dir)
		return 1
	}
	env, code := s.prepare(false)
	if env == nil {
		return code
	}
	return s.execPython(env, append([]string{envspec.TrainUIScript}, args...)...)
}
