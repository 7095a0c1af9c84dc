package envspec

// Files and folders of a OneTrainer checkout, relative to its root.
const (
	LibInclude          = "lib.include.sh"
	ScriptsDir          = "scripts"
	TrainUIScript       = "scripts/train_ui.py"
	VersionCheckScript  = "scripts/util/version_check.py"
	RequirementsGlobal  = "requirements-global.txt"
	RequirementsCUDA    = "requirements-cuda.txt"
	RequirementsCUDALeg = "requirements-cuda-legacy.txt"
	RequirementsROCm    = "requirements-rocm.txt"
	RequirementsDefault = "requirements-default.txt"
	// UpdateMetadataFile records the git HEAD of the last install when
	// OT_LAZY_UPDATES is on.
	UpdateMetadataFile = "update.var"
)

// LowmemAllocConf is what OT_CUDA_LOWMEM_MODE puts in PYTORCH_CUDA_ALLOC_CONF.
const LowmemAllocConf = "garbage_collection_threshold:0.6,max_split_size_mb:128"
