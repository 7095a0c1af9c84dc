package envspec

import (
	"path/filepath"
	"runtime"
)

// HostOS is what `uname -s` prints on the systems the launcher supports.
func HostOS() string {
	switch runtime.GOOS {
	case "darwin":
		return "Darwin"
	case "linux":
		return "Linux"
	}
	return runtime.GOOS
}

// Export returns env with everything the original scripts exported to their
// children: SCRIPT_DIR, every OT_* variable with defaults applied, the
// internal constants and bookkeeping values, and the PyTorch settings.
func Export(env Environ, checkout string, c *Config, k Constants) Environ {
	out := env.Clone()
	out.Set("SCRIPT_DIR", checkout)
	for _, v := range Vars {
		out.Set(v.Name, c.Values[v.Name])
	}
	for _, kc := range ConstantTable {
		out.Set(kc.Name, *kc.field(&k))
	}
	// The originals exported these too; Python code may read them.
	out.Set("OT_MUST_INSTALL_REQUIREMENTS", "false")
	out.Set("OT_UPDATE_METADATA_FILE", filepath.Join(checkout, UpdateMetadataFile))
	out.Set("OT_HOST_OS", HostOS())
	if runtime.GOOS == "darwin" {
		out.Set("PYTORCH_ENABLE_MPS_FALLBACK", "1")
	}
	if c.CudaLowmemMode {
		out.Set("PYTORCH_CUDA_ALLOC_CONF", LowmemAllocConf)
	}
	return out
}
