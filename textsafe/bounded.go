package textsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxListItem bounds one item of a listed server value (a kid, an IP).
const MaxListItem = 64

// Bounded joins a list that came from a server for one line of output:
// at most n items, each cut to 64 characters, then a count of the rest
// ("k1, k2, k3 and 3997 more"). A key set of thousands of keys, or a
// server that answers with a huge list, must not make a line of hundreds
// of kilobytes. Items are sanitised.
func Bounded(items []string, n int) string {
	if n < 1 {
		n = 1
	}
	shown := make([]string, 0, min(n, len(items)))
	for i, it := range items {
		if i == n {
			break
		}
		shown = append(shown, Cut(Sanitize(it), MaxListItem))
	}
	s := strings.Join(shown, ", ")
	if rest := len(items) - len(shown); rest > 0 {
		s += fmt.Sprintf(" and %d more", rest)
	}
	return s
}

// Cut shortens s to at most n runes, marking the cut with "…".
func Cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
