package doctor

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"sort"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// notShown are the facts that doctor's upstream section leaves out on
// purpose, each as "Type.Field" of package upstream (wherever it sits),
// with why.
var notShown = map[string]string{
	"Default.Name": "a default's name is its setting's: an export's own default (Export.Default) is shown " +
		"as the export's default, under the export's name",
	"Facts.Lib": "read by nothing outside package upstream: true exactly when lib.include.sh gives defaults " +
		"(upstream/resolve.go), and what it decides there — the built-in defaults and exports standing in — " +
		"shows as those settings' default_from and those exports' where",
	"Facts.Defaults": "shown in the settings section, which Gather takes from launch.Decide: an OT_* " +
		"setting's value, when it is the default, and its default_from are its Default's; lib.include.sh's " +
		"exports of them are also among Exports, shown as (the setting)",
	"Facts.Constants": "shown in the constants section (settings.ConstantNames: the values in force and " +
		"where each came from, built-in where the checkout has none); each the checkout gives is also a " +
		"literal export among Exports, shown there with its value and where",
}

// shownAs are the facts that the upstream section shows by what they do
// rather than by their value; every one of values (converted to the
// field's type) must give a report of its own.
var shownAs = map[string]struct {
	why    string
	values []any
}{
	"Args.Slot": {"the word it marks is shown as a placeholder (ENV, SCRIPT, PLATFORM-FILE)", []any{0, 1}},
	"Export.Kind": {"the value is shown as what it is at launch time: (the setting), (the checkout's path), (uname -s)",
		[]any{upstream.ExportLiteral, upstream.ExportSetting, upstream.ExportCheckout, upstream.ExportHostOS}},
}

// Every fact the checkout's launch files give reaches doctor's JSON: facts
// filled by reflection (every field however deep, two elements of every
// list, each string and number a value of its own) go through
// upstreamReport, the one way doctor reports them (Gather calls it; the
// text form is drawn from its result), and every string and number must be
// in the JSON as a word of its own, every bool must change the JSON in a
// way that turning no other bool does (so a list's elements are told
// apart), and each value of a shownAs fact must give a JSON of its own —
// except the facts of notShown, which must still exist in upstream.Facts
// and must not all be shown after all. A field added to upstream.Facts
// (go generate carries it through the memo) fails here, by name, until
// doctor shows it or notShown says why it does not.
func TestReportShowsEveryFact(t *testing.T) {
	f := new(upstream.Facts)
	leaves := testkit.Fill(reflect.ValueOf(f).Elem(), 2)
	report := func() string {
		data, err := json.Marshal(upstreamReport(f))
		if err != nil {
			t.Fatal(err)
		}
		// The text form too: it must take every fact without failing.
		var text bytes.Buffer
		WriteText(&text, Report{Upstream: upstreamReport(f)})
		return string(data)
	}
	excluded := func(l testkit.Leaf) string {
		for _, fd := range l.Fields {
			if _, ok := notShown[fd]; ok {
				return fd
			}
		}
		return ""
	}
	named := map[string]bool{}
	for _, l := range leaves {
		for _, fd := range l.Fields {
			named[fd] = true
		}
	}
	for _, table := range [][]string{keys(notShown), keys(shownAs)} {
		for _, k := range table {
			if !named[k] {
				t.Errorf("the test's tables name upstream's %s, which upstream.Facts no longer has: take it out", k)
			}
		}
	}

	base := report()
	var bools []testkit.Leaf
	hidden := map[string][2]int{} // of a notShown entry's marked leaves: how many, how many shown after all
	for _, l := range leaves {
		if ex := excluded(l); ex != "" {
			if l.Mark != "" {
				h := hidden[ex]
				h[0]++
				if has(base, l.Mark) {
					h[1]++
				}
				hidden[ex] = h
			}
			continue
		}
		if alt, ok := shownAs[l.Fields[len(l.Fields)-1]]; ok {
			was := reflect.ValueOf(l.Value.Interface())
			seen := map[string]any{}
			for _, v := range alt.values {
				l.Value.Set(reflect.ValueOf(v).Convert(l.Value.Type()))
				got := report()
				if other, dup := seen[got]; dup {
					t.Errorf("doctor's report does not tell upstream.Facts.%s = %v from %v (%s)", l.Path, v, other, alt.why)
				}
				seen[got] = v
			}
			l.Value.Set(was)
			continue
		}
		switch {
		case l.Value.Kind() == reflect.Bool:
			bools = append(bools, l)
		case !has(base, l.Mark):
			t.Errorf("doctor's report does not show upstream.Facts.%s (filled with %q)", l.Path, l.Value.Interface())
		}
	}
	for _, ex := range keys(hidden) {
		if h := hidden[ex]; h[0] == h[1] {
			t.Errorf("doctor's report shows upstream's %s after all: take it out of notShown", ex)
		}
	}

	// A bool is shown when turning it, from all of them true or from all
	// of them false, gives a report that turning no other one gives.
	shown := map[string]bool{}
	for _, from := range []bool{true, false} {
		for _, l := range bools {
			l.Value.SetBool(from)
		}
		turned := map[string][]string{report(): {"none"}}
		got := make([]string, len(bools))
		for i, l := range bools {
			l.Value.SetBool(!from)
			got[i] = report()
			turned[got[i]] = append(turned[got[i]], l.Path)
			l.Value.SetBool(from)
		}
		for i, l := range bools {
			if len(turned[got[i]]) == 1 {
				shown[l.Path] = true
			}
		}
	}
	for _, l := range bools {
		if !shown[l.Path] {
			t.Errorf("doctor's report does not show upstream.Facts.%s (a bool): turning it changes nothing, or what turning another does", l.Path)
		}
	}
}

// has reports whether mark is in the JSON text data as a word of its own.
func has(data, mark string) bool {
	return regexp.MustCompile(`\b` + regexp.QuoteMeta(mark) + `\b`).MatchString(data)
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
