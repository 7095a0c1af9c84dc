// Package gitx asks git what the launcher needs to know of a checkout.
// Questions run quietly (no "+" line, as the originals asked them in
// command substitutions); a failure carries git's own words.
package gitx

import (
	"context"
	"errors"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// Git asks git questions about the checkout at Dir.
type Git struct {
	Dir string
	Run proc.Runner
}

// Ask runs `git -C DIR ARGS...` quietly and returns its output, trimmed.
func (g Git) Ask(ctx context.Context, args ...string) (string, error) {
	out, err := g.Run.With(g.Dir, g.Run.Env).Ask(ctx, proc.Cmd{Argv: append([]string{"git", "-C", g.Dir}, args...)})
	return strings.TrimSpace(out), err
}

// Head is the commit checked out; "" with an error outside git.
func (g Git) Head(ctx context.Context) (string, error) { return g.Ask(ctx, "rev-parse", "HEAD") }

// Changed lists which of paths differ over revs, a revision range such as
// "A..B" (between two commits) or "HEAD...@{upstream}" (what a pull brings).
func (g Git) Changed(ctx context.Context, revs string, paths ...string) ([]string, error) {
	out, err := g.Ask(ctx, append([]string{"diff", "--name-only", revs, "--"}, paths...)...)
	if err != nil {
		return nil, err
	}
	return strings.Fields(out), nil
}

// Tracked reports whether git tracks path.
func (g Git) Tracked(ctx context.Context, path string) bool {
	_, err := g.Ask(ctx, "ls-files", "--error-unmatch", "--", path)
	return err == nil
}

// ErrNotAFile is Show's answer for a path git holds as something other
// than a file (a symbolic link, a submodule).
var ErrNotAFile = errors.New("not a regular file in git")

// Show returns a file's content at a commit ("HEAD"), bounded; a path git
// holds as a link or a submodule is ErrNotAFile.
func (g Git) Show(ctx context.Context, rev, path string) ([]byte, error) {
	entry, err := g.Ask(ctx, "ls-tree", rev, "--", path) // "100644 blob SHA\tPATH"
	if err != nil {
		return nil, err
	}
	if mode, _, _ := strings.Cut(entry, " "); mode != "100644" && mode != "100755" {
		return nil, ErrNotAFile
	}
	out, err := g.Run.With(g.Dir, g.Run.Env).Ask(ctx, proc.Cmd{Argv: []string{"git", "-C", g.Dir, "cat-file", "blob", rev + ":" + path}})
	if len(out) > pathutil.SmallFile {
		out = out[:pathutil.SmallFile]
	}
	return []byte(out), err
}

// Unmerged reports whether path has a merge conflict git left unresolved.
func (g Git) Unmerged(ctx context.Context, path string) bool {
	out, err := g.Ask(ctx, "ls-files", "--unmerged", "--", path)
	return err == nil && out != ""
}
