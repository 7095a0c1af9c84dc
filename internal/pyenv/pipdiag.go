package pyenv

import (
	"fmt"
	"strings"
)

// pipFailure is why an install failed, as pip's log shows it, where the
// launcher can name it.
type pipFailure struct {
	kind pipFailureKind
	host string // the host pip or git could not reach or did not trust
	why  string // in words
	repo string // a git requirement's repository
}

type pipFailureKind int

const (
	failUnreachable    pipFailureKind = iota + 1 // a package index or file host pip could not reach
	failCert                                     // a certificate pip did not trust
	failGitUnreachable                           // a git requirement's host git could not reach
	failGitCert                                  // a certificate git did not trust
	failNoGit                                    // a git requirement, and no git
)

// how says the failure after "Installing the requirements failed: ".
func (f pipFailure) how() string {
	fetch := fmt.Sprintf("git could not fetch %s for a git requirement", f.repo)
	switch f.kind {
	case failUnreachable:
		return fmt.Sprintf("pip could not reach the package index %s (%s)", f.host, f.why)
	case failCert:
		return fmt.Sprintf("pip does not trust the TLS certificate of %s (%s)", f.host, f.why)
	case failGitCert:
		return fmt.Sprintf("%s: git does not trust the TLS certificate of %s (%s)", fetch, f.host, f.why)
	case failGitUnreachable:
		return fmt.Sprintf("%s: %s cannot be reached (%s)", fetch, f.host, f.why)
	case failNoGit:
		return "a requirement is fetched by git (a git+ URL), and git is not installed"
	}
	return ""
}

// hints are the ways forward, each one line.
func (f pipFailure) hints() []string {
	switch f.kind {
	case failUnreachable:
		return []string{unreachableHint}
	case failCert, failGitCert:
		return []string{certHint(f.host)}
	case failGitUnreachable:
		return []string{fmt.Sprintf("A requirement written git+%s is fetched by git from %s, not from the package index: a folder of wheels (PIP_FIND_LINKS) or a mirror of PyPI cannot stand in for it, since pip asks git for that repository at that commit. Either let git through a proxy: HTTPS_PROXY=http://PROXY:PORT (git honours it, as pip does); or give git a mirror of the repositories the requirements name (git clone --mirror each on a machine that reaches %s, copied here) and send git there: git config --global url.\"file:///path/to/mirror/\".insteadOf https://%s/ (docs/troubleshooting.md, \"Offline\").", f.repo, f.host, f.host, f.host)}
	case failNoGit:
		return []string{"Install git (apt install git, dnf install git, brew install git; on macOS also xcode-select --install) and run again."}
	}
	return nil
}

// unreachableHint is the way around a package index that cannot be reached.
const unreachableHint = "The package index cannot be reached from here: this machine may be offline, or a proxy or firewall stands in the way. Point pip elsewhere and run again: PIP_INDEX_URL=https://MIRROR/simple for a mirror of PyPI, PIP_FIND_LINKS=/folder/of/wheels with PIP_NO_INDEX=1 for wheels on disk, or HTTPS_PROXY=http://PROXY:PORT for a proxy."

// certHint is the way to have pip trust a certificate: a proxy that
// re-signs TLS (a company network) presents its own authority's. What each
// way reaches was tried with pip 23.2 and 24.2: PIP_CERT and
// REQUESTS_CA_BUNDLE with both; SSL_CERT_FILE only from pip 24.2, which
// asks the system's store (truststore).
func certHint(host string) string {
	return fmt.Sprintf("The certificate %s presents is signed by an authority this machine's Python does not trust, as where a proxy or firewall re-signs TLS (a company network). Give pip that authority's certificate (a PEM file) and run again: PIP_CERT=/path/ca.pem for one run, or for every run: python3 -m pip config set global.cert /path/ca.pem; REQUESTS_CA_BUNDLE=/path/ca.pem works too (SSL_CERT_FILE=/path/ca.pem from pip 24.2). The git requirements are fetched by git, which needs it as well: git config --global http.sslCAInfo /path/ca.pem (or GIT_SSL_CAINFO=/path/ca.pem).", host)
}

