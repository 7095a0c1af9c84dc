package settings

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

func writeConf(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "onetrainer.conf")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadEnvFileSyntax(t *testing.T) {
	body := "# OneTrainer settings\r\n" +
		"\r\n" +
		"OT_CUDA_LOWMEM_MODE=\"true\"\r\n" +
		"OT_PYTHON_VENV='/data/venvs/$NOT_EXPANDED'\n" +
		"  OT_SCRIPT_DEBUG = yes  \n" +
		"BASE=/opt/ot\n" +
		"OT_CONDA_CMD=${BASE}/bin/conda\n" +
		"OT_CONDA_ENV=\"$USER-env\"\n" +
		"OT_PLATFORM_REQUIREMENTS=${MISSING:-requirements-rocm.txt}\n" +
		"OT_PYTHON_CMD=${BASE:+/usr/bin/python3}\n" +
		"OT_LAZY_UPDATES=\"say \\\"no\\\" \\$x\"\n" +
		"this line is not an assignment\n" +
		"OT_PREFER_VENV='unbalanced\n" +
		"OT_PREFER_VENV=no" // no trailing newline
	f := ReadEnvFile(writeConf(t, body), environ.List{"USER=ana"})
	want := map[string]string{
		"OT_CUDA_LOWMEM_MODE":      "true",
		"OT_PYTHON_VENV":           "/data/venvs/$NOT_EXPANDED",
		"OT_SCRIPT_DEBUG":          "yes",
		"OT_CONDA_CMD":             "/opt/ot/bin/conda",
		"OT_CONDA_ENV":             "ana-env",
		"OT_PLATFORM_REQUIREMENTS": "requirements-rocm.txt",
		"OT_PYTHON_CMD":            "/usr/bin/python3",
		"OT_LAZY_UPDATES":          `say "no" $x`,
		"OT_PREFER_VENV":           "no",
	}
	for k, v := range want {
		if got := f.Values[k].Value; got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if len(f.Values) != len(want)+1 || f.Values["BASE"].Value != "/opt/ot" || f.Keys[2] != "OT_SCRIPT_DEBUG" || f.Keys[3] != "BASE" {
		t.Errorf("values: %+v in the order %q", f.Values, f.Keys)
	}
	if f.Values["OT_CUDA_LOWMEM_MODE"].Line != 3 || f.Values["OT_PREFER_VENV"].Line != 14 {
		t.Errorf("line numbers: %+v", f.Values)
	}
	if p := f.Passed(); len(p) != 1 || p[0] != "BASE" {
		t.Errorf("passed: %q", p)
	}
	if len(f.Warnings) != 2 || !strings.Contains(f.Warnings[0], ":12: not a KEY=VALUE line") || !strings.Contains(f.Warnings[1], ":13: OT_PREFER_VENV: unbalanced single quote") {
		t.Errorf("warnings: %q", f.Warnings)
	}
}

func TestReadEnvFileEnvironmentWinsInExpansion(t *testing.T) {
	f := ReadEnvFile(writeConf(t, "OT_PYTHON_VENV=/a\nOT_CONDA_ENV=${OT_PYTHON_VENV}/x\n"), environ.List{"OT_PYTHON_VENV=/b"})
	if got := f.Values["OT_CONDA_ENV"].Value; got != "/b/x" {
		t.Errorf("got %q: the exported /b is the value in force", got)
	}
}

func TestReadEnvFileMissingAndUnreadable(t *testing.T) {
	if f := ReadEnvFile(filepath.Join(t.TempDir(), "none.conf"), nil); f != nil {
		t.Errorf("missing file gave %+v", f)
	}
	dir := t.TempDir() // a directory where the file should be: unreadable as a file
	f := ReadEnvFile(dir, nil)
	if f == nil || len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], "cannot be read") {
		t.Errorf("unreadable file gave %+v", f)
	}
}

func TestParsePrecedence(t *testing.T) {
	p := writeConf(t, "OT_PREFER_VENV=true\nOT_PYTHON_VENV=/from/file\nOT_CONDA_ENV=\n")
	env := environ.List{"OT_PYTHON_VENV=/from/env"}
	c, err := parseWithFile(env, ReadEnvFile(p, env))
	if err != nil {
		t.Fatal(err)
	}
	if !c.PreferVenv || c.Setting("OT_PREFER_VENV").Source != p+":1" {
		t.Errorf("file value: %v from %s", c.PreferVenv, c.Setting("OT_PREFER_VENV").Source)
	}
	if c.PythonVenv != "/from/env" || c.Setting("OT_PYTHON_VENV").Source != SourceEnv {
		t.Errorf("the environment must win: %s from %s", c.PythonVenv, c.Setting("OT_PYTHON_VENV").Source)
	}
	if c.CondaEnv != "onetrainer" || c.Setting("OT_CONDA_ENV").Source != SourceDefault {
		t.Errorf("an empty file value means the default: %s from %s", c.CondaEnv, c.Setting("OT_CONDA_ENV").Source)
	}
}

