package envstate

import (
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/pathutil"
)

// VersionOKFile remembers, inside the env, the last version check that
// passed, as a key over everything that decides the check's answer. A warm
// launch whose key matches skips the check's Python start. Failures are
// never remembered.
const VersionOKFile = ".onetrainer-launcher-version-ok"

// VersionKey hashes what decides the version check: the interpreter the env
// runs (resolved path, size, modification time), the env's own file that
// changes when it is rebuilt (pyvenv.cfg, conda-meta/history), the
// checkout's version_check.py, and the bounds. Any change gives a new key.
func VersionKey(python, envFile, script, minimum, tooHigh string) (string, error) {
	real, err := filepath.EvalSymlinks(python)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", err
	}
	h := fnv.New128a()
	fmt.Fprintf(h, "python %s %d %d\n", real, fi.Size(), fi.ModTime().UnixNano())
	for _, p := range []string{envFile, script} {
		data, err := pathutil.ReadFile(p, pathutil.SmallFile)
		if err != nil && !pathutil.IsNotExist(err) {
			return "", err
		}
		fmt.Fprintf(h, "%s %s\n", filepath.Base(p), ContentHash(data))
	}
	fmt.Fprintf(h, "bounds %s %s\n", minimum, tooHigh)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// VersionPassed reports whether the check with key already passed in envDir.
func VersionPassed(envDir, key string) bool {
	data, err := pathutil.ReadFile(filepath.Join(envDir, VersionOKFile), pathutil.TinyFile)
	return err == nil && strings.TrimSpace(string(data)) == key
}

// RememberVersionPass records a passing check. Failing to write it (a
// read-only env) only costs the next launch a check.
func RememberVersionPass(envDir, key string) {
	_ = pathutil.WriteFile(filepath.Join(envDir, VersionOKFile), []byte(key+"\n"))
}
