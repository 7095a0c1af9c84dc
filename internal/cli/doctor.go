package cli

import (
	"context"
	"encoding/json"
	"io"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/buildinfo"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/doctor"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// doctorCmd reports on the launcher, the checkout, the settings, the env and
// the GPUs, for bug reports. It changes nothing in the checkout or its env (the
// launcher's own facts memo in its state folder may be refreshed) and runs only
// questions (no "+" lines), so stdout holds the report alone. Its exit
// status is 1 when the report names problems.
func doctorCmd(ctx context.Context, inv Invocation, args []string) error {
	asJSON, withTorch := false, false
	for _, a := range args {
		switch a {
		case "--json":
			asJSON = true
		case "--torch":
			withTorch = true
		default:
			return argsErrorf("doctor", "unknown argument %q: doctor takes --json and --torch", a)
		}
	}
	self, _ := selfPath()
	co := layout.Open(inv.Dir)
	ask := proc.Runner{Dir: co.Root, Env: inv.Env, Stdio: proc.Stdio{Out: io.Discard, Err: io.Discard}}
	rep := doctor.Gather(ctx, doctor.Input{Checkout: co, Env: inv.Env, Host: inv.Host, Self: self,
		Build: buildinfo.Read(), Ask: ask, Torch: withTorch})
	if asJSON {
		enc := json.NewEncoder(inv.Stdio.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return out.Errorf("doctor: %w", err)
		}
	} else {
		doctor.WriteText(inv.Stdio.Out, rep)
	}
	if len(rep.Problems) > 0 {
		return out.Quiet(1)
	}
	return nil
}
