package e2e_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// httpsServe serves a folder over HTTPS: Python's http.server behind its
// ssl module, with the certificate and key given. It prints its port.
const httpsServe = `import http.server, os, ssl, sys
os.chdir(sys.argv[1])
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
`

// httpsServer serves root over HTTPS on 127.0.0.1 with a throwaway
// certificate that nothing trusts (openssl req -x509, for localhost and
// 127.0.0.1), until the test ends. It returns the server's URL, named
// https://localhost:PORT (pip 24.2's truststore cannot check a certificate
// for an IP address: "check_hostname requires server_hostname"), and the
// certificate's file.
func httpsServer(t *testing.T, root string) (url, cert string) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("this test makes its certificate with openssl, which is not on PATH")
	}
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	gen := exec.Command("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
		"-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("openssl req: %v\n%s", err, out)
	}
	srv := exec.Command(s.python.Path, "-c", httpsServe, root, cert, key)
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	port := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		port <- strings.TrimSpace(line)
	}()
	select {
	case p := <-port:
		if p == "" {
			t.Fatal("the HTTPS server did not start")
		}
		return "https://localhost:" + p, cert
	case <-time.After(30 * time.Second):
		t.Fatal("the HTTPS server did not say its port in 30s")
	}
	return "", ""
}

// networkEnv is what a launch with a package index gets beside launch's
// clean environment: no index off by default, no pip configuration of this
// machine's (a cert = line there would decide), no retries, no system git
// configuration.
var networkEnv = []string{"PIP_NO_INDEX=", "PIP_CONFIG_FILE=" + os.DevNull, "PIP_RETRIES=0", "GIT_CONFIG_NOSYSTEM=1"}

