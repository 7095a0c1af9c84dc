package pathutil

import (
	"strconv"

	"golang.org/x/sys/unix"
)

// StatKey describes the file at path by what changes when it is written,
// replaced or removed — device, inode, size and modification time — so
// that a remembered answer about the file can be trusted without reading
// it again. Links are followed when follow is set. It is the one key the
// launcher's memos use.
func StatKey(path string, follow bool) (string, error) {
	var st unix.Stat_t
	var err error
	if follow {
		err = unix.Stat(path, &st)
	} else {
		err = unix.Lstat(path, &st)
	}
	if err != nil {
		return "", Explain(path, err)
	}
	sec, nsec := st.Mtim.Unix()
	return strconv.FormatUint(uint64(st.Dev), 16) + ":" + strconv.FormatUint(uint64(st.Ino), 16) + ":" +
		strconv.FormatInt(st.Size, 10) + ":" + strconv.FormatInt(sec, 10) + "." + strconv.FormatInt(nsec, 10), nil
}

// StatKeyOr is StatKey following links, with "-" for a file that cannot be
// stat'ed: a missing file is a state of its own.
func StatKeyOr(path string) string {
	k, err := StatKey(path, true)
	if err != nil {
		return "-"
	}
	return k
}
