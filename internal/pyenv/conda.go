package pyenv

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// Conda is the launch's conda env (its command, its name or prefix path,
// the checkout's form of conda's commands) and the environment conda runs
// with. Where the env was found is a condaLoc of its own.
type Conda struct {
	*launch.Conda
	base environ.List
}

// condaLoc is where a conda env was found: its prefix, and how it was found
// ("prefix", "envs dir DIR", "environments.txt", "conda info --envs
// --json", "conda info --envs"); Via is "" when it was not found.
type condaLoc struct {
	Prefix string
	Via    string
}

func (l condaLoc) found() bool { return l.Via != "" }

// place is where the env lives, as far as loc tells.
func (c *Conda) place(co layout.Checkout, loc condaLoc) Place {
	p := Place{Label: fmt.Sprintf("Conda environment %q", c.Given), Remove: c.removeCommand(loc)}
	switch {
	case c.Name == "":
		p.Dir = c.Path
	case loc.found():
		p.Dir = loc.Prefix
	}
	if p.Dir != "" {
		p.Python = filepath.Join(p.Dir, "bin", "python")
		p.EnvFile = filepath.Join(p.Dir, "conda-meta", "history")
	}
	if c.Name == "" {
		p.Lock = layout.EnvLock(c.Path)
	} else {
		p.Lock = co.NamedCondaLock(c.Name)
	}
	return p
}

// run is `conda run` for the env found at loc: a named env found outside
// conda's envs dirs (listed only in environments.txt) has no name that
// `conda run -n` resolves, so it is given by its path.
func (c *Conda) run(loc condaLoc) launch.CondaRun {
	at := ""
	if loc.found() && loc.Prefix != c.Root && !c.inEnvsDir(loc.Prefix) {
		at = loc.Prefix
	}
	return c.Run(at)
}

func (c *Conda) inEnvsDir(prefix string) bool {
	for _, d := range c.envsDirs() {
		if filepath.Dir(prefix) == filepath.Clean(d) {
			return true
		}
	}
	return false
}

// python runs python in the env through `conda run`, which activates it.
func (c *Conda) python(loc condaLoc, args ...string) proc.Cmd {
	return proc.Cmd{Path: c.Exe, Argv: c.run(loc).Python(args...)}
}

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

// query asks a program a question and returns its output: announced with
// a "+" line when preparing the env (the originals ran `conda info
// --envs` as a step), quietly for a report.
type query func(context.Context, proc.Cmd) (string, error)

// find looks for the env: where conda keeps it first, without running
// conda; for a named env not found there, conda is asked once.
func (c *Conda) find(ctx context.Context, q query) condaLoc {
	if loc := c.findFast(); loc.found() || c.Name == "" {
		return loc
	}
	return c.askConda(ctx, q)
}

// findFast looks for the env where conda itself keeps it, without running
// conda: a prefix counts only with conda-meta/; a name is looked up in the
// envs dirs and in ~/.conda/environments.txt, matched exactly.
func (c *Conda) findFast() condaLoc {
	if c.Name == "" {
		if isCondaEnv(c.Path) {
			return condaLoc{c.Path, "prefix"}
		}
		return condaLoc{}
	}
	if c.Name == "base" && isCondaEnv(c.Root) {
		return condaLoc{c.Root, "root prefix"}
	}
	for _, d := range c.envsDirs() {
		if p := filepath.Join(d, c.Name); isCondaEnv(p) {
			return condaLoc{p, "envs dir " + d}
		}
	}
	if home := c.base.Get("HOME"); home != "" {
		data, _ := pathutil.ReadFile(filepath.Join(home, ".conda", "environments.txt"), pathutil.SmallFile)
		for _, line := range pathutil.Lines(data) {
			p := strings.TrimSpace(line)
			if p != "" && filepath.Base(p) == c.Name && isCondaEnv(p) {
				return condaLoc{p, "environments.txt"}
			}
		}
	}
	return condaLoc{}
}

// askConda asks conda once for its envs, as JSON and, should that fail,
// as text, so that an env the fast path missed is never created twice.
func (c *Conda) askConda(ctx context.Context, q query) condaLoc {
	text, err := q(ctx, proc.Cmd{Path: c.Exe, Argv: []string{c.Cmd, "info", "--envs", "--json"}})
	var info struct {
		Envs []string `json:"envs"`
	}
	if err == nil && json.Unmarshal([]byte(text), &info) == nil {
		for _, p := range info.Envs {
			if filepath.Base(p) == c.Name && isCondaEnv(p) {
				return condaLoc{p, "conda info --envs --json"}
			}
		}
		return condaLoc{}
	}
	text, err = q(ctx, proc.Cmd{Path: c.Exe, Argv: []string{c.Cmd, "info", "--envs"}})
	if err != nil {
		return condaLoc{}
	}
	for _, line := range strings.Split(text, "\n") {
		if line == "" || line[0] == '#' || line[0] == ' ' || line[0] == '\t' {
			continue // a comment, or an env without a name
		}
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == c.Name {
			return condaLoc{f[len(f)-1], "conda info --envs"}
		}
	}
	return condaLoc{}
}

// removeCommand is the command that deletes the env, for the user to run;
// a prefix is given absolute, so that it deletes nothing else wherever it
// is run.
func (c *Conda) removeCommand(loc condaLoc) string {
	run := c.run(loc)
	t := []string{run.Flag, run.Env}
	if run.Flag == "-p" || run.Flag == "--prefix" {
		prefix := c.Path
		if c.Name != "" {
			prefix = loc.Prefix
		}
		t = []string{run.Flag, prefix}
	}
	argv := append([]string{c.Cmd, "remove", "-y"}, t...)
	return out.QuoteArgs(append(argv, "--all"))
}
