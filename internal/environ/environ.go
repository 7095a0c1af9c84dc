// Package environ is a process environment as a value.
package environ

import "strings"

// List is a process environment as an ordered list of KEY=VALUE entries,
// the form os.Environ and exec take. It is a value: Set and Unset return
// nothing but change only this list, never the launcher's own environment,
// so applets stay testable in one process.
type List []string

// Lookup returns the value of key and whether it is present. When a key
// appears twice the last entry wins, as it does for getenv in C.
func (e List) Lookup(key string) (string, bool) {
	for i := len(e) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(e[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// Get returns the value of key, or "" when it is absent.
func (e List) Get(key string) string {
	v, _ := e.Lookup(key)
	return v
}

// Set replaces every entry of key with one KEY=value entry.
func (e *List) Set(key, value string) {
	e.Unset(key)
	*e = append(*e, key+"="+value)
}

// Unset removes every entry of key.
func (e *List) Unset(key string) {
	out := (*e)[:0]
	for _, kv := range *e {
		if k, _, _ := strings.Cut(kv, "="); k != key {
			out = append(out, kv)
		}
	}
	*e = out
}

// Clone returns a copy that can be changed without changing e.
func (e List) Clone() List {
	return append(List(nil), e...)
}
