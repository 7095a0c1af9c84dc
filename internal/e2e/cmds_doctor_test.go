package e2e_test

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/doctor"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
	"github.com/rogpeppe/go-internal/testscript"
)

// The testscript commands that read doctor's report: its JSON shape, the
// golden form, and the torch stand-in doctor --torch asks.

// json-valid stdout: the last command's stdout decodes as JSON into the
// doctor report's shape, and encodes back to the same value.
func cmdJSONValid(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 || args[0] != "stdout" {
		ts.Fatalf("usage: json-valid stdout")
	}
	var rep doctor.Report
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile("stdout")))
	dec.DisallowUnknownFields()
	ts.Check(dec.Decode(&rep))
	again, err := json.Marshal(rep)
	ts.Check(err)
	var back doctor.Report
	ts.Check(json.Unmarshal(again, &back))
	if !reflect.DeepEqual(rep, back) {
		ts.Fatalf("the report does not survive a JSON round trip")
	}
	if rep.GPU.Root == "" || rep.Checkout.Path == "" || len(rep.Settings) == 0 {
		ts.Fatalf("the report lacks its main parts: %+v", rep)
	}
}

// torch-standin DIR cpu|cuda: a wheel of a stand-in for torch (torch
// itself cannot be installed here) that answers the questions doctor
// --torch asks as a CPU build, or as a CUDA 12.6 build that sees one GPU.
func cmdTorchStandin(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || (args[1] != "cpu" && args[1] != "cuda") {
		ts.Fatalf("usage: torch-standin DIR cpu|cuda")
	}
	cuda, available, devices := "None", "False", "[]"
	if args[1] == "cuda" {
		cuda, available, devices = `"12.6"`, "True", `["NVIDIA Stand-in GPU"]`
	}
	src := fmt.Sprintf(`# A stand-in for torch, for doctor --torch: not the real thing.
__version__ = "2.9.1+%s"
class _Version:
    cuda = %s
    hip = None
version = _Version()
class _Cuda:
    _devices = %s
    @staticmethod
    def is_available():
        return %s
    @classmethod
    def device_count(cls):
        return len(cls._devices)
    @classmethod
    def get_device_name(cls, i):
        return cls._devices[i]
cuda = _Cuda()
class _MPS:
    @staticmethod
    def is_available():
        return False
class _Backends:
    mps = _MPS()
backends = _Backends()
`, args[1], cuda, devices, available)
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	_, err := testkit.BuildWheel(dir, "torch", "2.9.1", map[string]string{"torch/__init__.py": src})
	ts.Check(err)
}

// goldenPlaceholders are the fields of doctor's JSON, by their path
// (keys joined by ".", "[]" for each element of a list), whose values differ
// from machine to machine, each with the placeholder the golden form
// writes for it. A field is named by its whole path, so a new field of the
// same key elsewhere keeps its value in the golden file.
var goldenPlaceholders = map[string]string{
	"launcher.version":           "<version>",
	"launcher.revision":          "<revision>",
	"go":                         "<go version>",
	"os":                         "<os>",
	"arch":                       "<arch>",
	"environment.python_version": "<python version>",
	// machine: where $WORK's filesystem is mounted and what is free there
	// (it changes from run to run), the Python's version and
	// platform.machine().
	"machine.disk[].mount":   "<mount>",
	"machine.disk[].free":    "<free>",
	"machine.python.version": "<python version>",
	"machine.python.machine": "<machine>",
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// doctor-golden stdout FILE: the last command's stdout, a doctor --json
// report, written to FILE with what differs from run to run and machine to
// machine in placeholders: this run's folder ($WORK), the launcher's and
// the Python's paths, and the versions of the launcher, Go and Python.
func cmdDoctorGolden(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || args[0] != "stdout" {
		ts.Fatalf("usage: doctor-golden stdout FILE")
	}
	var rep any
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile("stdout")))
	dec.UseNumber()
	ts.Check(dec.Decode(&rep))
	work := ts.Getenv("WORK")
	var walk func(path string, v any) any
	walk = func(path string, v any) any {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				v[k] = walk(joinPath(path, k), x)
			}
			return v
		case []any:
			for i, x := range v {
				v[i] = walk(path+"[]", x)
			}
			return v
		case json.Number:
			if p, ok := goldenPlaceholders[path]; ok {
				return p
			}
			return v
		case string:
			if p, ok := goldenPlaceholders[path]; ok && v != "" {
				return p
			}
			v = strings.ReplaceAll(v, s.launcher, "$LAUNCHER")
			v = strings.ReplaceAll(v, s.python.Path, "$PYTHON")
			return strings.ReplaceAll(v, work, "$WORK")
		}
		return v
	}
	var normal strings.Builder
	enc := json.NewEncoder(&normal)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	ts.Check(enc.Encode(walk("", rep)))
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(normal.String()), 0o644))
}
