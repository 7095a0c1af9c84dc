package testkit

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// Upstream is a checkout's launch files held in memory to be edited as
// upstream or a user would edit them, then written: OneTrainer's own at a
// fixture commit (FixtureUpstream), this package's framework
// (FrameworkUpstream), or what a checkout holds (ReadUpstream).
//
// Every edit names its file and the line it goes by, and returns the
// Upstream, so that a test of an upstream edit is one chain:
//
//	up := testkit.FixtureUpstream(t, "23df3832").
//		AddFunction("check_gpu_memory", `print "GPU memory: enough"`).
//		Before("start-ui.sh", "prepare_runtime_environment", "check_gpu_memory")
//	err := up.Write(dir)
//
// An edit that does not apply (no such file, no such line or more than one,
// a function already there) is not made; the first such error is kept, and
// Err and Write return it, naming the edit.
type Upstream struct {
	files map[string]string
	err   error
}

// LibFile is the launch files' function library, where AddFunction,
// ReplaceFunction, SetDefault and SetConstant edit.
const LibFile = "lib.include.sh"

// FrameworkUpstream is this package's framework (frameworkLib and
// frameworkScripts): the shape of OneTrainer's launch files, which the
// launcher follows but which is not meant to run.
func FrameworkUpstream() *Upstream {
	u := &Upstream{files: frameworkScripts()}
	u.files[LibFile] = frameworkLib
	return u
}

// FixtureUpstream is OneTrainer's own files at a fixture commit (the first
// 8 hex digits of its hash, "23df3832"): every file of its folder but the
// MANIFEST, which runs as it is. It skips the test where the fixtures are
// missing, as Fixture does.
func FixtureUpstream(t testing.TB, commit string) *Upstream {
	t.Helper()
	u, err := ReadUpstream(Fixture(t, commit))
	if err != nil {
		t.Fatal(err)
	}
	delete(u.files, "MANIFEST")
	return u
}

// ReadUpstream holds the launch files in dir: every file at its top named
// *.sh, and pyproject.toml and pixi.lock where there (what the pixi family
// reads), plus, for a fixture's folder, the scripts it keeps. A launch
// script that is a link to the launcher is read from where link keeps
// git's copy.
func ReadUpstream(dir string) (*Upstream, error) {
	u := &Upstream{files: map[string]string{}}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() {
			if path != dir && (strings.HasPrefix(d.Name(), ".") || !isFixture(dir)) {
				return filepath.SkipDir
			}
			return nil
		}
		top := !strings.Contains(rel, string(filepath.Separator))
		if top && !strings.HasSuffix(rel, ".sh") && rel != "pyproject.toml" && rel != "pixi.lock" && !isFixture(dir) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			path = filepath.Join(stateDir(dir), "upstream", rel)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		u.files[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the launch files of %s: %w", dir, err)
	}
	if _, ok := u.files[LibFile]; !ok {
		return nil, fmt.Errorf("%s holds no %s", dir, LibFile)
	}
	return u, nil
}

// isFixture reports a fixture's folder, whose every file is a launch
// file (or a script they run).
func isFixture(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "MANIFEST"))
	return err == nil
}