func TestParseBadFileValueNamesFileAndLine(t *testing.T) {
	p := writeConf(t, "# settings\nOT_CUDA_LOWMEM_MODE=sometimes\n")
	_, err := parseWithFile(nil, ReadEnvFile(p, nil))
	if err == nil || !strings.Contains(err.Error(), `OT_CUDA_LOWMEM_MODE="sometimes" (set in `+p+`:2) is not a boolean`) {
		t.Fatalf("got %v", err)
	}
}

// The file is at the same place on every system: macOS has no
// environment.d, and reads it there all the same (docs/configuration.md).
func TestEnvFilePath(t *testing.T) {
	if got := EnvFilePath(host.Host{GOOS: "darwin", GOARCH: "arm64"}, environ.List{"HOME=/h"}); got != "/h/.config/environment.d/onetrainer.conf" {
		t.Errorf("macOS reads %q", got)
	}
	for _, tc := range []struct {
		env  environ.List
		want string
	}{
		{environ.List{"HOME=/h"}, "/h/.config/environment.d/onetrainer.conf"},
		{environ.List{"HOME=/h", "XDG_CONFIG_HOME=/x"}, "/x/environment.d/onetrainer.conf"},
		{environ.List{}, ""},
	} {
		if got := EnvFilePath(host.Host{GOOS: "linux"}, tc.env); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.env, got, tc.want)
		}
	}
}

func parseWithFile(env environ.List, file *EnvFile) (*Config, error) {
	f := upstream.Builtin("/ot")
	return Parse(env, file, &f)
}

// Hostile settings files end in a clear error naming the file and line,
// within bounds: an exponential expansion, a control character, a FIFO, a
// device, a line far over bufio.Scanner's 64 KiB.
func TestEnvFileHostile(t *testing.T) {
	var b strings.Builder
	b.WriteString("A=x\n")
	for i := 0; i < 40; i++ {
		b.WriteString("A=$A$A\n")
	}
	f := ReadEnvFile(writeConf(t, b.String()), nil)
	if len(f.Errors) == 0 || !strings.Contains(f.Errors[0].Error(), "expands to more than") || !strings.Contains(f.Errors[0].Error(), ".conf:") {
		t.Errorf("exponential expansion: %v", f.Errors)
	}
	f = ReadEnvFile(writeConf(t, "OT_PYTHON_VENV=a\x00b\n"), nil)
	if len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Error(), "OT_PYTHON_VENV holds a control character") && !strings.Contains(f.Errors[0].Error(), "the value of OT_PYTHON_VENV holds a control character") || !strings.Contains(f.Errors[0].Error(), ":1:") {
		t.Errorf("NUL: %v", f.Errors)
	}
	long := "OT_PYTHON_VENV=" + strings.Repeat("v", 100<<10) + "\nOT_PREFER_VENV=maybe\n"
	p := writeConf(t, long)
	if _, err := parseWithFile(nil, ReadEnvFile(p, nil)); err == nil || !strings.Contains(err.Error(), `OT_PREFER_VENV="maybe" (set in `+p+`:2)`) {
		t.Errorf("a line after a 100 KiB line was not read: %v", err)
	}
	fifo := filepath.Join(t.TempDir(), "onetrainer.conf")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	done := make(chan *EnvFile)
	go func() { done <- ReadEnvFile(fifo, nil) }()
	select {
	case f := <-done:
		if len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], "FIFO") {
			t.Errorf("FIFO: %+v", f)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading a FIFO hung")
	}
	dev := filepath.Join(t.TempDir(), "onetrainer.conf")
	os.Symlink("/dev/zero", dev)
	if f := ReadEnvFile(dev, nil); len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], "character device") {
		t.Errorf("/dev/zero: %+v", f)
	}
}

