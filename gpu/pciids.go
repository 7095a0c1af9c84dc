package gpu

import (
	"bufio"
	"os"
	"strings"
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
	var f *os.File
	for _, path := range pciIDsPaths {
		var err error
		if f, err = os.Open(p.under(path)); err == nil {
			break
		}
	}
	if f == nil {
		return
	}
	defer f.Close()
	want := map[string]bool{}
	for _, d := range devs {
		want[d.VendorID] = true
	}
	// pci.ids: "vvvv  Vendor" at the line start, "\tdddd  Device" below it,
	// "\t\tssss ssss  Subsystem" below that; classes follow after "C ".
	vendor := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
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
