package ui

import (
	"fmt"
	"io"
	"strings"
	"time"

	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/profiles"
)

// homeItem is a line of the home list: a saved profile, a demo connection,
// or "New request…".
type homeItem struct {
	key     string // "profile:NAME", "conn:N" or "new"
	name    string
	desc    string
	account string
	grant   string
	profile *profiles.Profile
	conn    *Connection
}

// FilterValue implements list.Item.
func (i homeItem) FilterValue() string {
	if i.profile != nil {
		p := i.profile
		return strings.Join([]string{p.Name, p.Account, p.Grant, p.ClientID, p.Username, p.Notes}, " ")
	}
	return i.name + " " + i.account + " " + i.grant
}

func profileItem(p profiles.Profile) homeItem {
	who := p.ClientID
	if p.Username != "" {
		who = p.Username
	}
	desc := p.Grant
	if who != "" {
		desc += " · " + who
	}
	if p.BaseURL != "" && p.BaseURL != client.DefaultBaseURL {
		desc += " · " + p.BaseURL
	}
	return homeItem{key: "profile:" + p.Name, name: p.Name, desc: desc, account: p.Account, grant: p.Grant, profile: &p}
}

func connItem(i int, c *Connection) homeItem {
	return homeItem{key: fmt.Sprintf("conn:%d", i), name: c.Name, desc: c.Description, account: c.Request.Account, grant: string(c.Request.Grant), conn: c}
}

var newItem = homeItem{key: "new", name: "New request…", desc: "Choose a grant type and fill in the form yourself."}

// homeDelegate draws items with their environment badge and, when a token
// is held for them, its countdown.
type homeDelegate struct{ m *Model }

func (d homeDelegate) Height() int                         { return 2 }
func (d homeDelegate) Spacing() int                        { return 1 }
func (d homeDelegate) Update(tea.Msg, *list.Model) tea.Cmd { return nil }

func (d homeDelegate) Render(w io.Writer, lm list.Model, index int, li list.Item) {
	it, ok := li.(homeItem)
	if !ok {
		return
	}
	s := d.m.ctx.Styles
	width := lm.Width() - 4
	title := it.name
	if it.account != "" {
		title += "  " + s.badge(it.account)
	}
	// The second line: what the item is; with a token held, its
	// countdown first, and an auto-refresh's outcome instead of the rest.
	rest := it.desc
	st := d.m.ctx.Session.State(heldName(it.key))
	if note := st.Note(d.m.ctx.Now()); note != "" && (st.LastErr != nil || st.NeedsMFA || !st.LastRefresh.IsZero() || st.Refreshing) {
		rest = note
	}
	desc := s.Muted.Render(truncate(rest, width))
	if res := st.Held; res != nil {
		held := heldLine(s, res, d.m.ctx.Now())
		desc = held + "  " + s.Muted.Render(truncate(rest, max(0, width-lipgloss.Width(held)-2)))
	}
	if index == lm.Index() {
		fmt.Fprintf(w, "%s%s\n  %s", s.Cursor.Render("› "), s.Selected.Render(title), desc)
		return
	}
	fmt.Fprintf(w, "  %s\n  %s", title, desc)
}

// heldLine is the short countdown of a token held for an item.
func heldLine(s Styles, res *flows.Result, now time.Time) string {
	e := res.Expiry
	switch {
	case !e.Known():
		return s.Warn.Render("token held, expiry unknown")
	case e.Expired(now):
		return s.Expired.Render(" EXPIRED ")
	}
	return s.CountOK.Render("⏱ " + tokeninfo.Countdown(e.Remaining(now)))
}

// newHomeList builds the list from profiles and connections.
func (m *Model) newHomeList() list.Model {
	l := list.New(nil, homeDelegate{m: m}, m.ctx.Width-2, max(4, m.ctx.Height-6))
	l.SetShowTitle(false)
	l.SetShowHelp(false)
	l.SetShowStatusBar(false)
	l.SetFilteringEnabled(true)
	l.Filter = substringFilter
	l.DisableQuitKeybindings()
	l.FilterInput.Prompt = "/ "
	staticCursor(&l.FilterInput)
	// The title bar only shows the filter; no padding line above the list.
	l.Styles.TitleBar = l.Styles.TitleBar.Padding(0, 0, 0, 1)
	l.SetItems(m.homeItems())
	return l
}

func (m *Model) homeItems() []list.Item {
	var items []list.Item
	for _, p := range m.profiles {
		items = append(items, profileItem(p))
	}
	for i := range m.ctx.Connections {
		items = append(items, connItem(i, &m.ctx.Connections[i]))
	}
	return append(items, newItem)
}

func (m *Model) selectedItem() (homeItem, bool) {
	it, ok := m.home.SelectedItem().(homeItem)
	return it, ok
}

// filtering reports whether the home list is taking filter text.
func (m *Model) filtering() bool {
	return m.scr == scrHome && m.home.FilterState() == list.Filtering
}

// substringFilter keeps the items whose text holds every word typed, in
// any case: "prod" finds production profiles, not every name that has a
// p, an r, an o and a d in that order (the list's default fuzzy match).
func substringFilter(term string, targets []string) []list.Rank {
	words := strings.Fields(strings.ToLower(term))
	var ranks []list.Rank
	for i, t := range targets {
		lower := strings.ToLower(t)
		var matched []int
		ok := true
		for _, w := range words {
			at := strings.Index(lower, w)
			if at < 0 {
				ok = false
				break
			}
			// Rune positions, for the list's match highlighting.
			start := len([]rune(lower[:at]))
			for j := range len([]rune(w)) {
				matched = append(matched, start+j)
			}
		}
		if ok {
			ranks = append(ranks, list.Rank{Index: i, MatchedIndexes: matched})
		}
	}
	return ranks
}
