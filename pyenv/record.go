package pyenv

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// RecordFile is where the launcher keeps its record inside an env. Its
// absence means the env was made by something else (the original scripts,
// or by hand), which is trusted as installed, as the original did.
const RecordFile = ".onetrainer-launcher.json"

// Record says what the launcher did to an env.
type Record struct {
	// Created is set before the env is made, so that an interrupted
	// creation is still known as ours.
	Created bool `json:"created"`
	// Installed is set once both pip commands have succeeded.
	Installed *Install `json:"installed,omitempty"`
}

// Install is a completed requirements install.
type Install struct {
	Files []HashedFile `json:"files"`
}

// HashedFile is a requirements file and its content's SHA-256.
type HashedFile struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// ReadRecord reads the record of the env at dir; ok is false when it has
// none. A record that cannot be parsed is an error naming it.
func ReadRecord(dir string) (r Record, ok bool, err error) {
	data, err := os.ReadFile(filepath.Join(dir, RecordFile))
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, err
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return Record{}, false, fmt.Errorf("the launcher's record %s is damaged (%v): delete it to have the requirements installed again", filepath.Join(dir, RecordFile), err)
	}
	return r, true, nil
}

// WriteRecord replaces the record of the env at dir in one step.
func WriteRecord(dir string, r Record) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, RecordFile), append(data, '\n'))
}

// HashFiles hashes the named files of the checkout.
func HashFiles(checkout string, names ...string) ([]HashedFile, error) {
	out := make([]HashedFile, 0, len(names))
	for _, n := range names {
		data, err := os.ReadFile(absUnder(checkout, n))
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		out = append(out, HashedFile{Name: n, SHA256: hex.EncodeToString(sum[:])})
	}
	return out, nil
}

// Changed returns the names of the recorded files whose content differs now
// (or that are gone).
func (in *Install) Changed(checkout string) []string {
	var changed []string
	for _, f := range in.Files {
		now, err := HashFiles(checkout, f.Name)
		if err != nil || now[0].SHA256 != f.SHA256 {
			changed = append(changed, f.Name)
		}
	}
	return changed
}
