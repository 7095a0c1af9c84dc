// Package out writes the launcher's messages in the original scripts'
// format: "[OneTrainer] ..." status lines on stdout, warnings and errors on
// stderr, and a "+ command" line before every external command.
package out

import "strings"

// Quote returns s as a POSIX shell word that a shell reads back as exactly s.
// Words made only of safe characters stay bare; anything else is put in
// single quotes, the only quoting in which no character is special, with
// each ' written as '\”.
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	if strings.IndexFunc(s, unsafe) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// QuoteArgs quotes each argument and joins them with spaces.
func QuoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = Quote(a)
	}
	return strings.Join(q, " ")
}

// unsafe reports whether r needs quoting. Only characters that no POSIX
// shell treats specially anywhere in a word are safe; '~' (expanded at a
// word's start) and '=' (an assignment in a command's first word) are not.
func unsafe(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	}
	switch r {
	case '-', '_', '.', '/', ',', ':', '+', '@', '%':
		return false
	}
	return true
}
