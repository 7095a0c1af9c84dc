package pyenv

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// The lines below are pip's own, copied from the logs (PIP_LOG) of real
// runs of "pip install --retries 1 --timeout 3 nosuchpkg" against an index
// that could not be reached: pip 23.0.1 (Python 3.10, urllib3 1.26.14),
// pip 24.2 (Python 3.13, urllib3 1.26.18), pip 26.1 (urllib3 2.6.3) and
// pip 26.2.1 (urllib3 2.7.0, with pip's own connection errors). pip 25.x
// vendors urllib3 1.26.20, whose messages are those of 1.26.14 and 1.26.18
// (urllib3/connection.py, connectionpool.py, exceptions.py), and its
// index/collector.py writes the same "Could not fetch URL" line as 24.2.
// Where a system's words could not be made here (macOS, musl, a network
// that is unreachable), a real line keeps its shape and takes that
// system's error text (os.strerror, gai_strerror) in place of Linux's.
const (
	// pip 24.2: the index refuses the connection (127.0.0.1:1).
	logRefused24 = `2026-12-06T13:21:59,614 Looking in indexes: http://127.0.0.1:1/simple
2026-12-06T13:21:59,619 WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f96628234d0>: Failed to establish a new connection: [Errno 111] Connection refused')': /simple/nosuchpkg/
2026-12-06T13:21:59,620 Could not fetch URL http://127.0.0.1:1/simple/nosuchpkg/: connection error: HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded with url: /simple/nosuchpkg/ (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f96626cc410>: Failed to establish a new connection: [Errno 111] Connection refused')) - skipping
2026-12-06T13:21:59,620 Skipping link: not a file: http://127.0.0.1:1/simple/nosuchpkg/
2026-12-06T13:21:59,626 Given no hashes to check 0 links for project 'nosuchpkg': discarding no candidates
2026-12-06T13:21:59,626 ERROR: Could not find a version that satisfies the requirement nosuchpkg (from versions: none)
2026-12-06T13:21:59,629 ERROR: No matching distribution found for nosuchpkg
`
	// pip 24.2: an index that answers, without the package: no network
	// failure at all.
	logNoMatch24 = `2026-12-06T13:22:22,032 Looking in indexes: http://10.255.255.1/simple
2026-12-06T13:22:22,038 Getting page http://10.255.255.1/simple/nosuchpkg/
2026-12-06T13:22:22,038 Found index url http://10.255.255.1/simple/
2026-12-06T13:22:22,040 Could not fetch URL http://10.255.255.1/simple/nosuchpkg/: 404 Client Error: Not Found for url: http://10.255.255.1/simple/nosuchpkg/ - skipping
2026-12-06T13:22:22,040 Skipping link: not a file: http://10.255.255.1/simple/nosuchpkg/
2026-12-06T13:22:22,044 Given no hashes to check 0 links for project 'nosuchpkg': discarding no candidates
2026-12-06T13:22:22,044 ERROR: Could not find a version that satisfies the requirement nosuchpkg (from versions: none)
2026-12-06T13:22:22,044 ERROR: No matching distribution found for nosuchpkg
`
	// pip 24.2: the index's name does not resolve (nosuch.invalid).
	logNameUnknown24 = `2026-12-06T13:22:08,129 WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7fb753d174d0>: Failed to establish a new connection: [Errno -2] Name or service not known')': /simple/nosuchpkg/
2026-12-06T13:22:08,131 Could not fetch URL https://nosuch.invalid/simple/nosuchpkg/: connection error: HTTPSConnectionPool(host='nosuch.invalid', port=443): Max retries exceeded with url: /simple/nosuchpkg/ (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7fb753bc0550>: Failed to establish a new connection: [Errno -2] Name or service not known')) - skipping
2026-12-06T13:22:08,135 ERROR: No matching distribution found for nosuchpkg
`
)

