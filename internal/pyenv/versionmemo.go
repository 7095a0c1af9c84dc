package pyenv

import (
	"encoding/hex"
	"hash/fnv"
	"io"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// VersionKey sums up what decides the version check: the interpreter the
// env runs, the env's own file that changes when it is rebuilt
// (pyvenv.cfg, conda-meta/history), the checkout's version_check.py — each
// by what changes when it is replaced or written (device, inode, size,
// modification time; the interpreter's through its links) — and the
// bounds. Any change gives a new key. Stats, not reads: this runs on every
// warm launch.
func VersionKey(python, envFile, script, minimum, tooHigh string) (string, error) {
	py, err := pathutil.StatKey(python, true)
	if err != nil {
		return "", err
	}
	h := fnv.New128a()
	io.WriteString(h, "python "+py+"\nenv "+pathutil.StatKeyOr(envFile)+"\nscript "+pathutil.StatKeyOr(script)+"\nbounds "+minimum+" "+tooHigh+"\n")
	var sum [16]byte
	return hex.EncodeToString(h.Sum(sum[:0])), nil
}

// VersionPassed reports whether the check with key already passed in envDir.
func VersionPassed(envDir, key string) bool {
	data, err := pathutil.ReadFile(in(envDir, versionOKFile), pathutil.TinyFile)
	return err == nil && strings.TrimSpace(string(data)) == key
}

// RememberVersionPass records a passing check. Failing to write it (a
// read-only env) only costs the next launch a check.
func RememberVersionPass(envDir, key string) {
	_ = pathutil.WriteFile(in(envDir, versionOKFile), []byte(key+"\n"))
}
