package main

import (
	"encoding/json"
	"os/exec"
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