// Every KEY=VALUE of the file goes to the launch, as systemd gives the
// session every line of it; the environment's own value wins (for an OT_*
// key when not empty, as ${OT_X:-...} reads it; for any other key whenever
// set, as a shell's export wins over the login's).
func TestEnvFileApply(t *testing.T) {
	env := environ.List{"HF_HUB_OFFLINE=", "CUDA_VISIBLE_DEVICES=0", "OT_PYTHON_VENV=", "PATH=/bin"}
	f := ReadEnvFile(writeConf(t, "HF_HOME=/data/hf\nCUDA_VISIBLE_DEVICES=1\nHF_HUB_OFFLINE=1\n"+
		"OT_PYTHON_VENV=/v\nLD_LIBRARY_PATH=/opt/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}\nHF_HOME=/data/hf2\n"), env)
	got := f.Apply(env)
	for k, want := range map[string]string{"HF_HOME": "/data/hf2", "CUDA_VISIBLE_DEVICES": "0", "HF_HUB_OFFLINE": "",
		"OT_PYTHON_VENV": "/v", "LD_LIBRARY_PATH": "/opt/lib", "PATH": "/bin"} {
		if v, ok := got.Lookup(k); v != want || !ok {
			t.Errorf("%s=%q (set: %v), want %q", k, v, ok, want)
		}
	}
	if p := f.Passed(); strings.Join(p, " ") != "HF_HOME CUDA_VISIBLE_DEVICES HF_HUB_OFFLINE LD_LIBRARY_PATH" {
		t.Errorf("passed: %q", p)
	}
	if env.Get("HF_HOME") != "" {
		t.Error("Apply changed its argument")
	}
	var none *EnvFile
	if got := none.Apply(env); strings.Join(got, " ") != strings.Join(env, " ") || none.Passed() != nil {
		t.Errorf("no file: %q", got)
	}
}

// A file's values may be secrets: what the launcher says of a line it
// cannot take names the file, the line and at most the key, never the
// value, however the line is broken.
func TestEnvFileNeverShowsAValue(t *testing.T) {
	const secret = "sk-live-51HxSECRETvalue"
	lines := []string{
		"export WANDB_API_KEY=" + secret,
		"export\tHF_TOKEN='" + secret + "'",
		secret,
		"Bearer " + secret + "=x",
		"TOKEN='" + secret,
		"TOKEN=\"" + secret,
		"TOKEN=" + secret + "'x",
		"TOKEN=\"" + secret + "\"x\"",
		"TOKEN=${" + secret + "}",
		"TOKEN=${A:=" + secret + "}",
		"TOKEN=${" + secret,
		"TOKEN=" + secret + "\\",
		"TOKEN=" + secret + "\x1b",
		"OTHER=${X}" + secret,
	}
	f := ReadEnvFile(writeConf(t, strings.Join(lines, "\n")+"\n"), environ.List{"X=" + strings.Repeat("y", 70<<10)})
	var said []string
	said = append(said, f.Warnings...)
	for _, e := range f.Errors {
		said = append(said, e.Error())
	}
	if len(said) != len(lines) {
		t.Errorf("%d problems for %d bad lines: %q", len(said), len(lines), said)
	}
	for _, s := range said {
		if strings.Contains(s, secret) || strings.Contains(s, "51HxSECRET") {
			t.Errorf("shows the value: %s", s)
		}
	}
	if !strings.Contains(said[0], ":1: WANDB_API_KEY: environment.d takes no \"export\"") || !strings.Contains(said[1], ":2: HF_TOKEN:") {
		t.Errorf("export lines not named by their key: %q", said[:2])
	}
	if len(f.Values) != 0 {
		t.Errorf("took %+v", f.Values)
	}
}

// A settings file of a hundred and fifty thousand keys (the most a
// megabyte holds) is read, parsed and handed on in a moment: nothing on
// the way costs the square of the keys.
func TestEnvFileOfManyKeys(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 1000<<10-16; i++ {
		fmt.Fprintf(&b, "K%d=v\n", i)
	}
	p := writeConf(t, b.String())
	env := environ.List{"HOME=/h", "PATH=/bin", "OT_PYTHON_VENV="}
	start := time.Now()
	f := ReadEnvFile(p, env)
	c, err := parseWithFile(env, f)
	if err != nil {
		t.Fatal(err)
	}
	facts := upstream.Builtin("/ot")
	got := Export(env, "/ot", host.Host{GOOS: "linux"}, c, &facts, "start-ui.sh")
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
	if len(f.Keys) < 100000 || got.Get("K99999") != "v" || got.Get("OT_PYTHON_VENV") != ".venv" {
		t.Errorf("%d keys; K99999=%q, OT_PYTHON_VENV=%q", len(f.Keys), got.Get("K99999"), got.Get("OT_PYTHON_VENV"))
	}
}

// The file's values together stay within what exec can hand on: a file
// whose expansions would pass maxExpanded ends in an error naming the line
// where they did.
func TestEnvFileValuesBoundedInAll(t *testing.T) {
	var b strings.Builder
	b.WriteString("A=" + strings.Repeat("x", 60<<10) + "\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "B%d=$A\n", i)
	}
	f := ReadEnvFile(writeConf(t, b.String()), nil)
	if len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Error(), ":18: the settings file's values expand to more than 1048576 bytes in all") {
		t.Fatalf("errors: %v", f.Errors)
	}
	total := 0
	for _, fv := range f.Values {
		total += len(fv.Value)
	}
	if total > maxExpanded {
		t.Errorf("took %d bytes", total)
	}
}
