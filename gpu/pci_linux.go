//go:build linux

package gpu

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
		if len(class) < 4 || !isGPUClass(class[:2]) {
			continue
		}
		d := PCIDevice{
			Address:  e.Name(),
			VendorID: hexFile(filepath.Join(dev, "vendor")),
			DeviceID: hexFile(filepath.Join(dev, "device")),
			Class:    class[:4],
			Kind:     kindNames[class[:4]],
		}
		d.Vendor = vendorNames[d.VendorID]
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
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(string(b)), "0x"))
}
