// Command condastandin is a STAND-IN for conda, which cannot be installed on
// the machines these tests run on. It implements the few subcommands the
// launcher and the original scripts use, with conda's real layout and
// output formats:
//
//   - the root prefix is the parent of the folder holding this binary
//     (<root>/bin/conda), envs live in <root>/envs/NAME (or CONDA_ENVS_PATH's
//     first folder), each with conda-meta/, and each is recorded in
//     ~/.conda/environments.txt;
//   - an env is a real venv made by a real Python (CONDA_STANDIN_PYTHON),
//     whatever python== version is asked for; as conda links an env from
//     its package cache, the stand-in copies it from a venv it made once
//     in its own cache (CONDA_STANDIN_PKGS, else <root>/pkgs), which
//     spares every test but the first Python's ensurepip;
//   - `run` puts <prefix>/bin first in PATH, sets CONDA_PREFIX and
//     CONDA_DEFAULT_ENV, and execs the command;
//   - CONDA_STANDIN_FAIL=create[:STATUS] makes `create` fail as conda's does
//     when its channel cannot be reached (CondaHTTPError), with STATUS (1).
//
// Every call is appended to CONDA_STANDIN_LOG, one line of quoted arguments.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	logCall()
	args := os.Args[1:]
	if len(args) == 0 {
		fail("usage: conda COMMAND ...")
	}
	switch {
	case args[0] == "info" && has(args, "--envs"), args[0] == "env" && len(args) > 1 && args[1] == "list":
		listEnvs(has(args, "--json"))
	case args[0] == "create":
		create(args[1:])
	case args[0] == "run":
		run(args[1:])
	case args[0] == "remove":
		remove(args[1:])
	default:
		fail("conda stand-in: unsupported command %q", strings.Join(args, " "))
	}
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
	os.Exit(1)
}

func has(args []string, flag string) bool {
	for _, a := range args {
		if a == flag {
			return true
		}
	}
	return false
}

func logCall() {
	path := os.Getenv("CONDA_STANDIN_LOG")
	if path == "" {
		return
	}
	q := make([]string, len(os.Args))
	for i, a := range os.Args {
		q[i] = strconv.Quote(a)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		fail("conda stand-in: log: %v", err)
	}
	fmt.Fprintln(f, strings.Join(q, " "))
	f.Close()
}

func root() string {
	exe, err := os.Executable()
	if err != nil {
		fail("%v", err)
	}
	return filepath.Dir(filepath.Dir(exe))
}

func envsDirs() []string {
	var dirs []string
	for _, v := range []string{"CONDA_ENVS_PATH", "CONDA_ENVS_DIRS"} {
		for _, d := range filepath.SplitList(os.Getenv(v)) {
			if d != "" {
				dirs = append(dirs, d)
			}
		}
	}
	return append(dirs, filepath.Join(root(), "envs"))
}

func environmentsTxt() string {
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".conda", "environments.txt")
}

func knownEnvs() []string {
	seen := map[string]bool{}
	envs := []string{root()}
	seen[root()] = true
	add := func(p string) {
		if !seen[p] && isEnv(p) {
			seen[p] = true
			envs = append(envs, p)
		}
	}
	for _, d := range envsDirs() {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			add(filepath.Join(d, e.Name()))
		}
	}
	if f, err := os.Open(environmentsTxt()); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if p := strings.TrimSpace(sc.Text()); p != "" {
				add(p)
			}
		}
		f.Close()
	}
	return envs
}

func isEnv(p string) bool {
	fi, err := os.Stat(filepath.Join(p, "conda-meta"))
	return err == nil && fi.IsDir()
}

// name is how conda names an env: base for the root, the folder's name for
// an env inside an envs dir, nothing for any other.
func name(p string) string {
	if p == root() {
		return "base"
	}
	for _, d := range envsDirs() {
		if filepath.Dir(p) == filepath.Clean(d) {
			return filepath.Base(p)
		}
	}
	return ""
}

func listEnvs(asJSON bool) {
	envs := knownEnvs()
	if asJSON {
		json.NewEncoder(os.Stdout).Encode(map[string]any{"envs": envs, "envs_dirs": envsDirs(), "root_prefix": root()})
		return
	}
	fmt.Println("# conda environments:")
	fmt.Println("#")
	active := os.Getenv("CONDA_PREFIX")
	for _, p := range envs {
		mark := " "
		if p == active {
			mark = "*"
		}
		fmt.Printf("%-25s %s  %s\n", name(p), mark, p)
	}
}

// target reads -n NAME / --name NAME / -p PATH / --prefix PATH.
func target(args []string) (prefix string, rest []string) {
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-n", "--name":
			if i+1 < len(args) {
				n := args[i+1]
				if n == "base" {
					prefix = root()
				} else {
					prefix = filepath.Join(envsDirs()[0], n)
					for _, p := range knownEnvs() {
						if name(p) == n {
							prefix = p
						}
					}
				}
				i++
				continue
			}
		case "-p", "--prefix":
			if i+1 < len(args) {
				prefix, _ = filepath.Abs(args[i+1])
				i++
				continue
			}
		}
		rest = append(rest, args[i])
	}
	if prefix == "" {
		fail("conda stand-in: give -n NAME or -p PATH")
	}
	return prefix, rest
}