// diagnosePipLog reads what pip wrote to its log during an install and
// names the last cause it can: a git requirement that git could not fetch
// (the host, the repository, why), a certificate pip does not trust, a
// package index it could not reach; ok is false when the log shows none.
// pip's retry warnings are passed over: a retry that then worked is no
// failure, and one that did not is followed by pip's line saying that it
// gave up, with the same cause.
func diagnosePipLog(log string) (f pipFailure, ok bool) {
	lines := strings.Split(log, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		line := lines[i]
		if strings.Contains(line, "Retrying (Retry(") {
			continue
		}
		if f, ok := gitFailure(line); ok {
			return f, true
		}
		if strings.Contains(line, "Cannot find command 'git'") {
			return pipFailure{kind: failNoGit}, true
		}
		if why := certCause(line); why != "" {
			if host := indexHost(line); host != "" {
				return pipFailure{kind: failCert, host: host, why: why}, true
			}
		}
		if why := unreachableCause(line); why != "" {
			if host := indexHost(line); host != "" {
				return pipFailure{kind: failUnreachable, host: host, why: why}, true
			}
		}
	}
	return pipFailure{}, false
}

// certCause says why a line of pip's log shows a certificate pip does not
// trust, in OpenSSL's words after "certificate verify failed: " ("self-signed
// certificate", "unable to get local issuer certificate"); "" when the line
// shows none.
func certCause(line string) string {
	const words = "certificate verify failed"
	i := strings.Index(line, words)
	if i < 0 {
		if strings.Contains(line, "CERTIFICATE_VERIFY_FAILED") {
			return words
		}
		return ""
	}
	rest := line[i:]
	for _, end := range []string{" (_ssl.c", "'", `"`, ")"} {
		if j := strings.Index(rest, end); j > 0 {
			rest = rest[:j]
		}
	}
	return strings.TrimSpace(rest)
}

// gitFailure reads git's own line for a repository it could not fetch, as
// pip's log holds it (pip logs the output of the git it runs for a git+
// requirement): "fatal: unable to access 'URL': WHY", WHY being curl's
// words. ok is false for any other line.
func gitFailure(line string) (f pipFailure, ok bool) {
	_, rest, ok := strings.Cut(line, "fatal: unable to access '")
	if !ok {
		return pipFailure{}, false
	}
	repo, reason, ok := strings.Cut(rest, "': ")
	if !ok {
		return pipFailure{}, false
	}
	f.repo = strings.TrimSuffix(repo, "/")
	f.host = urlHost(f.repo)
	reason = strings.TrimSpace(reason)
	if why := gitCertCause(reason); why != "" {
		f.kind, f.why = failGitCert, why
		return f, true
	}
	f.kind, f.why = failGitUnreachable, gitConnectCause(reason, f.host)
	return f, true
}

// gitCertCause is why git (curl) did not trust a server's certificate,
// in its words; "" when reason is not that. curl with OpenSSL says "SSL
// certificate problem: self-signed certificate", with GnuTLS (Debian's
// git) "server certificate verification failed. CAfile: ...".
func gitCertCause(reason string) string {
	switch {
	case strings.HasPrefix(reason, "SSL certificate problem: "):
		return strings.TrimPrefix(reason, "SSL certificate problem: ")
	case strings.HasPrefix(reason, "server certificate verification failed"):
		return "server certificate verification failed"
	case strings.Contains(reason, "certificate verify failed"):
		return certCause(reason)
	}
	return ""
}

// gitConnectCause says in words why git (curl) could not reach host:
// curl's messages for a name that does not resolve, a refused or timed-out
// connection, a proxy that fails, else curl's own words. A failed
// connection that names another host than the repository's is the proxy's.
func gitConnectCause(reason, host string) string {
	switch {
	case strings.HasPrefix(reason, "Could not resolve proxy: "):
		return "the proxy's name " + strings.TrimPrefix(reason, "Could not resolve proxy: ") + " cannot be resolved"
	case strings.HasPrefix(reason, "Could not resolve host"):
		return "its name cannot be resolved"
	case containsAny(reason, "CONNECT tunnel failed", "from proxy after CONNECT"):
		return "the proxy refused the way through: " + reason
	}
	if to, ok := strings.CutPrefix(reason, "Failed to connect to "); ok {
		other, _, _ := strings.Cut(to, " port ")
		why := "no connection could be made"
		switch {
		case strings.Contains(reason, "Connection refused"):
			why = "the connection was refused"
		case containsAny(reason, "timed out", "Timeout"):
			why = "the connection timed out"
		case strings.Contains(reason, "Network is unreachable"):
			why = "the network is unreachable"
		case strings.Contains(reason, "No route to host"):
			why = "there is no route to it"
		}
		if other != "" && other != host {
			return "the proxy " + other + " cannot be reached: " + why
		}
		return why
	}
	if containsAny(reason, "timed out", "Timeout was reached") {
		return "the connection timed out"
	}
	return reason
}
