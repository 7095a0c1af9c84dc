//go:build linux

package gpu

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// PCI lists the GPU-like devices in the probe root's
// /sys/bus/pci/devices: each device's class, vendor and device files and
// its driver link, the same sysfs files ghw reads (the tests hold the two
// to the same answers on real machines' snapshots). It reads only those
// files: a few hundred microseconds, where ghw, with its PCI database
// package linking net/http, would add milliseconds to every launch.
// A machine or container without that folder has no PCI devices to show.
func (p Probe) PCI() ([]PCIDevice, error) {
	dir := p.under("/sys/bus/pci/devices")
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []PCIDevice
	for _, e := range entries {
		dev := filepath.Join(dir, e.Name())
		class := hexFile(filepath.Join(dev, "class")) // "030200"
		vendor, device := hexFile(filepath.Join(dev, "vendor")), hexFile(filepath.Join(dev, "device"))
		if len(class) < 4 || vendor == "" {
			// A snapshot may keep only the modalias, which ghw reads.
			class, vendor, device = fromModalias(filepath.Join(dev, "modalias"))
		}
		if len(class) < 4 || !isGPUClass(class[:2]) {
			continue
		}
		d := PCIDevice{
			Address:  e.Name(),
			VendorID: vendor,
			DeviceID: device,
			Class:    class[:4],
			Kind:     kindName(class[:4]),
		}
		d.Vendor = vendorName(d.VendorID)
		if target, err := os.Readlink(filepath.Join(dev, "driver")); err == nil {
			d.Driver = filepath.Base(target)
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out, nil
}

// hexFile reads a sysfs number such as "0x10de\n" as "10de"; "" if absent.
func hexFile(path string) string {
	b, err := pathutil.ReadFile(path, pathutil.TinyFile)
	if err != nil {
		return ""
	}
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(string(b)), "0x"))
}

// fromModalias reads "pci:v000010DEd000015F8sv000010DEsd0000118Fbc03sc02i00"
// (fixed fields: v, d, sv, sd of 8 hex digits, bc, sc, i of 2) as class
// "0302", vendor "10de", device "15f8"; empty strings when it cannot.
func fromModalias(path string) (class, vendor, device string) {
	b, err := pathutil.ReadFile(path, pathutil.TinyFile)
	if err != nil {
		return "", "", ""
	}
	m := strings.ToLower(strings.TrimSpace(string(b)))
	if len(m) < 50 || !strings.HasPrefix(m, "pci:v") || m[13] != 'd' || m[42:44] != "bc" || m[46:48] != "sc" {
		return "", "", ""
	}
	return m[44:46] + m[48:50], m[9:13], m[18:22]
}
