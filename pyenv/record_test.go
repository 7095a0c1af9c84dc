package pyenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	if err := MarkInstalled(dir, files); err != nil {
		t.Fatal(err)
	}
	r, err := ReadRecord(dir)
	if err != nil || !r.Created || len(r.Installed) != 1 || r.Installed[0] != files[0] {
		t.Fatalf("read back %+v, %v", r, err)
	}
	if c := r.Changed(dir); len(c) != 0 {
		t.Errorf("nothing changed, yet %v", c)
	}
	os.WriteFile(filepath.Join(dir, "requirements-global.txt"), []byte("torch==2.9\n"), 0o644)
	if c := r.Changed(dir); len(c) != 1 || c[0] != "requirements-global.txt" {
		t.Errorf("changed: %v", c)
	}

	os.WriteFile(filepath.Join(dir, InstalledFile), []byte("not a hash line\n"), 0o644)
	if _, err := ReadRecord(dir); err == nil || !strings.Contains(err.Error(), InstalledFile) || !strings.Contains(err.Error(), "delete it") {
		t.Errorf("a damaged record: %v", err)
	}
}
