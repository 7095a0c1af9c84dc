package applets

// Install prepares the runtime: it creates the env if needed and installs
// the requirements into a new one. Arguments are ignored, as by install.sh.
func Install(c *Context, args []string) int {
	s, code := begin(c)
	if s == nil {
		return code
	}
	_, code = s.prepare(false)
	return code
}
