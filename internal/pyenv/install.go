package pyenv

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/settings"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// install runs the checkout's two pip commands: the bootstrap (pip and
// setuptools, with its pins) and the requirements. The completed install
// is withdrawn before pip changes anything and written again only after
// both succeed; a failure is recorded as one, so that the next launch can
// say which it resumes.
func install(ctx context.Context, r Request, t Target, platform string) error {
	dir := t.Place.Dir
	if err := BeginInstall(dir, r.Script); err != nil {
		return out.Errorf("cannot record the install in %s: %w", dir, pathutil.Explain(dir, err))
	}
	// pip keeps its log of this install inside the env, for bug reports,
	// without a change to what it prints (PIP_LOG is its --log option);
	// a log the user asked for elsewhere wins.
	env := t.Environ()
	if env.Get("PIP_LOG") == "" {
		log := in(dir, pipLogFile)
		os.Remove(log)
		env = env.Clone()
		env.Set("PIP_LOG", log)
	}
	run := r.Run.With(r.Checkout.Root, env)
	if !hasPip(dir) {
		// A kill inside venv's own ensurepip, or inside pip's upgrade of
		// itself (it removes the old pip before it installs the new), leaves
		// an env without pip, which no pip command can mend: the Python's
		// own ensurepip puts it back, offline, from the wheel it carries.
		r.Out.Status("The %s has no pip (its creation or an install was cut short): putting it back with ensurepip...", t.Place.Label)
		if err := run.Run(ctx, t.Python("-m", "ensurepip", "--upgrade", "--default-pip")); err != nil {
			return installFailed(dir, r, t, err, "")
		}
	}
	r.Out.Status("Installing requirements in active environment...")
	pip := func(a upstream.Args, slot string) []string {
		return append([]string{"-m", "pip"}, a.With(slot)...)
	}
	err := run.Run(ctx, t.Python(pip(r.Facts.PipBootstrap, "")...))
	if err == nil {
		err = run.Run(ctx, t.Python(pip(r.Facts.PipRequirements, pathutil.Arg(platform))...))
	}
	if err != nil {
		return installFailed(dir, r, t, err, env.Get("PIP_LOG"))
	}
	files, err := HashFiles(r.Checkout.Root, layout.RequirementsGlobal, platform)
	if err != nil {
		return out.Errorf("%w", err)
	}
	if err := CompleteInstall(dir, files); err != nil {
		return out.Errorf("recording the completed install in %s: %w", dir, pathutil.Explain(dir, err))
	}
	if r.Installed != nil {
		return r.Installed(ctx)
	}
	return nil
}

// hasPip reports whether the env at dir holds a whole pip, by its files
// (lib/pythonX.Y/site-packages/pip/ and the RECORD pip writes last when it
// installs itself): no Python is started to ask. An env laid out
// otherwise is taken to lack it, which costs one ensurepip that changes
// nothing.
func hasPip(dir string) bool {
	site := filepath.Join(dir, "lib*", "python3*", "site-packages")
	pkg, _ := filepath.Glob(filepath.Join(site, "pip", "__init__.py"))
	record, _ := filepath.Glob(filepath.Join(site, "pip-*.dist-info", "RECORD"))
	return len(pkg) > 0 && len(record) > 0
}

