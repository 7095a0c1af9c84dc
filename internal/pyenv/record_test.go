package pyenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

func TestRecordRoundTripAndDamage(t *testing.T) {
	dir := t.TempDir()
	if r, err := ReadRecord(dir); err != nil || r.Created || r.Installed != nil {
		t.Fatalf("an env without records: %+v, %v", r, err)
	}
	os.WriteFile(filepath.Join(dir, "requirements-global.txt"), []byte("torch\n"), 0o644)
	files, err := HashFiles(dir, "requirements-global.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := MarkCreated(dir); err != nil {
		t.Fatal(err)
	}
	if err := BeginInstall(dir, "install.sh"); err != nil {
		t.Fatal(err)
	}
	if r, err := ReadRecord(dir); err != nil || !r.Pending() || r.Installing == nil || r.Installing.By != "install.sh" || r.Installing.Failed != "" {
		t.Fatalf("an install begun: %+v, %v", r, err)
	}
	if err := FailInstall(dir, "install.sh", "pip exited with status 1"); err != nil {
		t.Fatal(err)
	}
	if r, _ := ReadRecord(dir); !r.Pending() || !strings.Contains(r.Why(), "failed: pip exited with status 1") {
		t.Fatalf("a failed install: %+v %q", r, r.Why())
	}
	if err := CompleteInstall(dir, files); err != nil {
		t.Fatal(err)
	}
	r, err := ReadRecord(dir)
	if err != nil || !r.Created || r.Pending() || len(r.Installed) != 1 || r.Installed[0] != files[0] {
		t.Fatalf("read back %+v, %v", r, err)
	}
	if c := r.Changed(dir); len(c) != 0 {
		t.Errorf("nothing changed, yet %v", c)
	}
	os.WriteFile(filepath.Join(dir, "requirements-global.txt"), []byte("torch==2.9\n"), 0o644)
	if c := r.Changed(dir); len(c) != 1 || c[0] != "requirements-global.txt" {
		t.Errorf("changed: %v", c)
	}

	os.WriteFile(filepath.Join(dir, installedFile), []byte("not a hash line\n"), 0o644)
	if _, err := ReadRecord(dir); err == nil || !strings.Contains(err.Error(), installedFile) || !strings.Contains(err.Error(), "delete it") {
		t.Errorf("a damaged record: %v", err)
	}
}

// An update withdraws the completed install before pip changes anything:
// at no moment between the steps does the record claim a completed
// install that pip is changing.
func TestUpdateWithdrawsCompletion(t *testing.T) {
	dir := t.TempDir()
	if err := CompleteInstall(dir, []HashedFile{{Name: "r.txt", Hash: strings.Repeat("0", hashHexLen)}}); err != nil {
		t.Fatal(err)
	}
	if r, _ := ReadRecord(dir); r.Pending() || r.Installed == nil {
		t.Fatalf("completed: %+v", r)
	}
	// The first step of BeginInstall alone (a kill right after it):
	pathutil.WriteFile(filepath.Join(dir, installingFile), []byte("by update.sh\n"))
	if r, _ := ReadRecord(dir); !r.Pending() || !strings.Contains(r.Why(), "cut short") {
		t.Fatalf("after the first step: %+v", r)
	}
	if err := BeginInstall(dir, "update.sh"); err != nil {
		t.Fatal(err)
	}
	if r, _ := ReadRecord(dir); !r.Pending() || r.Installed != nil {
		t.Fatalf("begun: %+v", r)
	}
	// A foreign env (no launcher records) that an update began on is
	// pending too, not trusted as installed.
	foreign := t.TempDir()
	if err := BeginInstall(foreign, "update.sh"); err != nil {
		t.Fatal(err)
	}
	if r, _ := ReadRecord(foreign); !r.Pending() || r.Created {
		t.Fatalf("foreign env begun: %+v", r)
	}
}
