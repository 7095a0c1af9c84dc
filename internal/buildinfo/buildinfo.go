// Package buildinfo says which launcher this is: the version a release
// stamps in, else what Go recorded of the build.
package buildinfo

import (
	"regexp"
	"runtime/debug"
	"strings"
)

// Stamped at release time (.goreleaser.yaml):
//
//	-ldflags "-X .../internal/buildinfo.version=v1.2.3 -X .../internal/buildinfo.commit=SHA -X .../internal/buildinfo.date=DATE"
//
// They are never changed after the program starts.
var (
	version = ""
	commit  = ""
	date    = ""
)

// Info is what is known of the build.
type Info struct {
	// Version is the release's tag, else the module version Go recorded
	// (`go install …@v1.2.3`, or a pseudo-version for a build in a git
	// checkout), else "devel".
	Version string
	// Revision is the commit, with "-dirty" for a modified tree; "unknown"
	// when not recorded, "" when the module version alone names the source.
	Revision string
	Date     string // the commit's date; "" when not recorded
	// Missing says, for a build that recorded no revision, why.
	Missing string
}

// Read tells what this binary knows of its build.
func Read() Info {
	return describe(version, commit, date, readBuildInfo())
}

func readBuildInfo() *debug.BuildInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	return bi
}

// pseudo matches the end of a pseudo-version (v0.0.0-20261201201821-d0e4c7959c02),
// which holds the commit's first twelve hex digits.
var pseudo = regexp.MustCompile(`[.-]\d{14}-([0-9a-f]{12})(\+dirty)?$`)

// describe combines the stamped values with Go's build info: a release's
// stamps win; `go install …@vX` records the module version; a source
// build in a git checkout records the commit unless -buildvcs=false.
func describe(version, commit, date string, bi *debug.BuildInfo) Info {
	in := Info{Version: version, Revision: commit, Date: date}
	dirty := false
	moduleVersion := ""
	if bi != nil {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			moduleVersion = v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if in.Revision == "" {
					in.Revision = s.Value
				}
			case "vcs.time":
				if in.Date == "" {
					in.Date = s.Value
				}
			case "vcs.modified":
				dirty = s.Value == "true" && commit == ""
			}
		}
	}
	if in.Version == "" {
		in.Version = moduleVersion
	}
	if in.Revision == "" && moduleVersion != "" && in.Version == moduleVersion {
		// A module version from the proxy: a pseudo-version names its commit;
		// a tag names the source by itself.
		if m := pseudo.FindStringSubmatch(moduleVersion); m != nil {
			in.Revision = m[1]
			dirty = dirty || m[2] != ""
		} else if !strings.HasSuffix(moduleVersion, "+dirty") {
			return in
		}
	}
	if in.Version == "" {
		in.Version = "devel"
	}
	switch {
	case in.Revision == "" && bi == nil:
		in.Revision, in.Missing = "unknown", "the binary carries no build information"
	case in.Revision == "":
		in.Revision, in.Missing = "unknown", "Go records the commit only when it builds inside a git checkout with VCS stamping on; this build had it off (-buildvcs=false, often set in GOFLAGS) or no git checkout. Build with go build -buildvcs=true in a clone, or use a release"
	case dirty:
		in.Revision += "-dirty"
	}
	return in
}
