package checkout

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// OwnVersion is the user's own version of the linked script, kept by
// `link --force` (Backup), or "" when there is none: no backup, or one
// that is git's copy all the same. Without git there is no change of the
// user's own: link keeps every script as the file it was, which is also
// the copy the launcher follows. On the warm path it is one stat: only a
// backup there is compared, by size and then by its bytes.
func OwnVersion(co layout.Checkout, script string) string {
	if co.GitDir == "" {
		return ""
	}
	backup := co.Backup(script)
	bi, err := os.Stat(backup)
	if err != nil || !bi.Mode().IsRegular() {
		return ""
	}
	ki, err := os.Stat(co.Kept(script))
	if err != nil || !ki.Mode().IsRegular() || ki.Size() != bi.Size() {
		return backup
	}
	a, err1 := pathutil.ReadFile(backup, pathutil.SmallFile)
	b, err2 := pathutil.ReadFile(co.Kept(script), pathutil.SmallFile)
	if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
		return backup
	}
	return ""
}

// ErrStateOutside is a checkout whose launcher state is not inside it (a
// git worktree or submodule, whose .git is a file pointing elsewhere):
// its own script cannot be run so that it finds the checkout (Shadow).
var ErrStateOutside = errors.New("the launcher's state is outside the checkout (a git worktree or submodule), so the checkout's own script cannot be run from it")

// CanRunOwn reports whether the checkout's own scripts can be run from
// its state (Shadow): the state is inside the checkout. A string check.
func CanRunOwn(co layout.Checkout) bool {
	_, ok := stateInside(co)
	return ok
}

func stateInside(co layout.Checkout) (string, bool) {
	rel, err := filepath.Rel(co.Root, co.StateDir)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, "../") || filepath.IsAbs(rel) {
		return "", false
	}
	return rel, true
}

// upName is the folder chain inside a shadow that a Hop leads to.
const upName = ".onetrainer-launcher-up"

// Shadow readies the run of a linked checkout's own scripts with bash, and
// returns the folder, relative to the checkout, to give bash the script
// in: "<state>/fallback-H/../../.." (as many ".." as the hop is deep).
// scripts maps the names of the linked scripts to the files that stand
// for them (git's copies, or the user's own version).
//
// The checkout's scripts are links to the launcher, so bash must read a
// copy from elsewhere, under a path whose folder is, to bash, the
// checkout, because the scripts find their library and the checkout by
// their own path (${BASH_SOURCE[0]%/*}, then cd and pwd). Bash's cd
// removes ".." textually; the kernel resolves it physically, after a
// symbolic link. The hop, a link directly in the state, leads k+1
// folders down into the shadow (k: the state's depth in the checkout).
// So to the kernel DIR/<state>/fallback-H/../../../start-ui.sh is the
// shadow's start-ui.sh (the copy to run), and its lib.include.sh the
// shadow's, a link to the checkout's; to bash's cd, DIR/<state>/
// fallback-H/../../.. is DIR, the checkout, as the unlinked script's
// own path gives it.
//
// A shadow holds a link to every entry of the checkout's top (absolute
// targets) but those in scripts, which link to their files. It is named
// after what it holds, made under a temporary name and renamed, so that
// two launches at once and a kill at any moment leave a whole one; a
// shadow that no longer fits the checkout is never used again, and is
// removed by a later one after an hour.
func Shadow(co layout.Checkout, scripts map[string]string) (string, error) {
	rel, ok := stateInside(co)
	if !ok {
		return "", ErrStateOutside
	}
	depth := len(strings.Split(rel, "/")) + 1 // the hop's, below the checkout
	entries, err := os.ReadDir(co.Root)
	if err != nil {
		return "", pathutil.Explain(co.Root, err)
	}
	type link struct{ name, target string }
	var links []link
	for _, e := range entries {
		if e.Name() == upName {
			continue
		}
		target := filepath.Join(co.Root, e.Name())
		if f, ok := scripts[e.Name()]; ok {
			target = f
		}
		links = append(links, link{e.Name(), target})
	}
	sort.Slice(links, func(i, j int) bool { return links[i].name < links[j].name })
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\x00", depth)
	for _, l := range links {
		fmt.Fprintf(h, "%s\x00%s\x00", l.name, l.target)
	}
	name := fmt.Sprintf("%016x", h.Sum64())
	up := strings.Repeat("/..", depth)[1:]
	// Spelled out: filepath.Join would take the ".." away, as bash does.
	dir := rel + "/" + filepath.Base(co.Hop(name)) + "/" + up
	chain := strings.Repeat(upName+"/", depth)
	hopTarget := filepath.Join(filepath.Base(co.Shadows()), name, chain)

	shadow := co.Shadow(name)
	if fi, err := os.Stat(shadow); err != nil || !fi.IsDir() {
		if err := makeShadow(co, shadow, chain, func(tmp string) error {
			for _, l := range links {
				if err := os.Symlink(l.target, filepath.Join(tmp, l.name)); err != nil {
					return pathutil.Explain(filepath.Join(tmp, l.name), err)
				}
			}
			return nil
		}); err != nil {
			return "", err
		}
	}
	if t, err := os.Readlink(co.Hop(name)); err != nil || t != hopTarget {
		if err := makeHop(co.StateDir, hopTarget, co.Hop(name)); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// makeHop makes the link hop to target in one rename, from a folder of
// its own (launches at once each make theirs).
func makeHop(state, target, hop string) error {
	tmp, err := os.MkdirTemp(state, ".hop-")
	if err != nil {
		return pathutil.Explain(state, err)
	}
	defer os.RemoveAll(tmp)
	link := filepath.Join(tmp, "hop")
	if err := os.Symlink(target, link); err != nil {
		return pathutil.Explain(link, err)
	}
	if err := os.Rename(link, hop); err != nil {
		return pathutil.Explain(hop, err)
	}
	return nil
}

// makeShadow makes the shadow folder at path: its chain and what fill
// puts in, under a temporary name, renamed into place whole. Another
// launch that renamed its own first wins; shadows and leftovers older
// than an hour go.
func makeShadow(co layout.Checkout, path, chain string, fill func(tmp string) error) error {
	root := co.Shadows()
	if err := os.MkdirAll(root, 0o755); err != nil {
		return pathutil.Explain(root, err)
	}
	tmp, err := os.MkdirTemp(root, ".tmp-")
	if err != nil {
		return pathutil.Explain(root, err)
	}
	defer os.RemoveAll(tmp)                      // gone once renamed
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp's is 0700: a shared checkout's other users run it too
		return pathutil.Explain(tmp, err)
	}
	if err := os.MkdirAll(filepath.Join(tmp, chain), 0o755); err != nil {
		return pathutil.Explain(tmp, err)
	}
	if err := fill(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		if fi, serr := os.Stat(path); serr != nil || !fi.IsDir() {
			return pathutil.Explain(path, err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if entries, err := os.ReadDir(root); err == nil {
		for _, e := range entries {
			p := filepath.Join(root, e.Name())
			if fi, err := os.Lstat(p); err == nil && p != path && fi.ModTime().Before(old) {
				os.RemoveAll(p)
				os.Remove(co.Hop(e.Name()))
			}
		}
	}
	return nil
}
