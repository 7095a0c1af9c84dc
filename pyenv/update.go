package pyenv

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
)

// GitHead returns the commit checked out in dir, asked as a question (no
// "+" line), as the originals asked it in a command substitution.
func GitHead(ctx context.Context, run *proc.Runner, dir string) (string, error) {
	out, err := run.With(dir, run.Env).Ask(ctx, proc.Cmd{Argv: []string{"git", "rev-parse", "HEAD"}})
	return strings.TrimSpace(out), err
}

// updateNeeded tells update.sh whether to reinstall requirements into an
// existing env: always, unless OT_LAZY_UPDATES is on and the checkout's HEAD
// is the one recorded at the last install.
func updateNeeded(ctx context.Context, r Request) (bool, error) {
	if !r.Config.LazyUpdates {
		return true, nil
	}
	saved, err := os.ReadFile(filepath.Join(r.Checkout, envspec.UpdateMetadataFile))
	if err != nil {
		return true, nil // no record: install
	}
	head, err := GitHead(ctx, r.Run.With(r.Checkout, r.Env), r.Checkout)
	if err != nil {
		return false, err
	}
	r.Run.P.Debugf("Saved HEAD %q, current HEAD %q", strings.TrimSpace(string(saved)), head)
	return strings.TrimSpace(string(saved)) != head, nil
}

// recordUpdate runs after a completed install: with OT_LAZY_UPDATES it
// records HEAD in update.var, otherwise it removes a leftover update.var.
func recordUpdate(ctx context.Context, r Request) error {
	path := filepath.Join(r.Checkout, envspec.UpdateMetadataFile)
	if !r.Config.LazyUpdates {
		if _, err := os.Stat(path); err == nil {
			r.Run.P.Debugf("Removing %s: OT_LAZY_UPDATES is off", envspec.UpdateMetadataFile)
			return os.Remove(path)
		}
		return nil
	}
	head, err := GitHead(ctx, r.Run.With(r.Checkout, r.Env), r.Checkout)
	if err != nil {
		return err
	}
	r.Run.P.Debugf("Recording HEAD %s in %s", head, envspec.UpdateMetadataFile)
	return writeFileAtomic(path, []byte(head+"\n"))
}

// writeFileAtomic writes data to a temporary file beside path and renames it
// into place, so that path never holds half of it.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp)
		if werr != nil {
			return werr
		}
		return cerr
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
