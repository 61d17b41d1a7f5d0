package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// menuItem is one line of a menu, with a description under it.
type menuItem struct {
	title, desc string
}

// menu is a vertical list with a cursor; the home screen and the grant
// chooser are menus.
type menu struct {
	items  []menuItem
	cursor int
}

func (m *menu) update(msg tea.KeyPressMsg, keys KeyMap) {
	switch {
	case key.Matches(msg, keys.Up):
		if m.cursor > 0 {
			m.cursor--
		}
	case key.Matches(msg, keys.Down):
		if m.cursor < len(m.items)-1 {
			m.cursor++
		}
	}
}

// view renders the items that fit in height lines, keeping the cursor
// visible.
func (m *menu) view(s Styles, width, height int) string {
	per := 3 // title, description, blank
	first := 0
	if fit := max(1, height/per); m.cursor >= fit {
		first = m.cursor - fit + 1
	}
	var b strings.Builder
	for i := first; i < len(m.items) && (i-first+1)*per <= height+1; i++ {
		it := m.items[i]
		title := it.title
		if i == m.cursor {
			b.WriteString(s.Cursor.Render("› ") + s.Selected.Render(title))
		} else {
			b.WriteString("  " + title)
		}
		b.WriteString("\n  " + s.Muted.Render(truncate(it.desc, width-4)) + "\n\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// truncate cuts s to n cells with an ellipsis; styled text keeps its
// styles (escape sequences take no cells).
func truncate(s string, n int) string {
	if n <= 1 {
		return ""
	}
	return ansi.Truncate(s, n, "…")
}

// wrap renders text in style, wrapped at width cells.
func wrap(style lipgloss.Style, text string, width int) string {
	return style.Width(max(1, width)).Render(text)
}
