package checkout

import (
	"context"
	"fmt"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
)

// ConflictHints are the commands that resolve the merge conflict git left
// in names (checkout-relative files), as git takes them in the state the
// checkout is in: a merge (git pull's default), a rebase (pull.rebase), or
// neither. (git checkout -- FILE is not among them: git refuses it for a
// path with a conflict, "path is unmerged".) Each command follows "run: "
// and ends its line, so that it pastes as it is. The last says what the
// launcher does once it is resolved.
func ConflictHints(co layout.Checkout, names []string) []string {
	git := "git -C " + out.Quote(co.Root)
	files := make([]string, len(names))
	for i, n := range names {
		files[i] = out.Quote(n)
	}
	f := strings.Join(files, " ")
	var hints []string
	switch gitx.InProgress(co.GitDir) {
	case "merge":
		hints = []string{
			fmt.Sprintf("To keep both changes, edit %s (git marks the two sides with <<<<<<< and >>>>>>>), then run: %s add %[1]s && %[2]s commit --no-edit", f, git),
			fmt.Sprintf("To take upstream's version instead, run: %s checkout --theirs -- %s && %[1]s add %[2]s && %[1]s commit --no-edit", git, f),
			fmt.Sprintf("To undo the pull, run: %s merge --abort", git),
		}
	case "rebase":
		hints = []string{
			fmt.Sprintf("To keep both changes, edit %s (git marks the two sides with <<<<<<< and >>>>>>>), then run: %s add %[1]s && %[2]s -c core.editor=true rebase --continue", f, git),
			fmt.Sprintf("To take upstream's version instead (the side a rebase calls \"ours\"), run: %s checkout --ours -- %s && %[1]s add %[2]s && %[1]s -c core.editor=true rebase --continue", git, f),
			fmt.Sprintf("If git then says there is nothing to commit (your commit held only that change), run: %s rebase --skip", git),
			"A rebase may stop again at a later commit of yours with the same conflict: the same commands apply (git status shows where it is).",
			fmt.Sprintf("To undo the pull, run: %s rebase --abort", git),
		}
	default:
		hints = []string{
			fmt.Sprintf("Edit %s (git marks the two sides with <<<<<<< and >>>>>>>), then run: %s add %[1]s; %[2]s status says what is left to do", f, git),
		}
	}
	return append(hints, "Once it is resolved, the next launch links "+strings.Join(names, ", ")+" to the launcher again.")
}

// Conflicted lists the launch scripts that hold a merge conflict git left
// unresolved (nil outside git, or where git cannot answer: doctor says
// that where it asks git itself).
func Conflicted(ctx context.Context, co layout.Checkout, git gitx.Git) []string {
	if co.GitDir == "" {
		return nil
	}
	names, err := git.Unmerged(ctx, layout.Scripts()...)
	if err != nil {
		return nil
	}
	return names
}

// PendingProblem is doctor's line for a journal a cut-short or conflicted
// update left: the merge conflict by name, with the commands that resolve
// it, where git left one in a script the journal lists; "" with no
// journal.
func PendingProblem(ctx context.Context, co layout.Checkout, git gitx.Git) string {
	if !Pending(co) {
		return ""
	}
	if names := Conflicted(ctx, co, git); len(names) > 0 {
		return ConflictProblem(co, names)
	}
	return "a cut-short ./update.sh left launch scripts as git's copies; the next launch links them again (journal " + co.Journal() + ")"
}

// ConflictProblem names a merge conflict in launch scripts and how to
// resolve it, in one line.
func ConflictProblem(co layout.Checkout, names []string) string {
	return fmt.Sprintf("%s %s a merge conflict that a pull left (git status shows it): the launcher cannot read it, and git's conflicted file stands in for its link until it is resolved. %s",
		strings.Join(names, ", "), hasOrHave(len(names)), strings.Join(ConflictHints(co, names), "; "))
}
