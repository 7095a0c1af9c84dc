package out

import (
	"fmt"
	"strings"
	"testing"
)

// A launch log keeps its first and last lines however much is said, says
// how much it left out, and reads back how the run ended.
func TestLogBounded(t *testing.T) {
	var l Log
	p := &Printer{Stdout: &l, Stderr: &l}
	p.Status("first line")
	for i := 0; i < 40000; i++ {
		p.Command([]string{"step", fmt.Sprint(i)})
	}
	p.Error("the last step failed")
	text := string(l.Text("onetrainer-launcher test: ./install.sh", 1, ""))
	if len(text) > LogHead+LogTail*2+200 {
		t.Errorf("the log holds %d bytes", len(text))
	}
	for _, want := range []string{"# onetrainer-launcher test: ./install.sh\n[OneTrainer] first line\n", "bytes of the launcher's lines left out here]\n",
		"[OneTrainer] + step 39999\n[OneTrainer] Error: the last step failed\n# exit status 1\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
	end, ok := ReadLog([]byte(text))
	if !ok || end.Status != 1 || end.Error != "the last step failed" || end.Header != "onetrainer-launcher test: ./install.sh" {
		t.Errorf("ReadLog = %+v, %v", end, ok)
	}
	end, ok = ReadLog(l.Text("h", 0, "python scripts/train_ui.py"))
	if !ok || end.Status != 0 || end.Became != "python scripts/train_ui.py" {
		t.Errorf("ReadLog of a run that became the UI = %+v, %v", end, ok)
	}
	if _, ok := ReadLog([]byte("# h\n[OneTrainer] cut short\n")); ok {
		t.Error("a log without its closing line was read as one")
	}
}