// unreachableIndex is the package index pip could not reach, as the log
// shows it, and why; "" when the log shows none.
func unreachableIndex(log string) (host, why string) {
	if f, ok := diagnosePipLog(log); ok && f.kind == failUnreachable {
		return f.host, f.why
	}
	return "", ""
}

func TestUnreachableIndex(t *testing.T) {
	for _, c := range []struct {
		name, log, host, why string
	}{
		{"refused, pip 24.2", logRefused24, "127.0.0.1", "the connection was refused"},
		{"refused, pip 23.0.1", `2026-12-06T13:21:58,858 WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f0f8e334160>: Failed to establish a new connection: [Errno 111] Connection refused')': /simple/nosuchpkg/
2026-12-06T13:21:58,859 Could not fetch URL http://127.0.0.1:1/simple/nosuchpkg/: connection error: HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded with url: /simple/nosuchpkg/ (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f0f8e3344f0>: Failed to establish a new connection: [Errno 111] Connection refused')) - skipping
2026-12-06T13:21:58,873 ERROR: No matching distribution found for nosuchpkg
`, "127.0.0.1", "the connection was refused"},
		{"refused, pip 26.1", `2026-12-06T13:25:37,813 Could not fetch URL http://127.0.0.1:1/simple/nosuchpkg/: connection error: HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded with url: /simple/nosuchpkg/ (Caused by NewConnectionError("HTTPConnection(host='127.0.0.1', port=1): Failed to establish a new connection: [Errno 111] Connection refused")) - skipping`,
			"127.0.0.1", "the connection was refused"},
		// pip 26.2 says only the system's words, after the URL.
		{"refused, pip 26.2.1", `2026-12-06T13:24:46,151 WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError("HTTPConnection(host='127.0.0.1', port=1): Failed to establish a new connection: [Errno 111] Connection refused")': /simple/nosuchpkg/
2026-12-06T13:24:46,151 Could not fetch URL http://127.0.0.1:1/simple/nosuchpkg/: connection error: [Errno 111] Connection refused - skipping
2026-12-06T13:24:46,177 ERROR: No matching distribution found for nosuchpkg`, "127.0.0.1", "the connection was refused"},

		{"name not known, pip 24.2", logNameUnknown24, "nosuch.invalid", "its name cannot be resolved"},
		{"name not known, pip 26.1 (NameResolutionError)", `2026-12-06T13:25:38,630 Could not fetch URL https://nosuch.invalid/simple/nosuchpkg/: connection error: HTTPSConnectionPool(host='nosuch.invalid', port=443): Max retries exceeded with url: /simple/nosuchpkg/ (Caused by NameResolutionError("HTTPSConnection(host='nosuch.invalid', port=443): Failed to resolve 'nosuch.invalid' ([Errno -2] Name or service not known)")) - skipping`,
			"nosuch.invalid", "its name cannot be resolved"},
		{"name not known, pip 26.2.1", `2026-12-06T13:24:47,809 Could not fetch URL https://nosuch.invalid/simple/nosuchpkg/: connection error: Failed to resolve IP address for 'nosuch.invalid' ([Errno -2] Name or service not known) - skipping`,
			"nosuch.invalid", "its name cannot be resolved"},
		// glibc's EAI_AGAIN: no DNS server answers (offline).
		{"temporary failure in name resolution, pip 24.2 shape", `2026-12-06T13:22:08,131 Could not fetch URL https://pypi.org/simple/torch/: connection error: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/torch/ (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7fb753bc0550>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')) - skipping`,
			"pypi.org", "its name cannot be resolved"},
		// macOS's EAI_NONAME.
		{"nodename nor servname (macOS), pip 24.2 shape", `2026-12-06T13:22:08,131 Could not fetch URL https://pypi.org/simple/torch/: connection error: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/torch/ (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x1046bc550>: Failed to establish a new connection: [Errno 8] nodename nor servname provided, or not known')) - skipping`,
			"pypi.org", "its name cannot be resolved"},
		// musl's EAI_NONAME (Alpine, in Docker).
		{"name does not resolve (musl), pip 24.2 shape", `2026-12-06T13:22:08,131 Could not fetch URL https://pypi.org/simple/torch/: connection error: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/torch/ (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7fb753bc0550>: Failed to establish a new connection: [Errno -2] Name does not resolve')) - skipping`,
			"pypi.org", "its name cannot be resolved"},
		// glibc's EAI_NODATA: the name has no address.
		{"no address associated, pip 24.2 shape", `2026-12-06T13:22:08,131 Could not fetch URL https://pypi.org/simple/torch/: connection error: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/torch/ (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7fb753bc0550>: Failed to establish a new connection: [Errno -5] No address associated with hostname')) - skipping`,
			"pypi.org", "its name cannot be resolved"},
		// musl's EAI_AGAIN, in urllib3 2's NameResolutionError, whose own
		// words are all that say it.
		{"try again (musl), pip 26.1 shape", `2026-12-06T13:25:38,630 Could not fetch URL https://pypi.org/simple/torch/: connection error: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/torch/ (Caused by NameResolutionError("HTTPSConnection(host='pypi.org', port=443): Failed to resolve 'pypi.org' ([Errno -3] Try again)")) - skipping`,
			"pypi.org", "its name cannot be resolved"},

		// A firewall that drops packets: urllib3's ConnectTimeoutError.
		{"connect timeout, pip 24.2", `2026-12-06T13:23:30,250 Could not fetch URL http://[2001:db8::1]/simple/nosuchpkg/: connection error: HTTPConnectionPool(host='2001:db8::1', port=80): Max retries exceeded with url: /simple/nosuchpkg/ (Caused by ConnectTimeoutError(<pip._vendor.urllib3.connection.HTTPConnection object at 0x7fb7935fb4d0>, 'Connection to 2001:db8::1 timed out. (connect timeout=3.0)')) - skipping
2026-12-06T13:23:30,259 ERROR: Could not find a version that satisfies the requirement nosuchpkg (from versions: none)
2026-12-06T13:23:30,259 ERROR: No matching distribution found for nosuchpkg`, "2001:db8::1", "the connection timed out"},
		{"connect timeout, pip 23.0.1, HTTPS", `2026-12-06T13:22:16,649 Could not fetch URL https://pypi.org/simple/torch/: connection error: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/torch/ (Caused by ConnectTimeoutError(<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f1c9b014550>, 'Connection to pypi.org timed out. (connect timeout=15)')) - skipping`,
			"pypi.org", "the connection timed out"},
		{"connect timeout, pip 26.2.1", `2026-12-06T13:24:53,354 Could not fetch URL http://[2001:db8::1]/simple/nosuchpkg/: 2001:db8::1 didn't respond within 3.0 seconds (while establishing a connection) - skipping`,
			"2001:db8::1", "the connection timed out"},
		// The system's own timeout, inside NewConnectionError (Linux's
		// ETIMEDOUT; macOS says "Operation timed out").
		{"system connect timeout, pip 24.2 shape", `2026-12-06T13:22:16,649 Could not fetch URL https://pypi.org/simple/torch/: connection error: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/torch/ (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f1c9b014550>: Failed to establish a new connection: [Errno 110] Connection timed out')) - skipping`,
			"pypi.org", "the connection timed out"},
		{"system connect timeout (macOS), pip 24.2 shape", `2026-12-06T13:22:16,649 Could not fetch URL https://pypi.org/simple/torch/: connection error: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/torch/ (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x1046bc550>: Failed to establish a new connection: [Errno 60] Operation timed out')) - skipping`,
			"pypi.org", "the connection timed out"},

		{"read timeout, pip 23.0.1", `2026-12-06T13:22:30,657 WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ReadTimeoutError("HTTPConnectionPool(host='127.0.0.1', port=8765): Read timed out. (read timeout=3.0)")': /simple/nosuchpkg/
2026-12-06T13:22:33,666 Could not fetch URL http://127.0.0.1:8765/simple/nosuchpkg/: connection error: HTTPConnectionPool(host='127.0.0.1', port=8765): Max retries exceeded with url: /simple/nosuchpkg/ (Caused by ReadTimeoutError("HTTPConnectionPool(host='127.0.0.1', port=8765): Read timed out. (read timeout=3.0)")) - skipping
2026-12-06T13:22:33,700 ERROR: No matching distribution found for nosuchpkg`, "127.0.0.1", "it did not answer in time"},
		{"read timeout, pip 26.2.1", `2026-12-06T13:25:00,651 Could not fetch URL http://127.0.0.1:8765/simple/nosuchpkg/: 127.0.0.1 didn't respond within 3.0 seconds - skipping`,
			"127.0.0.1", "it did not answer in time"},
		// A download that stalls: pip 24.2's traceback ends in urllib3's
		// exception; the line of urllib3's source above it names no host.
		{"read timeout while downloading, pip 24.2", `2026-12-06T13:23:36,977   File "/tmp/pipx/v3.13.0/lib/python3.13/site-packages/pip/_vendor/urllib3/response.py", line 443, in _error_catcher
2026-12-06T13:23:36,977     raise ReadTimeoutError(self._pool, None, "Read timed out.")
2026-12-06T13:23:36,977 pip._vendor.urllib3.exceptions.ReadTimeoutError: HTTPConnectionPool(host='files.pythonhosted.org', port=443): Read timed out.
2026-12-06T13:23:36,994 Removed build tracker: '/tmp/pip-build-tracker-tih2yn78'`, "files.pythonhosted.org", "it did not answer in time"},

		// Linux's ENETUNREACH: no route at all (no default gateway).
		{"network unreachable, pip 24.2 shape", `2026-12-06T13:22:21,421 Could not fetch URL https://pypi.org/simple/torch/: connection error: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/torch/ (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7fd8fa0a0410>: Failed to establish a new connection: [Errno 101] Network is unreachable')) - skipping`,
			"pypi.org", "the network is unreachable"},
		{"no route to host, pip 26.1", `2026-12-06T13:25:42,420 WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ConnectTimeoutError(<HTTPConnection(host='2001:db8::1', port=80) at 0x7f88419752b0>, 'Connection to 2001:db8::1 timed out. (connect timeout=3.0)')': /simple/nosuchpkg/
2026-12-06T13:25:42,478 Could not fetch URL http://[2001:db8::1]/simple/nosuchpkg/: connection error: HTTPConnectionPool(host='2001:db8::1', port=80): Max retries exceeded with url: /simple/nosuchpkg/ (Caused by NewConnectionError("HTTPConnection(host='2001:db8::1', port=80): Failed to establish a new connection: [Errno 113] No route to host")) - skipping`,
			"2001:db8::1", "there is no route to it"},
		// Any other error of the system's: here, a local firewall or
		// sandbox that forbids the connection (EACCES).
		{"other connect error, pip 24.2 shape", `2026-12-06T13:21:59,620 Could not fetch URL https://pypi.org/simple/torch/: connection error: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/torch/ (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f96626cc410>: Failed to establish a new connection: [Errno 13] Permission denied')) - skipping`,
			"pypi.org", "no connection could be made"},

		// HTTPS through a proxy: the host is the index, the cause the
		// proxy's.
		{"proxy refused, pip 24.2", `2026-12-06T13:22:51,113 Could not fetch URL https://pypi.org/simple/nosuchpkg/: connection error: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/nosuchpkg/ (Caused by ProxyError('Cannot connect to proxy.', NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7fd0682c8410>: Failed to establish a new connection: [Errno 111] Connection refused'))) - skipping`,
			"pypi.org", "the proxy cannot be reached: the connection was refused"},
		{"proxy name not known, pip 23.0.1", `2026-12-06T13:22:42,893 Could not fetch URL https://pypi.org/simple/nosuchpkg/: connection error: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/nosuchpkg/ (Caused by ProxyError('Cannot connect to proxy.', NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7fe63ff74340>: Failed to establish a new connection: [Errno -2] Name or service not known'))) - skipping`,
			"pypi.org", "the proxy cannot be reached: its name cannot be resolved"},
		// Plain HTTP through a proxy: urllib3's pool is the proxy's
		// (host='127.0.0.1'), the URL pip could not fetch is the index's.
		{"proxy refused, plain HTTP, pip 24.2", `2026-12-06T13:22:51,887 Could not fetch URL http://example.org/simple/nosuchpkg/: connection error: HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded with url: http://example.org/simple/nosuchpkg/ (Caused by ProxyError('Cannot connect to proxy.', NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7fcdbcfc4410>: Failed to establish a new connection: [Errno 111] Connection refused'))) - skipping`,
			"example.org", "the proxy cannot be reached: the connection was refused"},
		{"proxy refused, pip 26.1", `2026-12-06T13:25:50,227 Could not fetch URL https://pypi.org/simple/nosuchpkg/: connection error: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/nosuchpkg/ (Caused by ProxyError('Unable to connect to proxy', NewConnectionError("HTTPSConnection(host='127.0.0.1', port=1): Failed to establish a new connection: [Errno 111] Connection refused"))) - skipping`,
			"pypi.org", "the proxy cannot be reached: the connection was refused"},
		{"proxy refused, pip 26.2.1", `2026-12-06T13:25:01,541 Could not fetch URL https://pypi.org/simple/nosuchpkg/: proxy connection error: ('Unable to connect to proxy', NewConnectionError("HTTPSConnection(host='127.0.0.1', port=1): Failed to establish a new connection: [Errno 111] Connection refused")) - skipping`,
			"pypi.org", "the proxy cannot be reached: the connection was refused"},
		{"proxy wants a login, pip 24.2", `2026-12-06T13:26:26,466 Could not fetch URL https://pypi.org/simple/nosuchpkg/: connection error: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/nosuchpkg/ (Caused by ProxyError('Cannot connect to proxy.', OSError('Tunnel connection failed: 407 Proxy Authentication Required'))) - skipping`,
			"pypi.org", "the proxy answered 407 Proxy Authentication Required"},
		{"proxy wants a login, pip 26.2.1", `2026-12-06T13:26:28,561 Could not fetch URL https://pypi.org/simple/nosuchpkg/: proxy connection error: ('Unable to connect to proxy', OSError('Tunnel connection failed: 407 Proxy Authentication Required')) - skipping`,
			"pypi.org", "the proxy answered 407 Proxy Authentication Required"},

		// A wheel's host refuses (pip 26.2.1): the chained traceback's
		// last line with a host names it.
		{"download refused, pip 26.2.1", `2026-12-06T13:25:51,134 ERROR: <ConnectionFailedError: connection-failed>
2026-12-06T13:25:51,137     raise NewConnectionError(
2026-12-06T13:25:51,137         self, f"Failed to establish a new connection: {e}"
2026-12-06T13:25:51,137     ) from e
2026-12-06T13:25:51,137 pip._vendor.urllib3.exceptions.NewConnectionError: HTTPConnection(host='127.0.0.1', port=1): Failed to establish a new connection: [Errno 111] Connection refused
2026-12-06T13:25:51,137 pip._vendor.requests.exceptions.ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded with url: /files/nosuchpkg-1.0-py3-none-any.whl (Caused by NewConnectionError("HTTPConnection(host='127.0.0.1', port=1): Failed to establish a new connection: [Errno 111] Connection refused"))
2026-12-06T13:25:51,137     raise ConnectionFailedError(
2026-12-06T13:25:51,137 pip._internal.exceptions.ConnectionFailedError: <ConnectionFailedError: connection-failed>`, "127.0.0.1", "the connection was refused"},
		{"download refused, pip 24.2", `2026-12-06T13:25:52,921 ERROR: Could not install packages due to an OSError: HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded with url: /files/nosuchpkg-1.0-py3-none-any.whl (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7fd7d8448910>: Failed to establish a new connection: [Errno 111] Connection refused'))`,
			"127.0.0.1", "the connection was refused"},

		// No failure to reach anything.
		{"no matching distribution", logNoMatch24, "", ""},
		{"empty", "", "", ""},
		// A retry that then worked, and a later failure of another kind.
		{"a retry that worked", `2026-12-06T13:21:59,619 WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ConnectTimeoutError(<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f96628234d0>, 'Connection to pypi.org timed out. (connect timeout=15)')': /simple/torch/
2026-12-06T13:22:01,102 Fetched page https://pypi.org/simple/torch/ as application/vnd.pypi.simple.v1+json
2026-12-06T13:22:22,044 ERROR: Could not find a version that satisfies the requirement torch==9.9 (from versions: 2.5.0, 2.5.1)
2026-12-06T13:22:22,044 ERROR: No matching distribution found for torch==9.9`, "", ""},
		// urllib3's source, quoted in a traceback, has the words but no host.
		{"urllib3's source lines", `2026-12-06T13:22:16,649     raise ConnectTimeoutError(
2026-12-06T13:22:16,649         self,
2026-12-06T13:22:16,649         "Connection to %s timed out. (connect timeout=%s)"
2026-12-06T13:25:51,137         self, f"Failed to establish a new connection: {e}"`, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			host, why := unreachableIndex(c.log)
			if host != c.host || why != c.why {
				t.Errorf("unreachableIndex = %q, %q; want %q, %q", host, why, c.host, c.why)
			}
		})
	}
}

