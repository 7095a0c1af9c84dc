package upstream

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
)

// Any bytes as lib.include.sh and start-ui.sh: Extract ends within its
// budget of time and memory, never panics, and its facts survive the memo.
func FuzzExtract(f *testing.F) {
	f.Add([]byte(framework), []byte(startUI))
	f.Add([]byte("export OT_PYTHON_VENV=\"${OT_PYTHON_VENV:-${A:-${B:-${C:-x}}}}\"\n"), []byte(""))
	f.Add([]byte("A=x\n"+strings.Repeat("A=\"$A$A\"\n", 40)+"export OT_PYTHON_VERSION_MINIMUM=$A\n"), []byte(""))
	f.Add([]byte("function f {\n declare -a a=(x)\n"+strings.Repeat(" a+=(\"${a[@]}\")\n", 30)+" run_conda create -p \"${OT_CONDA_ENV}\" \"${a[@]}\"\n}\n"), []byte(""))
	f.Add([]byte("# "+strings.Repeat("z", 100<<10)+"\nexport OT_PYTHON_VERSION_TOO_HIGH=\"3.12\"\n"), []byte(""))
	f.Add([]byte(strings.Repeat("$(", 1000)), []byte(strings.Repeat("${", 1000)))
	f.Add([]byte("export OT_PYTHON_VENV=\"ven\x00v\"\n"), []byte("run_python_in_active_env \"a\x00b\" \"$@\"\n"))
	f.Add([]byte("if [[ -z \"${X+x}\" ]] && [[ \"$Y\" != y ]]; then export Z=1; else export Z=2; fi\n"), []byte{})
	f.Fuzz(func(t *testing.T, lib, ui []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		facts := Extract("/co", "Linux", []Source{{Name: layout.LibFile, Data: lib}, {Name: layout.StartUIScript, Data: ui}})
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("Extract took %v", d)
		}
		runtime.ReadMemStats(&after)
		if used := after.TotalAlloc - before.TotalAlloc; used > 512<<20 {
			t.Fatalf("Extract allocated %d MB for %d bytes of input", used>>20, len(lib)+len(ui))
		}
		if facts.UIScript.Value == "" || len(facts.Platform) == 0 {
			t.Fatalf("facts without a UI script or platform rules: %+v", facts)
		}
		text := encode(facts, "k")
		back, key, err := decode(text)
		if err != nil || key != "k" || !reflect.DeepEqual(back, facts) {
			t.Fatalf("the memo does not survive: %v", err)
		}
	})
}
