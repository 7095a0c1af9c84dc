package pyenv

import (
	"strings"
	"testing"
)

// The lines below are real: pip's from its logs (PIP_LOG) of installs
// against an HTTPS index on localhost whose certificate (openssl req -x509)
// nothing trusts, pip 23.2.1 (Python 3.11) and pip 24.2 (Python 3.13, which
// asks the system's store through truststore); git's as pip logs the output
// of the git it runs for a git+https requirement (git 2.39 with GnuTLS, as
// Debian builds it), against that server, a name that does not resolve, a
// port nothing listens on, and through HTTPS_PROXY to a proxy that is not
// there, whose name does not resolve, and that answers 407. Where this
// machine's git cannot say it (curl with OpenSSL, as Fedora, Homebrew and
// Apple build git), a real line keeps its shape with curl's OpenSSL words.
func TestPipFailures(t *testing.T) {
	const pipGit = "2026-12-07T07:47:02,707   Running command git clone --filter=blob:none --quiet https://127.0.0.1:9/owner/repo.git /tmp/netexp/v/src/otgit\n"
	const pipGitEnd = `
2026-12-07T07:46:55,412   ERROR: [present-rich] git clone --filter=blob:none --quiet https://localhost:43539/repo.git /tmp/netexp/v/src/otgit exited with 128
2026-12-07T07:46:55,417 pip._internal.exceptions.InstallationSubprocessError: git clone --filter=blob:none --quiet https://localhost:43539/repo.git /tmp/netexp/v/src/otgit exited with 128
`
	for _, c := range []struct {
		name, log string
		kind      pipFailureKind
		host, why string
		how, hint string // in how and the hint
	}{
		{"index certificate, pip 23.2.1", `2026-12-07T07:46:40,940 Could not fetch URL https://localhost:43539/simple/otpkg/: There was a problem confirming the ssl certificate: HTTPSConnectionPool(host='localhost', port=43539): Max retries exceeded with url: /simple/otpkg/ (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)'))) - skipping
2026-12-07T07:46:40,961 ERROR: No matching distribution found for otpkg`,
			failCert, "localhost", "certificate verify failed: self-signed certificate",
			"pip does not trust the TLS certificate of localhost (certificate verify failed: self-signed certificate)", "PIP_CERT=/path/ca.pem"},
		{"index certificate, pip 24.2", `2026-12-07T07:46:44,990 Could not fetch URL https://localhost:43539/simple/otpkg/: There was a problem confirming the ssl certificate: HTTPSConnectionPool(host='localhost', port=43539): Max retries exceeded with url: /simple/otpkg/ (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1020)'))) - skipping`,
			failCert, "localhost", "certificate verify failed: self-signed certificate", "", "git config --global http.sslCAInfo /path/ca.pem"},
		{"a file host's certificate behind a proxy that re-signs, pip 24.2 shape", `2026-12-07T07:50:01,001 pip._vendor.requests.exceptions.SSLError: HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Max retries exceeded with url: /packages/x/torch.whl (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1020)')))`,
			failCert, "files.pythonhosted.org", "certificate verify failed: unable to get local issuer certificate", "", "REQUESTS_CA_BUNDLE"},
		{"git, certificate, GnuTLS", pipGit + `2026-12-07T07:46:55,300   fatal: unable to access 'https://localhost:43539/repo.git/': server certificate verification failed. CAfile: none CRLfile: none` + pipGitEnd,
			failGitCert, "localhost", "server certificate verification failed",
			"git could not fetch https://localhost:43539/repo.git for a git requirement: git does not trust the TLS certificate of localhost", "GIT_SSL_CAINFO=/path/ca.pem"},
		{"git, certificate, OpenSSL shape", `2026-12-07T07:46:55,300   fatal: unable to access 'https://github.com/huggingface/diffusers.git/': SSL certificate problem: self-signed certificate in certificate chain`,
			failGitCert, "github.com", "self-signed certificate in certificate chain", "https://github.com/huggingface/diffusers.git", "http.sslCAInfo"},
		{"git, name", `2026-12-07T07:46:58,300   fatal: unable to access 'https://nosuch.invalid/owner/repo.git/': Could not resolve host: nosuch.invalid` + pipGitEnd,
			failGitUnreachable, "nosuch.invalid", "its name cannot be resolved",
			"git could not fetch https://nosuch.invalid/owner/repo.git for a git requirement: nosuch.invalid cannot be reached (its name cannot be resolved)",
			`git config --global url."file:///path/to/mirror/".insteadOf https://nosuch.invalid/`},
		{"git, nothing listens", pipGit + `2026-12-07T07:47:02,814   fatal: unable to access 'https://127.0.0.1:9/owner/repo.git/': Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server`,
			failGitUnreachable, "127.0.0.1", "no connection could be made", "", "a folder of wheels (PIP_FIND_LINKS) or a mirror of PyPI cannot stand in for it"},
		{"git, proxy not there", `fatal: unable to access 'https://github.com/x/y.git/': Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server`,
			failGitUnreachable, "github.com", "the proxy 127.0.0.1 cannot be reached: no connection could be made", "", "HTTPS_PROXY=http://PROXY:PORT (git honours it"},
		{"git, proxy name", `fatal: unable to access 'https://github.com/x/y.git/': Could not resolve proxy: nosuchproxy.invalid`,
			failGitUnreachable, "github.com", "the proxy's name nosuchproxy.invalid cannot be resolved", "", ""},
		{"git, proxy 407", `fatal: unable to access 'https://github.com/x/y.git/': CONNECT tunnel failed, response 407`,
			failGitUnreachable, "github.com", "the proxy refused the way through: CONNECT tunnel failed, response 407", "", ""},
		{"no git", `2026-12-07T08:00:00,000 ERROR: Cannot find command 'git' - do you have 'git' installed and in your PATH?`,
			failNoGit, "", "", "git is not installed", "apt install git"},
		{"the last cause wins: a git failure after an index retried", logRefused24 + `2026-12-07T07:46:58,300   fatal: unable to access 'https://nosuch.invalid/owner/repo.git/': Could not resolve host: nosuch.invalid`,
			failGitUnreachable, "nosuch.invalid", "its name cannot be resolved", "", ""},
		{"a certificate retried, then the index refused", `2026-12-07T07:50:00,000 WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)'))': /simple/otpkg/
` + logRefused24, failUnreachable, "127.0.0.1", "the connection was refused", "", "PIP_INDEX_URL="},
		{"another failure", logNoMatch24, 0, "", "", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, ok := diagnosePipLog(c.log)
			if ok != (c.kind != 0) || f.kind != c.kind || f.host != c.host || f.why != c.why {
				t.Fatalf("diagnosePipLog = %+v, %v; want kind %d, host %q, why %q", f, ok, c.kind, c.host, c.why)
			}
			if !strings.Contains(f.how(), c.how) {
				t.Errorf("how = %q, want it to hold %q", f.how(), c.how)
			}
			if hints := strings.Join(f.hints(), "\n"); !strings.Contains(hints, c.hint) || ok && hints == "" {
				t.Errorf("hints = %q, want them to hold %q", hints, c.hint)
			}
		})
	}
}
