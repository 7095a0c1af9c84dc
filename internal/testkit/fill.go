package testkit

import (
	"fmt"
	"reflect"
	"strconv"
)

// Leaf is one value Fill set: a string, a bool or an int, however deep.
type Leaf struct {
	// Path is where it is, from the filled value down:
	// "Plans[1].Handover.Var", "Plans[0].GitInit[1][0]".
	Path string
	// Fields are the struct fields on the way to it, each as
	// "Type.Field" ("Facts.Plans", "Plan.Run", "Args.Slot"), outermost
	// first: what a test names to mean a field wherever it sits.
	Fields []string
	// Mark is what only this leaf's value holds: "v12" for a string (its
	// start; "v12" never occurs inside "v123"), "12" for an int; "" for a
	// bool (every one is true).
	Mark string
	// Value is the value itself, settable, for a test to change.
	Value reflect.Value
}

// Fill sets every field of v (settable: reflect.ValueOf(&x).Elem()) to a
// value of its own, however deep — strings to distinct text (some holding
// a tab, a newline and a backslash), ints to distinct numbers, bools to
// true, slices to n filled elements (n 0: empty, not nil), pointers to
// filled values — and returns every leaf it set, in order. A kind it does
// not know (a map, a float) panics: the facts memo's generator refuses
// those too.
func Fill(v reflect.Value, n int) []Leaf {
	var leaves []Leaf
	count := 0
	fill(v, n, &count, "", nil, &leaves)
	return leaves
}

func fill(v reflect.Value, n int, count *int, path string, fields []string, leaves *[]Leaf) {
	*count++
	leaf := Leaf{Path: path, Fields: fields, Value: v}
	switch v.Kind() {
	case reflect.String:
		leaf.Mark = fmt.Sprintf("v%d", *count)
		s := leaf.Mark
		if *count%3 == 0 {
			s += "\twith a tab\nand a newline \\ and a backslash\\n"
		}
		v.SetString(s)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int:
		leaf.Mark = strconv.Itoa(*count)
		v.SetInt(int64(*count))
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			f := t.Field(i)
			p := f.Name
			if path != "" {
				p = path + "." + f.Name
			}
			name := t.Name()
			if name == "" {
				name = "struct" // an anonymous struct's fields: "struct.Var"
			}
			fs := append(append([]string(nil), fields...), name+"."+f.Name)
			fill(v.Field(i), n, count, p, fs, leaves)
		}
		return
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n, count, path, fields, leaves)
		return
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := 0; i < n; i++ {
			fill(v.Index(i), n, count, fmt.Sprintf("%s[%d]", path, i), fields, leaves)
		}
		return
	default:
		panic("fill: a field of kind " + v.Kind().String() + " the test does not know; the memo generator refuses it too")
	}
	*leaves = append(*leaves, leaf)
}
