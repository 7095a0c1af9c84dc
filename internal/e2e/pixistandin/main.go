// Command pixistandin is a STAND-IN for pixi (prefix.dev's package
// manager), which cannot be had on the machines these tests run on. It
// implements the commands OneTrainer's pixi-based scripts use, faithful to
// pixi's documented command line and behaviour:
//
//   - the manifest is pixi.toml, else pyproject.toml with [tool.pixi], in
//     the working directory or a parent (or --manifest-path); its
//     environments are the keys of [tool.pixi.environments] (pixi.toml:
//     [environments]) and "default"; an unknown one is pixi's error
//     "unknown environment 'NAME'", status 1;
//   - --locked: pixi.lock must be up to date with the manifest, else
//     "lock file not up-to-date with the workspace", status 1. A missing
//     pixi.lock counts as empty, as in pixi. Here a lock is up to date when
//     it names every environment of the manifest ("  NAME:" under
//     "environments:") and records the manifest's hash on a
//     "# manifest-hash: HEX" line: the tests write their own pixi.lock
//     with `pixistandin lock`;
//   - `install --locked -e ENV` makes .pixi/envs/ENV a real venv of a real
//     Python (PIXI_STANDIN_PYTHON), installs with pip, offline as the test
//     environment says, the packages pyproject's [project] dependencies
//     and its optional-dependencies groups of the environment's features
//     name, and writes conda-meta/pixi (pixi's own marker of an installed
//     environment, with the lock's hash). Installing again changes nothing;
//   - `run --locked -e ENV CMD ARGS...` installs first when the marker is
//     missing or its hash is not the lock's, then runs CMD as pixi's child,
//     with the environment activated (PATH, CONDA_PREFIX,
//     CONDA_DEFAULT_ENV, PIXI_* variables), signals passed on, and exits
//     with its status (raising a signal that ended it, as pixi does);
//   - `self-update --no-release-note` and `--version` answer as pixi does,
//     without reaching any network.
//
// Every call is appended to PIXI_STANDIN_LOG: one line of quoted argv, then
// " (in DIR)" for the working directory. PIXI_STANDIN_FAIL=install makes
// install fail after the venv exists (an install cut short).
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/BurntSushi/toml"
)

const version = "0.77.0"

func main() {
	logCall()
	args := os.Args[1:]
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "Usage: pixi [OPTIONS] <COMMAND>")
		os.Exit(2)
	}
	switch args[0] {
	case "--version", "-V":
		fmt.Println("pixi " + version)
	case "self-update":
		fmt.Fprintf(os.Stderr, "✔ pixi is already up-to-date (version %s)\n", version)
	case "install":
		o := parseFlags(args[1:], false)
		w := loadWorkspace(o)
		for _, env := range o.envs {
			w.install(env, o)
		}
	case "run":
		o := parseFlags(args[1:], true)
		if len(o.rest) == 0 {
			fail("the following required arguments were not provided: <TASK>...")
		}
		w := loadWorkspace(o)
		w.run(o.envs[0], o)
	case "lock":
		// Not pixi's lock (which solves): the tests' way to write a lock
		// file the stand-in accepts as up to date.
		o := parseFlags(args[1:], false)
		w := loadWorkspace(o)
		w.writeLock()
	default:
		fail("pixi stand-in: unsupported command %q", strings.Join(args, " "))
	}
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "Error:   × "+format+"\n", a...)
	os.Exit(1)
}

func logCall() {
	path := os.Getenv("PIXI_STANDIN_LOG")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	q := make([]string, len(os.Args))
	q[0] = "pixi"
	for i, a := range os.Args[1:] {
		q[i+1] = quote(a)
	}
	wd, _ := os.Getwd()
	fmt.Fprintf(f, "%s (in %s)\n", strings.Join(q, " "), wd)
}

func quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

type options struct {
	envs           []string
	locked, frozen bool
	manifest       string
	rest           []string // run: the command and its arguments
}

// parseFlags reads pixi's flags up to the command (run stops at the first
// word that is not a flag: the rest is the command).
func parseFlags(args []string, run bool) options {
	var o options
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--locked":
			o.locked = true
		case a == "--frozen":
			o.frozen = true
		case a == "-e" || a == "--environment":
			if i+1 >= len(args) {
				fail("a value is required for '--environment <ENVIRONMENT>' but none was supplied")
			}
			o.envs = append(o.envs, args[i+1])
			i++
		case strings.HasPrefix(a, "--environment="):
			o.envs = append(o.envs, strings.TrimPrefix(a, "--environment="))
		case a == "--manifest-path":
			if i+1 >= len(args) {
				fail("a value is required for '--manifest-path <MANIFEST_PATH>' but none was supplied")
			}
			o.manifest = args[i+1]
			i++
		case a == "--":
			o.rest = args[i+1:]
			return o.withDefault()
		case strings.HasPrefix(a, "-") && !(run && len(o.rest) > 0):
			fail("unexpected argument '%s' found", a)
		default:
			if !run {
				fail("unexpected argument '%s' found", a)
			}
			o.rest = args[i:]
			return o.withDefault()
		}
	}
	return o.withDefault()
}