// installFailed records and explains a failed install: what failed, that
// the env is kept, and that the next launch resumes. pipLog is pip's log
// of it (or ""): a package index pip could not reach is said as that,
// with the ways to point pip elsewhere.
func installFailed(dir string, r Request, t Target, err error, pipLog string) error {
	label := t.Place.Label
	resume := fmt.Sprintf("The %s is kept as it is; the next ./install.sh, ./start-ui.sh or ./run-cmd.sh installs them again.", label)
	var ee *proc.ExitError
	if errors.As(err, &ee) && ee.Code > 128 {
		return &out.Error{Code: ee.Code, Err: err,
			Msg: fmt.Sprintf("Interrupted while installing the requirements (exit status %d). %s", ee.Code, resume)}
	}
	how := err.Error()
	code := 1
	var hints []string
	if ee != nil {
		how = fmt.Sprintf("pip exited with status %d", ee.Code)
		code = ee.Code
		if host, why := unreachableIndex(pipLog); host != "" {
			how = fmt.Sprintf("pip could not reach the package index %s (%s)", host, why)
			hints = append(hints, "The package index cannot be reached from here: this machine may be offline, or a proxy or firewall stands in the way. Point pip elsewhere and run again: PIP_INDEX_URL=https://MIRROR/simple for a mirror of PyPI, PIP_FIND_LINKS=/folder/of/wheels with PIP_NO_INDEX=1 for wheels on disk, or HTTPS_PROXY=http://PROXY:PORT for a proxy.")
		}
	}
	if ferr := FailInstall(dir, r.Script, how); ferr != nil {
		r.Out.Debugf("recording the failed install: %v", ferr)
	}
	return &out.Error{Code: code, Err: err, Hints: hints,
		Msg: fmt.Sprintf("Installing the requirements failed: %s (its messages are above). %s", how, resume)}
}

// unreachableIndex reads the end of pip's log for a package index pip
// could not connect to: its host and why ("its name cannot be resolved",
// "the connection was refused", ...). "" when the log shows none.
func unreachableIndex(log string) (host, why string) {
	if log == "" {
		return "", ""
	}
	text := string(pathutil.ReadTail(log, 256<<10))
	i := strings.LastIndex(text, "Failed to establish a new connection")
	if i < 0 {
		return "", ""
	}
	line := text[strings.LastIndexByte(text[:i], '\n')+1:]
	if j := strings.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	if _, rest, ok := strings.Cut(line, "host='"); ok {
		host, _, _ = strings.Cut(rest, "'")
	}
	switch {
	case strings.Contains(line, "Name or service not known"), strings.Contains(line, "Temporary failure in name resolution"),
		strings.Contains(line, "nodename nor servname"), strings.Contains(line, "No address associated"):
		why = "its name cannot be resolved"
	case strings.Contains(line, "Connection refused"):
		why = "the connection was refused"
	case strings.Contains(line, "Network is unreachable"):
		why = "the network is unreachable"
	case strings.Contains(line, "timed out"):
		why = "the connection timed out"
	default:
		why = "no connection could be made"
	}
	if host == "" {
		host = "(its host is not in pip's log)"
	}
	return host, why
}

// choosePlatform decides the platform requirements file, says why where
// the user may have expected another, and fails when it or the global file
// is missing.
func choosePlatform(ctx context.Context, r Request) (string, error) {
	if err := requireFile(r.Checkout, layout.RequirementsGlobal, "requirements file"); err != nil {
		return "", err
	}
	d := r.Platform(ctx, r.Run, nil)
	r.Out.Debugf("Platform requirements: %s (%s)", d.File, d.Reason)
	for _, w := range d.Warnings {
		r.Out.Warn("%s", w)
	}
	for _, n := range d.Notes {
		r.Out.Status("%s", n)
	}
	if err := requireFile(r.Checkout, d.File, "requirements file"); err != nil {
		return "", err.(*out.Error).WithHints(fmt.Sprintf("OT_PLATFORM_REQUIREMENTS takes %q or the name of a requirements file in the checkout, such as %s, %s or %s.",
			settings.PlatformDetect, layout.RequirementsCUDA, layout.RequirementsROCm, layout.RequirementsDefault))
	}
	return d.File, nil
}

// requireFile fails unless name is a regular file in the checkout; what
// says what the file is, for the message.
func requireFile(co layout.Checkout, name, what string) error {
	path := co.Path(name)
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.Mode().IsRegular():
		return nil
	case err == nil:
		return out.Errorf("%s %q in %s is not a regular file", what, name, co.Root)
	case errors.Is(err, fs.ErrNotExist):
		return out.Errorf("%s %q does not exist in %s", what, name, co.Root)
	}
	return out.Errorf("%s %q cannot be read: %w", what, name, pathutil.Explain(path, err))
}
