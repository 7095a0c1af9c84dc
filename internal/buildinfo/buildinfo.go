// Package buildinfo says which launcher this is: the version a release
// stamps in, else what Go recorded of the build.
package buildinfo

import (
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

// pseudoCommit is the commit a pseudo-version names
// (v0.0.0-20261201201821-d0e4c7959c02, ...-0.20261201201821-d0e4c7959c02):
// its last part, twelve hex digits after a dot or dash and fourteen
// digits of time; dirty tells a +dirty suffix. ok is false for a version
// that is no pseudo-version. (No regexp: one compiled at start costs every
// launch.)
func pseudoCommit(v string) (commit string, dirty, ok bool) {
	v, dirty = strings.CutSuffix(v, "+dirty")
	if len(v) < 28 {
		return "", false, false
	}
	rev, stamp, sep := v[len(v)-12:], v[len(v)-27:len(v)-13], v[len(v)-28]
	if v[len(v)-13] != '-' || sep != '.' && sep != '-' {
		return "", false, false
	}
	for _, c := range stamp {
		if c < '0' || c > '9' {
			return "", false, false
		}
	}
	for _, c := range rev {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", false, false
		}
	}
	return rev, dirty, true
}

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
		if rev, d, ok := pseudoCommit(moduleVersion); ok {
			in.Revision = rev
			dirty = dirty || d
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
