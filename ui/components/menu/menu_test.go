package menu_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/menu"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

var styles = common.DefaultStyles(true)

func items(n int) []menu.Item {
	var out []menu.Item
	for i := range n {
		out = append(out, menu.Item{Title: fmt.Sprintf("item %d", i), Desc: fmt.Sprintf("what item %d does, told in words long enough to wrap at forty cells", i)})
	}
	return out
}

func view(m menu.Model, w, h int) []string {
	return strings.Split(ansi.Strip(m.View(styles, w, h)), "\n")
}

func press(m *menu.Model, keys ...string) {
	for _, k := range keys {
		m.Update(uitest.Key(k), common.DefaultKeyMap())
	}
}

// TestMenuCursorMovesAndStopsAtTheEnds: up/down and k/j move the cursor,
// which stops at the first and the last item.
func TestMenuCursorMovesAndStopsAtTheEnds(t *testing.T) {
	m := menu.New(items(3)...)
	press(&m, "up")
	if m.Cursor() != 0 {
		t.Fatalf("up at the top: %d", m.Cursor())
	}
	press(&m, "down", "j", "down", "down")
	if m.Cursor() != 2 {
		t.Fatalf("past the bottom: %d", m.Cursor())
	}
	press(&m, "k")
	if m.Cursor() != 1 {
		t.Fatalf("k: %d", m.Cursor())
	}
	m.Select(7)
	m.Select(-1)
	if m.Cursor() != 1 {
		t.Fatalf("Select out of range moved the cursor to %d", m.Cursor())
	}
	m.Select(0)
	if m.Cursor() != 0 {
		t.Fatalf("Select(0): %d", m.Cursor())
	}
}

// TestMenuLayoutsGiveWayAsTheHeightShrinks: the menu takes the first
// layout that shows every item — blank lines and whole descriptions, then
// no blank lines, then only the selected description whole, then all cut to
// a line, then only the selected item's description, then a scroll — and the result
// always fits the height.
func TestMenuLayoutsGiveWayAsTheHeightShrinks(t *testing.T) {
	m := menu.New(items(3)...)
	m.Select(1)
	const w = 40
	// Each description wraps to two lines at 40 wide.
	cases := []struct {
		height int
		lines  int
		blank  bool
		// descs is how many description lines each item shows.
		descs [3]int
	}{
		{11, 11, true, [3]int{2, 2, 2}},
		{9, 9, false, [3]int{2, 2, 2}},
		{7, 7, false, [3]int{1, 2, 1}},
		{6, 6, false, [3]int{1, 1, 1}},
		{5, 5, false, [3]int{0, 2, 0}},
		// None fits: it scrolls, two lines an item.
		{4, 4, false, [3]int{1, 1, 0}},
	}
	for _, c := range cases {
		lines := view(m, w, c.height)
		if len(lines) != c.lines {
			t.Fatalf("height %d: %d lines:\n%s", c.height, len(lines), strings.Join(lines, "\n"))
		}
		hasBlank := false
		var descs [3]int
		cur := -1
		for _, l := range lines {
			switch {
			case strings.TrimSpace(l) == "":
				hasBlank = true
			case strings.Contains(l, "item ") && !strings.Contains(l, "what"):
				fmt.Sscanf(strings.TrimLeft(l, "› "), "item %d", &cur)
			default:
				descs[cur]++
			}
			if ansi.StringWidth(l) > w {
				t.Fatalf("height %d: line %q wider than %d", c.height, l, w)
			}
		}
		if hasBlank != c.blank || descs != c.descs {
			t.Fatalf("height %d: blank %v, descriptions %v; want %v, %v:\n%s", c.height, hasBlank, descs, c.blank, c.descs, strings.Join(lines, "\n"))
		}
		if !strings.Contains(strings.Join(lines, "\n"), "› item 1") {
			t.Fatalf("height %d: the cursor is not on item 1:\n%s", c.height, strings.Join(lines, "\n"))
		}
	}
}

// TestMenuScrollsKeepingTheCursorInSight: when no layout fits, the menu
// scrolls two lines an item and the selected item is always shown, within
// the height, at the top and at the bottom of the list.
func TestMenuScrollsKeepingTheCursorInSight(t *testing.T) {
	m := menu.New(items(8)...)
	for h := 2; h <= 7; h++ {
		for i := range 8 {
			m.Select(i)
			lines := view(m, 40, h)
			if len(lines) > h {
				t.Fatalf("height %d, cursor %d: %d lines", h, i, len(lines))
			}
			if !strings.Contains(strings.Join(lines, "\n"), fmt.Sprintf("› item %d", i)) {
				t.Fatalf("height %d: item %d is selected but not shown:\n%s", h, i, strings.Join(lines, "\n"))
			}
		}
	}
}

// TestMenuApartItemKeepsItsBlankLine: an item marked Apart (the chooser's
// recovery line) has a blank line above it even in the dense layouts.
func TestMenuApartItemKeepsItsBlankLine(t *testing.T) {
	its := items(2)
	its = append(its, menu.Item{Title: "other", Desc: "something else", Apart: true})
	m := menu.New(its...)
	for _, h := range []int{5, 6, 8} {
		lines := view(m, 40, h)
		for i, l := range lines {
			if strings.Contains(l, "other") {
				if i == 0 || strings.TrimSpace(lines[i-1]) != "" {
					t.Fatalf("height %d: no blank line above the apart item:\n%s", h, strings.Join(lines, "\n"))
				}
			}
		}
	}
}