// A user's PIP_LOG keeps earlier runs: only what pip appends after the
// mark is this install's.
func TestPipLogAppended(t *testing.T) {
	for _, c := range []struct {
		name      string
		before    *string // the log before the install; nil: none
		after     func(t *testing.T, path string)
		host, why string
		limit     int64
	}{
		{"an old failure to reach the index, then a new failure of another kind", ptr(logRefused24),
			appendTo(logNoMatch24), "", "", pipLogTail},
		{"an old failure of another kind, then a new failure to reach the index", ptr(logNoMatch24),
			appendTo(logNameUnknown24), "nosuch.invalid", "its name cannot be resolved", pipLogTail},
		{"no log before: all of it is new", nil,
			appendTo(logRefused24), "127.0.0.1", "the connection was refused", pipLogTail},
		{"nothing appended", ptr(logRefused24),
			func(*testing.T, string) {}, "", "", pipLogTail},
		// A log that shrank or is another file is read from its start:
		// read from the mark, it would lose its first lines, the failure.
		{"truncated, then written again", ptr(logNoMatch24 + logNoMatch24),
			writeTo(logNameUnknown24), "nosuch.invalid", "its name cannot be resolved", pipLogTail},
		// The new file is longer than the old one was.
		{"replaced by a longer file", ptr(logNoMatch24),
			replaceWith(logNameUnknown24 + strings.Repeat("2026-12-06T13:22:09,000 Removed build tracker\n", 20)),
			"nosuch.invalid", "its name cannot be resolved", pipLogTail},
		{"removed", ptr(logRefused24),
			func(t *testing.T, path string) { os.Remove(path) }, "", "", pipLogTail},
		// Only the end of a long new part is read: a failure before it is
		// not seen.
		{"bounded", ptr(logNoMatch24),
			appendTo(logRefused24 + logNoMatch24), "", "", int64(len(logNoMatch24))},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "pip.log")
			if c.before != nil {
				writeTo(*c.before)(t, path)
			}
			mark := markPipLog(path)
			c.after(t, path)
			host, why := unreachableIndex(mark.appended(c.limit))
			if host != c.host || why != c.why {
				t.Errorf("unreachableIndex(appended) = %q, %q; want %q, %q", host, why, c.host, c.why)
			}
		})
	}
	if got := markPipLog("").appended(pipLogTail); got != "" {
		t.Errorf("no log: appended = %q, want \"\"", got)
	}
}

