package envstate

import (
	"encoding/hex"
	"hash/fnv"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/onetrainer-launcher/onetrainer-launcher/pathutil"
)

// versionOKFile remembers, inside the env, the last version check that
// passed, as a key over everything that decides the check's answer. A warm
// launch whose key matches skips the check's Python start. Failures are
// never remembered.
const versionOKFile = ".onetrainer-launcher-version-ok"

// VersionKey sums up what decides the version check: the interpreter the
// env runs, the env's own file that changes when it is rebuilt
// (pyvenv.cfg, conda-meta/history), the checkout's version_check.py — each
// by what changes when it is replaced or written (device, inode, size,
// modification time; the interpreter's through its links) — and the
// bounds. Any change gives a new key. Stats, not reads: this runs on every
// warm launch.
func VersionKey(python, envFile, script, minimum, tooHigh string) (string, error) {
	py, err := statKey(python, true)
	if err != nil {
		return "", err
	}
	h := fnv.New128a()
	io.WriteString(h, "python "+py+"\nenv "+mustStatKey(envFile)+"\nscript "+mustStatKey(script)+"\nbounds "+minimum+" "+tooHigh+"\n")
	var sum [16]byte
	return hex.EncodeToString(h.Sum(sum[:0])), nil
}

// statKey describes the file at path by device, inode, size and
// modification time, following links when follow is set.
func statKey(path string, follow bool) (string, error) {
	var st unix.Stat_t
	var err error
	if follow {
		err = unix.Stat(path, &st)
	} else {
		err = unix.Lstat(path, &st)
	}
	if err != nil {
		return "", pathutil.Explain(path, err)
	}
	sec, nsec := st.Mtim.Unix()
	return strconv.FormatUint(uint64(st.Dev), 16) + ":" + strconv.FormatUint(uint64(st.Ino), 16) + ":" +
		strconv.FormatInt(st.Size, 10) + ":" + strconv.FormatInt(sec, 10) + "." + strconv.FormatInt(nsec, 10), nil
}

// mustStatKey is statKey, with "-" for a file that cannot be stat'ed (a
// missing pyvenv.cfg is a state of its own).
func mustStatKey(path string) string {
	k, err := statKey(path, true)
	if err != nil {
		return "-"
	}
	return k
}

// VersionPassed reports whether the check with key already passed in envDir.
func VersionPassed(envDir, key string) bool {
	data, err := pathutil.ReadFile(filepath.Join(envDir, versionOKFile), pathutil.TinyFile)
	return err == nil && strings.TrimSpace(string(data)) == key
}

// RememberVersionPass records a passing check. Failing to write it (a
// read-only env) only costs the next launch a check.
func RememberVersionPass(envDir, key string) {
	_ = pathutil.WriteFile(filepath.Join(envDir, versionOKFile), []byte(key+"\n"))
}
