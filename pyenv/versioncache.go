package pyenv

import (
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
)

// VersionOKFile remembers, inside the env, the last version check that
// passed, as a key over everything that decides the check's answer. A warm
// launch whose key matches skips the check's Python start. Failures are
// never remembered.
const VersionOKFile = ".onetrainer-launcher-version-ok"

// versionKey hashes what decides the version check: the interpreter the env
// runs (resolved path, size, modification time), the env's pyvenv.cfg, the
// checkout's version_check.py, and the bounds. Any change gives a new key.
func versionKey(python, pyvenvCfg, script, minimum, tooHigh string) (string, error) {
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
	for _, p := range []string{pyvenvCfg, script} {
		data, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			return "", err
		}
		fmt.Fprintf(h, "%s %s\n", filepath.Base(p), contentHash(data))
	}
	fmt.Fprintf(h, "bounds %s %s\n", minimum, tooHigh)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// versionPassed reports whether the check with key already passed in envDir.
func versionPassed(envDir, key string) bool {
	data, err := os.ReadFile(filepath.Join(envDir, VersionOKFile))
	return err == nil && strings.TrimSpace(string(data)) == key
}

// rememberVersionPass records a passing check. Failing to write it (a
// read-only env) only costs the next launch a check.
func rememberVersionPass(envDir, key string) {
	_ = writeFileAtomic(filepath.Join(envDir, VersionOKFile), []byte(key+"\n"))
}
