package gpu

// PCIDevice is a GPU-like device on the PCI bus: a display controller or a
// processing accelerator.
type PCIDevice struct {
	Address  string `json:"address"`   // "0000:06:00.0"
	VendorID string `json:"vendor_id"` // "10de"
	Vendor   string `json:"vendor"`    // "NVIDIA Corporation"; "" when the table lacks it
	DeviceID string `json:"device_id"` // "15f8"
	Device   string `json:"device"`    // from the system's pci.ids, when asked and present
	Class    string `json:"class"`     // "0302"
	Kind     string `json:"kind"`      // "3D controller"
	Driver   string `json:"driver"`    // the bound kernel driver; "" when none
}

// IsNVIDIA and IsAMD tell the GPU vendors the decision knows.
func (d PCIDevice) IsNVIDIA() bool { return d.VendorID == VendorNVIDIA }
func (d PCIDevice) IsAMD() bool    { return d.VendorID == VendorAMD }

// PCI vendor IDs the launcher decides by.
const (
	VendorNVIDIA = "10de"
	VendorAMD    = "1002"
	VendorIntel  = "8086"
)

// PCI base classes of GPUs: display controllers (0x03: VGA 0x0300, 3D
// 0x0302, ...) and processing accelerators (0x12).
const (
	ClassDisplay     = "03"
	ClassAccelerator = "12"
)

// vendorNames is the small PCI id table the launcher carries, so that the
// vendors it decides by are named where no pci.ids is installed (slim
// containers). It holds the GPU vendors and a few that show up as display
// devices in virtual machines and servers.
var vendorNames = map[string]string{
	VendorNVIDIA: "NVIDIA Corporation",
	VendorAMD:    "Advanced Micro Devices, Inc. [AMD/ATI]",
	VendorIntel:  "Intel Corporation",
	"1022":       "Advanced Micro Devices, Inc. [AMD]",
	"1af4":       "Red Hat, Inc. (virtio)",
	"1234":       "QEMU",
	"15ad":       "VMware",
	"1414":       "Microsoft Corporation",
	"1a03":       "ASPEED Technology, Inc.",
	"102b":       "Matrox Electronics Systems Ltd.",
	"106b":       "Apple Inc.",
}

// kindNames names the GPU subclasses, keyed by base class and subclass.
var kindNames = map[string]string{
	"0300": "VGA compatible controller",
	"0301": "XGA compatible controller",
	"0302": "3D controller",
	"0380": "Display controller",
	"1200": "Processing accelerator",
}

func isGPUClass(base string) bool { return base == ClassDisplay || base == ClassAccelerator }
