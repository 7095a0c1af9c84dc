package pyenv

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/upstream"
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
	// form is how the checkout's scripts name, make and run the env.
	form upstream.Conda
}

// newConda describes the env OT_CONDA_ENV names, for the conda at exe, in
// the form the checkout's scripts give it: a path (conda's --prefix,
// relative to the checkout) where they use one — every OneTrainer since
// 2024-09-29 — else a name, a value with a "/" being a path all the same.
func newConda(cmd, exe, given, checkout string, base envspec.Environ, form upstream.Conda) *Conda {
	c := &Conda{Cmd: cmd, Exe: exe, Given: given, Root: condaRoot(exe), base: base, form: form}
	if form.Prefix || strings.Contains(given, "/") {
		c.Prefix = pathutil.Resolve(checkout, given)
	} else {
		c.Name = given
	}
	return c
}

// checkName refuses an OT_CONDA_ENV that conda cannot take as a name. A
// path is not checked here: conda itself refuses a prefix it cannot use.
func (c *Conda) checkName() error {
	if c.Name == "" {
		return nil
	}
	name := c.Name
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

// target is conda's -n NAME or -p PATH for the env, spelled as the
// checkout's scripts spell it (--prefix since 2024-09-29). A named env
// found outside conda's envs dirs (listed only in environments.txt) has
// no name that `conda run -n` resolves, so it is given by its path.
func (c *Conda) target(a upstream.Args) []string {
	flag := ""
	if a.Slot >= 1 {
		flag = a.Words[a.Slot-1]
	}
	isPrefixFlag := flag == "-p" || flag == "--prefix"
	switch {
	case c.Name == "":
		if !isPrefixFlag {
			flag = "-p"
		}
		return []string{flag, pathutil.Arg(c.Given)}
	case c.Found != "" && c.Prefix != c.Root && !c.inEnvsDir(c.Prefix):
		if !isPrefixFlag {
			flag = "-p"
		}
		return []string{flag, c.Prefix}
	}
	if isPrefixFlag || flag == "" {
		flag = "-n"
	}
	return []string{flag, c.Name}
}

// command is a conda command of the checkout's form (a create or a run),
// with the env's flag and value in their place.
func (c *Conda) command(a upstream.Args) []string {
	t := c.target(a)
	words := a.With(t[1])
	if a.Slot >= 1 {
		words[a.Slot-1] = t[0]
	}
	return append([]string{c.Cmd}, words...)
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
	argv := append(c.command(c.form.Run), "python")
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
		data, _ := pathutil.ReadFile(filepath.Join(home, ".conda", "environments.txt"), pathutil.SmallFile)
		for _, line := range pathutil.Lines(data) {
			p := strings.TrimSpace(line)
			if p != "" && filepath.Base(p) == c.Name && isCondaEnv(p) {
				c.Prefix, c.Found = p, "environments.txt"
				return true
			}
		}
	}
	return false
}

// askConda asks conda once for its envs, as JSON and, should that fail,
// as text, so that an env the fast path missed is never created twice.
// query runs the question: announced with a "+" line when preparing the
// env (the originals ran `conda info --envs` as a step), quietly for a
// report.
func (c *Conda) askConda(ctx context.Context, query func(context.Context, proc.Cmd) (string, error)) {
	if c.Name == "" {
		return // a prefix env is there or not; conda knows no more
	}
	text, err := query(ctx, proc.Cmd{Path: c.Exe, Argv: []string{c.Cmd, "info", "--envs", "--json"}})
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
	text, err = query(ctx, proc.Cmd{Path: c.Exe, Argv: []string{c.Cmd, "info", "--envs"}})
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

// createArgs is the conda command that makes the env, as the checkout's
// create_conda_env runs it: its channels, its Python, and the packages it
// adds (tk[build=xft_*] on Linux since 2024-09-29).
func (c *Conda) createArgs() []string { return c.command(c.form.Create) }

// removeCommand is the command that deletes the env, for the user to run;
// a prefix is given absolute, so that it deletes nothing else wherever it
// is run.
func (c *Conda) removeCommand() string {
	t := c.target(c.form.Run)
	if t[0] == "-p" || t[0] == "--prefix" {
		t = []string{t[0], c.Prefix}
	}
	argv := append([]string{c.Cmd, "remove", "-y"}, t...)
	return out.QuoteArgs(append(argv, "--all"))
}
