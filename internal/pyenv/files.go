package pyenv

import (
	"path/filepath"
	"strings"
)

// The launcher's own files inside an env, all named here. They are small,
// so that a warm launch reads them with a stat or two and one short read:
//
//   - createdFile is written before the env is made: an env holding it was
//     made by the launcher, even when its creation was cut short.
//   - installingFile is written before pip changes anything and removed
//     once both pip commands have succeeded; while it exists the env holds
//     a partial install. It says which applet began the install, and,
//     when pip failed rather than being cut short, how.
//   - installedFile is written once both pip commands have succeeded. It
//     lists the requirements files used, one "HASH  NAME" line each.
//   - versionOKFile remembers the last version check that passed.
//   - pipLogFile is pip's log of the last install, for bug reports.
//   - uiFile remembers, from the last install, whether the env's Python
//     has what the Tk UI needs (_tkinter).
//
// An env with none of the records was made by something else (the
// original scripts, or by hand) and is trusted as installed, as they
// trusted it.
const (
	filePrefix     = ".onetrainer-launcher-"
	createdFile    = filePrefix + "created"
	installingFile = filePrefix + "installing"
	installedFile  = filePrefix + "installed"
	versionOKFile  = filePrefix + "version-ok"
	pipLogFile     = filePrefix + "pip.log"
	uiFile         = filePrefix + "ui"
)

// in gives the path of one of the launcher's files in the env at dir.
func in(dir, file string) string { return filepath.Join(dir, file) }

// isLauncherFile reports whether a file name in an env's folder is one of
// the launcher's files or one's temporary file ("..onetrainer-launcher-*.N").
func isLauncherFile(name string) bool {
	return strings.HasPrefix(strings.TrimLeft(name, "."), filePrefix[1:])
}
