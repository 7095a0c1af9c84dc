package doctor

import (
	"fmt"
	"os"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// LaunchLog is an applet's launch log: what the launcher said in its last
// run that installed, failed or was refused.
type LaunchLog struct {
	Script string `json:"script"`
	Path   string `json:"path"`
	Status int    `json:"status"` // its exit status; 0 also where the launcher became the final command
	Error  string `json:"error"`  // its first error line, without "[OneTrainer] Error: "; "" for none
}

// launchLogs reports the applets' launch logs, and the last failed run as a
// warning: what stopped it may be gone since (the checks above say what
// stands now), but its words and its log are what a bug report needs.
func launchLogs(rep *Report, co layout.Checkout) {
	rep.LaunchLogs = []LaunchLog{}
	last, lastTime := -1, int64(0)
	for _, script := range layout.Scripts() {
		path := co.LaunchLog(script)
		data, err := pathutil.ReadFile(path, out.LogHead+out.LogTail+pathutil.TinyFile)
		if err != nil {
			continue
		}
		end, ok := out.ReadLog(data)
		if !ok {
			continue
		}
		rep.LaunchLogs = append(rep.LaunchLogs, LaunchLog{Script: script, Path: path, Status: end.Status, Error: end.Error})
		if fi, err := os.Stat(path); err == nil && end.Status != 0 && fi.ModTime().UnixNano() > lastTime {
			last, lastTime = len(rep.LaunchLogs)-1, fi.ModTime().UnixNano()
		}
	}
	if last >= 0 {
		last := rep.LaunchLogs[last]
		what := ""
		if last.Error != "" {
			what = ": " + last.Error
		}
		rep.Warn(SectionLaunch, fmt.Sprintf("the last failed launch: ./%s exited with status %d%s", last.Script, last.Status, what),
			"what the launcher said is in "+last.Path)
	}
}
