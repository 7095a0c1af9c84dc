package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The warm path is the product: every start of ./start-ui.sh pays for the
// initialisation of every package the binary links, used or not. These are
// packages the launcher does not need whose cost was measured (minor page
// faults of an empty static Go program importing the package, against the
// same program without it: 155 faults, this project's machine, where a
// fault costs about 30 µs). A change that links one of them fails here;
// find another way, or measure the cost and say why it is worth it.
var notOnTheWarmPath = []struct {
	pkg, why string
}{
	{"net", "+40 faults (resolver set-up); the launcher never reaches the network"},
	{"net/http", "+106 faults, +2.3 MB; what linking ghw's PCI database would bring in"},
	{"os/user", "+31 faults, and with cgo a dynamically linked binary; pathutil reads /etc/passwd itself"},
	{"crypto/sha256", "+40 faults (the FIPS module); the records use FNV, which only has to notice change"},
	{"crypto/rand", "+40 faults"},
	{"crypto/tls", "+83 faults"},
	{"text/template", "+43 faults"},
	{"html/template", "more than text/template, which it links"},
	{"encoding/xml", "+36 faults"},
	{"log/slog", "+37 faults"},
	{"compress/gzip", "+37 faults"},
	{"math/big", "+31 faults"},
}

// forbidden reports whether pkg is one of notOnTheWarmPath or below one of
// them (net/netip, crypto/internal/...).
func forbidden(pkg string) (string, bool) {
	for _, f := range notOnTheWarmPath {
		if pkg == f.pkg || f.pkg != "net/http" && strings.HasPrefix(pkg, f.pkg+"/") {
			return f.why, true
		}
	}
	if strings.HasPrefix(pkg, "crypto/") || pkg == "crypto" {
		return "crypto's packages start the FIPS module's self-checks", true
	}
	return "", false
}

func TestWarmPathLinksNothingItDoesNotNeed(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH:", err)
	}
	for _, tags := range []string{"linux", "darwin"} {
		cmd := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}}", ".")
		cmd.Env = append(cmd.Environ(), "GOOS="+tags, "CGO_ENABLED=0")
		text, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list (GOOS=%s): %v", tags, err)
		}
		deps := strings.Fields(string(text))
		if len(deps) < 20 {
			t.Fatalf("go list (GOOS=%s) listed only %q", tags, deps)
		}
		for _, pkg := range deps {
			if why, bad := forbidden(pkg); bad {
				t.Errorf("GOOS=%s: the launcher links %s, which every start would pay for: %s", tags, pkg, why)
			}
		}
	}
}
