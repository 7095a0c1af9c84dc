package pyenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gpu"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
)

// The space an install needs, and running out of it. CUDA builds of
// PyTorch bring several gigabytes of nvidia-* wheels; container disks and
// a tmpfs /tmp fill up, and pip, venv, conda and pixi then fail with
// ENOSPC deep in their output. The estimate is by the build the
// requirements chosen install (docs/troubleshooting.md says how it was
// made); it is a warning, never a refusal.

const (
	mib = 1 << 20
	gib = 1 << 30
)

// spaceNeed is what an install of a build needs: in the env, and in pip's
// temporary folder at its peak (the largest wheels downloaded and
// unpacked there before they are installed).
type spaceNeed struct {
	env, temp uint64
}

// needOf estimates an install of the requirements chosen (platform, a
// requirements file or a pixi environment) from the build they install:
// PyTorch's published wheels for it, installed, with their nvidia-* or
// ROCm libraries, plus OneTrainer's other requirements (about 2 GiB).
func needOf(platform string) spaceNeed {
	switch gpu.BuildOf(platform) {
	case gpu.CUDA:
		return spaceNeed{env: 10 * gib, temp: 3 * gib}
	case gpu.ROCm:
		return spaceNeed{env: 18 * gib, temp: 6 * gib}
	}
	return spaceNeed{env: 4 * gib, temp: 1 * gib}
}

// place is a folder and the filesystem it is on.
type place struct {
	what, dir string // "the venv", its folder (or the nearest that exists)
	mount     string // where its filesystem is mounted
	dev       uint64
	free      uint64
	known     bool
}

// placeOf finds the filesystem of dir, or of its nearest folder that
// exists (an env not made yet).
func placeOf(what, dir string) place {
	p := place{what: what, dir: dir}
	if dir == "" { // a named conda env before conda makes it: where is conda's to say
		return p
	}
	d := dir
	for {
		fi, err := os.Stat(d)
		if err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				p.dev = uint64(st.Dev)
			}
			p.free, p.known = freeBytes(d)
			p.mount = mountOf(d, p.dev)
			return p
		}
		parent := filepath.Dir(d)
		if parent == d {
			return p
		}
		d = parent
	}
}

// mountOf is the top folder above dir on the same filesystem: where it is
// mounted.
func mountOf(dir string, dev uint64) string {
	d, _ := filepath.Abs(dir)
	for {
		parent := filepath.Dir(d)
		if parent == d {
			return d
		}
		fi, err := os.Stat(parent)
		if err != nil {
			return d
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); !ok || uint64(st.Dev) != dev {
			return d
		}
		d = parent
	}
}

func (p place) describe() string {
	if strings.Contains(p.what, p.dir) {
		return fmt.Sprintf("%s (on the filesystem mounted at %s: %s free)", p.what, p.mount, size(p.free))
	}
	return fmt.Sprintf("%s (%s, on the filesystem mounted at %s: %s free)", p.what, p.dir, p.mount, size(p.free))
}

// size is bytes in words: "3.9 MiB", "12.0 GiB".
func size(b uint64) string {
	switch {
	case b >= gib:
		return fmt.Sprintf("%.1f GiB", float64(b)/gib)
	case b >= mib:
		return fmt.Sprintf("%.1f MiB", float64(b)/mib)
	}
	return fmt.Sprintf("%d KiB", b>>10)
}

// tempDir is pip's temporary folder: TMPDIR as the children get it, else
// /tmp (Python's tempfile tries TEMP and TMP after TMPDIR, which
// Unix-likes do not set).
func tempDir(r Request) string {
	for _, v := range []string{"TMPDIR", "TEMP", "TMP"} {
		if d := r.Env.Get(v); d != "" {
			return d
		}
	}
	return "/tmp"
}

// spaceWays are the ways to more room for an install; venv adds the one
// that puts the venv elsewhere.
func spaceWays(r Request, venv bool) []string {
	s := []string{"Free space on the filesystem that is short (pip's cache is ~/.cache/pip: pip cache purge empties it)."}
	s = append(s, "Point pip's temporary files at a bigger disk: TMPDIR=/path/on/a/bigger/disk ./"+r.Script)
	s = append(s, "Keep pip from caching the downloads as well: PIP_NO_CACHE_DIR=1 ./"+r.Script)
	if venv && r.Settings != nil && !r.Settings.Unknown("OT_PYTHON_VENV") {
		s = append(s, "Put the venv on another disk: OT_PYTHON_VENV=/path/on/a/bigger/disk/venv ./"+r.Script)
	}
	return s
}

