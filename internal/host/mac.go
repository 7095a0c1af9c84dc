package host

import "strings"

// The Mac's hardware and a Python's machine: PyTorch publishes macOS
// wheels for Apple silicon only (none for Intel Macs since 2.2.2), so a
// Python that runs as x86_64 on Apple silicon (an Intel Homebrew in
// /usr/local, an x86 Anaconda, any Python started from a Rosetta
// terminal) ends a long install with "No matching distribution found for
// torch". What the Mac answers is asked by the caller (sysctl, a Python's
// platform.machine()); these functions only read the answers, so that a
// test on Linux can give a Mac's.

// Machine names as Python's platform.machine() and `uname -m` print them.
const (
	MachineARM64 = "arm64"
	MachineX86   = "x86_64"
)

// SysctlARM64 is the sysctl question that tells Apple silicon whatever
// the asking program's architecture: `sysctl -n hw.optional.arm64` prints
// 1 there (also under Rosetta, where `uname -m` says x86_64), 0 or nothing
// (an unknown name: it fails) on an Intel Mac.
var SysctlARM64 = []string{"-n", "hw.optional.arm64"}

// MacHardware is the Mac's own machine from what `sysctl -n
// hw.optional.arm64` answered (answer) and whether it answered at all: a
// launcher built for arm64 runs on Apple silicon only, so it needs no
// answer; else "1" is Apple silicon and anything else an Intel Mac. ""
// when h is no Mac.
func (h Host) MacHardware(answer string, answered bool) string {
	switch {
	case !h.MacOS():
		return ""
	case h.GOARCH == "arm64":
		return MachineARM64
	case answered && strings.TrimSpace(answer) == "1":
		return MachineARM64
	}
	return MachineX86
}

// UnderRosetta reports whether the launcher itself runs translated: an
// amd64 build on a Mac whose hardware is Apple silicon.
func (h Host) UnderRosetta(hardware string) bool {
	return h.MacOS() && h.GOARCH == "amd64" && hardware == MachineARM64
}

// NativeMachine reports whether a program whose machine is m (a Python's
// platform.machine()) runs natively on hardware: "i386" and "x86_64" on
// Apple silicon do not. Where either is unknown, it does.
func NativeMachine(m, hardware string) bool {
	if m == "" || hardware == "" {
		return true
	}
	if hardware == MachineARM64 {
		return m == MachineARM64 || m == "aarch64"
	}
	return true
}
