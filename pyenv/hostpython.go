package pyenv

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
)

// hostPython finds the Python that makes the venv. An OT_PYTHON_CMD the
// user set is taken as it is, as the original scripts did. Left unset, the
// default `python` is only a first guess: many systems have only python3,
// or a python outside the bounds, so python3 and then python3.X, newest
// allowed first, are tried, and the first inside the bounds is used.
// It returns the command's name (for argv) and its executable.
func hostPython(ctx context.Context, r Request) (name, exe string, err error) {
	path := r.Env.Get("PATH")
	if r.Config.Given("OT_PYTHON_CMD") {
		if exe := pathutil.Look(r.Config.PythonCmd, r.Checkout, path, ""); exe != "" {
			return r.Config.PythonCmd, exe, nil
		}
		return "", "", out.Errorf("Python command %q does not exist on your system.", r.Config.PythonCmd).WithHints(venvSolutions("")...)
	}
	lo, lerr := parseVersion(r.Constants.PythonVersionMinimum)
	hi, herr := parseVersion(r.Constants.PythonVersionTooHigh)
	if lerr != nil || herr != nil {
		return "", "", out.Errorf("the Python bounds %q and %q are not versions", r.Constants.PythonVersionMinimum, r.Constants.PythonVersionTooHigh)
	}
	bounds := fmt.Sprintf(">= %s and < %s", r.Constants.PythonVersionMinimum, r.Constants.PythonVersionTooHigh)
	var seen []string
	for _, cand := range candidates(lo, hi) {
		exe := pathutil.Look(cand, r.Checkout, path, "")
		if exe == "" {
			if cand == "python" || cand == "python3" {
				seen = append(seen, cand+": not found")
			}
			continue
		}
		v, err := askVersion(ctx, r, exe)
		if err != nil {
			seen = append(seen, fmt.Sprintf("%s (%s): does not run (%v)", cand, exe, err))
			continue
		}
		if !inBounds(v, lo, hi) {
			seen = append(seen, fmt.Sprintf("%s (%s): Python %s, outside %s", cand, exe, showVersion(v), bounds))
			continue
		}
		if cand != r.Config.PythonCmd {
			r.Run.P.Status("Using %s (%s, Python %s) to create the venv: %s. Set OT_PYTHON_CMD to choose another.", cand, exe, showVersion(v), strings.Join(seen, "; "))
		}
		return cand, exe, nil
	}
	return "", "", out.Errorf("No Python %s was found to create the venv. Looked for: %s.", bounds, strings.Join(seen, "; ")).WithHints(venvSolutions("")...)
}

// candidates are python, python3, then python3.X from the newest allowed
// minor version down to the oldest.
func candidates(lo, hi []int) []string {
	c := []string{"python", "python3"}
	if len(lo) < 2 || len(hi) < 1 || lo[0] != 3 {
		return c
	}
	top := 30 // a too-high bound of 4.x allows every 3.x
	if hi[0] == 3 && len(hi) >= 2 {
		top = hi[1]
		if len(hi) == 2 || hi[2] == 0 {
			top-- // < 3.14 rules out 3.14 itself
		}
	}
	for minor := top; minor >= lo[1]; minor-- {
		c = append(c, "python3."+strconv.Itoa(minor))
	}
	return c
}

// askVersion runs exe to learn its version, quietly: it is a question, not
// a step of the install.
func askVersion(ctx context.Context, r Request, exe string) ([]int, error) {
	out, err := r.Run.With(r.Checkout, r.Env).Ask(ctx, proc.Cmd{Path: exe, Argv: []string{exe, "-c", "import sys; print('%d.%d.%d' % tuple(sys.version_info[:3]))"}})
	if err != nil {
		return nil, err
	}
	return parseVersion(strings.TrimSpace(out))
}

func parseVersion(s string) ([]int, error) {
	var v []int
	for _, p := range strings.Split(s, ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("%q is not a version", s)
		}
		v = append(v, n)
	}
	return v, nil
}

// compareVersions compares as version_check.py does: tuples, missing
// parts counting as less (3.10 < 3.10.0).
func compareVersions(a, b []int) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

func inBounds(v, lo, hi []int) bool {
	return compareVersions(v, lo) >= 0 && compareVersions(v, hi) < 0
}

func showVersion(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ".")
}
