package doctor

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
)

// gitProblems are the problems git's own state makes: git that cannot
// answer for the checkout (not on PATH, a checkout it refuses), a merge
// conflict a pull left in launch scripts (conflicted), with the commands
// that resolve it, and a journal a cut-short update left.
func gitProblems(ctx context.Context, co layout.Checkout, g gitx.Git, conflicted []string) []string {
	if co.GitDir == "" {
		return nil
	}
	var problems []string
	if _, err := g.Tracked(ctx, layout.StartUIScript); err != nil {
		text := err.Error()
		var oe *out.Error
		if errors.As(err, &oe) && len(oe.Hints) > 0 {
			text += ". " + strings.Join(oe.Hints, " ")
		}
		problems = append(problems, text+" (unlink, link and update.sh need git's answers; they change nothing without them)")
	}
	switch {
	case len(conflicted) > 0:
		problems = append(problems, checkout.ConflictProblem(co, conflicted))
	case checkout.Pending(co):
		problems = append(problems, checkout.PendingProblem(ctx, co, g))
	}
	return problems
}

// besideConflicts drops, of problems, what the launch makes of a launch
// script git left conflicted — its file refused as unreadable, "this
// checkout has no start-ui.sh" — which the conflict's own line says
// truly.
func besideConflicts(problems, conflicted []string) []string {
	var kept []string
	for _, p := range problems {
		of := false
		for _, name := range conflicted {
			of = of || strings.HasPrefix(p, name+":") || strings.HasPrefix(p, "this checkout has no "+name+",")
		}
		if !of {
			kept = append(kept, p)
		}
	}
	return kept
}

// markConflicts gives the scripts git left conflicted their state.
func markConflicts(r *Checkout, conflicted []string) {
	for i, sr := range r.Scripts {
		if slices.Contains(conflicted, sr.Name) {
			r.Scripts[i].State = "merge conflict"
		}
	}
}
