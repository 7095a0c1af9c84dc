package gpu

import (
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// pciIDsPaths are where distributions install pci.ids.
var pciIDsPaths = []string{"/usr/share/hwdata/pci.ids", "/usr/share/misc/pci.ids", "/usr/share/pci.ids"}

// NameDevices fills in device (and missing vendor) names from the system's
// pci.ids under the probe's root, when one is installed. Nothing is fetched
// from anywhere; without the file the devices keep their ids.
func (p Probe) NameDevices(devs []PCIDevice) {
	if len(devs) == 0 {
		return
	}
	var data []byte
	for _, path := range pciIDsPaths {
		// pci.ids is about 1.4 MB; a file far larger is no pci.ids.
		var err error
		if data, err = pathutil.ReadFile(p.under(path), 16<<20); err == nil {
			break
		}
	}
	if data == nil {
		return
	}
	want := map[string]bool{}
	for _, d := range devs {
		want[d.VendorID] = true
	}
	// pci.ids: "vvvv  Vendor" at the line start, "\tdddd  Device" below it,
	// "\t\tssss ssss  Subsystem" below that; classes follow after "C ".
	vendor := ""
	for _, line := range pathutil.Lines(data) {
		switch {
		case line == "" || line[0] == '#':
		case line[0] != '\t':
			if strings.HasPrefix(line, "C ") {
				return // the class list: no more devices
			}
			vendor = ""
			if id, name, ok := strings.Cut(line, "  "); ok && want[id] {
				vendor = id
				for i := range devs {
					if devs[i].VendorID == id && devs[i].Vendor == "" {
						devs[i].Vendor = name
					}
				}
			}
		case vendor != "" && !strings.HasPrefix(line, "\t\t"):
			if id, name, ok := strings.Cut(line[1:], "  "); ok {
				for i := range devs {
					if devs[i].VendorID == vendor && devs[i].DeviceID == id {
						devs[i].Device = name
					}
				}
			}
		}
	}
}
