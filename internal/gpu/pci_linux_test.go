//go:build linux

package gpu

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jaypipes/ghw"
	"github.com/jaypipes/pcidb"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// unpackFixture unpacks one of the real machines' sysfs snapshots in
// testdata/sysfs (ghw's, see its README) into a temporary directory and
// returns it. The snapshots are only read, so each is unpacked once per
// test binary.
func unpackFixture(t testing.TB, name string) string {
	t.Helper()
	v, _ := unpacked.LoadOrStore(name, &fixtureDir{})
	fd := v.(*fixtureDir)
	fd.once.Do(func() { fd.dir, fd.err = untar(name) })
	if fd.err != nil {
		t.Fatal(fd.err)
	}
	return fd.dir
}

type fixtureDir struct {
	once sync.Once
	dir  string
	err  error
}

var unpacked sync.Map // fixture name -> *fixtureDir

func untar(name string) (string, error) {
	tarball := testkit.Snapshot(name)
	if _, err := os.Stat(tarball); err != nil {
		return "", fmt.Errorf("snapshot %s is missing from the project: %v", tarball, err)
	}
	dir, err := os.MkdirTemp(fixtureRoot, name)
	if err != nil {
		return "", err
	}
	if out, err := exec.Command("tar", "-xzf", tarball, "-C", dir).CombinedOutput(); err != nil {
		return "", fmt.Errorf("unpacking %s: %v\n%s", tarball, err, out)
	}
	return dir, nil
}

var fixtureRoot string