func TestPipLogPath(t *testing.T) {
	for _, c := range []struct{ log, want string }{
		{"", ""},
		{"/var/log/pip.log", "/var/log/pip.log"},
		{"pip.log", "/ot/pip.log"},
		{"logs/../pip.log", "/ot/pip.log"},
		{"~/pip.log", "/home/u/pip.log"},
	} {
		if got := pipLogPath(c.log, "/ot", "/home/u"); got != c.want {
			t.Errorf("pipLogPath(%q) = %q, want %q", c.log, got, c.want)
		}
	}
}

// The message and hint a user sees when pip could not reach the index.
func TestInstallFailedSaysTheIndexCannotBeReached(t *testing.T) {
	r := Request{Launch: &launch.Launch{Script: "install.sh"}}
	tgt := Target{Place: Place{Dir: t.TempDir(), Label: "venv"}}
	pipFailed := &proc.ExitError{Argv: []string{"python", "-m", "pip"}, Code: 1, Err: errors.New("exit status 1")}
	err := installFailed(tgt.Place.Dir, r, tgt, pipFailed,
		`2026-12-06T13:22:16,649 Could not fetch URL https://pypi.org/simple/torch/: connection error: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/torch/ (Caused by ConnectTimeoutError(<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f1c9b014550>, 'Connection to pypi.org timed out. (connect timeout=15)')) - skipping`)
	var e *out.Error
	if !errors.As(err, &e) {
		t.Fatalf("installFailed = %v, want an *out.Error", err)
	}
	if want := "Installing the requirements failed: pip could not reach the package index pypi.org (the connection timed out) (its messages are above)."; !strings.HasPrefix(e.Msg, want) {
		t.Errorf("message = %q, want it to start %q", e.Msg, want)
	}
	if len(e.Hints) != 1 || !strings.Contains(e.Hints[0], "PIP_INDEX_URL=") || !strings.Contains(e.Hints[0], "HTTPS_PROXY=") {
		t.Errorf("hints = %q, want the ways to point pip elsewhere", e.Hints)
	}

	err = installFailed(tgt.Place.Dir, r, tgt, pipFailed, logNoMatch24)
	if !errors.As(err, &e) || !strings.HasPrefix(e.Msg, "Installing the requirements failed: pip exited with status 1 ") || len(e.Hints) != 0 {
		t.Errorf("another failure: %q, hints %q; want pip's exit status and no hint", e.Msg, e.Hints)
	}
}

