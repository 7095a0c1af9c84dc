// Package layout is where everything lives in a OneTrainer checkout: its
// launch files, scripts and requirements, the files its scripts write, and
// the launcher's own state inside it. Every such path is derived here, from
// one value, Checkout; no other package spells a checkout's file names
// (TestCheckoutPathsSpelledOnce). Where the envs are is the settings'.
package layout

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// Files and folders of a OneTrainer checkout, relative to its root. The UI
// script is not among them: the checkout's own start-ui.sh names it.
const (
	// The launch files: the library the scripts source, and the scripts.
	LibFile       = "lib.include.sh"
	InstallScript = "install.sh"
	UpdateScript  = "update.sh"
	StartUIScript = "start-ui.sh"
	RunCmdScript  = "run-cmd.sh"

	ScriptsDir         = "scripts"
	VersionCheckScript = "scripts/util/version_check.py"
	// ScriptHelpersDir holds helpers of the scripts (the version check),
	// which are not commands a user runs.
	ScriptHelpersDir = "scripts/util"

	RequirementsGlobal  = "requirements-global.txt"
	RequirementsCUDA    = "requirements-cuda.txt"
	RequirementsCUDALeg = "requirements-cuda-legacy.txt"
	RequirementsROCm    = "requirements-rocm.txt"
	RequirementsDefault = "requirements-default.txt"

	// UpdateVar records the git HEAD of the last install when
	// OT_LAZY_UPDATES is on.
	UpdateVar = "update.var"

	// The pixi family's files: the manifest (pyproject.toml's [tool.pixi],
	// or a pixi.toml), the lock file, where pixi puts its envs, and the
	// checkout's own pixi installer.
	PyProject    = "pyproject.toml"
	PixiManifest = "pixi.toml"
	PixiLock     = "pixi.lock"
	PixiEnvsDir  = ".pixi/envs"
	PixiInstall  = "install-pixi.sh"
)

// Scripts are the four launch scripts the launcher stands in for, in the
// order of the launch-scripts guide.
func Scripts() []string { return []string{InstallScript, UpdateScript, StartUIScript, RunCmdScript} }

// OwnName is the launcher binary's name: its copy in a checkout is called
// so, and links to any file whose name starts with it (an older copy
// elsewhere, a download's onetrainer-launcher_linux_amd64) count as the
// launcher's. (Under any name that is not an applet's, the binary takes
// its own commands.)
const OwnName = "onetrainer-launcher"

// ModulePath is the launcher's Go module: a go.mod naming it marks the
// launcher's own source tree.
const ModulePath = "github.com/onetrainer-launcher/onetrainer-launcher"

// Checkout is a OneTrainer checkout and where the launcher keeps its state
// in it: inside the git directory, where `git status` does not look, or in
// a hidden folder of a checkout without git.
type Checkout struct {
	Root     string // absolute
	GitDir   string // "" without git
	StateDir string
}

// Open describes the checkout at root (absolute), finding its git
// directory without running git: a warm launch runs none.
func Open(root string) Checkout {
	c := Checkout{Root: root, GitDir: gitDir(root)}
	if c.GitDir != "" {
		c.StateDir = filepath.Join(c.GitDir, OwnName)
	} else {
		c.StateDir = filepath.Join(root, "."+OwnName)
	}
	return c
}

// Path is a checkout-relative path (or an absolute one, which a setting
// may give) made absolute.
func (c Checkout) Path(name string) string { return pathutil.Resolve(c.Root, name) }

// PixiEnv is the folder pixi installs the environment called name in.
func (c Checkout) PixiEnv(name string) string { return filepath.Join(c.Root, PixiEnvsDir, name) }

// EnvLock is the lock file for an env at dir (absolute): beside it, named
// after it, so that OneTrainer's .gitignore lines for env folders
// (/.venv*, /venv*, /conda_env*) cover it too.
func EnvLock(dir string) string { return dir + ".lock" }

// NamedCondaLock is the lock for the named conda env name, whose folder is
// conda's choice: in the checkout, named to fall under the /.venv* line of
// OneTrainer's .gitignore.
func (c Checkout) NamedCondaLock(name string) string {
	return filepath.Join(c.Root, ".venv.conda-"+name+".lock")
}

