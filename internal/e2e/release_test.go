package e2e_test

// Releases: what each kind of build says of itself, and the release that
// GoReleaser makes from .goreleaser.yaml — built twice from one commit and
// compared byte for byte, its archives and checksums read, and the
// README's install commands run word for word against it, served from a
// loopback HTTP server, with only the base URL replaced.

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

const modulePath = "github.com/onetrainer-launcher/onetrainer-launcher"

// cloneHead clones the source tree's HEAD into dir: what a release is made
// of. Changes not yet committed are not in it.
func cloneHead(t *testing.T, dir string) string {
	t.Helper()
	root := testkit.Root()
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		t.Skipf("the source tree is no git checkout (%v): a release is made from a commit", err)
	}
	head := git(t, root, "rev-parse", "HEAD")
	if status := git(t, root, "status", "--porcelain"); status != "" {
		t.Logf("the source tree has changes that are not committed; this test builds its HEAD, %s", head)
	}
	git(t, filepath.Dir(dir), "clone", "--quiet", "--no-checkout", root, dir)
	git(t, dir, "checkout", "--quiet", "--detach", head)
	return head
}

func goBuild(t *testing.T, dir, out string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", append(append([]string{"build", "-trimpath", "-o", out}, args...), ".")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", strings.Join(args, " "), err, b)
	}
}

func versionOf(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", bin, err, out)
	}
	return string(out)
}

// Each kind of build says what it is: a release its tag, commit and date;
// `go install …@vX` the module version; a build in a git checkout its
// commit (with -dirty for changes); a build without VCS stamping that it
// has none, and why.
func TestVersionOfEachBuild(t *testing.T) {
	t.Parallel()
	testkit.SkipUnlessFull(t, "builds the launcher five times")
	work := t.TempDir()
	src := filepath.Join(work, "src")
	head := cloneHead(t, src)
	date := git(t, src, "log", "-1", "--format=%cI")
	goVersion := regexp.QuoteMeta(runtime.Version())
	platform := regexp.QuoteMeta(runtime.GOOS + "/" + runtime.GOARCH)
	pkg := modulePath + "/internal/buildinfo"

	check := func(name, got, pattern string) {
		t.Helper()
		if !regexp.MustCompile(pattern).MatchString(got) {
			t.Errorf("%s: --version said\n%s\nwant it to match %s", name, got, pattern)
		}
	}

	bin := filepath.Join(work, "release", "onetrainer-launcher") // its name decides what it does
	goBuild(t, src, bin, nil, "-buildvcs=true", "-ldflags=-X "+pkg+".version=v9.8.7 -X "+pkg+".commit="+head+" -X "+pkg+".date="+date)
	check("a release", versionOf(t, bin), `^onetrainer-launcher v9\.8\.7 \(commit `+head+`, `+regexp.QuoteMeta(date)+`, `+goVersion+`, `+platform+`\)\n$`)

	// Go 1.24 and later give a build in a checkout a pseudo-version too.
	bin = filepath.Join(work, "vcs", "onetrainer-launcher")
	goBuild(t, src, bin, nil, "-buildvcs=true")
	check("a build in a clean clone", versionOf(t, bin), `^onetrainer-launcher v\S+-\d{14}-`+head[:12]+` \(commit `+head+`, \S+, `+goVersion+`, `+platform+`\)\n$`)

	if err := os.WriteFile(filepath.Join(src, "README.md"), []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(work, "dirty", "onetrainer-launcher")
	goBuild(t, src, bin, nil, "-buildvcs=true")
	check("a build with changes", versionOf(t, bin), `^onetrainer-launcher v\S+\+dirty \(commit `+head+`-dirty, `)
	git(t, src, "checkout", "--quiet", "--", "README.md")

	bin = filepath.Join(work, "novcs", "onetrainer-launcher")
	goBuild(t, src, bin, nil, "-buildvcs=false")
	check("a build without VCS stamping", versionOf(t, bin),
		`^onetrainer-launcher devel \(commit unknown, `+goVersion+`, `+platform+`\)\nno commit recorded: .*-buildvcs=false.*go build -buildvcs=true in a clone, or use a release\n$`)

	// go install …@v1.2.3, from a module proxy of files that holds this
	// commit as v1.2.3 (the dependencies come from the module cache, or the
	// proxy configured here).
	proxy := filepath.Join(work, "proxy")
	writeModuleVersion(t, src, proxy, "v1.2.3", date)
	gobin := filepath.Join(work, "gobin")
	goproxy := "file://" + filepath.ToSlash(proxy)
	if p, _ := exec.Command("go", "env", "GOPROXY").Output(); strings.TrimSpace(string(p)) != "" {
		goproxy += "," + strings.TrimSpace(string(p))
	}
	cmd := exec.Command("go", "install", "-trimpath", modulePath+"@v1.2.3")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOPROXY="+goproxy, "GONOSUMDB="+modulePath, "GOFLAGS=-modcacherw")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install %s@v1.2.3: %v\n%s", modulePath, err, out)
	}
	check("go install …@v1.2.3", versionOf(t, filepath.Join(gobin, "onetrainer-launcher")),
		`^onetrainer-launcher v1\.2\.3 \(`+goVersion+`, `+platform+`\)\n$`)
}

