// Package host is the one value that says which system the launcher runs
// on. Every decision that depends on the system (what `uname -s` prints to
// the checkout's scripts, macOS's PyTorch fallback, the settings file of
// systemd's environment.d, where Homebrew keeps Pythons, Apple's GPU) asks
// it, so that a test on Linux can take the part of a Mac.
package host

import "runtime"

// Host is a system, by Go's names for it.
type Host struct {
	GOOS   string // "linux", "darwin"
	GOARCH string // "amd64", "arm64"
}

// Current is the system the launcher runs on.
func Current() Host { return Host{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH} }

// Uname is what `uname -s` prints there, which the checkout's scripts test
// (OT_HOST_OS).
func (h Host) Uname() string {
	switch h.GOOS {
	case "darwin":
		return "Darwin"
	case "linux":
		return "Linux"
	case "freebsd":
		return "FreeBSD"
	case "":
		return ""
	}
	return string(h.GOOS[0]-'a'+'A') + h.GOOS[1:]
}

// MacOS reports macOS.
func (h Host) MacOS() bool { return h.GOOS == "darwin" }

// AppleSilicon reports macOS on Apple's own chips, where PyTorch's default
// build uses Apple's GPU (MPS).
func (h Host) AppleSilicon() bool { return h.GOOS == "darwin" && h.GOARCH == "arm64" }

// EnvironmentD reports whether the system reads systemd's environment.d,
// where the launch-scripts guide keeps the OT_* settings: Linux.
func (h Host) EnvironmentD() bool { return h.GOOS == "linux" }