// The launcher's state: its copy of the binary, git's copies of the launch
// scripts it follows, a user's own scripts kept for unlink, the facts
// memo, update's journal and its lock, the applets' launch logs.
func (c Checkout) Binary() string            { return filepath.Join(c.StateDir, "bin", OwnName) }
func (c Checkout) Kept(script string) string { return filepath.Join(c.StateDir, "upstream", script) }
func (c Checkout) Backup(name string) string { return filepath.Join(c.StateDir, "backup", name) }
func (c Checkout) BackupDir() string         { return filepath.Join(c.StateDir, "backup") }
func (c Checkout) FactsMemo() string         { return filepath.Join(c.StateDir, "facts") }
func (c Checkout) HandoverMemo() string      { return filepath.Join(c.StateDir, "facts-handover") }
func (c Checkout) Journal() string           { return filepath.Join(c.StateDir, "journal") }
func (c Checkout) UpdateLock() string        { return filepath.Join(c.StateDir, "update.lock") }

// LaunchLog is where the applet script (install.sh, ...) keeps what the
// launcher said during its last run that installed, failed or was refused.
func (c Checkout) LaunchLog(script string) string {
	return filepath.Join(c.StateDir, "logs", script+".log")
}

// BackupCopy is the n-th further copy of a user's script kept beside its
// Backup (n from 1): a version the launcher found in place of a link it
// puts back (a script edited while a pull had it away), which unlink
// leaves where it is. BackupCopy(name, 0) is Backup(name).
func (c Checkout) BackupCopy(name string, n int) string {
	if n == 0 {
		return c.Backup(name)
	}
	return c.Backup(name) + "." + strconv.Itoa(n)
}

// The run of a checkout's own script as it is (the launcher cannot follow
// it): Shadows holds the folders that stand for the checkout's top, one
// per set of its entries (name), and Hop(name) is the link in the state
// itself that leads into one of them (checkout.Shadow says why).
func (c Checkout) Shadows() string           { return filepath.Join(c.StateDir, "fallback") }
func (c Checkout) Shadow(name string) string { return filepath.Join(c.Shadows(), name) }
func (c Checkout) Hop(name string) string    { return filepath.Join(c.StateDir, "fallback-"+name) }

// StartedUpdate is update.sh as it was before a pull that brought launch
// files the launcher cannot follow: the one that finishes that update.
func (c Checkout) StartedUpdate() string { return filepath.Join(c.StateDir, "started", UpdateScript) }

// LinkTarget is the path from the checkout to its copy of the launcher, as
// the scripts' links hold it: relative, so that the links keep working
// when the checkout moves.
func (c Checkout) LinkTarget() string {
	rel, err := filepath.Rel(c.Root, c.Binary())
	if err != nil {
		return c.Binary()
	}
	return rel
}

// HasState reports whether the state folder is there.
func (c Checkout) HasState() bool {
	fi, err := os.Stat(c.StateDir)
	return err == nil && fi.IsDir()
}

// IsLauncherSource reports whether the checkout is the launcher's own
// source tree, whose committed links would otherwise fail confusingly.
func (c Checkout) IsLauncherSource() bool {
	data, err := pathutil.ReadFile(filepath.Join(c.Root, "go.mod"), pathutil.TinyFile)
	if err != nil {
		return false
	}
	for _, line := range pathutil.Lines(data) {
		if mod, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.TrimSpace(mod) == ModulePath
		}
	}
	return false
}

// gitDir finds the git directory of the checkout at dir: dir/.git itself,
// or where a .git file ("gitdir: PATH", a worktree or a submodule) points.
// "" when dir is not the top of a git checkout.
func gitDir(dir string) string {
	p := filepath.Join(dir, ".git")
	fi, err := os.Lstat(p)
	switch {
	case err != nil:
		return ""
	case fi.IsDir():
		return p
	case !fi.Mode().IsRegular():
		return ""
	}
	data, err := pathutil.ReadFile(p, pathutil.TinyFile)
	if err != nil {
		return ""
	}
	rest, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir:")
	if !ok {
		return ""
	}
	target := pathutil.Resolve(dir, strings.TrimSpace(rest))
	if fi, err := os.Stat(target); err != nil || !fi.IsDir() {
		return ""
	}
	return target
}