// An index whose certificate nothing here trusts, as behind a proxy that
// re-signs TLS: the failure is named with the host and the ways to trust
// it, doctor calls the install a problem, and the way named (PIP_CERT)
// installs.
func TestUntrustedIndex(t *testing.T) {
	t.Parallel()
	co := linkedCheckout(t)
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "simple", "otnet"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := moduleWheel(filepath.Join(root, "simple", "otnet"), "otnet", "1.0"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(co, "requirements-global.txt"), []byte("otnet\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	url, cert := httpsServer(t, root)
	env := append(networkEnv, "PIP_INDEX_URL="+url+"/simple")

	code, _, stderr := launch(t, co, "install.sh", env)
	named := regexp.MustCompile(`(?m)^\[OneTrainer\] Error: Installing the requirements failed: pip does not trust the TLS certificate of localhost \(certificate verify failed: self.signed certificate\) \(its messages are above\)\.`)
	if code != 1 || !named.MatchString(stderr) {
		t.Fatalf("install.sh against an untrusted index: exit %d, stderr:\n%s", code, stderr)
	}
	for _, way := range []string{"PIP_CERT=/path/ca.pem", "pip config set global.cert /path/ca.pem", "REQUESTS_CA_BUNDLE=/path/ca.pem", "git config --global http.sslCAInfo /path/ca.pem", "GIT_SSL_CAINFO="} {
		if !strings.Contains(stderr, way) {
			t.Errorf("the hint does not name %q:\n%s", way, stderr)
		}
	}
	code, stdout, _ := doctorOf(t, co, env)
	if code != 1 || !strings.Contains(stdout, "Problem:      the environment's install did not complete: the last install (by install.sh) failed: pip does not trust the TLS certificate of localhost") ||
		!strings.Contains(stdout, "PIP_CERT=/path/ca.pem") || !strings.Contains(stdout, "Then run "+co+"/install.sh, which completes it") {
		t.Errorf("doctor after it (the cause, the ways, the command that completes the install): exit %d\n%s", code, stdout)
	}

	code, _, stderr = launch(t, co, "install.sh", append(env, "PIP_CERT="+cert))
	if code != 0 {
		t.Fatalf("install.sh with PIP_CERT: exit %d\n%s", code, stderr)
	}
	if out, err := exec.Command(filepath.Join(co, ".venv", "bin", "python"), "-c", "import otnet").CombinedOutput(); err != nil {
		t.Errorf("otnet is not installed: %v\n%s", err, out)
	}
}

// doctorOf runs the launcher's doctor on the checkout at dir, with env added
// to the clean environment launch gives.
func doctorOf(t *testing.T, dir string, env []string, args ...string) (int, string, string) {
	t.Helper()
	// launch runs ./NAME in dir: the launcher under its own name, beside it.
	link := filepath.Join(filepath.Dir(dir), "onetrainer-launcher")
	if err := os.Symlink(s.launcher, link); err != nil && !os.IsExist(err) {
		t.Fatal(err)
	}
	return launch(t, dir, "../onetrainer-launcher", env, append([]string{"doctor"}, args...)...)
}

// gitBackend is a PEP 517 build backend kept in the repository itself
// (backend-path), so that pip builds the package from git with nothing
// from an index: a wheel of otgitpkg, or for an editable install (PEP 660)
// one whose .pth file points at the clone. It depends on otgitdep, as
// diffusers depends on packages of PyPI.
const gitBackend = `import base64, hashlib, os, zipfile
NAME, VERSION = "otgitpkg", "1.0"
INFO = "%s-%s.dist-info" % (NAME, VERSION)
def get_requires_for_build_wheel(config_settings=None): return []
def get_requires_for_build_editable(config_settings=None): return []
def _wheel(directory, files):
    files[INFO + "/METADATA"] = "Metadata-Version: 2.1\nName: %s\nVersion: %s\nRequires-Dist: otgitdep\n" % (NAME, VERSION)
    files[INFO + "/WHEEL"] = "Wheel-Version: 1.0\nGenerator: ot-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (name, digest, len(text.encode())))
    files[INFO + "/RECORD"] = "\n".join(record + [INFO + "/RECORD,,"]) + "\n"
    wheel = "%s-%s-py3-none-any.whl" % (NAME, VERSION)
    with zipfile.ZipFile(os.path.join(directory, wheel), "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return wheel
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    with open("otgitpkg/__init__.py") as f:
        return _wheel(wheel_directory, {"otgitpkg/__init__.py": f.read()})
def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, {"otgitpkg.pth": os.path.abspath(".") + "\n"})
`

// gitPackage makes a bare repository of a small Python package at bare
// (real git, a commit of its own) and returns the commit. With dumb set,
// the repository can be served as files (git update-server-info).
func gitPackage(t *testing.T, bare string) string {
	t.Helper()
	src := t.TempDir()
	files := map[string]string{
		"pyproject.toml":       "[build-system]\nrequires = []\nbuild-backend = \"otbackend\"\nbackend-path = [\".\"]\n",
		"otbackend.py":         gitBackend,
		"otgitpkg/__init__.py": "FROM = 'git'\n",
	}
	for name, body := range files {
		p := filepath.Join(src, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(dir string, args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.invalid",
			"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.invalid")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git(src, "init", "-q")
	git(src, "add", ".")
	git(src, "commit", "-q", "-m", "otgitpkg")
	if err := os.MkdirAll(filepath.Dir(bare), 0o755); err != nil {
		t.Fatal(err)
	}
	git(src, "clone", "-q", "--bare", src, bare)
	git(bare, "update-server-info")
	return git(src, "rev-parse", "HEAD")
}

// A requirement fetched by git, as OneTrainer's requirements-global.txt has
// them (-e git+https://HOST/OWNER/REPO.git@COMMIT#egg=NAME), from a host
// git cannot reach: the repository and host are named, that git fetches it
// and why wheels cannot stand in, with the ways. Then troubleshooting.md's
// offline recipe, followed as it is written: on the "connected machine"
// (github.com played by the mirror, PyPI by a folder of wheels), pip
// download of the requirements gathers the git package's dependency too;
// offline, PIP_NO_INDEX with that folder alone, and git sent to the mirror
// by insteadOf, install it with every network way shut (HTTPS_PROXY names
// a port nothing listens on).
func TestGitRequirementOffline(t *testing.T) {
	t.Parallel()
	co := linkedCheckout(t)
	mirror := t.TempDir()
	commit := gitPackage(t, filepath.Join(mirror, "otfixture", "otgitpkg.git"))
	req := "-e git+https://github.com/otfixture/otgitpkg.git@" + commit + "#egg=otgitpkg\notglobal\n"
	if err := os.WriteFile(filepath.Join(co, "requirements-global.txt"), []byte(req), 0o644); err != nil {
		t.Fatal(err)
	}
	pypi := t.TempDir() // what the connected machine's index has beyond the suite's wheels
	if _, err := moduleWheel(pypi, "otgitdep", "1.0"); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	env := []string{"HOME=" + home, "GIT_CONFIG_NOSYSTEM=1", "PIP_CONFIG_FILE=" + os.DevNull,
		"HTTPS_PROXY=http://127.0.0.1:9", "https_proxy=http://127.0.0.1:9"}

	code, _, stderr := launch(t, co, "install.sh", env)
	if code != 1 || !strings.Contains(stderr, "[OneTrainer] Error: Installing the requirements failed: git could not fetch https://github.com/otfixture/otgitpkg.git for a git requirement: github.com cannot be reached (the proxy 127.0.0.1 cannot be reached: ") {
		t.Fatalf("install.sh with github.com out of reach: exit %d, stderr:\n%s", code, stderr)
	}
	for _, way := range []string{"fetched by git from github.com, not from the package index", "a folder of wheels (PIP_FIND_LINKS) or a mirror of PyPI cannot stand in for it",
		"HTTPS_PROXY=http://PROXY:PORT (git honours it", `git config --global url."file:///path/to/mirror/".insteadOf https://github.com/`} {
		if !strings.Contains(stderr, way) {
			t.Errorf("the hint does not say %q:\n%s", way, stderr)
		}
	}

	// The recipe's own commands, with the mirror's path: git sent there,
	// then the download, on the "connected machine".
	cfg := exec.Command("git", "config", "--global", "url.file://"+mirror+"/.insteadOf", "https://github.com/")
	cfg.Env = append(os.Environ(), "HOME="+home)
	if out, err := cfg.CombinedOutput(); err != nil {
		t.Fatalf("git config: %v\n%s", err, out)
	}
	offline := t.TempDir()
	dl := exec.Command(s.python.Path, "-m", "pip", "download", "-d", offline, "pip", "setuptools",
		"-r", "requirements-global.txt", "-r", "requirements-default.txt")
	dl.Dir = co
	dl.Env = append(os.Environ(), "HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "PIP_CONFIG_FILE="+os.DevNull,
		"PIP_NO_INDEX=1", "PIP_FIND_LINKS="+s.wheels+" "+pypi, "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_CACHE_DIR=1")
	if out, err := dl.CombinedOutput(); err != nil {
		t.Fatalf("pip download: %v\n%s", err, out)
	}
	code, _, stderr = launch(t, co, "install.sh", append(env, "PIP_FIND_LINKS="+offline))
	if code != 0 {
		t.Fatalf("install.sh through the mirror and the downloaded wheels: exit %d\n%s", code, stderr)
	}
	out, err := exec.Command(filepath.Join(co, ".venv", "bin", "python"), "-c", "import otgitpkg, otgitdep, otglobal; print(otgitpkg.FROM)").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "git" {
		t.Errorf("otgitpkg is not installed from git with its dependency: %v\n%s", err, out)
	}
}

// A git requirement on an HTTPS host whose certificate git does not trust
// (the repository served as files by a real HTTPS server, git's dumb
// protocol): named as that, and git's own way (GIT_SSL_CAINFO) installs.
func TestGitRequirementUntrusted(t *testing.T) {
	t.Parallel()
	co := linkedCheckout(t)
	root := t.TempDir()
	commit := gitPackage(t, filepath.Join(root, "otfixture", "otgitpkg.git"))
	url, cert := httpsServer(t, root)
	req := "-e git+" + url + "/otfixture/otgitpkg.git@" + commit + "#egg=otgitpkg\n"
	if err := os.WriteFile(filepath.Join(co, "requirements-global.txt"), []byte(req), 0o644); err != nil {
		t.Fatal(err)
	}
	pypi := t.TempDir()
	if _, err := moduleWheel(pypi, "otgitdep", "1.0"); err != nil {
		t.Fatal(err)
	}
	env := []string{"GIT_CONFIG_NOSYSTEM=1", "PIP_CONFIG_FILE=" + os.DevNull, "PIP_FIND_LINKS=" + s.wheels + " " + pypi}
	code, _, stderr := launch(t, co, "install.sh", env)
	if code != 1 || !strings.Contains(stderr, "[OneTrainer] Error: Installing the requirements failed: git could not fetch "+url+"/otfixture/otgitpkg.git for a git requirement: git does not trust the TLS certificate of localhost (") ||
		!strings.Contains(stderr, "git config --global http.sslCAInfo /path/ca.pem (or GIT_SSL_CAINFO=/path/ca.pem)") {
		t.Fatalf("install.sh with an untrusted git host: exit %d, stderr:\n%s", code, stderr)
	}
	code, _, stderr = launch(t, co, "install.sh", append(env, "GIT_SSL_CAINFO="+cert))
	if code != 0 {
		t.Fatalf("install.sh with GIT_SSL_CAINFO: exit %d\n%s", code, stderr)
	}
	if out, err := exec.Command(filepath.Join(co, ".venv", "bin", "python"), "-c", "import otgitpkg").CombinedOutput(); err != nil {
		t.Errorf("otgitpkg is not installed: %v\n%s", err, out)
	}
}