// writeModuleVersion lays out, under proxy, the module at dir as version
// v, the way a module proxy serves it (GOPROXY's file protocol): list,
// .info, .mod and a .zip of the module's files — regular files only, no
// nested modules (tools/), as `go mod` would pack them.
func writeModuleVersion(t *testing.T, dir, proxy, v, date string) {
	t.Helper()
	at := filepath.Join(proxy, filepath.FromSlash(modulePath), "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"list":      v + "\n",
		v + ".info": fmt.Sprintf(`{"Version":%q,"Time":%q}`, v, date),
		v + ".mod":  string(mod),
	}
	var nested []string
	var tracked []string
	for _, f := range strings.Split(git(t, dir, "ls-files", "-z"), "\x00") {
		if f == "" {
			continue
		}
		if filepath.Base(f) == "go.mod" && f != "go.mod" {
			nested = append(nested, filepath.Dir(f)+"/")
		}
		tracked = append(tracked, f)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	sort.Strings(tracked)
files:
	for _, f := range tracked {
		for _, n := range nested {
			if strings.HasPrefix(f, n) {
				continue files
			}
		}
		fi, err := os.Lstat(filepath.Join(dir, f))
		if err != nil || !fi.Mode().IsRegular() {
			continue // the committed links at the root, say
		}
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(modulePath + "@" + v + "/" + f)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	files[v+".zip"] = buf.String()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(at, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// goreleaser is the GoReleaser to test the release with: OT_TEST_GORELEASER,
// else one on PATH. Building it takes about ten minutes on an empty cache,
// so the test does not do that itself; .ci/run does.
func goreleaser(t *testing.T) string {
	if p := os.Getenv("OT_TEST_GORELEASER"); p != "" {
		return p
	}
	if p, err := exec.LookPath("goreleaser"); err == nil {
		return p
	}
	t.Skip("no GoReleaser: build the pinned one with `go build -C tools -o /tmp/goreleaser github.com/goreleaser/goreleaser/v2` (about ten minutes the first time) and set OT_TEST_GORELEASER=/tmp/goreleaser; .ci/run does")
	return ""
}

var archiveNames = []string{
	"onetrainer-launcher_darwin_amd64.tar.gz", "onetrainer-launcher_darwin_arm64.tar.gz",
	"onetrainer-launcher_linux_amd64.tar.gz", "onetrainer-launcher_linux_arm64.tar.gz",
}

// A snapshot release of one commit, made twice in two clones at two paths,
// is the same to the byte: archives and checksums. Each archive holds the
// binary, the LICENSE and the short README, owned by root, dated with the
// commit; checksums.txt holds their SHA-256 sums; the binary says the
// snapshot's version and the commit.
func TestReleaseSnapshot(t *testing.T) {
	t.Parallel()
	gr := goreleaser(t)
	work := t.TempDir()
	var dists []string
	var head string
	for _, name := range []string{"one", "two"} {
		dir := filepath.Join(work, name, "onetrainer-launcher")
		os.MkdirAll(filepath.Dir(dir), 0o755)
		head = cloneHead(t, dir)
		if name == "two" {
			// Checked out at another time: nothing of that may reach the release.
			earlier := time.Now().Add(-90 * time.Minute)
			filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
				if err == nil && fi.Mode().IsRegular() {
					os.Chtimes(p, earlier, earlier)
				}
				return nil
			})
		}
		cmd := exec.Command(gr, "release", "--snapshot", "--clean")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("goreleaser release --snapshot in %s: %v\n%s", dir, err, out)
		}
		dists = append(dists, filepath.Join(dir, "dist"))
	}
	commitTime, err := time.Parse(time.RFC3339, git(t, filepath.Dir(dists[0]), "log", "-1", "--format=%cI"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append([]string{"checksums.txt"}, archiveNames...) {
		a, errA := os.ReadFile(filepath.Join(dists[0], name))
		b, errB := os.ReadFile(filepath.Join(dists[1], name))
		if errA != nil || errB != nil {
			t.Fatalf("%s: %v, %v", name, errA, errB)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two builds of %s", name, head)
		}
	}

	// checksums.txt: one line per archive, each sum right.
	sums := map[string]string{}
	data, _ := os.ReadFile(filepath.Join(dists[0], "checksums.txt"))
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("checksums.txt: line %q is not SUM  NAME", line)
		}
		sums[name] = sum
	}
	var listed []string
	for name := range sums {
		listed = append(listed, name)
	}
	sort.Strings(listed)
	if strings.Join(listed, " ") != strings.Join(archiveNames, " ") {
		t.Errorf("checksums.txt lists %v, want %v", listed, archiveNames)
	}
	license, _ := os.ReadFile(filepath.Join(testkit.Root(), "LICENSE"))
	readme, _ := os.ReadFile(filepath.Join(testkit.Root(), "release", "README.md"))
	for _, name := range archiveNames {
		data, err := os.ReadFile(filepath.Join(dists[0], name))
		if err != nil {
			t.Fatal(err)
		}
		got := sha256.Sum256(data)
		if hex.EncodeToString(got[:]) != sums[name] {
			t.Errorf("%s: sha256 %x, checksums.txt says %s", name, got, sums[name])
		}
		entries := readArchive(t, name, data)
		var names []string
		for n, e := range entries {
			names = append(names, n)
			if e.hdr.Uid != 0 || e.hdr.Gid != 0 || e.hdr.Uname != "root" || e.hdr.Gname != "root" {
				t.Errorf("%s: %s is owned by %s:%s (%d:%d), want root:root", name, n, e.hdr.Uname, e.hdr.Gname, e.hdr.Uid, e.hdr.Gid)
			}
			if !e.hdr.ModTime.Equal(commitTime) {
				t.Errorf("%s: %s is dated %v, want the commit's %v", name, n, e.hdr.ModTime, commitTime)
			}
		}
		sort.Strings(names)
		if strings.Join(names, " ") != "LICENSE README.md onetrainer-launcher" {
			t.Errorf("%s holds %v, want LICENSE, README.md and onetrainer-launcher", name, names)
			continue
		}
		if e := entries["onetrainer-launcher"]; e.hdr.Mode&0o777 != 0o755 {
			t.Errorf("%s: the binary's mode is %o, want 755", name, e.hdr.Mode)
		}
		if !bytes.Equal(entries["LICENSE"].data, license) || !bytes.Equal(entries["README.md"].data, readme) {
			t.Errorf("%s: LICENSE or README.md is not the source tree's LICENSE and release/README.md", name)
		}
		if name == "onetrainer-launcher_"+runtime.GOOS+"_"+runtime.GOARCH+".tar.gz" {
			bin := filepath.Join(work, "onetrainer-launcher")
			os.WriteFile(bin, entries["onetrainer-launcher"].data, 0o755)
			v := versionOf(t, bin)
			want := `^onetrainer-launcher \d+\.\d+\.\d+-snapshot \(commit ` + head + `, ` + regexp.QuoteMeta(commitTime.Format(time.RFC3339)) + `, `
			if !regexp.MustCompile(want).MatchString(v) {
				t.Errorf("the released binary's --version: %q, want it to match %s", v, want)
			}
		}
	}

	t.Run("install", func(t *testing.T) { testInstallCommands(t, dists[0]) })
}

type archived struct {
	hdr  *tar.Header
	data []byte
}

func readArchive(t *testing.T, name string, data []byte) map[string]archived {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	tr := tar.NewReader(zr)
	entries := map[string]archived{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return entries
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, _ := io.ReadAll(tr)
		entries[hdr.Name] = archived{hdr, b}
	}
}

// readmeInstall is the README's install commands: the first sh block under
// "## Install".
func readmeInstall(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testkit.Root(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "\n## Install\n")
	if !ok {
		t.Fatal("README.md has no ## Install section")
	}
	_, rest, ok = strings.Cut(rest, "```sh\n")
	block, _, ok2 := strings.Cut(rest, "```\n")
	if !ok || !ok2 {
		t.Fatal("README.md's ## Install section has no ```sh block")
	}
	return block
}

// serve serves dir on 127.0.0.1 with Python's http.server and returns its
// base URL.
func serve(t *testing.T, dir string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, s.python.Path, "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", dir, "0")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		re := regexp.MustCompile(`port (\d+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				port <- m[1]
				break
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case p := <-port:
		return "http://127.0.0.1:" + p
	case <-time.After(30 * time.Second):
		t.Fatal("http.server did not say its port within 30 s")
	}
	return ""
}

// The README's install commands, word for word but for the base URL, on a
// machine whose home holds a miniature OneTrainer checkout: the download,
// the checksum check, link, install, start-ui. A tampered archive stops
// them at the check, before anything is linked.
func testInstallCommands(t *testing.T, dist string) {
	if s.err != nil {
		t.Fatal(s.err)
	}
	block := readmeInstall(t)
	const published = "base=https://github.com/onetrainer-launcher/onetrainer-launcher/releases/latest/download\n"
	if !strings.Contains(block, published) {
		t.Fatalf("the README's install commands no longer set %q:\n%s", published, block)
	}
	run := func(t *testing.T, base string) (string, error) {
		home := t.TempDir()
		co := filepath.Join(home, "OneTrainer")
		if out, err := exec.Command("cp", "-R", filepath.Join(testkit.Root(), "examples", "minitrainer"), co).CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		wheels := t.TempDir()
		found, _ := filepath.Glob(filepath.Join(s.wheels, "*.whl")) // pip's and setuptools' among them
		for _, w := range found {
			copyFile(w, filepath.Join(wheels, filepath.Base(w)))
		}
		if _, err := testkit.BuildWheel(wheels, "otdemo", "1.0", map[string]string{
			"otdemo/__init__.py": "def greeting():\n    return \"installed from a release\"\n"}); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", strings.Replace(block, published, "base="+base+"\n", 1))
		cmd.Dir = t.TempDir()
		cmd.Env = append(os.Environ(), "HOME="+home, "OT_PYTHON_CMD="+s.python.Path,
			"PIP_NO_INDEX=1", "PIP_FIND_LINKS="+wheels, "PIP_DISABLE_PIP_VERSION_CHECK=1")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	base := serve(t, dist)
	out, err := run(t, base)
	if err != nil {
		t.Fatalf("the README's install commands failed: %v\n%s", err, out)
	}
	for _, want := range []string{": OK\n", "train_ui: otdemo says 'installed from a release'"} {
		if !strings.Contains(out, want) {
			t.Errorf("the README's install commands: no %q in\n%s", want, out)
		}
	}

	// A tampered archive: sha256sum -c fails, and nothing is linked.
	bad := t.TempDir()
	if out, err := exec.Command("cp", "-R", dist+"/.", bad).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	name := "onetrainer-launcher_" + runtime.GOOS + "_" + runtime.GOARCH + ".tar.gz"
	f, err := os.OpenFile(filepath.Join(bad, name), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("tampered"))
	f.Close()
	out, err = run(t, serve(t, bad))
	if err == nil || !strings.Contains(out, name+": FAILED") || strings.Contains(out, "train_ui:") {
		t.Errorf("a tampered archive: %v\n%s", err, out)
	}
}
