package gpu

// PCIDevice is a GPU-like device on the PCI bus: a display controller or a
// processing accelerator.
type PCIDevice struct {
	Address  string // "0000:06:00.0"
	VendorID string // "10de"
	Vendor   string // "NVIDIA Corporation"; "" when the table lacks it
	DeviceID string // "15f8"
	Device   string // from the system's pci.ids, when asked and present
	Class    string // "0302"
	Kind     string // "3D controller"
	Driver   string // the bound kernel driver; "" when none
}

// IsNVIDIA and IsAMD tell the GPU vendors the decision knows.
func (d PCIDevice) IsNVIDIA() bool { return d.VendorID == vendorNVIDIA }
func (d PCIDevice) IsAMD() bool    { return d.VendorID == vendorAMD }

// PCI vendor IDs the launcher decides by.
const (
	vendorNVIDIA = "10de"
	vendorAMD    = "1002"
	vendorIntel  = "8086"
)

// PCI base classes of GPUs: display controllers (0x03: VGA 0x0300, 3D
// 0x0302, ...) and processing accelerators (0x12).
const (
	classDisplay     = "03"
	classAccelerator = "12"
)

// vendorName is the small PCI id table the launcher carries, so that the
// vendors it decides by are named where no pci.ids is installed (slim
// containers). It holds the GPU vendors and a few that show up as display
// devices in virtual machines and servers. A switch, not a map: a map
// literal would be built at every start, PCI read or not.
func vendorName(id string) string {
	switch id {
	case vendorNVIDIA:
		return "NVIDIA Corporation"
	case vendorAMD:
		return "Advanced Micro Devices, Inc. [AMD/ATI]"
	case vendorIntel:
		return "Intel Corporation"
	case "1022":
		return "Advanced Micro Devices, Inc. [AMD]"
	case "1af4":
		return "Red Hat, Inc. (virtio)"
	case "1234":
		return "QEMU"
	case "15ad":
		return "VMware"
	case "1414":
		return "Microsoft Corporation"
	case "1a03":
		return "ASPEED Technology, Inc."
	case "102b":
		return "Matrox Electronics Systems Ltd."
	case "106b":
		return "Apple Inc."
	}
	return ""
}

// kindName names the GPU subclasses, by base class and subclass.
func kindName(class string) string {
	switch class {
	case "0300":
		return "VGA compatible controller"
	case "0301":
		return "XGA compatible controller"
	case "0302":
		return "3D controller"
	case "0380":
		return "Display controller"
	case "1200":
		return "Processing accelerator"
	}
	return ""
}

func isGPUClass(base string) bool { return base == classDisplay || base == classAccelerator }
