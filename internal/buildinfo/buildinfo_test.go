package buildinfo

import (
	"runtime/debug"
	"testing"
)

// Each kind of build says what it is: a release its stamps, `go install
// …@vX` its module version (and a pseudo-version its commit), a build in
// a git checkout its commit, and one without either exactly what is
// missing.
func TestDescribe(t *testing.T) {
	vcs := func(mod string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/onetrainer-launcher/onetrainer-launcher", Version: mod}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	const sha = "d0e4c7959c02aa5f4b1c0e4b4f8e1f1d2c3b4a59"
	for _, tc := range []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  Info
		missing               bool
	}{
		{name: "release", version: "v1.2.3", commit: sha, date: "2026-12-01T10:00:00Z",
			bi:   vcs("v0.0.0-20261201100000-d0e4c7959c02", "vcs.revision", sha, "vcs.modified", "false"),
			want: Info{Version: "v1.2.3", Revision: sha, Date: "2026-12-01T10:00:00Z"}},
		{name: "go install of a tag", bi: vcs("v1.2.3"),
			want: Info{Version: "v1.2.3"}},
		{name: "go install of a pseudo-version", bi: vcs("v0.0.0-20261201100000-d0e4c7959c02"),
			want: Info{Version: "v0.0.0-20261201100000-d0e4c7959c02", Revision: "d0e4c7959c02"}},
		{name: "go install of a pre-release pseudo-version", bi: vcs("v1.3.0-rc.1.0.20261201100000-d0e4c7959c02"),
			want: Info{Version: "v1.3.0-rc.1.0.20261201100000-d0e4c7959c02", Revision: "d0e4c7959c02"}},
		{name: "a build in a clean clone", bi: vcs("v0.0.0-20261201100000-d0e4c7959c02", "vcs.revision", sha, "vcs.time", "2026-12-01T10:00:00Z", "vcs.modified", "false"),
			want: Info{Version: "v0.0.0-20261201100000-d0e4c7959c02", Revision: sha, Date: "2026-12-01T10:00:00Z"}},
		{name: "a build with changes", bi: vcs("v0.0.0-20261201100000-d0e4c7959c02+dirty", "vcs.revision", sha, "vcs.time", "2026-12-01T10:00:00Z", "vcs.modified", "true"),
			want: Info{Version: "v0.0.0-20261201100000-d0e4c7959c02+dirty", Revision: sha + "-dirty", Date: "2026-12-01T10:00:00Z"}},
		{name: "Go before 1.24 in a clone", bi: vcs("(devel)", "vcs.revision", sha, "vcs.modified", "true"),
			want: Info{Version: "devel", Revision: sha + "-dirty"}},
		{name: "-buildvcs=false", bi: vcs("(devel)"), want: Info{Version: "devel", Revision: "unknown"}, missing: true},
		{name: "no build info", want: Info{Version: "devel", Revision: "unknown"}, missing: true},
	} {
		got := describe(tc.version, tc.commit, tc.date, tc.bi)
		if (got.Missing != "") != tc.missing {
			t.Errorf("%s: missing %q", tc.name, got.Missing)
		}
		got.Missing = ""
		if got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
