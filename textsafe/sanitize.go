package textsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sanitize makes a string that came from a server safe to print on a
// terminal and to keep on one line: control characters (C0, DEL, C1, which
// include ESC and BEL) become spaces or disappear, invalid UTF-8 becomes
// U+FFFD, and bidirectional overrides, which can make text read differently
// from what it is, are dropped. Runs of white space collapse to one space.
func Sanitize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			r = unicode.ReplacementChar
		case r == '\n' || r == '\r' || r == '\t' || r == ' ' || r == 0x2028 || r == 0x2029:
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			continue
		case isBidiControl(r):
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), " ")
}

// SanitizeMultiline is Sanitize for text whose line breaks matter (a pretty
// printed JSON body): it keeps '\n' and turns tabs into spaces.
func SanitizeMultiline(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		indent := len(l) - len(strings.TrimLeft(l, " \t"))
		lines[i] = strings.Repeat(" ", indent) + Sanitize(l[indent:])
	}
	return strings.Join(lines, "\n")
}

// EscapeJSONControls makes JSON text as Go's encoder wrote it safe for a
// terminal while keeping it valid JSON: the characters the encoder leaves
// raw that a terminal acts on or that reorder text (DEL, C1 controls,
// bidirectional controls) become \uXXXX escapes. Outside strings Go's
// output is ASCII, so only string contents change.
func EscapeJSONControls(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidiControl(r) || r == 0x2028 || r == 0x2029 {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

// Excerpt returns at most n runes of a sanitised body, marking a cut.
func Excerpt(body []byte, n int) string {
	s := Sanitize(string(body))
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return string(runes[:n]) + "…"
}