func TestMain(m *testing.M) {
	var err error
	if fixtureRoot, err = os.MkdirTemp("", "gpu-fixtures"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(fixtureRoot)
	os.Exit(code)
}

var fixtures = []string{"nvidia-tesla-p100", "amd-radeon-hd6670-nodriver", "intel-i7-1270p-igpu"}

func TestPCIOnRealSnapshots(t *testing.T) {
	want := map[string][]PCIDevice{
		"nvidia-tesla-p100": {
			{Address: "0000:04:00.0", VendorID: "1af4", Class: "0300"},
			{Address: "0000:06:00.0", VendorID: vendorNVIDIA, DeviceID: "15f8", Class: "0302", Driver: "nvidia"},
		},
		"amd-radeon-hd6670-nodriver": {
			{Address: "0000:0a:00.0", VendorID: vendorAMD, DeviceID: "6758", Class: "0300", Driver: ""},
		},
		"intel-i7-1270p-igpu": {
			{Address: "0000:00:02.0", VendorID: vendorIntel, DeviceID: "46a6", Class: "0300", Driver: "i915"},
		},
	}
	for _, fx := range fixtures {
		got, err := (Probe{Root: unpackFixture(t, fx)}).PCI()
		if err != nil {
			t.Fatalf("%s: %v", fx, err)
		}
		if len(got) != len(want[fx]) {
			t.Fatalf("%s: got %+v, want %d devices", fx, got, len(want[fx]))
		}
		for i, w := range want[fx] {
			g := got[i]
			if g.Address != w.Address || g.VendorID != w.VendorID || g.Class != w.Class ||
				(w.DeviceID != "" && g.DeviceID != w.DeviceID) || (w.Driver != "" || w.VendorID == vendorAMD) && g.Driver != w.Driver {
				t.Errorf("%s: device %d = %+v, want %+v", fx, i, g, w)
			}
			if g.Vendor == "" {
				t.Errorf("%s: vendor %s has no name from the embedded table", fx, g.VendorID)
			}
		}
	}
}

// ghw, the reference: on every snapshot it finds the same GPU-like devices,
// with the same vendors, devices, classes and drivers. It is given a
// minimal PCI database, as it fails outright without a pci.ids file.
func TestPCIAgreesWithGhw(t *testing.T) {
	db := &pcidb.PCIDB{Vendors: map[string]*pcidb.Vendor{}, Products: map[string]*pcidb.Product{}, Classes: map[string]*pcidb.Class{}}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, fx := range fixtures {
		root := unpackFixture(t, fx)
		info, err := ghw.PCI(ghw.WithChroot(root), ghw.WithPCIDB(db), ghw.WithDisableTopology(), ghw.WithLogger(quiet))
		if err != nil {
			t.Fatalf("%s: ghw: %v", fx, err)
		}
		var ref []PCIDevice
		for _, d := range info.Devices {
			if isGPUClass(d.Class.ID) {
				ref = append(ref, PCIDevice{Address: d.Address, VendorID: d.Vendor.ID, DeviceID: d.Product.ID,
					Class: d.Class.ID + d.Subclass.ID, Driver: d.Driver})
			}
		}
		got, _ := (Probe{Root: root}).PCI()
		if len(got) != len(ref) {
			t.Fatalf("%s: ours %+v, ghw %+v", fx, got, ref)
		}
		for i := range ref {
			g := got[i]
			g.Vendor, g.Kind, g.Device = "", "", ""
			if g != ref[i] {
				t.Errorf("%s: ours %+v, ghw %+v", fx, g, ref[i])
			}
		}
	}
}

// No pci.ids under the root (these snapshots carry none): detection works,
// and naming leaves the ids as they are.
func TestPCIWithoutPCIIDs(t *testing.T) {
	root := unpackFixture(t, "nvidia-tesla-p100")
	p := Probe{Root: root}
	got, err := p.PCI()
	p.NameDevices(got)
	if err != nil || len(got) != 2 || got[1].Vendor != "NVIDIA Corporation" || got[1].Device != "" {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestNameDevicesFromPCIIDs(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "usr/share/misc"), 0o755)
	ids := "# pci.ids excerpt\n10de  NVIDIA Corporation\n\t15f7  GP100GL [Tesla P100 PCIe 12GB]\n\t15f8  GP100GL [Tesla P100 PCIe 16GB]\n\t\t10de 118f  Tesla P100 PCIe 16GB\n1af4  Red Hat, Inc.\n\t1050  Virtio 1.0 GPU\nC 03  Display controller\n\t02  3D controller\n"
	os.WriteFile(filepath.Join(root, "usr/share/misc/pci.ids"), []byte(ids), 0o644)
	devs := []PCIDevice{{VendorID: vendorNVIDIA, DeviceID: "15f8", Vendor: "NVIDIA Corporation"}, {VendorID: "abcd", DeviceID: "0001"}}
	(Probe{Root: root}).NameDevices(devs)
	if devs[0].Device != "GP100GL [Tesla P100 PCIe 16GB]" || devs[1].Device != "" || devs[1].Vendor != "" {
		t.Errorf("got %+v", devs)
	}
}

// A snapshot that kept only each device's modalias reads the same.
func TestPCIFromModaliasOnly(t *testing.T) {
	src := unpackFixture(t, "nvidia-tesla-p100")
	want, _ := (Probe{Root: src}).PCI()
	root := t.TempDir()
	devs := filepath.Join(root, "sys/bus/pci/devices")
	entries, _ := os.ReadDir(filepath.Join(src, "sys/bus/pci/devices"))
	for _, e := range entries {
		from := filepath.Join(src, "sys/bus/pci/devices", e.Name())
		to := filepath.Join(devs, e.Name())
		os.MkdirAll(to, 0o755)
		if b, err := os.ReadFile(filepath.Join(from, "modalias")); err == nil {
			os.WriteFile(filepath.Join(to, "modalias"), b, 0o644)
		}
		if l, err := os.Readlink(filepath.Join(from, "driver")); err == nil {
			os.Symlink(l, filepath.Join(to, "driver"))
		}
	}
	got, err := (Probe{Root: root}).PCI()
	if err != nil || len(got) != len(want) {
		t.Fatalf("got %+v, %v; want %+v", got, err, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("modalias only: %+v, want %+v", got[i], want[i])
		}
	}
}

func TestPCIWithoutSysfs(t *testing.T) {
	got, err := (Probe{Root: t.TempDir()}).PCI()
	if err != nil || got != nil {
		t.Errorf("got %+v, %v", got, err)
	}
}

// Detection as the launcher does it, and as ghw would with a minimal
// database, on the same snapshot: the figures behind the choice of reading
// sysfs directly.
func BenchmarkPCI(b *testing.B) {
	root := unpackFixture(b, "nvidia-tesla-p100")
	b.Run("launcher", func(b *testing.B) {
		p := Probe{Root: root}
		for i := 0; i < b.N; i++ {
			if _, err := p.PCI(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ghw-embedded-table", func(b *testing.B) {
		db := &pcidb.PCIDB{Vendors: map[string]*pcidb.Vendor{}, Products: map[string]*pcidb.Product{}, Classes: map[string]*pcidb.Class{}}
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		for i := 0; i < b.N; i++ {
			if _, err := ghw.PCI(ghw.WithChroot(root), ghw.WithPCIDB(db), ghw.WithDisableTopology(), ghw.WithLogger(quiet)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
