package ui

import (
	"strings"
	"unicode"
)

// pastedCode is a binding code as it was pasted, from an SMS or an
// e-mail: a leading "Code:" label, spaces and dashes ("731 735",
// "731-735") go; anything else stays, for checkCode to refuse on screen
// rather than send.
func pastedCode(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= len("code:") && strings.EqualFold(s[:len("code:")], "code:") {
		s = s[len("code:"):]
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || unicode.Is(unicode.Pd, r) {
			return -1
		}
		return r
	}, s)
}

// checkCode is why a binding code cannot be sent as it is, or "": a code
// is digits only, and one that is not would only use up an attempt. The
// code itself is not repeated (it is a secret of the flow).
func checkCode(code string) string {
	if code == "" {
		return "type the code the user received"
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return "a binding code is digits only: nothing was sent; check the code and type or paste it again"
		}
	}
	return ""
}
