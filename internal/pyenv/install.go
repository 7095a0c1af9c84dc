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
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
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
		return recordFailed(t, "cannot record the install in "+dir, dir, err)
	}
	// pip keeps its log of this install inside the env, for bug reports,
	// without a change to what it prints (PIP_LOG is its --log option);
	// a log the user asked for elsewhere wins. pip appends to it, so its end
	// is marked now: what pip writes after the mark is this install's.
	env := t.Environ()
	if env.Get("PIP_LOG") == "" {
		log := in(dir, pipLogFile)
		os.Remove(log)
		env = env.Clone()
		env.Set("PIP_LOG", log)
	}
	pipLog := markPipLog(pipLogPath(env.Get("PIP_LOG"), r.Checkout.Root, env.Get("HOME")))
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
		return installFailed(dir, r, t, err, pipLog.appended(pipLogTail))
	}
	files, err := HashFiles(r.Checkout.Root, layout.RequirementsGlobal, platform)
	if err != nil {
		return out.Errorf("%w", err)
	}
	if err := CompleteInstall(dir, files); err != nil {
		return recordFailed(t, "recording the completed install in "+dir, dir, err)
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
// the env is kept, and that the next launch resumes. pipLog is what pip
// wrote to its log during this install (or ""): a cause it shows (a package
// index pip could not reach, a certificate it does not trust, a git
// requirement git could not fetch) is said as that, with the ways around it
// (diagnosePipLog).
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
		tool := "pip"
		if t.Kind == launch.KindPixi {
			tool = "pixi install"
		}
		how = fmt.Sprintf("%s exited with status %d", tool, ee.Code)
		code = ee.Code
		if f, ok := diagnosePipLog(pipLog); ok {
			how, hints = f.how(), f.hints()
		}
	}
	if why, more, ok := outOfSpace(r, label, dir, pipLog); ok {
		how, hints = why, append(hints, more...)
	}
	if ferr := FailInstall(dir, r.Script, how); ferr != nil {
		r.Out.Debugf("recording the failed install: %v", ferr)
	}
	return &out.Error{Code: code, Err: err, Hints: hints,
		Msg: fmt.Sprintf("Installing the requirements failed: %s (its messages are above). %s", how, resume)}
}

// pipLogTail bounds how much of pip's log is read after a failed install:
// its end says why pip gave up.
const pipLogTail = 256 << 10

// pipLogPath is the file pip writes its log to for PIP_LOG=log, as pip
// finds it: a leading "~/" is the home folder and a relative path is
// taken from dir, the folder pip runs in. "" for no log.
func pipLogPath(log, dir, home string) string {
	if rest, ok := strings.CutPrefix(log, "~/"); ok && home != "" {
		log = filepath.Join(home, rest)
	}
	if log != "" && !filepath.IsAbs(log) {
		log = filepath.Join(dir, log)
	}
	return log
}

// pipLogMark is where pip's log ended before an install. pip appends to
// its log, and a log the user named with PIP_LOG holds earlier runs: only
// what comes after the mark is this install's, so that an old run's
// failure is not blamed for a new one.
type pipLogMark struct {
	path   string
	before fs.FileInfo // nil when there was no log yet
}

// markPipLog notes where the log at path ends now; "" marks no log.
func markPipLog(path string) pipLogMark {
	m := pipLogMark{path: path}
	if path == "" {
		return m
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		m.before = fi
	}
	return m
}

// appended reads what pip wrote to its log since the mark, at most the
// last limit bytes of it. A log that shrank, or that is another file than
// the one marked (truncated, rotated or replaced meanwhile), is all new:
// it is read from its start.
func (m pipLogMark) appended(limit int64) string {
	if m.path == "" {
		return ""
	}
	fi, err := os.Stat(m.path)
	if err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	n := fi.Size()
	if m.before != nil && os.SameFile(m.before, fi) && n >= m.before.Size() {
		n -= m.before.Size()
	}
	return string(pathutil.ReadTail(m.path, min(n, limit)))
}

