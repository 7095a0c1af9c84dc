package pyenv

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyversion"
)

// hostPy is the Python that makes a venv: the command's name, as argv
// shows it, and its executable.
type hostPy struct {
	name, exe string
}

// hostPython finds the Python that makes the venv. An OT_PYTHON_CMD the
// user set is taken as it is, as the original scripts did. Left unset, the
// default `python` is only a first guess: many systems have only python3,
// or a python outside the bounds, so python3 and then python3.X, newest
// allowed first, are tried, and the first inside the bounds is used.
func hostPython(ctx context.Context, r Request) (hostPy, error) {
	path := r.Env.Get("PATH")
	if r.Settings.Given("OT_PYTHON_CMD") {
		if exe := pathutil.Look(r.Settings.PythonCmd, r.Checkout.Root, path, ""); exe != "" {
			return hostPy{r.Settings.PythonCmd, exe}, nil
		}
		return hostPy{}, out.Errorf("Python command %q does not exist on your system.", r.Settings.PythonCmd).WithHints(venvSolutions("")...)
	}
	lo, lerr := pyversion.Parse(r.Constants.PythonVersionMinimum)
	hi, herr := pyversion.Parse(r.Constants.PythonVersionTooHigh)
	if lerr != nil || herr != nil {
		return hostPy{}, out.Errorf("the Python bounds %q and %q are not versions", r.Constants.PythonVersionMinimum, r.Constants.PythonVersionTooHigh)
	}
	bounds := fmt.Sprintf(">= %s and < %s", r.Constants.PythonVersionMinimum, r.Constants.PythonVersionTooHigh)
	var seen []string
	for _, cand := range candidates(lo, hi) {
		exe := pathutil.Look(cand, r.Checkout.Root, path, "")
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
		if !v.In(lo, hi) {
			seen = append(seen, fmt.Sprintf("%s (%s): Python %s, outside %s", cand, exe, v, bounds))
			continue
		}
		if cand != r.Settings.PythonCmd {
			r.Out.Status("Using %s (%s, Python %s) to create the venv: %s. Set OT_PYTHON_CMD to choose another.", cand, exe, v, strings.Join(seen, "; "))
		}
		return hostPy{cand, exe}, nil
	}
	return hostPy{}, out.Errorf("No Python %s was found to create the venv. Looked for: %s.", bounds, strings.Join(seen, "; ")).WithHints(venvSolutions("")...)
}

// candidates are python, python3, then python3.X from the newest allowed
// minor version down to the oldest.
func candidates(lo, hi pyversion.Version) []string {
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

// versionQuestion asks a Python its version, as three numbers.
const versionQuestion = "import sys; print('%d.%d.%d' % tuple(sys.version_info[:3]))"

// askVersion runs exe to learn its version, quietly: it is a question, not
// a step of the install.
func askVersion(ctx context.Context, r Request, exe string) (pyversion.Version, error) {
	text, err := r.Run.With(r.Checkout.Root, r.Env).Ask(ctx, proc.Cmd{Path: exe, Argv: []string{exe, "-c", versionQuestion}})
	if err != nil {
		return nil, err
	}
	return pyversion.Parse(strings.TrimSpace(text))
}