func (o options) withDefault() options {
	if len(o.envs) == 0 {
		o.envs = []string{"default"}
	}
	return o
}

// workspace is the manifest and what the stand-in reads of it.
type workspace struct {
	root, manifest string
	name           string
	envs           map[string][]string // environment -> features
	deps           []string            // [project] dependencies
	optional       map[string][]string // [project.optional-dependencies]
}

func loadWorkspace(o options) *workspace {
	path := o.manifest
	if path == "" {
		dir, _ := os.Getwd()
		for ; path == ""; dir = filepath.Dir(dir) {
			for _, name := range []string{"pixi.toml", "pyproject.toml"} {
				p := filepath.Join(dir, name)
				if data, err := os.ReadFile(p); err == nil && (name == "pixi.toml" || strings.Contains(string(data), "[tool.pixi")) {
					path = p
					break
				}
			}
			if dir == filepath.Dir(dir) {
				break
			}
		}
	}
	if path == "" {
		fail("could not find pixi.toml or pyproject.toml with tool.pixi at directory %s", mustWd())
	}
	var doc map[string]any
	if _, err := toml.DecodeFile(path, &doc); err != nil {
		fail("failed to parse %s: %v", path, err)
	}
	w := &workspace{root: filepath.Dir(path), manifest: path, envs: map[string][]string{"default": nil}, optional: map[string][]string{}}
	pixi := doc
	if filepath.Base(path) == "pyproject.toml" {
		pixi = table(table(doc, "tool"), "pixi")
		project := table(doc, "project")
		w.name, _ = project["name"].(string)
		w.deps = strs(project["dependencies"])
		for k, v := range table(project, "optional-dependencies") {
			w.optional[k] = strs(v)
		}
	}
	if n, ok := table(pixi, "workspace")["name"].(string); ok {
		w.name = n
	}
	if w.name == "" {
		w.name = filepath.Base(w.root)
	}
	for name, v := range table(pixi, "environments") {
		switch v := v.(type) {
		case []any:
			w.envs[name] = strs(v)
		case map[string]any:
			w.envs[name] = strs(v["features"])
		}
	}
	for _, env := range o.envs {
		if _, ok := w.envs[env]; !ok {
			fail("unknown environment '%s'", env)
		}
	}
	if o.locked && !o.frozen && !w.lockUpToDate() {
		fail("lock file not up-to-date with the workspace")
	}
	return w
}

func mustWd() string {
	wd, _ := os.Getwd()
	return wd
}

func table(m map[string]any, key string) map[string]any {
	t, _ := m[key].(map[string]any)
	return t
}

