package envspec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadConstantsBuiltIn(t *testing.T) {
	k, err := ReadConstants(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if k.PythonVersionMinimum != "3.10" || k.PythonVersionTooHigh != "3.14" || k.CondaUsePythonVersion != "3.13" {
		t.Errorf("built-ins: %+v", k)
	}
	if k.Source["OT_PYTHON_VERSION_MINIMUM"] != "built-in" {
		t.Errorf("source: %v", k.Source)
	}
}

func TestReadConstantsFromLibInclude(t *testing.T) {
	dir := t.TempDir()
	lib := `#!/usr/bin/env bash
export OT_PYTHON_CMD="${OT_PYTHON_CMD:-python}"
# Internal environment variables.
export OT_PYTHON_VERSION_MINIMUM="3.11"
  export OT_PYTHON_VERSION_TOO_HIGH='3.15'
export OT_CONDA_USE_PYTHON_VERSION=3.12.4
`
	if err := os.WriteFile(filepath.Join(dir, LibInclude), []byte(lib), 0o644); err != nil {
		t.Fatal(err)
	}
	k, err := ReadConstants(dir)
	if err != nil {
		t.Fatal(err)
	}
	if k.PythonVersionMinimum != "3.11" || k.PythonVersionTooHigh != "3.15" || k.CondaUsePythonVersion != "3.12.4" {
		t.Errorf("got %+v", k)
	}
	if k.Source["OT_PYTHON_VERSION_MINIMUM"] != "lib.include.sh:4" {
		t.Errorf("source: %v", k.Source)
	}
}

func TestReadConstantsRejectsNonVersion(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, LibInclude), []byte("export OT_PYTHON_VERSION_TOO_HIGH=\"$(get)\"\n"), 0o644)
	_, err := ReadConstants(dir)
	if err == nil || !strings.Contains(err.Error(), "lib.include.sh:1") {
		t.Fatalf("want an error naming the line, got %v", err)
	}
}

func TestExport(t *testing.T) {
	c, err := Parse(Environ{"OT_CUDA_LOWMEM_MODE=yes", "PATH=/bin"})
	if err != nil {
		t.Fatal(err)
	}
	k, _ := ReadConstants(t.TempDir())
	e := Export(Environ{"PATH=/bin", "OT_CUDA_LOWMEM_MODE=yes"}, "/ot", c, k)
	for key, want := range map[string]string{
		"SCRIPT_DIR": "/ot", "OT_CUDA_LOWMEM_MODE": "true", "OT_PYTHON_VENV": ".venv",
		"PYTORCH_CUDA_ALLOC_CONF": LowmemAllocConf, "OT_PYTHON_VERSION_TOO_HIGH": "3.14",
		"OT_UPDATE_METADATA_FILE": "/ot/update.var", "OT_MUST_INSTALL_REQUIREMENTS": "false", "PATH": "/bin",
	} {
		if got := e.Get(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	c, _ = Parse(Environ{})
	e = Export(Environ{"PYTORCH_CUDA_ALLOC_CONF=mine"}, "/ot", c, k)
	if e.Get("PYTORCH_CUDA_ALLOC_CONF") != "mine" {
		t.Errorf("a user's own PYTORCH_CUDA_ALLOC_CONF was changed without low-memory mode")
	}
}
