package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// layers are the launcher's packages from the top down, as docs/design.md
// draws them: a package imports only packages of the layers below its own.
// A new package gets a layer here, or this test fails.
var layers = [][]string{
	{"."},
	{"internal/cli"},
	{"internal/doctor"},
	{"internal/pyenv"},
	{"internal/launch"},
	{"internal/checkout", "internal/gpu"},
	{"internal/settings"},
	{"internal/upstream", "internal/gitx"},
	{"internal/proc", "internal/checkout/layout", "internal/host"},
	{"internal/out", "internal/pathutil", "internal/environ", "internal/pyversion", "internal/buildinfo"},
}

const module = "github.com/onetrainer-launcher/onetrainer-launcher"

func TestPackagesImportOnlyDownward(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH:", err)
	}
	level := map[string]int{}
	for i, l := range layers {
		for _, p := range l {
			level[strings.TrimSuffix(module+"/"+p, "/.")] = i
		}
	}
	out, err := exec.Command(goTool, "list", "-json=ImportPath,Imports", "./...").Output()
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(p.ImportPath, "/internal/e2e") || strings.Contains(p.ImportPath, "/internal/cmd/") || strings.HasSuffix(p.ImportPath, "/internal/testkit") {
			continue // tests and tools: they may use anything
		}
		mine, ok := level[p.ImportPath]
		if !ok {
			t.Errorf("%s has no layer in layers_test.go (and docs/design.md)", p.ImportPath)
			continue
		}
		seen++
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			if theirs, ok := level[imp]; ok && theirs <= mine {
				t.Errorf("%s imports %s, which is not below it", p.ImportPath, imp)
			}
		}
	}
	if seen < len(level) {
		t.Errorf("go list showed %d of the %d packages of layers_test.go", seen, len(level))
	}
}

// Every path of a checkout is spelled once, in internal/checkout/layout:
// a string literal elsewhere that is one of its names (or ends in one, as
// a path) fails here; use the constant.
func TestCheckoutPathsSpelledOnce(t *testing.T) {
	fset := token.NewFileSet()
	lf, err := parser.ParseFile(fset, filepath.Join("internal", "checkout", "layout", "layout.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	ast.Inspect(lf, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok {
			for i, id := range vs.Names {
				if i < len(vs.Values) && id.IsExported() {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						names[v] = id.Name
					}
				}
			}
		}
		return true
	})
	if len(names) < 10 {
		t.Fatalf("found only %d names in layout.go", len(names))
	}
	err = filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (p == filepath.Join("internal", "e2e") || p == filepath.Join("internal", "cmd") || p == filepath.Join("internal", "testkit") ||
			p == filepath.Join("internal", "checkout", "layout") || strings.HasPrefix(d.Name(), ".") && p != ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			v, _ := strconv.Unquote(lit.Value)
			for name, c := range names {
				if v == name || strings.HasSuffix(v, "/"+name) {
					t.Errorf("%s: %q spells layout.%s", fset.Position(lit.Pos()), v, c)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Every OT_* variable is spelled once: a string literal of a non-test Go
// file that is an OT_* name, or starts with one ("OT_X=%q ..."), names it
// in that file only, and a name of internal/upstream/vars.go (the table of
// the user's settings and the checkout's other variables) nowhere else;
// use its constant. Tools and tests count too (internal/cmd, testkit), so
// the bench spells no setting of its own.
func TestSettingNamesSpelledOnce(t *testing.T) {
	table := filepath.Join("internal", "upstream", "vars.go")
	name := regexp.MustCompile(`^OT_[A-Z0-9_]*[A-Z0-9]`)
	fset := token.NewFileSet()
	files := map[string]map[string]bool{} // name → the files that spell it
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != "." || d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			v, _ := strconv.Unquote(lit.Value)
			if m := name.FindString(v); m != "" {
				if files[m] == nil {
					files[m] = map[string]bool{}
				}
				files[m][p] = true
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	inTable := 0
	for n, in := range files {
		if in[table] {
			inTable++
		}
		if len(in) > 1 || in[table] && len(in) != 1 {
			var list []string
			for p := range in {
				list = append(list, p)
			}
			slices.Sort(list)
			t.Errorf("%s is spelled in %d files: %s; spell it once (internal/upstream/vars.go's constant)", n, len(list), strings.Join(list, ", "))
		}
	}
	if inTable < 15 {
		t.Errorf("found only %d names in %s", inTable, table)
	}
}
