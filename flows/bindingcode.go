package flows

import (
	"errors"
	"strings"
	"unicode"
)

// ErrBindingCodeNotDigits: a binding code is digits only. One that is not
// would only use up an attempt, so it is not sent.
var ErrBindingCodeNotDigits = errors.New("a binding code is digits only")

// CleanBindingCode is a binding code as the user pasted or typed it from
// an SMS or an e-mail, without what is not part of it: a leading "Code:"
// label, spaces and dashes ("731 735", "731-735"). Anything else stays,
// for CheckBindingCode to refuse rather than send.
func CleanBindingCode(s string) string {
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

// CheckBindingCode refuses a code that is empty or not digits only. The
// error does not repeat the code (it is a secret of the flow).
func CheckBindingCode(code string) error {
	if code == "" {
		return errors.New("no binding code")
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return ErrBindingCodeNotDigits
		}
	}
	return nil
}