// unreachableCause says in words why a line of pip's log shows a host
// that pip could not reach; "" when it shows none. The words it looks for
// are urllib3's (1.26 in pip up to 26.0, 2.x from pip 26.1: the
// exceptions NewConnectionError, NameResolutionError, ConnectTimeoutError,
// ReadTimeoutError and ProxyError), the system's error for a failed
// connect or name lookup inside them (Linux, musl and macOS), and those of
// pip 26.2's own connection errors ("didn't respond within", "proxy
// connection error").
func unreachableCause(line string) string {
	if !containsAny(line, "Cannot connect to proxy", "Unable to connect to proxy") {
		return connectCause(line)
	}
	// The proxy answered but would not open the way through (it wants a
	// login, or forbids the host): urllib3 says "Tunnel connection failed:
	// 407 Proxy Authentication Required".
	if _, status, ok := strings.Cut(line, "Tunnel connection failed: "); ok {
		status, _, _ = strings.Cut(status, "'")
		return "the proxy answered " + strings.TrimSpace(status)
	}
	if why := connectCause(line); why != "" {
		return "the proxy cannot be reached: " + why
	}
	return "the proxy cannot be reached"
}

// connectCause says why a connection failed, from urllib3's words and the
// system's; "" when the line holds none of them.
func connectCause(line string) string {
	switch {
	case containsAny(line, "Name or service not known", "Temporary failure in name resolution",
		"nodename nor servname", "No address associated", "Name does not resolve", "Failed to resolve "):
		return "its name cannot be resolved"
	case strings.Contains(line, "Connection refused"):
		return "the connection was refused"
	case strings.Contains(line, "Network is unreachable"):
		return "the network is unreachable"
	case strings.Contains(line, "No route to host"):
		return "there is no route to it"
	case containsAny(line, "(connect timeout=", "(while establishing a connection)", "Connection timed out", "Operation timed out"):
		return "the connection timed out"
	case containsAny(line, "Read timed out", "didn't respond within"):
		return "it did not answer in time"
	case strings.Contains(line, "Failed to establish a new connection"):
		return "no connection could be made"
	}
	return ""
}

// indexHost is the host a line of pip's log is about: the page pip could
// not fetch ("Could not fetch URL https://pypi.org/simple/torch/: ...",
// right through a proxy too), else urllib3's pool or connection
// ("host='pypi.org'"), else its connect timeout ("Connection to pypi.org
// timed out"). "" when the line names no host: a line of urllib3's source
// quoted in a traceback holds "%s" or "{self.host}" there.
func indexHost(line string) string {
	if _, rest, ok := strings.Cut(line, "Could not fetch URL "); ok {
		raw, _, _ := strings.Cut(rest, " ")
		if h := urlHost(strings.TrimSuffix(raw, ":")); isHostName(h) {
			return h
		}
	}
	for _, around := range [][2]string{{"host='", "'"}, {"Connection to ", " timed out"}} {
		if _, rest, ok := strings.Cut(line, around[0]); ok {
			if h, _, ok := strings.Cut(rest, around[1]); ok && isHostName(h) {
				return h
			}
		}
	}
	return ""
}

// urlHost is the host of an absolute URL, "scheme://[user[:password]@]host[:port]/path",
// without its port or brackets ("[::1]" is "::1"); "" for no such URL.
// (net/url would link the resolver's set-up into every start, which
// deps_test.go keeps off the warm path, for one question asked after a
// failed install.)
func urlHost(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return ""
	}
	authority, _, _ := strings.Cut(rest, "/")
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		authority = authority[i+1:]
	}
	if strings.HasPrefix(authority, "[") {
		h, _, _ := strings.Cut(authority[1:], "]")
		return h
	}
	h, _, _ := strings.Cut(authority, ":")
	return h
}

// isHostName reports whether s can be a host name or an IP address.
func isHostName(s string) bool {
	return s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:") == ""
}

// containsAny reports whether s holds any of words.
func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
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
		return "", err.(*out.Error).WithHints(fmt.Sprintf(upstream.VarPlatformRequirements+" takes %q or the name of a requirements file in the checkout, such as %s, %s or %s.",
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
