// Package gitx asks git what the launcher needs to know of a checkout.
// Questions run quietly (no "+" line, as the originals asked them in
// command substitutions); a failure carries git's own words.
package gitx

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
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

// Tracked answers whether git tracks path: yes, no, or — where git
// cannot answer (it is not on PATH, it refuses the checkout as owned by
// another user, the repository is damaged) — an error that says so with
// git's own words and the command that lets it answer (see NoAnswer).
// Never read an error as "not tracked": acting on that deletes files.
func (g Git) Tracked(ctx context.Context, path string) (bool, error) {
	out, err := g.Ask(ctx, "ls-files", "--cached", "-z", "--", path)
	if err != nil {
		return false, g.noAnswer(err)
	}
	return out != "", nil
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

// Unmerged answers which of paths hold a merge conflict git left
// unresolved; an error (see NoAnswer) where git cannot answer.
func (g Git) Unmerged(ctx context.Context, paths ...string) ([]string, error) {
	out, err := g.Ask(ctx, append([]string{"ls-files", "--unmerged", "--"}, paths...)...)
	if err != nil {
		return nil, g.noAnswer(err)
	}
	var names []string
	for _, line := range strings.Split(out, "\n") { // "MODE SHA STAGE\tPATH", a line per stage
		if _, name, ok := strings.Cut(line, "\t"); ok && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names, nil
}

// InProgress names what git is in the middle of in the repository at
// gitDir, from its own files: "merge" (a pull that merges), "rebase" (a
// pull that rebases), or "".
func InProgress(gitDir string) string {
	exists := func(name string) bool { _, err := os.Lstat(filepath.Join(gitDir, name)); return err == nil }
	switch {
	case exists("MERGE_HEAD"):
		return "merge"
	case exists("rebase-merge"), exists("rebase-apply"):
		return "rebase"
	}
	return ""
}

// Matches answers whether the file at path (relative to Dir) holds what
// git holds for it — its staged copy or HEAD's — as git would store it
// (git hash-object applies the path's filters). A path git holds no copy
// of does not match; an error (see NoAnswer) where git cannot answer.
func (g Git) Matches(ctx context.Context, path string) (bool, error) {
	hash, err := g.Ask(ctx, "hash-object", "--", path)
	if err != nil {
		return false, g.noAnswer(err)
	}
	// "MODE SHA STAGE\tPATH" per entry: stage 0 when merged, 1–3 in a
	// conflict (none of which is "git's copy").
	staged, err := g.Ask(ctx, "ls-files", "--stage", "--", path)
	if err != nil {
		return false, g.noAnswer(err)
	}
	for _, line := range strings.Split(staged, "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[1] == hash && f[2] == "0" {
			return true, nil
		}
	}
	head, err := g.Ask(ctx, "ls-tree", "HEAD", "--", path) // "MODE blob SHA\tPATH"; "" when HEAD has none
	if err != nil {
		if _, herr := g.Ask(ctx, "rev-parse", "--verify", "--quiet", "HEAD"); herr != nil {
			return false, nil // no commit yet: nothing in HEAD to match
		}
		return false, g.noAnswer(err)
	}
	f := strings.Fields(head)
	return len(f) >= 3 && f[2] == hash, nil
}