func create(args []string) {
	prefix, rest := target(args)
	if how, ok := strings.CutPrefix(os.Getenv("CONDA_STANDIN_FAIL"), "create"); ok {
		// CONDA_STANDIN_FAIL=create[:STATUS]: the create fails as conda's
		// does when it cannot reach its channel, making nothing.
		code, err := strconv.Atoi(strings.TrimPrefix(how, ":"))
		if err != nil {
			code = 1
		}
		fmt.Fprintf(os.Stderr, "\nCondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://conda.anaconda.org/conda-forge/%s/repodata.json>\nElapsed: -\n\nAn HTTP error occurred when trying to retrieve this URL.\nHTTP errors are often intermittent, and a simple retry will get you on your way.\n", "linux-64")
		os.Exit(code)
	}
	if isEnv(prefix) {
		fail("CondaValueError: prefix already exists: %s", prefix)
	}
	python := os.Getenv("CONDA_STANDIN_PYTHON")
	if python == "" {
		fail("conda stand-in: CONDA_STANDIN_PYTHON names no Python to make envs with")
	}
	fmt.Printf("Channels and packages asked for: %s\n", strings.Join(rest, " "))
	cached := cachedEnv(python)
	os.MkdirAll(filepath.Dir(prefix), 0o755)
	if out, err := exec.Command("cp", "-a", cached+"/.", prefix).CombinedOutput(); err != nil {
		fail("conda stand-in: making the env: %v\n%s", err, out)
	}
	os.MkdirAll(filepath.Join(prefix, "conda-meta"), 0o755)
	os.WriteFile(filepath.Join(prefix, "conda-meta", "history"), []byte("==> created by the conda stand-in <==\n# cmd: "+strings.Join(os.Args, " ")+"\n"), 0o644)
	os.MkdirAll(filepath.Dir(environmentsTxt()), 0o755)
	f, err := os.OpenFile(environmentsTxt(), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		fmt.Fprintln(f, prefix)
		f.Close()
	}
	fmt.Printf("#\n# To activate this environment, use\n#\n#     $ conda activate %s\n", prefix)
}

// cachedEnv is the cache's venv of python, made now if it is not there:
// in a folder of its own, renamed into place, so that two creates at once
// both find a whole one.
func cachedEnv(python string) string {
	pkgs := os.Getenv("CONDA_STANDIN_PKGS")
	if pkgs == "" {
		pkgs = filepath.Join(root(), "pkgs")
	}
	real, err := filepath.EvalSymlinks(python)
	if err != nil {
		fail("conda stand-in: CONDA_STANDIN_PYTHON: %v", err)
	}
	dir := filepath.Join(pkgs, "venv-"+strings.NewReplacer("/", "_", ".", "_").Replace(real))
	if _, err := os.Stat(filepath.Join(dir, "pyvenv.cfg")); err == nil {
		return dir
	}
	if err := os.MkdirAll(pkgs, 0o755); err != nil {
		fail("conda stand-in: %v", err)
	}
	tmp, err := os.MkdirTemp(pkgs, ".making-")
	if err != nil {
		fail("conda stand-in: %v", err)
	}
	cmd := exec.Command(python, "-m", "venv", filepath.Join(tmp, "env"))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		os.RemoveAll(tmp)
		fail("conda stand-in: making the env: %v", err)
	}
	if err := os.Rename(filepath.Join(tmp, "env"), dir); err != nil && !isDir(dir) {
		fail("conda stand-in: %v", err)
	}
	os.RemoveAll(tmp)
	return dir
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func run(args []string) {
	prefix, rest := target(args)
	if !isEnv(prefix) {
		fail("EnvironmentLocationNotFound: Not a conda environment: %s", prefix)
	}
	var cmdArgs []string
	for i, a := range rest {
		if a == "--no-capture-output" || a == "--live-stream" {
			continue
		}
		cmdArgs = rest[i:]
		break
	}
	if len(cmdArgs) == 0 {
		fail("conda stand-in: run needs a command")
	}
	os.Setenv("PATH", filepath.Join(prefix, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	os.Setenv("CONDA_PREFIX", prefix)
	n := name(prefix)
	if n == "" {
		n = prefix
	}
	os.Setenv("CONDA_DEFAULT_ENV", n)
	path, err := exec.LookPath(cmdArgs[0])
	if err != nil {
		fail("conda stand-in: %v", err)
	}
	fail("%v", syscall.Exec(path, cmdArgs, os.Environ()))
}

func remove(args []string) {
	prefix, _ := target(args)
	if !isEnv(prefix) {
		fail("EnvironmentLocationNotFound: Not a conda environment: %s", prefix)
	}
	if err := os.RemoveAll(prefix); err != nil {
		fail("%v", err)
	}
}
