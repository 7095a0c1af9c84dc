package cli

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
)

// runCmd runs scripts/NAME.py with the remaining arguments. The name is
// checked before anything is prepared, so a typo creates no env.
func runCmd(ctx context.Context, inv Invocation, args []string) error {
	l, err := begin(ctx, inv, layout.RunCmdScript)
	if err != nil {
		return err
	}
	if l.Fallback != nil {
		return l.runOwn(ctx, args)
	}
	args = l.passedOn(args)
	if len(args) == 0 || args[0] == "" {
		return out.Errorf("You must give the name of the script to run, such as \"train\".").WithHints(validNamesHint(l.co))
	}
	script, err := scriptPath(args[0])
	if err != nil {
		return out.Errorf("%w", err)
	}
	if fi, err := os.Stat(l.co.Path(script)); err != nil || !fi.Mode().IsRegular() {
		return out.Errorf("Custom script file %q does not exist.", script).WithHints(validNamesHint(l.co))
	}
	res, err := l.prepare(ctx, true)
	if err != nil {
		return err
	}
	return l.execRun(res.Target, script, args[1:]...)
}

// scriptPath returns the checkout-relative path of script NAME,
// scripts/NAME.py. NAME may name a script in a subfolder of scripts/ but
// never one outside it: absolute names and ".." are refused.
func scriptPath(name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("the script name is empty")
	}
	if strings.HasPrefix(name, "/") {
		return "", fmt.Errorf("script name %q is an absolute path: give a name inside %s/, such as \"train\"", name, layout.ScriptsDir)
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "", fmt.Errorf("script name %q leaves %s/: give a name inside it, such as \"train\" or \"util/tool\"", name, layout.ScriptsDir)
		}
	}
	return path.Join(layout.ScriptsDir, name+".py"), nil
}

// validNames lists the names run-cmd accepts in checkout: every .py file
// under scripts/, without the extension, except the helpers in
// scripts/util/ (the version check, the import helper), which are not
// commands a user runs.
func validNames(co layout.Checkout) []string {
	root := co.Path(layout.ScriptsDir)
	helpers := co.Path(layout.ScriptHelpersDir)
	var names []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == "__pycache__" || strings.HasPrefix(d.Name(), ".") || p == helpers) {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && strings.HasSuffix(p, ".py") && !strings.HasPrefix(d.Name(), "__") {
			rel, _ := filepath.Rel(root, p)
			names = append(names, strings.TrimSuffix(filepath.ToSlash(rel), ".py"))
		}
		return nil
	})
	sort.Strings(names)
	return names
}

func validNamesHint(co layout.Checkout) string {
	names := validNames(co)
	if len(names) == 0 {
		return fmt.Sprintf("There are no scripts in %s.", co.Path(layout.ScriptsDir))
	}
	return "Valid names:\n  " + strings.Join(names, "\n  ")
}
