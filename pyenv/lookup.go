package pyenv

import (
	"os"
	"path/filepath"
	"strings"
)

// LookCommand finds cmd as a shell would run it from dir: a name with a
// slash is a path (relative to dir), any other name is searched in path.
// It returns the absolute path of an executable file, or "".
func LookCommand(cmd, dir, path string) string {
	if cmd == "" {
		return ""
	}
	if strings.Contains(cmd, "/") {
		if !filepath.IsAbs(cmd) {
			cmd = filepath.Join(dir, cmd)
		}
		return executable(cmd)
	}
	for _, d := range filepath.SplitList(path) {
		if d == "" {
			d = "."
		}
		if !filepath.IsAbs(d) {
			d = filepath.Join(dir, d)
		}
		if p := executable(filepath.Join(d, cmd)); p != "" {
			return p
		}
	}
	return ""
}

func executable(p string) string {
	fi, err := os.Stat(p)
	if err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return ""
	}
	return p
}
