package e2e_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// A setting upstream adds that the launcher's table lacks follows the
// checkout, as its own scripts would: the final Python script (a real
// one, recording its environment) gets the checkout's default, or the
// environment's value; doctor lists it with where its default came from.
// The settings file hands its every key to the launch, and none of its
// values reaches the launcher's words: not the warnings of a launch (with
// debug lines on), not doctor's text, not doctor's JSON.
func TestSettingsFollowTheCheckoutAndTheFile(t *testing.T) {
	t.Parallel()
	co := linkedCheckout(t)
	if err := testkit.WriteFramework(co); err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(co, "lib.include.sh")
	data, err := os.ReadFile(lib)
	if err != nil {
		t.Fatal(err)
	}
	debug := "export OT_SCRIPT_DEBUG=\"${OT_SCRIPT_DEBUG:-false}\"\n"
	if !strings.Contains(string(data), debug) {
		t.Fatalf("the test framework's lib.include.sh has no line %q", debug)
	}
	grown := strings.Replace(string(data), debug, debug+"export OT_NEWTHING=\"${OT_NEWTHING:-abc}\"\n", 1)
	line := strings.Count(grown[:strings.Index(grown, "export OT_NEWTHING")], "\n") + 1
	if err := os.WriteFile(lib, []byte(grown), 0o644); err != nil {
		t.Fatal(err)
	}

	const secret = "sk-live-51HxSECRETvalue"
	home := settingsHome(t, func(p string) {
		os.WriteFile(p, []byte("# kept for OneTrainer\n"+
			"HF_HOME=/data/hf\n"+
			"HF_TOKEN="+secret+"-ok\n"+
			"export WANDB_API_KEY="+secret+"\n"+
			"BROKEN='"+secret+"\n"+
			secret+"\n"), 0o644)
	})
	env := []string{"HOME=" + home, "TEST_RECORD=HF_HOME HF_TOKEN WANDB_API_KEY"}
	var said []string
	run := func(applet string, more ...string) {
		t.Helper()
		var args []string
		if applet == "run-cmd.sh" {
			args = []string{"train"}
		}
		code, stdout, stderr := launch(t, co, applet, append(append([]string(nil), env...), more...), args...)
		said = append(said, stdout, stderr)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", applet, code, stdout, stderr)
		}
	}
	record := func(applet string, more ...string) string {
		t.Helper()
		run(applet, more...)
		rec, err := os.ReadFile(filepath.Join(co, "record.txt"))
		if err != nil {
			t.Fatal(err)
		}
		return string(rec)
	}
	run("install.sh", "OT_SCRIPT_DEBUG=true")
	rec := record("start-ui.sh", "OT_SCRIPT_DEBUG=true")
	for _, want := range []string{"env OT_NEWTHING=abc\n", "env HF_HOME=/data/hf\n", "env HF_TOKEN=" + secret + "-ok\n"} {
		if !strings.Contains(rec, want) {
			t.Errorf("start-ui's Python lacks %q:\n%s", want, rec)
		}
	}
	if strings.Contains(rec, "WANDB_API_KEY") {
		t.Errorf("a line the file cannot take was passed:\n%s", rec)
	}
	if rec := record("start-ui.sh", "OT_NEWTHING=x", "HF_HOME=/mine"); !strings.Contains(rec, "env OT_NEWTHING=x\n") || !strings.Contains(rec, "env HF_HOME=/mine\n") {
		t.Errorf("the environment's values do not win:\n%s", rec)
	}
	if rec := record("start-ui.sh", "OT_NEWTHING="); !strings.Contains(rec, "env OT_NEWTHING=abc\n") {
		t.Errorf("an empty OT_NEWTHING is not the default, as ${OT_NEWTHING:-abc} makes it:\n%s", rec)
	}
	if rec := record("run-cmd.sh"); !strings.Contains(rec, "env OT_NEWTHING=abc\n") {
		t.Errorf("run-cmd's Python lacks OT_NEWTHING=abc:\n%s", rec)
	}

	for _, args := range [][]string{{"doctor", "--json"}, {"doctor"}} {
		cmd := exec.Command(s.launcher, append([]string{"-C", co}, args...)...)
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "OT_PYTHON_CMD=" + s.python.Path}, env...)
		out, _ := cmd.CombinedOutput() // a warning is a problem: exit 1
		said = append(said, string(out))
		text := string(out)
		wants := []string{"OT_NEWTHING", "lib.include.sh:" + strconv.Itoa(line), "HF_HOME", "HF_TOKEN", "WANDB_API_KEY"}
		if args[len(args)-1] == "--json" {
			wants = append(wants, `"name": "OT_NEWTHING"`, `"kind": "text"`, `"value": "abc"`, `"default_from": "lib.include.sh:`+strconv.Itoa(line)+`"`,
				`"settings_file_passes": [`)
		}
		for _, want := range wants {
			if !strings.Contains(text, want) {
				t.Errorf("%s does not say %q:\n%s", strings.Join(args, " "), want, text)
			}
		}
	}
	for _, s := range said {
		if strings.Contains(s, "51HxSECRET") {
			t.Errorf("the launcher showed a value of the settings file:\n%s", s)
		}
	}
}
