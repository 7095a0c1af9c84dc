//go:build !linux

package gpu

// PCI finds nothing off Linux: there is no sysfs to read.
func (p Probe) PCI() ([]PCIDevice, error) { return nil, nil }