// Files is the names of the files held, sorted.
func (u *Upstream) Files() []string {
	names := make([]string, 0, len(u.files))
	for n := range u.files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// File is the text of the file name ("" when there is none).
func (u *Upstream) File(name string) string { return u.files[name] }

// Err is the first edit that did not apply, or nil.
func (u *Upstream) Err() error { return u.err }

func (u *Upstream) fail(format string, args ...any) *Upstream {
	if u.err == nil {
		u.err = fmt.Errorf(format, args...)
	}
	return u
}

// edit applies change to the file name, keeping its error as Err's.
func (u *Upstream) edit(what, name string, change func(text string) (string, error)) *Upstream {
	if u.err != nil {
		return u
	}
	text, ok := u.files[name]
	if !ok {
		return u.fail("%s: there is no %s (the files are %s)", what, name, strings.Join(u.Files(), ", "))
	}
	text, err := change(text)
	if err != nil {
		return u.fail("%s: %s: %v", what, name, err)
	}
	u.files[name] = text
	return u
}

// Edit changes the file name as change says: any edit the others do not
// make.
func (u *Upstream) Edit(name string, change func(text string) (string, error)) *Upstream {
	return u.edit("Edit", name, change)
}

// Replace sets the file name to body whole: a script rewritten, or a new
// file.
func (u *Upstream) Replace(name, body string) *Upstream {
	if u.err == nil {
		u.files[name] = body
	}
	return u
}

// Before inserts step (one line or more) before the one line of the file
// name whose text, spaces around it aside, is line; each inserted line
// takes that line's indentation.
func (u *Upstream) Before(name, line, step string) *Upstream {
	return u.edit(fmt.Sprintf("Before(%q)", line), name, func(text string) (string, error) { return insert(text, line, step, 0) })
}

// After inserts step after the one line line, as Before does.
func (u *Upstream) After(name, line, step string) *Upstream {
	return u.edit(fmt.Sprintf("After(%q)", line), name, func(text string) (string, error) { return insert(text, line, step, 1) })
}

func insert(text, line, step string, offset int) (string, error) {
	lines := strings.SplitAfter(text, "\n")
	at := -1
	var seen []string
	for i, l := range lines {
		if strings.TrimSpace(l) == strings.TrimSpace(line) {
			seen = append(seen, fmt.Sprint(i+1))
			at = i
		}
	}
	switch {
	case len(seen) == 0:
		return "", fmt.Errorf("no line is %q", line)
	case len(seen) > 1:
		return "", fmt.Errorf("%d lines are %q (lines %s): name one that is there once, or use Edit", len(seen), line, strings.Join(seen, ", "))
	}
	indent := lines[at][:len(lines[at])-len(strings.TrimLeft(lines[at], " \t"))]
	var add strings.Builder
	for _, s := range strings.Split(strings.TrimRight(step, "\n"), "\n") {
		if s != "" {
			add.WriteString(indent)
		}
		add.WriteString(s + "\n")
	}
	if !strings.HasSuffix(lines[at], "\n") {
		lines[at] += "\n"
	}
	out := append([]string(nil), lines[:at+offset]...)
	out = append(out, add.String())
	return strings.Join(append(out, lines[at+offset:]...), ""), nil
}

// functionRE finds the line that opens a function's definition, in either
// of Bash's forms (`function NAME {`, `NAME() {`).
func functionRE(name string) *regexp.Regexp {
	q := regexp.QuoteMeta(name)
	return regexp.MustCompile(`(?m)^(?:function[ \t]+` + q + `(?:[ \t]*\(\))?|` + q + `[ \t]*\(\))[ \t]*\{[ \t]*\n`)
}

// AddFunction appends a function to lib.include.sh: `function NAME {`, the
// body (indented by four spaces where a line is not), `}`.
func (u *Upstream) AddFunction(name, body string) *Upstream {
	return u.edit("AddFunction("+name+")", LibFile, func(text string) (string, error) {
		if functionRE(name).MatchString(text) {
			return "", fmt.Errorf("it defines %s already: use ReplaceFunction", name)
		}
		if !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		return text + "\nfunction " + name + " {\n" + indentBody(body) + "}\n", nil
	})
}

// ReplaceFunction sets the body of a function of lib.include.sh: what lies
// between its opening line and the first line after it that is `}` alone.
func (u *Upstream) ReplaceFunction(name, body string) *Upstream {
	return u.edit("ReplaceFunction("+name+")", LibFile, func(text string) (string, error) {
		loc := functionRE(name).FindAllStringIndex(text, -1)
		if len(loc) != 1 {
			return "", fmt.Errorf("%d definitions of %s", len(loc), name)
		}
		start := loc[0][1]
		end := strings.Index(text[start:], "\n}")
		if strings.HasPrefix(text[start:], "}") {
			end = -1
		} else if end < 0 {
			return "", fmt.Errorf("%s's definition has no closing `}` at the start of a line", name)
		}
		return text[:start] + indentBody(body) + text[start+end+1:], nil
	})
}

func indentBody(body string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
		if l != "" && !strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "\t") {
			b.WriteString("    ")
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}

// SetDefault gives the user variable name the default value, as the launch
// files spell one: `export NAME="${NAME:-VALUE}"`. An existing line for
// name is changed where it is; else the line is added after the last line
// of that form in lib.include.sh (a new setting upstream).
func (u *Upstream) SetDefault(name, value string) *Upstream {
	return u.edit("SetDefault("+name+")", LibFile, func(text string) (string, error) {
		line := `export ` + name + `="${` + name + `:-` + value + `}"`
		q := regexp.QuoteMeta(name)
		if re := regexp.MustCompile(`(?m)^export ` + q + `="\$\{` + q + `:-.*\}"[ \t]*$`); re.MatchString(text) {
			return re.ReplaceAllLiteralString(text, line), nil
		}
		all := regexp.MustCompile(`(?m)^export (OT_\w+)="\$\{(OT_\w+):-.*\}"[ \t]*\n`).FindAllStringSubmatchIndex(text, -1)
		if len(all) == 0 {
			return "", fmt.Errorf("it has no line export OT_NAME=\"${OT_NAME:-…}\" to add %s after", name)
		}
		end := all[len(all)-1][1]
		return text[:end] + line + "\n" + text[end:], nil
	})
}

// SetConstant changes the value of an existing `export NAME="…"` of
// lib.include.sh (the Python bounds, say).
func (u *Upstream) SetConstant(name, value string) *Upstream {
	return u.edit("SetConstant("+name+")", LibFile, func(text string) (string, error) {
		re := regexp.MustCompile(`export ` + regexp.QuoteMeta(name) + `="[^"\n]*"`)
		if !re.MatchString(text) {
			return "", fmt.Errorf("it exports no %s", name)
		}
		return re.ReplaceAllLiteralString(text, `export `+name+`="`+value+`"`), nil
	})
}

// Write writes the files into dir (the folders they need too): the launch
// scripts executable, the rest not. A file that is a link already (a
// checkout linked) gets its text where link keeps git's copies; nothing is
// written when an edit did not apply.
func (u *Upstream) Write(dir string) error {
	if u.err != nil {
		return u.err
	}
	state := stateDir(dir)
	for _, name := range u.Files() {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			path = filepath.Join(state, "upstream", filepath.FromSlash(name))
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if strings.HasSuffix(name, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(path, []byte(u.files[name]), mode); err != nil {
			return err
		}
	}
	return nil
}

// stateDir is the launcher's state folder in the checkout at dir: inside
// .git where there is one.
func stateDir(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
		return filepath.Join(dir, ".git", "onetrainer-launcher")
	}
	return filepath.Join(dir, ".onetrainer-launcher")
}
