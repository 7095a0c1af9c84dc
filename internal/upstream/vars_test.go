package upstream

import (
	"strings"
	"testing"
)

// The table is whole: each row named once, with a kind, a built-in
// default, where a checkout's default comes from and its line of doc; a
// row a family must define decides where the env is.
func TestVarsTable(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range Vars {
		if !strings.HasPrefix(v.Name, VarPrefix) || seen[v.Name] {
			t.Errorf("%q: not an %s name, or twice", v.Name, VarPrefix)
		}
		seen[v.Name] = true
		if v.Kind == "" || v.Kind == KindText || v.Builtin.Lit == "" || v.From == "" || v.Doc == "" {
			t.Errorf("%s: incomplete row %+v", v.Name, v)
		}
		if v.Kind == KindBool && v.Builtin.Lit != "true" && v.Builtin.Lit != "false" {
			t.Errorf("%s: a boolean defaulting to %q", v.Name, v.Builtin.Lit)
		}
		if v.Required != "" && !v.Place {
			t.Errorf("%s: required of the %s family, but it does not place the env", v.Name, v.Required)
		}
		if d := BuiltinDefault(v.Name); d.Name != v.Name || d.Where != BuiltIn || d.Lit != v.Builtin.Lit {
			t.Errorf("%s: built-in default %+v", v.Name, d)
		}
	}
	if v, ok := VarOf("OT_NOT_IN_THE_TABLE"); ok || v.Kind != KindText || BuiltinDefault(v.Name).Lit != "" {
		t.Errorf("a name the table lacks: %+v", v)
	}
}

// The built-in conda create pins the built-in conda Python, spelled once.
func TestBuiltinCondaPinFollowsTheConstant(t *testing.T) {
	f := Builtin("/co")
	c, ok := f.Constant(VarCondaUsePythonVersion)
	words := f.Conda.Create.Words
	if !ok || words[len(words)-1] != "python=="+c.Value+".*" {
		t.Errorf("%s=%q, conda create %q", VarCondaUsePythonVersion, c.Value, words)
	}
}
