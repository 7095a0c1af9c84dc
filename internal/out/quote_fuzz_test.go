package out

import (
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// parseWords reads line as one POSIX shell command and returns its words,
// as a shell would pass them: quotes removed, nothing expanded (the
// quoting must leave nothing to expand).
func parseWords(t *testing.T, line string) ([]string, bool) {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(strings.NewReader(line), "")
	if err != nil {
		t.Fatalf("the quoted line %q does not parse: %v", line, err)
	}
	if len(f.Stmts) != 1 {
		t.Fatalf("the quoted line %q is %d statements", line, len(f.Stmts))
	}
	call, ok := f.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(call.Assigns) > 0 {
		t.Fatalf("the quoted line %q is not a plain command", line)
	}
	var words []string
	for _, w := range call.Args {
		var b strings.Builder
		for _, part := range w.Parts {
			switch p := part.(type) {
			case *syntax.Lit:
				b.WriteString(unescape(p.Value))
			case *syntax.SglQuoted:
				b.WriteString(p.Value)
			default:
				return nil, false // something a shell would expand
			}
		}
		words = append(words, b.String())
	}
	return words, true
}

// Quoting an argv and parsing it back as a shell would gives the same argv.
func FuzzQuoteRoundTrip(f *testing.F) {
	for _, s := range quoteCases {
		f.Add("python", s, "--flag")
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		argv := []string{a, b, c}
		for _, s := range argv {
			if strings.ContainsRune(s, 0) || !validUTF8(s) {
				t.Skip("argv cannot hold NUL; the parser reads UTF-8")
			}
			if strings.Contains(s, "\r\n") {
				// The parser folds CRLF into LF even inside single quotes;
				// real shells keep the CR (TestQuoteRoundTripsThroughSh).
				t.Skip("CRLF: a parser quirk, checked against sh instead")
			}
		}
		if a == "" {
			t.Skip("a command name is never empty")
		}
		line := QuoteArgs(argv)
		got, ok := parseWords(t, line)
		if !ok {
			t.Fatalf("%q quoted as %s leaves something to expand", argv, line)
		}
		if strings.Join(got, "\x00") != strings.Join(argv, "\x00") {
			t.Fatalf("%q quoted as %s reads back as %q", argv, line, got)
		}
	})
}

// unescape removes the backslashes of an unquoted word: \x is x, and a
// backslash before a newline joins lines.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func validUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
