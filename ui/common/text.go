package common

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/textsafe"
)

// ErrText is an error as one line for a screen.
func ErrText(err error) string {
	return textsafe.Sanitize(err.Error())
}

// OrDash is s, or "-" for an empty value in a table.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WithHelp is b with another description, for a screen where it means
// something more specific.
func WithHelp(b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
}

// Truncate cuts s to n cells with an ellipsis; styled text keeps its
// styles (escape sequences take no cells).
func Truncate(s string, n int) string {
	if n <= 1 {
		return ""
	}
	return ansi.Truncate(s, n, "…")
}

// Wrap renders text in style, wrapped at width cells.
func Wrap(style lipgloss.Style, text string, width int) string {
	return style.Width(max(1, width)).Render(text)
}

// Hang wraps text after prefix, the next lines indented under the text.
func Hang(prefix, text string, width int) []string {
	pw := lipgloss.Width(prefix)
	wrapped := lipgloss.NewStyle().Width(max(10, width-pw)).Render(text)
	lines := strings.Split(wrapped, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
		if i == 0 {
			lines[i] = prefix + lines[i]
		} else {
			lines[i] = strings.Repeat(" ", pw) + lines[i]
		}
	}
	return lines
}

// StepMark marks an MFA timeline step: ✓ answered, ✗ failed, ! the
// mfa_required that starts a flow.
func StepMark(s Styles, st flows.Step) string {
	switch {
	case st.Outcome == "403 mfa_required":
		return s.Warn.Render("!")
	case !st.OK:
		return s.Error.Render("✗")
	}
	return s.OK.Render("✓")
}

// ClipLines keeps the first n lines of s.
func ClipLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
