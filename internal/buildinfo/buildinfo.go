// Package buildinfo says which launcher this is: the version a release
// stamps in, else what Go recorded of the build.
package buildinfo

import (
	"runtime/debug"
)

// Stamped at release time:
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
	Version  string // "v1.2.3", a module version, or "devel"
	Revision string // the VCS commit, with "-dirty" for a modified tree; "unknown" when not recorded
	Date     string // the commit's or the release's date; "" when not recorded
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

// describe combines the stamped values with Go's build info: a release's
// stamps win; `go install …@vX` records the module version; a source
// build in a git checkout records the commit unless -buildvcs=false.
func describe(version, commit, date string, bi *debug.BuildInfo) Info {
	in := Info{Version: version, Revision: commit, Date: date}
	dirty := false
	if bi != nil {
		if in.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			in.Version = bi.Main.Version
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