// checkSpace warns before an install where the env's filesystem or pip's
// temporary folder has less room than the install needs, with the
// numbers; a filesystem that holds both must hold both needs.
func checkSpace(r Request, label, envDir, platform string) {
	need := needOf(platform)
	env := placeOf("the "+label, envDir)
	tmp := placeOf("pip's temporary folder", tempDir(r))
	var short []string
	if env.known && tmp.known && env.dev == tmp.dev && env.dev != 0 {
		if env.free < need.env+need.temp {
			short = append(short, fmt.Sprintf("%s and %s share one filesystem, mounted at %s, which has %s free; the install needs about %s there (%s for the env, %s for pip's temporary files)",
				env.what, tmp.what+" ("+tmp.dir+")", env.mount, size(env.free), size(need.env+need.temp), size(need.env), size(need.temp)))
		}
	} else {
		if env.known && env.free < need.env {
			short = append(short, fmt.Sprintf("%s needs about %s, and %s has %s free", env.what, size(need.env), env.mount, size(env.free)))
		}
		if tmp.known && tmp.free < need.temp {
			short = append(short, fmt.Sprintf("%s (%s) needs about %s at its peak, and %s has %s free", tmp.what, tmp.dir, size(need.temp), tmp.mount, size(tmp.free)))
		}
	}
	if len(short) == 0 {
		return
	}
	r.Out.Warn("The install of %s (%s build of PyTorch) may run out of disk space: %s. The install goes on; it fails where the space runs out.",
		platform, gpu.BuildOf(platform), strings.Join(short, "; "))
	for _, w := range spaceWays(r, isVenv(r)) {
		r.Out.Status("%s", w)
	}
}

// lowSpace is where a filesystem has so little left that a failure there
// is taken for running out of it.
const lowSpace = 64 * mib

// outOfSpace names a failure as running out of disk space where the
// command's words say so (ENOSPC: "No space left on device", "[Errno
// 28]") or where the env's filesystem or pip's temporary folder is all
// but full now: which filesystem, how much is free, and the ways. ok is
// false where neither holds.
func outOfSpace(r Request, label, envDir, said string) (why string, hints []string, ok bool) {
	env := placeOf("the "+label, envDir)
	tmp := placeOf("the temporary folder", tempDir(r))
	saysSo := strings.Contains(said, "No space left on device") || strings.Contains(said, "[Errno 28]") || strings.Contains(said, "ENOSPC")
	var full []string
	for _, p := range []place{env, tmp} {
		if p.known && p.free < lowSpace && (len(full) == 0 || p.dev != env.dev) {
			full = append(full, p.describe())
		}
	}
	if !saysSo && len(full) == 0 {
		return "", nil, false
	}
	if len(full) == 0 {
		for _, p := range []place{env, tmp} {
			if p.known {
				full = append(full, p.describe())
			}
		}
	}
	evidence := "its output says \"No space left on device\""
	if !saysSo {
		evidence = "the filesystem is all but full"
	}
	return fmt.Sprintf("the disk ran out of space (%s): %s", evidence, strings.Join(full, "; ")), spaceWays(r, isVenv(r)), true
}

// withSpace adds the out-of-space diagnosis to e, an install step's
// failure, where it holds.
func withSpace(r Request, e error, label, envDir, said string) error {
	why, hints, ok := outOfSpace(r, label, envDir, said)
	if !ok {
		return e
	}
	if oe, isOut := e.(*out.Error); isOut {
		oe.Msg = strings.TrimSuffix(oe.Msg, ".") + ". " + strings.ToUpper(why[:1]) + why[1:] + "."
		oe.Hints = append(oe.Hints, hints...)
		return oe
	}
	return &out.Error{Err: e, Msg: fmt.Sprintf("Making the %s failed: %s.", label, why), Hints: hints}
}

// isVenv reports whether the launch's runtime is a venv.
func isVenv(r Request) bool {
	_, ok := r.Runtime.(*launch.Venv)
	return ok
}
