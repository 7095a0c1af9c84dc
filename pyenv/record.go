package pyenv

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// The launcher's record inside an env is two small files, so that a warm
// launch reads it with a stat and a short read:
//
//   - CreatedFile is written before the env is made: an env holding it was
//     made by the launcher, even when its creation was cut short.
//   - InstalledFile is written once both pip commands have succeeded. It
//     lists the requirements files used, one "HASH  NAME" line each, the
//     hash being contentHash's.
//
// An env with neither was made by something else (the original scripts, or
// by hand) and is trusted as installed, as the original scripts did.
const (
	CreatedFile   = ".onetrainer-launcher-created"
	InstalledFile = ".onetrainer-launcher-installed"
)

// Record is what the launcher knows it did to an env.
type Record struct {
	Created   bool
	Installed []HashedFile // nil: no completed install recorded
}

// HashedFile is a requirements file and its content's hash.
type HashedFile struct {
	Name string
	Hash string
}

// ReadRecord reads the record of the env at dir.
func ReadRecord(dir string) (Record, error) {
	var r Record
	_, err := os.Stat(filepath.Join(dir, CreatedFile))
	r.Created = err == nil
	path := filepath.Join(dir, InstalledFile)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return r, nil
	}
	if err != nil {
		return r, err
	}
	defer f.Close()
	r.Installed = []HashedFile{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if _, err := hex.DecodeString(sum); !ok || err != nil || len(sum) != hashHexLen || name == "" {
			return Record{}, fmt.Errorf("the launcher's record %s is damaged (%q): delete it to have the requirements installed again", path, sc.Text())
		}
		r.Installed = append(r.Installed, HashedFile{Name: name, Hash: sum})
	}
	return r, sc.Err()
}

// MarkCreated records, before the env at dir is made, that the launcher
// makes it.
func MarkCreated(dir string) error {
	return writeFileAtomic(filepath.Join(dir, CreatedFile),
		[]byte("This environment was created by onetrainer-launcher.\n"))
}

// MarkInstalled records a completed install of files into the env at dir.
func MarkInstalled(dir string, files []HashedFile) error {
	var b strings.Builder
	for _, f := range files {
		fmt.Fprintf(&b, "%s  %s\n", f.Hash, f.Name)
	}
	return writeFileAtomic(filepath.Join(dir, InstalledFile), []byte(b.String()))
}

// HashFiles hashes the named files of the checkout.
func HashFiles(checkout string, names ...string) ([]HashedFile, error) {
	out := make([]HashedFile, 0, len(names))
	for _, n := range names {
		data, err := os.ReadFile(absUnder(checkout, n))
		if err != nil {
			return nil, err
		}
		out = append(out, HashedFile{Name: n, Hash: contentHash(data)})
	}
	return out, nil
}

// Changed returns the names of the recorded files whose content differs now
// (or that are gone).
func (r Record) Changed(checkout string) []string {
	var changed []string
	for _, f := range r.Installed {
		now, err := HashFiles(checkout, f.Name)
		if err != nil || now[0].Hash != f.Hash {
			changed = append(changed, f.Name)
		}
	}
	return changed
}

// hashHexLen is the length of contentHash's result.
const hashHexLen = 32

// contentHash is a 128-bit FNV-1a hash of data, in hex. The records only
// need to notice change, not resist forgery, and crypto/sha256 would link
// the whole FIPS module into a binary whose start-up time is its product.
func contentHash(data []byte) string {
	h := fnv.New128a()
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}