func strs(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func (w *workspace) lockPath() string { return filepath.Join(w.root, "pixi.lock") }

func (w *workspace) manifestHash() string {
	data, _ := os.ReadFile(w.manifest)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

func (w *workspace) envNames() []string {
	var names []string
	for n := range w.envs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// lockUpToDate: the lock names every environment and the manifest's hash.
func (w *workspace) lockUpToDate() bool {
	data, err := os.ReadFile(w.lockPath())
	if err != nil {
		return false // pixi takes a missing lock file for an empty one
	}
	text := string(data)
	if !strings.Contains(text, "# manifest-hash: "+w.manifestHash()+"\n") {
		return false
	}
	for _, n := range w.envNames() {
		if !strings.Contains(text, "\n  "+n+":\n") {
			return false
		}
	}
	return true
}

func (w *workspace) writeLock() {
	var b strings.Builder
	b.WriteString("# A pixi.lock for the pixi stand-in of the tests: not pixi's format.\n")
	b.WriteString("# manifest-hash: " + w.manifestHash() + "\n")
	b.WriteString("version: 6\nenvironments:\n")
	for _, n := range w.envNames() {
		b.WriteString("  " + n + ":\n")
		for _, d := range w.packages(n) {
			b.WriteString("    - " + d + "\n")
		}
	}
	if err := os.WriteFile(w.lockPath(), []byte(b.String()), 0o644); err != nil {
		fail("%v", err)
	}
}

// packages are the Python packages of an environment: the project's
// dependencies and the optional-dependencies groups of its features (pixi
// maps each group to a feature of the same name).
func (w *workspace) packages(env string) []string {
	pkgs := append([]string(nil), w.deps...)
	for _, f := range w.envs[env] {
		pkgs = append(pkgs, w.optional[f]...)
	}
	return pkgs
}

func (w *workspace) prefix(env string) string { return filepath.Join(w.root, ".pixi", "envs", env) }

func (w *workspace) lockHash(env string) string {
	data, _ := os.ReadFile(w.lockPath())
	sum := sha256.Sum256(append(data, env...))
	return hex.EncodeToString(sum[:8])
}

// marker is pixi's conda-meta/pixi.
type marker struct {
	ManifestPath    string `json:"manifest_path"`
	EnvironmentName string `json:"environment_name"`
	PixiVersion     string `json:"pixi_version"`
	LockHash        string `json:"environment_lock_file_hash"`
}

func (w *workspace) installed(env string) bool {
	data, err := os.ReadFile(filepath.Join(w.prefix(env), "conda-meta", "pixi"))
	var m marker
	return err == nil && json.Unmarshal(data, &m) == nil && m.LockHash == w.lockHash(env)
}

func (w *workspace) install(env string, o options) {
	prefix := w.prefix(env)
	if w.installed(env) {
		fmt.Fprintf(os.Stderr, "✔ The %s environment has been installed.\n", env)
		return
	}
	py := os.Getenv("PIXI_STANDIN_PYTHON")
	if py == "" {
		fail("the pixi stand-in needs PIXI_STANDIN_PYTHON, a real Python to make environments with")
	}
	if _, err := os.Stat(filepath.Join(prefix, "bin", "python")); err != nil {
		quiet(exec.Command(py, "-m", "venv", prefix))
	}
	if os.Getenv("PIXI_STANDIN_FAIL") == "install" {
		fail("failed to install the %s environment (PIXI_STANDIN_FAIL)", env)
	}
	if pkgs := w.packages(env); len(pkgs) > 0 {
		quiet(exec.Command(filepath.Join(prefix, "bin", "python"), append([]string{"-m", "pip", "install", "-q"}, pkgs...)...))
	}
	if err := os.MkdirAll(filepath.Join(prefix, "conda-meta"), 0o755); err != nil {
		fail("%v", err)
	}
	data, _ := json.MarshalIndent(marker{w.manifest, env, version, w.lockHash(env)}, "", "  ")
	if err := os.WriteFile(filepath.Join(prefix, "conda-meta", "pixi"), data, 0o644); err != nil {
		fail("%v", err)
	}
	fmt.Fprintf(os.Stderr, "✔ The %s environment has been installed.\n", env)
}

func quiet(cmd *exec.Cmd) {
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fail("%s: %v", strings.Join(cmd.Args, " "), err)
	}
}

func (w *workspace) run(env string, o options) {
	if !w.installed(env) {
		w.install(env, o)
	}
	prefix := w.prefix(env)
	vars := map[string]string{
		"PATH":                       filepath.Join(prefix, "bin") + ":" + os.Getenv("PATH"),
		"CONDA_PREFIX":               prefix,
		"CONDA_DEFAULT_ENV":          w.name + ":" + env,
		"PIXI_PROJECT_ROOT":          w.root,
		"PIXI_PROJECT_NAME":          w.name,
		"PIXI_PROJECT_MANIFEST":      w.manifest,
		"PIXI_PROJECT_VERSION":       "NO_VERSION_SPECIFIED",
		"PIXI_ENVIRONMENT_NAME":      env,
		"PIXI_ENVIRONMENT_PLATFORMS": "linux-64",
		"PIXI_PROMPT":                "(" + w.name + ":" + env + ") ",
		"PIXI_IN_SHELL":              "1",
		"INIT_CWD":                   mustWd(),
	}
	if env == "default" {
		vars["CONDA_DEFAULT_ENV"], vars["PIXI_PROMPT"] = w.name, "("+w.name+") "
	}
	if exe, err := os.Executable(); err == nil {
		vars["PIXI_EXE"] = exe
	}
	environ := os.Environ()
	for k, v := range vars {
		environ = append(environ, k+"="+v)
	}
	path, err := lookIn(o.rest[0], vars["PATH"])
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: command not found\n", o.rest[0])
		os.Exit(127)
	}
	cmd := exec.Command(path, o.rest[1:]...)
	cmd.Args[0] = o.rest[0]
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = environ, os.Stdin, os.Stdout, os.Stderr
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2)
	if err := cmd.Start(); err != nil {
		fail("%v", err)
	}
	go func() {
		for s := range sigs {
			cmd.Process.Signal(s)
		}
	}()
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		signal.Reset(ws.Signal())
		syscall.Kill(os.Getpid(), ws.Signal())
	}
	os.Exit(cmd.ProcessState.ExitCode())
}

func lookIn(cmd, path string) (string, error) {
	if strings.Contains(cmd, "/") {
		return cmd, nil
	}
	for _, d := range filepath.SplitList(path) {
		p := filepath.Join(d, cmd)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}
