package doctor

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// shape is a JSON object's fields as docs/doctor.md draws them: each
// field's name and, for an object or a list of objects, its own shape.
type shape struct {
	names  []string
	fields map[string]*field
}

type field struct {
	omit   bool   // "name"?: left out when empty
	list   bool   // a list ([] or [{...}])
	object *shape // its object's shape, or its elements'; nil for a plain value
	null   bool   // "| null"
}

// parseShape reads the documented shape: {"a", "b": {...} | null, "c": [], "d": [{...}]}.
func parseShape(s string) (*shape, error) {
	p := &shapeParser{s: s}
	sh, err := p.object()
	if err == nil && strings.TrimSpace(p.s[p.i:]) != "" {
		err = fmt.Errorf("text after the shape: %q", p.s[p.i:])
	}
	return sh, err
}

type shapeParser struct {
	s string
	i int
}

func (p *shapeParser) skip() {
	for p.i < len(p.s) && strings.ContainsRune(" \t\n,", rune(p.s[p.i])) {
		p.i++
	}
}

func (p *shapeParser) eat(c byte) bool {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *shapeParser) object() (*shape, error) {
	if !p.eat('{') {
		return nil, fmt.Errorf("no { at %d", p.i)
	}
	sh := &shape{fields: map[string]*field{}}
	for !p.eat('}') {
		if !p.eat('"') {
			return nil, fmt.Errorf("no field name at %d: %q", p.i, p.s[p.i:min(p.i+20, len(p.s))])
		}
		end := strings.IndexByte(p.s[p.i:], '"')
		if end < 0 {
			return nil, fmt.Errorf("an unclosed name at %d", p.i)
		}
		name := p.s[p.i : p.i+end]
		p.i += end + 1
		f := &field{}
		if p.i < len(p.s) && p.s[p.i] == '?' {
			f.omit = true
			p.i++
		}
		if p.eat(':') {
			switch {
			case p.eat('['):
				f.list = true
				p.skip()
				if p.i < len(p.s) && p.s[p.i] == '{' {
					o, err := p.object()
					if err != nil {
						return nil, err
					}
					f.object = o
				}
				if !p.eat(']') {
					return nil, fmt.Errorf("no ] at %d", p.i)
				}
			default:
				o, err := p.object()
				if err != nil {
					return nil, err
				}
				f.object = o
			}
			if p.eat('|') {
				p.skip()
				if !strings.HasPrefix(p.s[p.i:], "null") {
					return nil, fmt.Errorf("| not followed by null at %d", p.i)
				}
				p.i += 4
				f.null = true
			}
		}
		if _, dup := sh.fields[name]; dup {
			return nil, fmt.Errorf("field %q twice", name)
		}
		sh.names = append(sh.names, name)
		sh.fields[name] = f
	}
	return sh, nil
}

// documentedShape is the json-shape block of docs/doctor.md.
func documentedShape(t *testing.T) *shape {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testkit.Root(), "docs", "doctor.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(data), "```json-shape\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("docs/doctor.md has no ```json-shape block")
	}
	sh, err := parseShape(block)
	if err != nil {
		t.Fatalf("docs/doctor.md's shape: %v", err)
	}
	return sh
}

// The documented shape is the report's, field for field: every field of
// report.go's types is there, at its place and of its kind, and nothing
// else is.
func TestDocumentedShapeIsTheReports(t *testing.T) {
	compareType(t, "", documentedShape(t), reflect.TypeOf(Report{}))
}

func compareType(t *testing.T, at string, sh *shape, typ reflect.Type) {
	var names []string
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		tag := strings.Split(f.Tag.Get("json"), ",")
		name := tag[0]
		names = append(names, name)
		d, ok := sh.fields[name]
		if !ok {
			t.Errorf("docs/doctor.md does not show %s%s", at, name)
			continue
		}
		if omit := len(tag) > 1 && tag[1] == "omitempty"; omit != d.omit {
			t.Errorf("docs/doctor.md shows %s%s as left out when empty: %v; the report: %v", at, name, d.omit, omit)
		}
		ft := f.Type
		isPtr := ft.Kind() == reflect.Pointer
		if isPtr {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Struct:
			if d.object == nil || d.list || d.null != isPtr {
				t.Errorf("docs/doctor.md shows %s%s as other than an object%s", at, name, map[bool]string{true: " or null"}[isPtr])
				continue
			}
			compareType(t, at+name+".", d.object, ft)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			if !d.list || d.object == nil {
				t.Errorf("docs/doctor.md shows %s%s as other than a list of objects", at, name)
				continue
			}
			compareType(t, at+name+"[].", d.object, ft.Elem())
		case ft.Kind() == reflect.Slice:
			if !d.list || d.object != nil {
				t.Errorf("docs/doctor.md shows %s%s as other than a list", at, name)
			}
		default:
			if d.list || d.object != nil {
				t.Errorf("docs/doctor.md shows %s%s as other than a plain value", at, name)
			}
		}
	}
	for _, n := range sh.names {
		if !contains(names, n) {
			t.Errorf("docs/doctor.md shows %s%s, which the report does not have", at, n)
		}
	}
}

// The golden report (doctor_golden.txtar, which the end-to-end test holds
// the real output to) has the documented fields, no more and no fewer,
// wherever it has an object.
func TestDocumentedShapeIsTheGoldens(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testkit.Root(), "internal", "e2e", "testdata", "doctor_golden.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	_, golden, ok := strings.Cut(string(data), "-- want.json --\n")
	if !ok {
		t.Fatal("doctor_golden.txtar has no want.json")
	}
	var v any
	if err := json.Unmarshal([]byte(golden), &v); err != nil {
		t.Fatal(err)
	}
	compareValue(t, "", documentedShape(t), v)
}

func compareValue(t *testing.T, at string, sh *shape, v any) {
	obj, ok := v.(map[string]any)
	if !ok {
		t.Errorf("the golden report's %s is no object", at)
		return
	}
	var keys []string
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if sh.fields[k] == nil {
			t.Errorf("the golden report's %s has %q, which docs/doctor.md does not show", at, k)
		}
	}
	for _, n := range sh.names {
		if _, there := obj[n]; !there && !sh.fields[n].omit {
			t.Errorf("the golden report's %s lacks %q, which docs/doctor.md shows", at, n)
		}
	}
	for _, k := range keys {
		d := sh.fields[k]
		if d == nil || d.object == nil {
			continue
		}
		switch x := obj[k].(type) {
		case map[string]any:
			compareValue(t, at+k+".", d.object, x)
		case []any:
			for _, e := range x {
				compareValue(t, at+k+"[].", d.object, e)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
