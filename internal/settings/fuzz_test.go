package settings

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// Any value of any variable the checkout defines either parses into the
// table's form (booleans spelled true/false, whitespace never taken) or is
// refused with an error naming the variable; one it does not define passes
// on as given; nothing panics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"true", "FALSE", "1", "maybe", " ", "\t", "requirements-cuda.txt", "détect", "yes\n"} {
		f.Add(uint8(0), s)
	}
	f.Fuzz(func(t *testing.T, which uint8, value string) {
		v := upstream.Vars[int(which)%len(upstream.Vars)]
		c, err := parse(environ.List{v.Name + "=" + value})
		if err != nil {
			if !strings.Contains(err.Error(), v.Name) {
				t.Fatalf("error %q does not name %s", err, v.Name)
			}
			return
		}
		got := c.Value(v.Name)
		if c.Unknown(v.Name) {
			// A variable the checkout does not define (the pixi family's,
			// here): its feature stays off, its value passes on as given.
			if value != "" && got != value {
				t.Fatalf("%s=%q, unknown to the checkout, exported as %q", v.Name, value, got)
			}
			return
		}
		if value != "" && strings.TrimSpace(value) == "" {
			t.Fatalf("%s=%q (whitespace) was taken as %q", v.Name, value, got)
		}
		if isBool := v.Kind == upstream.KindBool; isBool && got != "true" && got != "false" {
			t.Fatalf("boolean %s=%q exported as %q", v.Name, value, got)
		}
		if isBool := v.Kind == upstream.KindBool; !isBool && value != "" && got != value {
			t.Fatalf("%s=%q exported as %q", v.Name, value, got)
		}
	})
}

// The settings-file reader never panics and never takes a key that is not
// a variable name; every value it takes comes with its line.
func FuzzReadEnvFile(f *testing.F) {
	for _, s := range []string{
		"OT_PREFER_VENV=true\n", "# c\nOT_X=\"a $B ${C:-d}\"\n", "OT_Y='x\n", "A=1\nOT_Z=${A:+yes}\r\n", "=x\n", "OT_W=\\$HOME\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		p := filepath.Join(t.TempDir(), "onetrainer.conf")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		file := ReadEnvFile(p, environ.List{"HOME=/h"})
		if file == nil {
			t.Fatal("an existing file gave nil")
		}
		for k, fv := range file.Values {
			if !upstream.IsName(k) || fv.Line < 1 || fv.Key != k {
				t.Fatalf("took %q as %+v", k, fv)
			}
		}
		if len(file.Keys) != len(file.Values) {
			t.Fatalf("keys %q for %d values", file.Keys, len(file.Values))
		}
	})
}

// The whole settings pipeline — file, parse, expand, validate — on any
// file and any environment value: it ends within its budget of time and
// memory, never panics, and every value it takes is free of control
// characters and bounded.
func FuzzSettingsPipeline(f *testing.F) {
	f.Add("A=x\n"+strings.Repeat("A=$A$A\n", 40)+"OT_PYTHON_VENV=$A\n", "")
	f.Add("OT_PYTHON_VENV=ven\x00v\n", "")
	f.Add("OT_CONDA_ENV=\"on\x1b[2Jetrainer\"\n", "")
	f.Add("# "+strings.Repeat("x", 100<<10)+"\nOT_PREFER_VENV=maybe\n", "")
	f.Add(strings.Repeat("B=$A\n", 10000), strings.Repeat("y", 60<<10))
	f.Add("OT_PLATFORM_REQUIREMENTS=${MISSING:-requirements-rocm.txt}\nOT_SCRIPT_DEBUG=yes\n", "\t")
	f.Fuzz(func(t *testing.T, body, envValue string) {
		p := filepath.Join(t.TempDir(), "onetrainer.conf")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		env := environ.List{"HOME=/h", "A=" + envValue, "OT_CONDA_CMD=" + envValue}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		file := ReadEnvFile(p, env)
		facts := upstream.Builtin("/ot")
		c, err := Parse(env, file, &facts)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("the pipeline took %v", d)
		}
		runtime.ReadMemStats(&after)
		if used := after.TotalAlloc - before.TotalAlloc; used > 256<<20 {
			t.Fatalf("the pipeline allocated %d MB", used>>20)
		}
		if err != nil {
			return
		}
		for _, s := range c.Settings {
			if strings.IndexFunc(s.Value, isControl) >= 0 || len(s.Value) > maxValue+len(envValue) {
				t.Fatalf("%s taken as %q", s.Name, s.Value)
			}
		}
	})
}

// Whatever a line of the settings file is, what the reader says of it
// never holds the text after its "=" (a value, perhaps a token): a secret
// there appears in no warning and no error.
func FuzzEnvFileNeverShowsAValue(f *testing.F) {
	for _, s := range [][2]string{{"export WANDB_API_KEY=", ""}, {"K='", ""}, {"K=${", "}"}, {"K=${A:=", "}"}, {"K=", "\\"}, {"K=\"", "\"x\""}, {"a b=", ""}, {"K=${", ":=x}"}, {"K=$", ""}} {
		f.Add(s[0], s[1])
	}
	const secret = "QqSeCrEtQq"
	f.Fuzz(func(t *testing.T, before, after string) {
		if !strings.Contains(before, "=") || strings.ContainsAny(before+after, "\n\r") || strings.Contains(before+after, secret[:4]) {
			return // the secret must stand in the value of one line
		}
		p := filepath.Join(t.TempDir(), "onetrainer.conf")
		if err := os.WriteFile(p, []byte(before+secret+after+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		file := ReadEnvFile(p, environ.List{"HOME=/h", "A=" + strings.Repeat("a", 70<<10)})
		said := append([]string(nil), file.Warnings...)
		for _, e := range file.Errors {
			said = append(said, e.Error())
		}
		for _, s := range said {
			if strings.Contains(s, secret) || strings.Contains(s, secret[2:8]) {
				t.Fatalf("%q: said %q", before+secret+after, s)
			}
		}
	})
}
