package gpu

import "strings"

// Build is which PyTorch build a choice installs: the one classifier of a
// requirements file ("requirements-cuda-legacy.txt") or a pixi environment
// ("cuda13") that the decision, its diagnostics and doctor's torch check
// all use.
type Build string

const (
	CUDA Build = "CUDA"
	ROCm Build = "ROCm"
	CPU  Build = "CPU"
)

// BuildOf classifies a platform choice by its name.
func BuildOf(name string) Build {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "cuda"):
		return CUDA
	case strings.Contains(n, "rocm"):
		return ROCm
	}
	return CPU
}
