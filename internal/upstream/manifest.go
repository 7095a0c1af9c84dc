package upstream

import (
	"fmt"
	"sort"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// pixiEnvs reads the environments a pixi manifest defines: the keys of
// pyproject.toml's [tool.pixi.environments] (or pixi.toml's
// [environments]), a sub-table per environment counting too, and pixi's
// own "default". It reads TOML only as far as that needs: table headers,
// keys at the top of a table, and brackets and strings on the way, so
// that a value spread over lines is not taken for keys. ok is false when
// the file has no such table.
func pixiEnvs(name string, data []byte) (envs []string, where string, ok bool) {
	table := "tool.pixi.environments"
	if base(name) == layout.PixiManifest {
		table = "environments"
	}
	seen := map[string]bool{"default": true}
	current, depth := "", 0
	for i, line := range pathutil.Lines(data) {
		text := stripComment(line)
		trimmed := strings.TrimSpace(text)
		if depth == 0 && strings.HasPrefix(trimmed, "[") {
			current = strings.Trim(strings.TrimSpace(strings.Trim(trimmed, "[]")), " ")
			current = normalKey(current)
			if sub, found := strings.CutPrefix(current, table+"."); found && !strings.Contains(sub, ".") {
				seen[unquote(sub)] = true
				ok = true
				if where == "" {
					where = fmt.Sprintf("%s:%d", name, i+1)
				}
			}
			if current == table {
				ok = true
				where = fmt.Sprintf("%s:%d", name, i+1)
			}
			continue
		}
		if depth == 0 && current == table {
			if key, _, found := strings.Cut(trimmed, "="); found && trimmed != "" {
				if k := unquote(strings.TrimSpace(key)); k != "" {
					seen[k] = true
				}
			}
		}
		depth += bracketDepth(text)
		if depth < 0 {
			depth = 0
		}
	}
	for e := range seen {
		envs = append(envs, e)
	}
	sort.Strings(envs)
	return envs, where, ok
}

// stripComment drops a # comment that is not inside a string.
func stripComment(line string) string {
	inStr := byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case inStr != 0 && c == '\\' && inStr == '"':
			i++
		case inStr != 0 && c == inStr:
			inStr = 0
		case inStr == 0 && (c == '"' || c == '\''):
			inStr = c
		case inStr == 0 && c == '#':
			return line[:i]
		}
	}
	return line
}

// bracketDepth is how many brackets and braces a line opens and does not
// close, strings left out.
func bracketDepth(line string) int {
	d, inStr := 0, byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case inStr != 0 && c == '\\' && inStr == '"':
			i++
		case inStr != 0 && c == inStr:
			inStr = 0
		case inStr == 0 && (c == '"' || c == '\''):
			inStr = c
		case inStr == 0 && (c == '[' || c == '{'):
			d++
		case inStr == 0 && (c == ']' || c == '}'):
			d--
		}
	}
	return d
}

// normalKey joins a dotted key's parts without the spaces around dots.
func normalKey(k string) string {
	parts := strings.Split(k, ".")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return strings.Join(parts, ".")
}

func unquote(k string) string {
	if len(k) >= 2 && (k[0] == '"' && k[len(k)-1] == '"' || k[0] == '\'' && k[len(k)-1] == '\'') {
		return k[1 : len(k)-1]
	}
	return k
}
