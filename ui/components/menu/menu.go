// Package menu is a vertical list with a cursor and descriptions that
// fits its items to the room it has.
package menu

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/ui/common"
)

// Item is one line of a menu, with a description under it.
type Item struct {
	Title, Desc string
	// Apart: another kind of item, with a blank line above it in every
	// layout.
	Apart bool
}

// Model is a vertical list with a cursor; the home screen and the grant
// chooser are menus.
type Model struct {
	items  []Item
	cursor int
}

// New is a menu of items with the cursor on the first.
func New(items ...Item) Model { return Model{items: items} }

// Cursor is the index of the selected item.
func (m *Model) Cursor() int { return m.cursor }

// Select moves the cursor to item i, when there is one.
func (m *Model) Select(i int) {
	if i >= 0 && i < len(m.items) {
		m.cursor = i
	}
}

func (m *Model) Update(msg tea.KeyPressMsg, keys common.KeyMap) {
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

// View renders the items in width and height lines, keeping the cursor
// visible. It takes the first layout that shows every item: a blank line
// between items and each description whole; then no blank lines; then the
// selected item's description whole and the others cut to a line; then
// all cut; then only the selected item's description. Only when none fits
// does it scroll, one line an item.
func (m *Model) View(s common.Styles, width, height int) string {
	descW := max(1, width-4)
	whole := func(d string) []string {
		return strings.Split(strings.TrimRight(s.Muted.Width(descW).Render(d), " \n"), "\n")
	}
	cut := func(d string) []string { return []string{s.Muted.Render(common.Truncate(d, descW))} }
	type layout struct {
		blank           bool
		selWhole, whole bool
		// selOnly: only the selected item has its description.
		selOnly bool
	}
	render := func(l layout, first int) []string {
		var out []string
		for i := first; i < len(m.items); i++ {
			it := m.items[i]
			if (l.blank || it.Apart) && i > first {
				out = append(out, "")
			}
			if i == m.cursor {
				out = append(out, s.Cursor.Render("› ")+s.Selected.Render(it.Title))
			} else {
				out = append(out, "  "+it.Title)
			}
			desc := cut(it.Desc)
			switch {
			case l.whole || l.selWhole && i == m.cursor:
				desc = whole(it.Desc)
			case l.selOnly:
				desc = nil
			}
			for _, d := range desc {
				out = append(out, "  "+d)
			}
		}
		return out
	}
	for _, l := range []layout{{blank: true, whole: true}, {whole: true}, {selWhole: true}, {}, {selWhole: true, selOnly: true}} {
		if lines := render(l, 0); len(lines) <= height {
			return strings.Join(lines, "\n")
		}
	}
	// Scroll: two lines an item, the cursor in sight.
	fit := max(1, height/2)
	first := 0
	if m.cursor >= fit {
		first = m.cursor - fit + 1
	}
	lines := render(layout{}, first)
	return strings.Join(lines[:min(len(lines), max(1, fit*2))], "\n")
}
