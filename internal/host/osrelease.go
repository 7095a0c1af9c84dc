package host

import (
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// OSRelease is what a Linux system's os-release file says of it.
type OSRelease struct {
	ID         string // "debian", "ubuntu", "fedora", "arch"
	IDLike     string // "debian", "rhel fedora"
	VersionID  string // "12", "24.04"
	PrettyName string
}

// ReadOSRelease reads /etc/os-release, else /usr/lib/os-release, under
// root ("" or "/" for the system itself; a snapshot's folder otherwise).
func ReadOSRelease(root string) OSRelease {
	var r OSRelease
	for _, p := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		data, err := pathutil.ReadFile(pathutil.Under(root, p), pathutil.TinyFile)
		if err != nil {
			continue
		}
		for _, line := range pathutil.Lines(data) {
			k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
			if !ok {
				continue
			}
			v = strings.Trim(v, `"'`)
			switch k {
			case "ID":
				r.ID = v
			case "ID_LIKE":
				r.IDLike = v
			case "VERSION_ID":
				r.VersionID = v
			case "PRETTY_NAME":
				r.PrettyName = v
			}
		}
		return r
	}
	return r
}

// Is reports whether the system is id or is like it (ID_LIKE).
func (r OSRelease) Is(id string) bool {
	if r.ID == id {
		return true
	}
	for _, like := range strings.Fields(r.IDLike) {
		if like == id {
			return true
		}
	}
	return false
}
