package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// grownFramework is the test framework's launch files after upstream added
// settings the launcher's table lacks: one in lib.include.sh's top level
// (with a chained default), one whose default depends on another setting at
// launch time, one that keeps an empty value (${NAME-DEFAULT}), one
// start-ui.sh gives itself, and one lib.include.sh makes empty that
// start-ui.sh then keeps so.
func grownFramework(t *testing.T) *upstream.Facts {
	t.Helper()
	dir := t.TempDir()
	if err := testkit.WriteFramework(dir); err != nil {
		t.Fatal(err)
	}
	var srcs []upstream.Source
	for _, name := range append([]string{layout.LibFile}, layout.Scripts()...) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		switch name {
		case layout.LibFile:
			debug := "export OT_SCRIPT_DEBUG=\"${OT_SCRIPT_DEBUG:-false}\"\n"
			if !strings.Contains(text, debug) {
				t.Fatalf("the test framework's lib.include.sh has no line %q", debug)
			}
			text = strings.Replace(text, debug, debug+
				"export OT_NEWTHING=\"${OT_NEWTHING:-abc}\"\n"+
				"export OT_CACHE=\"${OT_CACHE:-${XDG_CACHE_HOME:-cache}}\"\n"+
				"if [[ \"${OT_CUDA_LOWMEM_MODE}\" == \"true\" ]]; then\n"+
				"    export OT_LOWX=\"${OT_LOWX:-on}\"\n"+
				"else\n"+
				"    export OT_LOWX=\"${OT_LOWX:-off}\"\n"+
				"fi\n"+
				"export OT_KEEPEMPTY=\"${OT_KEEPEMPTY-kept}\"\n"+
				"export OT_BLANK=\"${OT_BLANK:-}\"\n", 1)
		case layout.StartUIScript:
			text = strings.Replace(text, "prepare_runtime_environment\n", "export OT_UIONLY=\"${OT_UIONLY:-ui}\"\n"+
				"export OT_BLANK=\"${OT_BLANK-y}\"\nprepare_runtime_environment\n", 1)
		}
		srcs = append(srcs, upstream.Source{Name: name, Data: []byte(text)})
	}
	f := upstream.Extract(dir, "Linux", srcs)
	if len(f.Refusals) > 0 || len(f.Warnings) > 0 {
		t.Fatalf("the grown framework is not followed: %q %q", f.Refusals, f.Warnings)
	}
	return f
}

// A variable the checkout defines and the table lacks is a setting like
// any other: exported to the children as the checkout's scripts export it
// (the environment's value, else the settings file's, else the
// checkout's default; empty counting as unset, as ":-" says), and listed
// with where its default came from — whether it stands in lib.include.sh,
// under a condition, or in one script.
func TestCheckoutSettingTheTableLacks(t *testing.T) {
	f := grownFramework(t)
	conf := writeConf(t, "# mine\nOT_CACHE=/data/cache\n")
	for _, tc := range []struct {
		name   string
		env    environ.List
		file   string
		applet string
		want   map[string]string // "" : not exported
	}{
		{name: "defaults", applet: layout.StartUIScript,
			want: map[string]string{"OT_NEWTHING": "abc", "OT_CACHE": "cache", "OT_LOWX": "off", "OT_UIONLY": "ui", "OT_KEEPEMPTY": "kept", "OT_BLANK": "-"}},
		{name: "the environment wins", applet: layout.StartUIScript,
			env:  environ.List{"OT_NEWTHING=x", "XDG_CACHE_HOME=/xdg", "OT_UIONLY=mine"},
			want: map[string]string{"OT_NEWTHING": "x", "OT_CACHE": "/xdg", "OT_UIONLY": "mine"}},
		{name: "empty is unset", applet: layout.StartUIScript, env: environ.List{"OT_NEWTHING=", "OT_UIONLY="},
			want: map[string]string{"OT_NEWTHING": "abc", "OT_UIONLY": "ui"}},
		{name: "empty stands where the checkout's default is ${NAME-DEFAULT}", applet: layout.StartUIScript, env: environ.List{"OT_KEEPEMPTY="},
			want: map[string]string{"OT_KEEPEMPTY": "-"}},
		{name: "the condition's own default", applet: layout.StartUIScript, env: environ.List{"OT_CUDA_LOWMEM_MODE=yes"},
			want: map[string]string{"OT_LOWX": "on", "PYTORCH_CUDA_ALLOC_CONF": "garbage_collection_threshold:0.6,max_split_size_mb:128"}},
		{name: "the settings file", applet: layout.StartUIScript, file: conf, env: environ.List{"XDG_CACHE_HOME=/xdg"},
			want: map[string]string{"OT_CACHE": "/data/cache", "OT_NEWTHING": "abc"}},
		{name: "the settings file's other keys feed a default", applet: layout.StartUIScript, file: writeConf(t, "XDG_CACHE_HOME=/from/file\n"),
			want: map[string]string{"OT_CACHE": "/from/file"}},
		{name: "another script's own is not exported", applet: layout.RunCmdScript,
			want: map[string]string{"OT_NEWTHING": "abc", "OT_UIONLY": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var file *EnvFile
			if tc.file != "" {
				file = ReadEnvFile(tc.file, tc.env)
			}
			c, err := Parse(tc.env, file, f)
			if err != nil {
				t.Fatal(err)
			}
			got := Export(tc.env, "/ot", host.Host{GOOS: "linux"}, c, f, tc.applet)
			for name, want := range tc.want {
				v, set := got.Lookup(name)
				if want == "-" && v == "" && set {
					continue // set, and empty
				}
				if v != want || set != (want != "") {
					t.Errorf("%s=%q (set: %v), want %q", name, v, set, want)
				}
			}
		})
	}

	c, err := Parse(environ.List{"OT_NEWTHING=x", "OT_KEEPEMPTY="}, ReadEnvFile(conf, nil), f)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []Setting{
		{Name: "OT_NEWTHING", Kind: upstream.KindText, Value: "x", Source: SourceEnv, DefaultFrom: "lib.include.sh:13"},
		{Name: "OT_CACHE", Kind: upstream.KindText, Value: "/data/cache", Source: conf + ":2", DefaultFrom: "lib.include.sh:14"},
		{Name: "OT_LOWX", Kind: upstream.KindText, Value: "on", Source: SourceDefault, DefaultFrom: "lib.include.sh:16"},
		{Name: "OT_KEEPEMPTY", Kind: upstream.KindText, Value: "", Source: SourceEnv, DefaultFrom: "lib.include.sh:20"},
		{Name: "OT_UIONLY", Kind: upstream.KindText, Value: "ui", Source: SourceDefault, DefaultFrom: "start-ui.sh:4"},
	} {
		if got := c.Setting(want.Name); got != want {
			t.Errorf("setting %+v, want %+v", got, want)
		}
	}
	if n := len(c.Settings); n != len(upstream.Vars)+6 {
		t.Errorf("%d settings: %+v", n, c.Settings)
	}
}

