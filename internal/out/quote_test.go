package out

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

var quoteCases = []string{
	"plain", "", "two words", "it's", `"double"`, `back\slash`, "$HOME", "`cmd`", "a;b|c&d",
	"*?[x]", "~user", "x=1", "tab\there", "new\nline", "grüße", "日本", "--help", "-", "!bang", "'", "cr\r\nlf",
}

func TestQuoteIsLiteral(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain", "": "''", "two words": "'two words'", "it's": `'it'\''s'`,
		`back\slash`: `'back\slash'`, "scripts/train.py": "scripts/train.py", "--config-path": "--config-path",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// A real POSIX shell reads the quoted line back as the same argv.
func TestQuoteRoundTripsThroughSh(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH")
	}
	out, err := exec.Command(sh, "-c", `printf '%s\0' `+QuoteArgs(quoteCases)).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if strings.Join(got, "|") != strings.Join(quoteCases, "|") {
		t.Errorf("sh read back %q, want %q", got, quoteCases)
	}
}

func TestPrinterStreams(t *testing.T) {
	var o, e bytes.Buffer
	p := &Printer{Stdout: &o, Stderr: &e}
	p.Status("hello %s", `\n stays`)
	p.Debugf("hidden")
	p.Warn("careful")
	p.Error("broken")
	p.Command([]string{"python", "a b"})
	p.Debug = true
	p.Debugf("shown")
	wantOut := "[OneTrainer] hello \\n stays\n[OneTrainer] + python 'a b'\n[OneTrainer] Debug: shown\n"
	wantErr := "[OneTrainer] Warning: careful\n[OneTrainer] Error: broken\n"
	if o.String() != wantOut || e.String() != wantErr {
		t.Errorf("stdout %q\nstderr %q", o.String(), e.String())
	}
}
