package pyenv

import (
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"strings"
	"syscall"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// Record is what the launcher knows it did to an env.
type Record struct {
	Created    bool
	Installing *Attempt     // an install that began and did not complete
	Installed  []HashedFile // nil: no completed install recorded
}

// Attempt is an install that began: by which applet, and how it failed
// ("" when it was cut short: a kill, a crash, a power cut).
type Attempt struct {
	By     string
	Failed string
}

// Pending reports whether the env needs its requirements installed: an
// install began and did not complete, or the launcher made the env and
// never completed one.
func (r Record) Pending() bool {
	return r.Installing != nil || r.Created && r.Installed == nil
}

// Why says why a pending install is pending, for the line that resumes it.
func (r Record) Why() string {
	switch a := r.Installing; {
	case a != nil && a.Failed != "":
		return fmt.Sprintf("the last install (by %s) failed: %s", a.By, a.Failed)
	case a != nil:
		return fmt.Sprintf("the last install (by %s) was cut short before it completed", a.By)
	}
	return "its requirements were never installed (it was made, then cut short or stopped before they were)"
}

// HashedFile is a requirements file, its content's hash, and its stat key
// when it was hashed (device, inode, size, time): a warm launch whose stat
// key matches need not read the file again.
type HashedFile struct {
	Name string
	Hash string
	Stat string
}

// ReadRecord reads the record of the env at dir.
func ReadRecord(dir string) (Record, error) {
	var r Record
	created, err := exists(in(dir, createdFile))
	if err != nil {
		return r, err
	}
	r.Created = created
	if data, err := readRecordFile(in(dir, installingFile)); err != nil {
		return Record{}, err
	} else if data != nil {
		r.Installing = parseAttempt(string(data))
	}
	path := in(dir, installedFile)
	data, err := readRecordFile(path)
	if err != nil || data == nil {
		return r, err
	}
	r.Installed = []HashedFile{}
	for _, line := range pathutil.Lines(data) {
		if stat, ok := strings.CutPrefix(line, "="); ok {
			key, name, ok := strings.Cut(stat, "  ")
			if !ok || len(r.Installed) == 0 || r.Installed[len(r.Installed)-1].Name != name {
				return Record{}, damaged(path, line)
			}
			r.Installed[len(r.Installed)-1].Stat = key
			continue
		}
		sum, name, ok := strings.Cut(line, "  ")
		if _, err := hex.DecodeString(sum); !ok || err != nil || len(sum) != hashHexLen || name == "" {
			return Record{}, damaged(path, line)
		}
		r.Installed = append(r.Installed, HashedFile{Name: name, Hash: sum})
	}
	return r, nil
}

func damaged(path, line string) error {
	return fmt.Errorf("the launcher's record %s is damaged (%q): delete it to have the requirements installed again", path, line)
}

// readRecordFile reads a record file: nil when it is not there.
func readRecordFile(path string) ([]byte, error) {
	data, err := pathutil.ReadFile(path, pathutil.TinyFile)
	if pathutil.IsNotExist(err) || isNotDir(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the launcher's record: %w", err)
	}
	return data, nil
}

func exists(path string) (bool, error) {
	_, err := os.Lstat(path)
	switch {
	case err == nil:
		return true, nil
	case pathutil.IsNotExist(err) || isNotDir(err):
		return false, nil
	}
	return false, fmt.Errorf("reading the launcher's record: %w", pathutil.Explain(path, err))
}

func parseAttempt(s string) *Attempt {
	a := &Attempt{By: "a launcher"}
	for _, line := range strings.Split(s, "\n") {
		k, v, _ := strings.Cut(line, " ")
		switch k {
		case "by":
			a.By = v
		case "failed":
			a.Failed = v
		}
	}
	return a
}

// MarkCreated records, before the env at dir is made, that the launcher
// makes it.
func MarkCreated(dir string) error {
	return pathutil.WriteFile(in(dir, createdFile), []byte("This environment was created by onetrainer-launcher.\n"))
}

// BeginInstall withdraws the completed install before pip changes
// anything: first the install in progress is recorded, then the old
// completion removed, so that no moment shows a completed install that pip
// is changing. by names the applet, for the next launch's message.
func BeginInstall(dir, by string) error {
	if err := pathutil.WriteFile(in(dir, installingFile), []byte("by "+by+"\n")); err != nil {
		return err
	}
	if err := os.Remove(in(dir, installedFile)); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// FailInstall records how the install in progress failed, so that the
// next launch can tell a failed install from one cut short.
func FailInstall(dir, by, how string) error {
	return pathutil.WriteFile(in(dir, installingFile), []byte("by "+by+"\nfailed "+how+"\n"))
}

// CompleteInstall records a completed install of files: the completion is
// written before the install in progress is removed, so that a crash
// between the two only costs another install.
func CompleteInstall(dir string, files []HashedFile) error {
	var b strings.Builder
	for _, f := range files {
		fmt.Fprintf(&b, "%s  %s\n", f.Hash, f.Name)
		if f.Stat != "" {
			fmt.Fprintf(&b, "=%s  %s\n", f.Stat, f.Name)
		}
	}
	if err := pathutil.WriteFile(in(dir, installedFile), []byte(b.String())); err != nil {
		return err
	}
	if err := os.Remove(in(dir, installingFile)); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// HashFiles hashes the named files of the checkout.
func HashFiles(checkout string, names ...string) ([]HashedFile, error) {
	out := make([]HashedFile, 0, len(names))
	for _, n := range names {
		path := pathutil.Resolve(checkout, n)
		stat, _ := pathutil.StatKey(path, true)
		data, err := pathutil.ReadFile(path, pathutil.SmallFile)
		if err != nil {
			return nil, err
		}
		out = append(out, HashedFile{Name: n, Hash: contentHash(data), Stat: stat})
	}
	return out, nil
}

// Changed returns the names of the recorded files whose content differs
// now (or that are gone).
func (r Record) Changed(checkout string) []string {
	var changed []string
	for _, f := range r.Installed {
		if f.Stat != "" {
			if now, err := pathutil.StatKey(pathutil.Resolve(checkout, f.Name), true); err == nil && now == f.Stat {
				continue // not written since it was hashed
			}
		}
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

// isNotDir reports ENOTDIR: the env's path runs through a file, so no
// record can be there.
func isNotDir(err error) bool { return errors.Is(err, syscall.ENOTDIR) }