// A setting of the table whose checkout default is ${NAME-DEFAULT} keeps
// an empty value, as the checkout's scripts would: the launcher cannot use
// one, and says so, naming the way out.
func TestTableSettingEmptyWhereTheCheckoutKeepsIt(t *testing.T) {
	f := upstream.Extract("/ot", "Linux", []upstream.Source{{Name: layout.LibFile,
		Data: []byte("export OT_PYTHON_VENV=\"${OT_PYTHON_VENV-venv}\"\n")}})
	if c, err := Parse(nil, nil, f); err != nil || c.PythonVenv != "venv" {
		t.Fatalf("unset: %v, %+v", err, c.Setting("OT_PYTHON_VENV"))
	}
	_, err := Parse(environ.List{"OT_PYTHON_VENV="}, nil, f)
	if err == nil || !strings.Contains(err.Error(), "OT_PYTHON_VENV is set but empty, and this checkout's launch files keep an empty value") {
		t.Fatalf("empty: %v", err)
	}
}

// A row of the table that the checkout defines only under a condition (or
// in one script) is this checkout's setting all the same: checked, acted
// on and exported as its scripts export it, not left as unknown.
func TestTableSettingDefinedUnderACondition(t *testing.T) {
	dir := t.TempDir()
	if err := testkit.WriteFramework(dir); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, layout.LibFile))
	if err != nil {
		t.Fatal(err)
	}
	debug := "export OT_SCRIPT_DEBUG=\"${OT_SCRIPT_DEBUG:-false}\"\n"
	lib := strings.Replace(string(data), debug, "if [[ -n \"${HOME}\" ]]; then\n    "+debug+"fi\n", 1)
	if lib == string(data) {
		t.Fatalf("the test framework's lib.include.sh has no line %q", debug)
	}
	f := upstream.Extract(dir, "Linux", []upstream.Source{{Name: layout.LibFile, Data: []byte(lib)}})
	if _, top := f.DefaultOf("OT_SCRIPT_DEBUG"); top || len(f.Refusals) > 0 {
		t.Fatalf("the condition's default is a top-level one, or refused: %q", f.Refusals)
	}
	env := environ.List{"HOME=/h", "OT_SCRIPT_DEBUG=yes"}
	c, err := Parse(env, nil, f)
	if err != nil {
		t.Fatal(err)
	}
	got := Export(env, "/ot", host.Host{GOOS: "linux"}, c, f, layout.StartUIScript)
	if s := c.Setting("OT_SCRIPT_DEBUG"); !c.ScriptDebug || s.Unknown || got.Get("OT_SCRIPT_DEBUG") != "true" {
		t.Errorf("OT_SCRIPT_DEBUG: on %v, %+v, exported %q", c.ScriptDebug, s, got.Get("OT_SCRIPT_DEBUG"))
	}
}
