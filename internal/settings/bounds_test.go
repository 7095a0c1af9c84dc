package settings

import (
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

func TestReadConstants(t *testing.T) {
	for _, tc := range []struct {
		name, lib             string // lib "": no lib.include.sh
		min, tooHigh, conda   string
		minSource, wantErrHas string
	}{
		{name: "no lib.include.sh", min: "3.10", tooHigh: "3.14", conda: "3.13", minSource: "built-in"},
		{name: "values set", lib: "#!/usr/bin/env bash\n" +
			"export OT_PYTHON_CMD=\"${OT_PYTHON_CMD:-python}\"\n" +
			"# Internal environment variables.\n" +
			"export OT_PYTHON_VERSION_MINIMUM=\"3.11\"\n" +
			"  export OT_PYTHON_VERSION_TOO_HIGH='3.15'\n" +
			"export\tOT_CONDA_USE_PYTHON_VERSION=3.12.4\n",
			min: "3.11", tooHigh: "3.15", conda: "3.12.4", minSource: "lib.include.sh:4"},
		{name: "look-alikes do not count", lib: "export OT_PYTHON_VERSION_MINIMUM_OLD=\"2.7\"\n" +
			"exportOT_PYTHON_VERSION_MINIMUM=\"2.6\"\n# export OT_PYTHON_VERSION_MINIMUM=\"2.5\"\n",
			min: "3.10", tooHigh: "3.14", conda: "3.13", minSource: "built-in"},
		{name: "not a version", lib: "export OT_PYTHON_VERSION_TOO_HIGH=\"3.x\"\n", wantErrHas: "lib.include.sh:1"},
		{name: "not evaluable: the built-in value stands", lib: "export OT_PYTHON_VERSION_TOO_HIGH=\"$(get)\"\n",
			min: "3.10", tooHigh: "3.14", conda: "3.13", minSource: "built-in"},
	} {
		var srcs []upstream.Source
		if tc.lib != "" {
			srcs = append(srcs, upstream.Source{Name: layout.LibFile, Data: []byte(tc.lib)})
		}
		f := upstream.Extract("/ot", "Linux", srcs)
		k, err := ConstantsOf(f)
		if tc.wantErrHas != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErrHas) {
				t.Errorf("%s: want an error naming %s, got %v", tc.name, tc.wantErrHas, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if k.PythonVersionMinimum != tc.min || k.PythonVersionTooHigh != tc.tooHigh || k.CondaUsePythonVersion != tc.conda ||
			k.Source["OT_PYTHON_VERSION_MINIMUM"] != tc.minSource {
			t.Errorf("%s: got %+v", tc.name, k)
		}
	}
}

func TestExport(t *testing.T) {
	c, err := parse(environ.List{"OT_CUDA_LOWMEM_MODE=yes", "PATH=/bin"})
	if err != nil {
		t.Fatal(err)
	}
	f := upstream.Builtin("/ot")
	e := Export(environ.List{"PATH=/bin", "OT_CUDA_LOWMEM_MODE=yes"}, "/ot", host.Host{GOOS: "linux"}, c, &f, "start-ui.sh")
	for key, want := range map[string]string{
		"SCRIPT_DIR": "/ot", "OT_CUDA_LOWMEM_MODE": "true", "OT_PYTHON_VENV": ".venv",
		"PYTORCH_CUDA_ALLOC_CONF": "garbage_collection_threshold:0.6,max_split_size_mb:128", "OT_PYTHON_VERSION_TOO_HIGH": "3.14",
		"OT_UPDATE_METADATA_FILE": "/ot/update.var", "OT_MUST_INSTALL_REQUIREMENTS": "false", "PATH": "/bin",
	} {
		if got := e.Get(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	c, _ = parse(environ.List{})
	e = Export(environ.List{"PYTORCH_CUDA_ALLOC_CONF=mine"}, "/ot", host.Host{GOOS: "linux"}, c, &f, "start-ui.sh")
	if e.Get("PYTORCH_CUDA_ALLOC_CONF") != "mine" {
		t.Errorf("a user's own PYTORCH_CUDA_ALLOC_CONF was changed without low-memory mode")
	}
}
