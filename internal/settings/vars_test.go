package settings

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// parse is Parse without a settings file, for a checkout that says nothing:
// the built-in defaults.
func parse(env environ.List) (*Config, error) {
	f := upstream.Builtin("/ot")
	return Parse(env, nil, &f)
}

func TestParseDefaults(t *testing.T) {
	c, err := parse(environ.List{"PATH=/bin", "OT_PYTHON_VENV="})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"OT_CONDA_CMD": "conda", "OT_CONDA_ENV": "onetrainer", "OT_PYTHON_CMD": "python",
		"OT_PYTHON_VENV": ".venv", "OT_PREFER_VENV": "false", "OT_CUDA_LOWMEM_MODE": "false",
		"OT_PLATFORM_REQUIREMENTS": "detect", "OT_SCRIPT_DEBUG": "false", "OT_LAZY_UPDATES": "false",
	}
	for k, v := range want {
		if c.Value(k) != v {
			t.Errorf("%s = %q, want %q", k, c.Value(k), v)
		}
		if c.Setting(k).Source != SourceDefault {
			t.Errorf("%s came from %s, not the default", k, c.Setting(k).Source)
		}
	}
	if len(c.Settings) != len(upstream.Vars) || c.Setting("OT_PYTHON_VENV").DefaultFrom != upstream.BuiltIn {
		t.Errorf("%d values for %d variables", len(c.Settings), len(upstream.Vars))
	}
}

func TestParseCondaExeDefault(t *testing.T) {
	c, err := parse(environ.List{"CONDA_EXE=/opt/conda/bin/conda"})
	if err != nil {
		t.Fatal(err)
	}
	if c.CondaCmd != "/opt/conda/bin/conda" {
		t.Errorf("OT_CONDA_CMD = %q, want $CONDA_EXE", c.CondaCmd)
	}
	c, _ = parse(environ.List{"CONDA_EXE=/opt/conda/bin/conda", "OT_CONDA_CMD=mamba"})
	if c.CondaCmd != "mamba" {
		t.Errorf("OT_CONDA_CMD = %q, want the explicit mamba", c.CondaCmd)
	}
}

func TestParseBooleans(t *testing.T) {
	for in, want := range map[string]bool{
		"true": true, "TRUE": true, "1": true, "yes": true, "On": true,
		"false": false, "False": false, "0": false, "no": false, "OFF": false,
	} {
		c, err := parse(environ.List{"OT_PREFER_VENV=" + in})
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if c.PreferVenv != want || c.Value("OT_PREFER_VENV") != map[bool]string{true: "true", false: "false"}[want] {
			t.Errorf("%q: got %v exported as %q", in, c.PreferVenv, c.Value("OT_PREFER_VENV"))
		}
	}
}

func TestParseRejectsBadValues(t *testing.T) {
	for _, tc := range []struct{ env, wantInErr string }{
		{"OT_PREFER_VENV=maybe", `OT_PREFER_VENV="maybe" is not a boolean`},
		{"OT_CUDA_LOWMEM_MODE=truee", `OT_CUDA_LOWMEM_MODE="truee"`},
		{"OT_SCRIPT_DEBUG= true", `OT_SCRIPT_DEBUG=" true"`},
		{"OT_LAZY_UPDATES=2", "use true or false"},
		{"OT_PYTHON_CMD=   ", `OT_PYTHON_CMD="   " holds only whitespace`},
		{"OT_PLATFORM_REQUIREMENTS=\t", "OT_PLATFORM_REQUIREMENTS"},
	} {
		c, err := parse(environ.List{tc.env})
		if err == nil {
			t.Errorf("%s accepted: %+v", tc.env, c)
			continue
		}
		if !strings.Contains(err.Error(), tc.wantInErr) {
			t.Errorf("%s: error %q does not contain %q", tc.env, err, tc.wantInErr)
		}
	}
}

func TestParseReportsEveryBadValue(t *testing.T) {
	_, err := parse(environ.List{"OT_PREFER_VENV=x", "OT_LAZY_UPDATES=y"})
	if err == nil || !strings.Contains(err.Error(), "OT_PREFER_VENV") || !strings.Contains(err.Error(), "OT_LAZY_UPDATES") {
		t.Fatalf("want both variables named, got %v", err)
	}
}

func TestEnvironLastWins(t *testing.T) {
	e := environ.List{"A=1", "B=2", "A=3"}
	if e.Get("A") != "3" {
		t.Errorf("Get(A) = %q", e.Get("A"))
	}
	e.Set("A", "4")
	if strings.Join(e, " ") != "B=2 A=4" {
		t.Errorf("after Set: %v", e)
	}
	e.Unset("B")
	if _, ok := e.Lookup("B"); ok {
		t.Errorf("B still set: %v", e)
	}
}

func TestGiven(t *testing.T) {
	c, err := parse(environ.List{"OT_PYTHON_CMD=python3.12", "OT_PYTHON_VENV="})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Given("OT_PYTHON_CMD") || c.Given("OT_PYTHON_VENV") || c.Given("OT_CONDA_CMD") {
		t.Errorf("Given: %+v", c.Settings)
	}
}

// docs/configuration.md's table is upstream.Vars: every row, in order,
// with its kind, built-in default, where a checkout's default comes from,
// and its one line (backticks aside), as --help prints them.
func TestConfigurationPageAgrees(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testkit.Root(), "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	var rows [][5]string
	for _, line := range strings.Split(string(data), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 8 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`OT_") {
			continue
		}
		clean := func(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "`", "") }
		rows = append(rows, [5]string{clean(cells[1]), clean(cells[2]), clean(cells[3]), clean(cells[4]), clean(cells[6])})
	}
	var want [][5]string
	for _, v := range upstream.Vars {
		want = append(want, [5]string{v.Name, string(v.Kind), ShowDefault(upstream.BuiltinDefault(v.Name)), v.From, v.Doc})
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("docs/configuration.md's table:\n%q\nupstream.Vars:\n%q", rows, want)
	}
}

// Every field the launcher decides by is a row of the table, a boolean
// exactly where the row's kind is.
func TestFieldsAreRowsOfTheTable(t *testing.T) {
	var c Config
	for _, v := range upstream.Vars {
		f := field(&c, v.Name)
		_, isBool := f.(*bool)
		if f == nil || isBool != (v.Kind == upstream.KindBool) {
			t.Errorf("%s: kind %s, field %T", v.Name, v.Kind, f)
		}
	}
	if f := field(&c, "OT_NOT_IN_THE_TABLE"); f != nil {
		t.Errorf("a name the table lacks has the field %T", f)
	}
}
