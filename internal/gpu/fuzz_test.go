package gpu

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// nvidia-smi output of any shape never panics the parser, and a version it
// reports is one the text holds.
func FuzzParseSMIHeader(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "smi-*.txt"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(string(b))
		}
	}
	f.Add("CUDA Version: 99999999999999999999.1")
	f.Fuzz(func(t *testing.T, text string) {
		h, ok := parseSMIHeader(text)
		if !ok {
			return
		}
		if h.CUDAMajor < 0 || h.CUDAMinor < 0 {
			t.Fatalf("negative version from %q: %+v", text, h)
		}
		if !strings.Contains(text, strconv.Itoa(h.CUDAMajor)+".") {
			t.Fatalf("%q gave CUDA %s, which it does not say", text, h.CUDA())
		}
	})
}
