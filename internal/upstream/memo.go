package upstream

import (
	"errors"
	"strconv"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// The memo keeps the facts of one checkout in a small text file, so that
// a warm launch reads one file and parses no shell. Each line is a record:
// fields separated by tabs, with tab, newline and backslash escaped. The
// first line names the format; the second is the key the facts were
// learnt under, and a memo whose key differs is not used.
const memoMagic = "onetrainer-launcher-facts 2"

// FileKey names the file at path in a memo key: its path and its stat key.
func FileKey(path string) string { return path + " " + pathutil.StatKeyOr(path) }

// Remembered returns the facts in the memo at path when they were learnt
// under key.
func Remembered(path, key string) (*Facts, bool) {
	data, err := pathutil.ReadFile(path, pathutil.SmallFile)
	if err != nil {
		return nil, false
	}
	f, k, err := decode(string(data))
	if err != nil || k != key {
		return nil, false
	}
	return f, true
}

// Remember writes f, learnt under key, to the memo at path.
func Remember(path, key string, f *Facts) error {
	return pathutil.WriteFile(path, []byte(encode(f, key)))
}

func encode(f *Facts, key string) string {
	var b strings.Builder
	line := func(fields ...string) {
		for i, s := range fields {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(escape(s))
		}
		b.WriteByte('\n')
	}
	b.WriteString(memoMagic + "\n")
	line("key", key)
	line("lib", flag(f.Lib))
	for _, d := range f.Defaults {
		line(append([]string{"default", d.Name, d.Where, d.Lit}, d.Vars...)...)
	}
	for _, c := range f.Constants {
		line("const", c.Name, c.Where, c.Value)
	}
	for _, list := range [][]Export{f.Exports, f.AppletExports} {
		for _, e := range list {
			fields := []string{"export", e.Applet, e.Name, string(e.Kind), e.Value, e.Where}
			for _, c := range e.Conds {
				fields = append(fields, c.Var, string(c.Op), c.Value)
			}
			line(fields...)
		}
	}
	line("conda", flag(f.Conda.Prefix), flag(f.Conda.Auto))
	args := func(name string, a Args) {
		line(append([]string{name, a.Where, strconv.Itoa(a.Slot)}, a.Words...)...)
	}
	args("conda-create", f.Conda.Create)
	args("conda-run", f.Conda.Run)
	args("pip-bootstrap", f.PipBootstrap)
	args("pip-requirements", f.PipRequirements)
	for _, r := range f.Platform {
		fields := []string{"rule", r.Where, r.File, flag(r.Legacy)}
		for _, s := range r.Signs {
			kind := "e:"
			if s.Exec {
				kind = "x:"
			}
			fields = append(fields, kind+s.Arg)
		}
		line(fields...)
	}
	if l := f.Legacy; l != nil {
		line("legacy", l.Where, l.Default, l.Legacy, strconv.Itoa(l.Below), flag(l.UnknownIsLegacy))
	}
	line("ui", f.UIScript.Where, f.UIScript.Value)
	line("family", f.Family.Value, f.Family.Where)
	for _, r := range f.Refusals {
		line("refuse", r)
	}
	for _, p := range f.Plans {
		line("plan", p.Script, p.Where, flag(p.Prepares), p.Prepare, flag(p.Pull))
		if p.Run.Words != nil || p.Run.Where != "" || p.Run.Slot != -1 {
			args("plan-run", p.Run)
		}
		if h := p.Handover; h != nil {
			line("plan-handover", h.Var, h.Value, h.Script, h.Message, flag(h.PassesArgs), h.Where)
		}
		if p.GitInit != nil {
			line("plan-gitinit")
		}
		for _, c := range p.GitInit {
			line(append([]string{"plan-git"}, c...)...)
		}
	}
	if px := f.Pixi; px != nil {
		line("pixi", px.Where, px.Installer, px.BinDir.Var, px.BinDir.Default, px.BinDir.Suffix, px.EnvsWhere)
		args("pixi-install", px.Install)
		args("pixi-run", px.Run)
		args("pixi-self-update", px.SelfUpdate)
		list := func(name string, l []string) {
			if l != nil {
				line(append([]string{name}, l...)...)
			}
		}
		list("pixi-self-update-on", px.SelfUpdateOn)
		list("pixi-install-on", px.InstallOn)
		list("pixi-envs", px.Envs)
	}
	for _, w := range f.Warnings {
		line("warn", w)
	}
	return b.String()
}

var errMemo = errors.New("not a facts memo")

// decode reads a memo. It runs on every warm launch, so it slices the
// text rather than copying it, and sizes each list once.
func decode(s string) (f *Facts, key string, err error) {
	rest, ok := strings.CutPrefix(s, memoMagic+"\n")
	if !ok {
		return nil, "", errMemo
	}
	f = new(Facts)
	f.Defaults = sized[Default](rest, "\ndefault\t")
	f.Constants = sized[Constant](rest, "\nconst\t")
	f.Exports = sized[Export](rest, "\nexport\t")
	f.Platform = sized[Rule](rest, "\nrule\t")
	fs := make([]string, 0, 16)
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if line == "" {
			continue
		}
		fs = fs[:0]
		for {
			field, more, found := strings.Cut(line, "\t")
			fs = append(fs, unescapeField(field))
			if !found {
				break
			}
			line = more
		}
		n := len(fs)
		switch kind := fs[0]; {
		case kind == "key" && n == 2:
			key = fs[1]
		case kind == "lib" && n == 2:
			f.Lib = fs[1] == "1"
		case kind == "default" && n >= 4:
			d := Default{Name: fs[1], Where: fs[2], Lit: fs[3]}
			if n > 4 {
				d.Vars = append([]string(nil), fs[4:]...)
			}
			f.Defaults = append(f.Defaults, d)
		case kind == "const" && n == 4:
			f.Constants = append(f.Constants, Constant{fs[1], fs[3], fs[2]})
		case kind == "export" && n >= 6 && (n-6)%3 == 0:
			e := Export{Applet: fs[1], Name: fs[2], Kind: ExportKind(fs[3]), Value: fs[4], Where: fs[5]}
			if n > 6 {
				e.Conds = make([]Cond, 0, (n-6)/3)
				for i := 6; i < n; i += 3 {
					e.Conds = append(e.Conds, Cond{Var: fs[i], Op: CondOp(fs[i+1]), Value: fs[i+2]})
				}
			}
			if e.Applet == "" {
				f.Exports = append(f.Exports, e)
			} else {
				f.AppletExports = append(f.AppletExports, e)
			}
		case kind == "conda" && n == 3:
			f.Conda.Prefix, f.Conda.Auto = fs[1] == "1", fs[2] == "1"
		case (kind == "conda-create" || kind == "conda-run" || kind == "pip-bootstrap" || kind == "pip-requirements") && n >= 3:
			a, ok := decodeArgs(fs)
			if !ok {
				return nil, "", errMemo
			}
			switch kind {
			case "conda-create":
				f.Conda.Create = a
			case "conda-run":
				f.Conda.Run = a
			case "pip-bootstrap":
				f.PipBootstrap = a
			default:
				f.PipRequirements = a
			}
		case kind == "rule" && n >= 4:
			r := Rule{Where: fs[1], File: fs[2], Legacy: fs[3] == "1"}
			if n > 4 {
				r.Signs = make([]Sign, 0, n-4)
				for _, s := range fs[4:] {
					k, arg, _ := strings.Cut(s, ":")
					r.Signs = append(r.Signs, Sign{Exec: k == "x", Arg: arg})
				}
			}
			f.Platform = append(f.Platform, r)
		case kind == "legacy" && n == 6:
			below, err := strconv.Atoi(fs[4])
			if err != nil {
				return nil, "", errMemo
			}
			f.Legacy = &Legacy{Where: fs[1], Default: fs[2], Legacy: fs[3], Below: below, UnknownIsLegacy: fs[5] == "1"}
		case kind == "family" && n == 3:
			f.Family = Fact{fs[1], fs[2]}
		case kind == "refuse" && n == 2:
			f.Refusals = append(f.Refusals, fs[1])
		case kind == "plan" && n == 6:
			f.Plans = append(f.Plans, Plan{Script: fs[1], Where: fs[2], Prepares: fs[3] == "1", Prepare: fs[4], Pull: fs[5] == "1", Run: Args{Slot: -1}})
		case kind == "plan-run" && n >= 3 && len(f.Plans) > 0:
			a, ok := decodeArgs(fs)
			if !ok {
				return nil, "", errMemo
			}
			f.Plans[len(f.Plans)-1].Run = a
		case kind == "plan-handover" && n == 7 && len(f.Plans) > 0:
			f.Plans[len(f.Plans)-1].Handover = &Handover{Var: fs[1], Value: fs[2], Script: fs[3], Message: fs[4], PassesArgs: fs[5] == "1", Where: fs[6]}
		case kind == "plan-gitinit" && n == 1 && len(f.Plans) > 0:
			f.Plans[len(f.Plans)-1].GitInit = [][]string{}
		case kind == "plan-git" && n >= 2 && len(f.Plans) > 0:
			p := &f.Plans[len(f.Plans)-1]
			p.GitInit = append(p.GitInit, append([]string(nil), fs[1:]...))
		case kind == "pixi" && n == 7:
			f.Pixi = &Pixi{Where: fs[1], Installer: fs[2], EnvsWhere: fs[6]}
			f.Pixi.BinDir.Var, f.Pixi.BinDir.Default, f.Pixi.BinDir.Suffix = fs[3], fs[4], fs[5]
		case strings.HasPrefix(kind, "pixi-") && f.Pixi != nil:
			px := f.Pixi
			switch kind {
			case "pixi-install", "pixi-run", "pixi-self-update":
				a, ok := decodeArgs(fs)
				if !ok {
					return nil, "", errMemo
				}
				switch kind {
				case "pixi-install":
					px.Install = a
				case "pixi-run":
					px.Run = a
				default:
					px.SelfUpdate = a
				}
			case "pixi-self-update-on":
				px.SelfUpdateOn = append([]string{}, fs[1:]...)
			case "pixi-install-on":
				px.InstallOn = append([]string{}, fs[1:]...)
			case "pixi-envs":
				px.Envs = append([]string{}, fs[1:]...)
			default:
				return nil, "", errMemo
			}
		case kind == "ui" && n == 3:
			f.UIScript = Fact{Where: fs[1], Value: fs[2]}
		case kind == "warn" && n == 2:
			f.Warnings = append(f.Warnings, fs[1])
		default:
			return nil, "", errMemo
		}
	}
	if key == "" || f.UIScript.Value == "" || len(f.Platform) == 0 {
		return nil, "", errMemo
	}
	return f, key, nil
}

// decodeArgs reads an Args line: kind, where, slot, words.
func decodeArgs(fs []string) (Args, bool) {
	slot, err := strconv.Atoi(fs[2])
	if err != nil || slot >= len(fs)-3 || slot < -1 {
		return Args{}, false
	}
	return Args{Where: fs[1], Slot: slot, Words: append([]string(nil), fs[3:]...)}, true
}

// sized makes room for the lines of a kind in a memo, once; nil when there
// are none, as a list the extractor never appended to is nil.
func sized[T any](memo, prefix string) []T {
	if n := strings.Count(memo, prefix); n > 0 {
		return make([]T, 0, n)
	}
	return nil
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func escape(s string) string {
	if !strings.ContainsAny(s, "\t\n\\") {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`).Replace(s)
}

func unescapeField(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
