package host

import "testing"

// What a Mac answers, read: `sysctl -n hw.optional.arm64` says 1 on
// Apple silicon (under Rosetta too) and fails or says 0 on an Intel Mac;
// an arm64 launcher needs no answer.
func TestMacHardware(t *testing.T) {
	for _, tc := range []struct {
		h                 Host
		answer            string
		answered          bool
		hardware          string
		rosetta           bool
		nativeX86Python   bool
		nativeARM64Python bool
	}{
		{Host{"darwin", "arm64"}, "", false, MachineARM64, false, false, true},
		{Host{"darwin", "amd64"}, "1\n", true, MachineARM64, true, false, true},
		{Host{"darwin", "amd64"}, "0\n", true, MachineX86, false, true, true},
		{Host{"darwin", "amd64"}, "", false, MachineX86, false, true, true},
		{Host{"linux", "amd64"}, "1", true, "", false, true, true},
	} {
		hw := tc.h.MacHardware(tc.answer, tc.answered)
		if hw != tc.hardware || tc.h.UnderRosetta(hw) != tc.rosetta ||
			NativeMachine(MachineX86, hw) != tc.nativeX86Python || NativeMachine(MachineARM64, hw) != tc.nativeARM64Python {
			t.Errorf("%+v answering %q (%v): hardware %q, Rosetta %v, x86_64 Python native %v", tc.h, tc.answer, tc.answered, hw, tc.h.UnderRosetta(hw), NativeMachine(MachineX86, hw))
		}
	}
}

// A display is needed on Linux and the other Unix-likes, not on macOS.
func TestDisplay(t *testing.T) {
	for _, tc := range []struct {
		h            Host
		x11, wayland string
		missing      bool
		state        string
	}{
		{Host{GOOS: "linux"}, "", "", true, "none (neither DISPLAY nor WAYLAND_DISPLAY is set)"},
		{Host{GOOS: "freebsd"}, "", "", true, "none (neither DISPLAY nor WAYLAND_DISPLAY is set)"},
		{Host{GOOS: "linux"}, ":0", "", false, "X11 (DISPLAY=:0)"},
		{Host{GOOS: "linux"}, "", "wayland-0", false, "Wayland (WAYLAND_DISPLAY=wayland-0)"},
		{Host{GOOS: "darwin"}, "", "", false, "not needed on this system"},
	} {
		d := tc.h.DisplayOf(tc.x11, tc.wayland)
		if d.Missing() != tc.missing || d.State() != tc.state {
			t.Errorf("%s %q %q: missing %v, %q", tc.h.GOOS, tc.x11, tc.wayland, d.Missing(), d.State())
		}
	}
}
