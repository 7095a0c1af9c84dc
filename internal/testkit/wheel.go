package testkit

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// BuildWheel writes a pure-Python wheel for distribution name at version
// into dir and returns its path. files maps paths inside the wheel (such as
// "otdemo/__init__.py") to their contents. The wheel is complete as the
// wheel format defines it (METADATA, WHEEL, RECORD with hashes), so real pip
// installs it.
func BuildWheel(dir, name, version string, files map[string]string) (string, error) {
	norm := strings.NewReplacer("-", "_", ".", "_").Replace(name)
	info := fmt.Sprintf("%s-%s.dist-info", norm, version)
	all := map[string]string{}
	for k, v := range files {
		all[k] = v
	}
	all[info+"/METADATA"] = fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: test wheel\n", name, version)
	all[info+"/WHEEL"] = "Wheel-Version: 1.0\nGenerator: onetrainer-launcher-testkit\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
	var names []string
	for k := range all {
		names = append(names, k)
	}
	sort.Strings(names)
	var record strings.Builder
	for _, n := range names {
		sum := sha256.Sum256([]byte(all[n]))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", n, base64.RawURLEncoding.EncodeToString(sum[:]), len(all[n]))
	}
	fmt.Fprintf(&record, "%s/RECORD,,\n", info)
	all[info+"/RECORD"] = record.String()
	names = append(names, info+"/RECORD")

	path := filepath.Join(dir, fmt.Sprintf("%s-%s-py3-none-any.whl", norm, version))
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	zw := zip.NewWriter(f)
	for _, n := range names {
		w, err := zw.Create(n)
		if err == nil {
			_, err = io.WriteString(w, all[n])
		}
		if err != nil {
			f.Close()
			return "", err
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}
