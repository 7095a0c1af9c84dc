package gitx

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// NoAnswer is git failing to answer a question about a checkout, which is
// a third answer, neither yes nor no: git is not on PATH (a conda shell, a
// slim container), it refuses the checkout ("detected dubious ownership":
// owned by another user), or the repository is damaged. It keeps the
// failed command, with git's own words, for errors.As; the *out.Error
// that carries it (Git.noAnswer) says what lets git answer.
type NoAnswer struct {
	Dir string
	Err error // the failed git command, a *proc.ExitError
}

func (e *NoAnswer) Error() string { return "git cannot answer for " + e.Dir + ": " + e.Err.Error() }
func (e *NoAnswer) Unwrap() error { return e.Err }

// IsNoAnswer reports whether err is, or is caused by, git failing to
// answer (NoAnswer).
func IsNoAnswer(err error) bool {
	var na *NoAnswer
	return errors.As(err, &na)
}

// gitPlaces are where git is when it is not on PATH: the system's, the
// one Homebrew or MacPorts installs, the Command Line Tools'.
var gitPlaces = []string{"/usr/bin", "/usr/local/bin", "/bin", "/opt/homebrew/bin", "/opt/local/bin", "/Library/Developer/CommandLineTools/usr/bin"}

// noAnswer turns a failed question into the error a user can act on: why
// git did not answer, in git's words, and the command that lets it.
func (g Git) noAnswer(err error) error {
	na := &NoAnswer{Dir: g.Dir, Err: err}
	var ee *proc.ExitError
	if !errors.As(err, &ee) {
		return out.Errorf("git cannot answer for %s: %w", g.Dir, na)
	}
	if errors.Is(ee.Err, exec.ErrNotFound) {
		path := environ.List(g.Run.Env).Get("PATH")
		e := out.Errorf("git cannot answer for %s: %w", g.Dir, na)
		e.Msg = fmt.Sprintf("git cannot answer for %s: git is not on PATH (%s)", g.Dir, path)
		if found := pathutil.Look("git", g.Dir, strings.Join(gitPlaces, ":"), ""); found != "" {
			return e.WithHints(fmt.Sprintf("git is at %s: put its folder on PATH, then run the command again: export PATH=%s:\"$PATH\"", found, out.Quote(dirOf(found))))
		}
		return e.WithHints("Run the command again where git is on PATH (outside the container or conda shell), or install git.")
	}
	words := strings.TrimSpace(ee.Stderr)
	if strings.Contains(words, "dubious ownership") {
		e := out.Errorf("git cannot answer for %s: %w", g.Dir, na)
		first, _, _ := strings.Cut(words, "\n")
		e.Msg = fmt.Sprintf("git refuses to answer for %s, which belongs to another user: %s", g.Dir, strings.TrimPrefix(first, "fatal: "))
		cmd := "git config --global --add safe.directory " + out.Quote(g.Dir)
		for _, line := range strings.Split(words, "\n") {
			if l := strings.TrimSpace(line); strings.HasPrefix(l, "git config --global --add safe.directory ") {
				cmd = l // git's own, with the path as git names it
			}
		}
		return e.WithHints("To let git work in it as this user, run: "+cmd+", then run the command again.",
			"Or run the command as the user who owns "+g.Dir+".")
	}
	return out.Errorf("git cannot answer for %s: %w", g.Dir, na).
		WithHints("git -C " + out.Quote(g.Dir) + " status says what is wrong with it.")
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i > 0 {
		return p[:i]
	}
	return "/"
}