func ptr(s string) *string { return &s }

// writeTo writes text as the whole log (truncating it).
func writeTo(text string) func(*testing.T, string) {
	return func(t *testing.T, path string) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// appendTo appends text to the log, as pip does.
func appendTo(text string) func(*testing.T, string) {
	return func(t *testing.T, path string) {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(text); err != nil {
			t.Fatal(err)
		}
	}
}

// replaceWith puts another file holding text in the log's place.
func replaceWith(text string) func(*testing.T, string) {
	return func(t *testing.T, path string) {
		writeTo(text)(t, path+".new")
		if err := os.Rename(path+".new", path); err != nil {
			t.Fatal(err)
		}
	}
}

// The host of the URL pip names, as net/url would give it, without linking
// net/url into the launcher.
func TestURLHost(t *testing.T) {
	for raw, want := range map[string]string{
		"https://pypi.org/simple/torch/":                   "pypi.org",
		"http://user:secret@mirror.example:8080/simple/x/": "mirror.example",
		"http://127.0.0.1:1/simple/x/":                     "127.0.0.1",
		"https://[2001:db8::1]:443/simple/x/":              "2001:db8::1",
		"https://download.pytorch.org":                     "download.pytorch.org",
		"pypi.org/simple/":                                 "",
		"file:///wheels/x.whl":                             "",
	} {
		if got := urlHost(raw); got != want {
			t.Errorf("%s: %q, want %q", raw, got, want)
		}
	}
}
