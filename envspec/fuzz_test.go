package envspec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Any value of any variable either parses into the table's form (booleans
// spelled true/false, whitespace never taken) or is refused with an error
// naming the variable; nothing panics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"true", "FALSE", "1", "maybe", " ", "\t", "requirements-cuda.txt", "détect", "yes\n"} {
		f.Add(uint8(0), s)
	}
	f.Fuzz(func(t *testing.T, which uint8, value string) {
		v := Vars[int(which)%len(Vars)]
		c, err := parse(Environ{v.Name + "=" + value})
		if err != nil {
			if !strings.Contains(err.Error(), v.Name) {
				t.Fatalf("error %q does not name %s", err, v.Name)
			}
			return
		}
		got := c.Value(v.Name)
		if value != "" && strings.TrimSpace(value) == "" {
			t.Fatalf("%s=%q (whitespace) was taken as %q", v.Name, value, got)
		}
		if _, isBool := v.field(c).(*bool); isBool && got != "true" && got != "false" {
			t.Fatalf("boolean %s=%q exported as %q", v.Name, value, got)
		}
		if _, isBool := v.field(c).(*bool); !isBool && value != "" && got != value {
			t.Fatalf("%s=%q exported as %q", v.Name, value, got)
		}
	})
}

// The settings-file reader never panics and never takes a key that is not
// a variable name; every OT_* value it takes comes with its line.
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
		file := ReadEnvFile(p, Environ{"HOME=/h"})
		if file == nil {
			t.Fatal("an existing file gave nil")
		}
		for k, fv := range file.Values {
			if !isName(k) || !strings.HasPrefix(k, "OT_") || fv.Line < 1 || fv.Key != k {
				t.Fatalf("took %q as %+v", k, fv)
			}
		}
	})
}
