package pyenv

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
)

// Conda is a conda env, named (-n) or at a prefix path (-p).
type Conda struct {
	Cmd  string // the conda command as configured (OT_CONDA_CMD), for argv
	Exe  string // its resolved executable
	Root string // conda's root prefix, derived from Exe's location
	// Name is the env's name; empty for a prefix env.
	Name string
	// Given is OT_CONDA_ENV as configured; Prefix the env's absolute path,
	// once known (a prefix env always; a named env when found or created).
	Given  string
	Prefix string
	// Found says how the env was found: "prefix", "envs dir DIR",
	// "environments.txt", "conda info --envs --json", "conda info --envs",
	// or "" when it was not found.
	Found string
	base  envspec.Environ
}

// NewConda describes the env OT_CONDA_ENV names, for the conda at exe.
func NewConda(cmd, exe, given, checkout string, base envspec.Environ) *Conda {
	c := &Conda{Cmd: cmd, Exe: exe, Given: given, Root: condaRoot(exe), base: base}
	if strings.Contains(given, "/") {
		c.Prefix = absUnder(checkout, given)
	} else {
		c.Name = given
	}
	return c
}

// CheckCondaName refuses an OT_CONDA_ENV that conda cannot take as a name.
// A value with a "/" is a path and is not checked here.
func CheckCondaName(name string) error {
	if strings.Contains(name, "/") {
		return nil
	}
	bad := name == "" || name == "." || name == ".." || strings.HasPrefix(name, "-") ||
		strings.ContainsAny(name, " \t\n\r:#\\")
	if bad {
		return fmt.Errorf("OT_CONDA_ENV=%q is not a conda environment name: use letters, digits, '.', '-' and '_' (not first a '-'), or a path containing '/' such as ./conda_env", name)
	}
	return nil
}

// condaRoot is the root prefix of the conda at exe: the parent of the
// folder holding it (<root>/bin/conda, <root>/condabin/conda).
func condaRoot(exe string) string {
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	return filepath.Dir(filepath.Dir(exe))
}

// target is conda's -n NAME or -p PATH for the env. A named env found
// outside conda's envs dirs (listed only in environments.txt) has no name
// that `conda run -n` resolves, so it is given by its path.
func (c *Conda) target() []string {
	switch {
	case c.Name == "":
		return []string{"-p", c.Given}
	case c.Found != "" && c.Prefix != c.Root && !c.inEnvsDir(c.Prefix):
		return []string{"-p", c.Prefix}
	}
	return []string{"-n", c.Name}
}

func (c *Conda) inEnvsDir(prefix string) bool {
	for _, d := range c.envsDirs() {
		if filepath.Dir(prefix) == filepath.Clean(d) {
			return true
		}
	}
	return false
}

// Python runs python in the env through `conda run`, which activates it.
func (c *Conda) Python(args ...string) proc.Cmd {
	argv := append([]string{c.Cmd, "run"}, c.target()...)
	argv = append(argv, "--no-capture-output", "python")
	return proc.Cmd{Path: c.Exe, Argv: append(argv, args...)}
}

// Environ is the launcher's exported environment; conda run activates.
func (c *Conda) Environ() envspec.Environ { return c.base }

// envsDirs are the folders conda keeps named envs in, in conda's order.
func (c *Conda) envsDirs() []string {
	var dirs []string
	for _, v := range []string{"CONDA_ENVS_PATH", "CONDA_ENVS_DIRS"} {
		for _, d := range filepath.SplitList(c.base.Get(v)) {
			if d != "" {
				dirs = append(dirs, d)
			}
		}
	}
	dirs = append(dirs, filepath.Join(c.Root, "envs"))
	if home := c.base.Get("HOME"); home != "" {
		dirs = append(dirs, filepath.Join(home, ".conda", "envs"))
	}
	return dirs
}

func isCondaEnv(prefix string) bool {
	fi, err := os.Stat(filepath.Join(prefix, "conda-meta"))
	return err == nil && fi.IsDir()
}

// findFast looks for the env where conda itself keeps it, without running
// conda: a prefix counts only with conda-meta/; a name is looked up in the
// envs dirs and in ~/.conda/environments.txt, matched exactly.
func (c *Conda) findFast() bool {
	if c.Name == "" {
		if isCondaEnv(c.Prefix) {
			c.Found = "prefix"
			return true
		}
		return false
	}
	if c.Name == "base" && isCondaEnv(c.Root) {
		c.Prefix, c.Found = c.Root, "root prefix"
		return true
	}
	for _, d := range c.envsDirs() {
		if p := filepath.Join(d, c.Name); isCondaEnv(p) {
			c.Prefix, c.Found = p, "envs dir "+d
			return true
		}
	}
	if home := c.base.Get("HOME"); home != "" {
		if f, err := os.Open(filepath.Join(home, ".conda", "environments.txt")); err == nil {
			defer f.Close()
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				p := strings.TrimSpace(sc.Text())
				if p != "" && filepath.Base(p) == c.Name && isCondaEnv(p) {
					c.Prefix, c.Found = p, "environments.txt"
					return true
				}
			}
		}
	}
	return false
}

// askConda asks conda once for its envs, as JSON and, should that fail,
// as text, so that an env the fast path missed is never created twice.
func (c *Conda) askConda(ctx context.Context, run *proc.Runner) {
	if c.Name == "" {
		return // a prefix env is there or not; conda knows no more
	}
	text, err := run.Output(ctx, proc.Cmd{Path: c.Exe, Argv: []string{c.Cmd, "info", "--envs", "--json"}})
	var info struct {
		Envs []string `json:"envs"`
	}
	if err == nil && json.Unmarshal([]byte(text), &info) == nil {
		for _, p := range info.Envs {
			if filepath.Base(p) == c.Name && isCondaEnv(p) {
				c.Prefix, c.Found = p, "conda info --envs --json"
				return
			}
		}
		return
	}
	text, err = run.Output(ctx, proc.Cmd{Path: c.Exe, Argv: []string{c.Cmd, "info", "--envs"}})
	if err != nil {
		return
	}
	for _, line := range strings.Split(text, "\n") {
		if line == "" || line[0] == '#' || line[0] == ' ' || line[0] == '\t' {
			continue // a comment, or an env without a name
		}
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == c.Name {
			c.Prefix, c.Found = f[len(f)-1], "conda info --envs"
			return
		}
	}
}

// createArgs is the conda command that makes the env.
func (c *Conda) createArgs(python string) []string {
	argv := append([]string{c.Cmd, "create", "-y"}, c.target()...)
	return append(argv, "--override-channels", "--strict-channel-priority", "--channel", "conda-forge", "python=="+python+".*")
}

// removeCommand is the command that deletes the env, for the user to run;
// a prefix is given absolute, so that it deletes nothing else wherever it
// is run.
func (c *Conda) removeCommand() string {
	t := c.target()
	if t[0] == "-p" {
		t = []string{"-p", c.Prefix}
	}
	argv := append([]string{c.Cmd, "remove", "-y"}, t...)
	return out.QuoteArgs(append(argv, "--all"))
}
