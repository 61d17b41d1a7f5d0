package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/textsafe"
	"github.com/tokenbench/tokenbench/ui/common"
)

// chrome is what frames every screen: the header (where you are, for which
// profile and account), the status line and the key help. It draws the
// page on top; it owns only the status line and whether the full help is
// open.
type chrome struct {
	ctx  *common.Context
	help help.Model
	// helpOn is the page the full help was opened on: it closes when
	// that page is left.
	helpOn common.Page
	status statusLine
	// later is a status for a page under the one on top, shown when that
	// page is on top again.
	later statusLine
}

// statusLine is a timed line under the screen it belongs to: it is not
// shown on another, and it is dropped when that screen is left.
type statusLine struct {
	text  string
	err   bool
	at    time.Time
	owner common.Page
}

const statusTTL = 8 * time.Second

// frame is what the chrome needs to know beyond the page: the profile or
// connection requests run for (active), and whether the page is one of its
// request's screens (flowName: the sending page, MFA, its token).
type frame struct {
	top      common.Page
	active   string
	flowName string
}

func newChrome(ctx *common.Context) chrome {
	c := chrome{ctx: ctx, help: help.New()}
	c.help.SetWidth(ctx.Width)
	return c
}

// setStatus shows text under page (the screen showing).
func (c *chrome) setStatus(text string, isErr bool, page common.Page) {
	c.status = statusLine{text: textsafe.Sanitize(text), err: isErr, at: c.ctx.Now(), owner: page}
}

// setStatusFor shows a status under page, which may be under top (a token
// view auto-refreshed under the log): then it is shown when page is on top
// again.
func (c *chrome) setStatusFor(text string, isErr bool, page, top common.Page) {
	if page == top {
		c.setStatus(text, isErr, page)
		return
	}
	c.later = statusLine{text: textsafe.Sanitize(text), err: isErr, owner: page}
}

// notify shows text under page unless a status of the last few seconds
// is showing there: a background notice (the clipboard cleared) must not
// hide what the user's last action said (where a bundle was written).
// clearStatus drops the status line.
func (c *chrome) clearStatus() { c.status = statusLine{} }

func (c *chrome) notify(text string, page common.Page) {
	if c.status.text != "" && c.status.owner == page && c.ctx.Now().Sub(c.status.at) < statusTTL {
		return
	}
	c.setStatus(text, false, page)
}

// toggleHelp opens or closes the full help on page.
func (c *chrome) toggleHelp(page common.Page) {
	if c.helpOn == page {
		c.helpOn = nil
		return
	}
	c.helpOn = page
}

// closeHelpOffPage closes the help when its page is left: it does not
// open again on the way back.
func (c *chrome) closeHelpOffPage(top common.Page) {
	if c.helpOn != top {
		c.helpOn = nil
	}
}

// helpOpen reports whether the full help is open on page.
func (c *chrome) helpOpen(page common.Page) bool { return page != nil && c.helpOn == page }

// dropStaleStatus drops a status whose screen is no longer showing.
func (c *chrome) dropStaleStatus(top common.Page) {
	if c.status.text != "" && c.status.owner != top {
		c.status = statusLine{}
	}
	if c.later.owner != nil && c.later.owner == top {
		c.status, c.later = c.later, statusLine{}
		c.status.at = c.ctx.Now()
	}
}

// render draws the screen: header, the page's body cut to its room (no
// screen may draw past the right edge, whatever its content), footer.
func (c *chrome) render(f frame) string {
	w := c.ctx.Width
	header, footer := c.header(f), c.footer(f.top)
	bodyH := c.ctx.Height - lipgloss.Height(header) - lipgloss.Height(footer)
	body := ""
	if f.top != nil {
		body = f.top.View()
	}
	lines := strings.Split(common.ClipLines(body, max(0, bodyH)), "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, max(0, w-2), "…")
	}
	body = c.ctx.Styles.Body.Render(strings.Join(lines, "\n"))
	if gap := bodyH - lipgloss.Height(body); gap > 0 {
		body += strings.Repeat("\n", gap)
	}
	return header + "\n" + body + "\n" + footer
}

// bodyHeight is the height between the header and the footer.
func (c *chrome) bodyHeight(f frame) int {
	return c.ctx.Height - lipgloss.Height(c.header(f)) - lipgloss.Height(c.footer(f.top))
}

func (c *chrome) header(f frame) string {
	s := c.ctx.Styles
	name := ""
	if f.top != nil {
		name = f.top.Title()
	}
	title := s.Title.Render("tokenbench") + s.Crumb.Render(" › "+name)
	right := ""
	if p, ok := f.top.(common.AccountNamer); ok && p.Account() != "" {
		right = s.Badge(p.Account())
		if p, ok := f.top.(common.PartnerLabeler); ok && p.PartnerLabel() != "" {
			// The partner route, when it fits beside the title and the
			// whole profile name.
			name := 0
			if f.flowName != "" {
				name = ansi.StringWidth(" · " + textsafe.Sanitize(f.flowName))
			}
			if label := s.Muted.Render(p.PartnerLabel()) + "  " + right; lipgloss.Width(title)+name+lipgloss.Width(label)+3 <= c.ctx.Width {
				right = label
			}
		}
	}
	if f.flowName != "" {
		// The profile or connection, as much of it as fits.
		if room := c.ctx.Width - 2 - lipgloss.Width(title) - lipgloss.Width(right) - 1 - 3; room >= 4 {
			title += s.Crumb.Render(" · " + ansi.Truncate(textsafe.Sanitize(f.flowName), room, "…"))
		}
	}
	// The badge (TEST or PROD) always shows whole: a long title gives way.
	if room := c.ctx.Width - 2 - lipgloss.Width(right) - 1; lipgloss.Width(title) > room {
		title = ansi.Truncate(title, max(0, room), "…")
	}
	gap := max(1, c.ctx.Width-2-lipgloss.Width(title)-lipgloss.Width(right))
	line := " " + title + strings.Repeat(" ", gap) + right
	return line + "\n" + s.Rule.Render(strings.Repeat("─", max(0, c.ctx.Width)))
}

// windowTitle names the profile and what the page adds (a token's
// countdown), so expiry is visible from another tab.
func (c *chrome) windowTitle(f frame) string {
	title := "tokenbench"
	if f.active != "" {
		title += " · " + f.active
	}
	if p, ok := f.top.(common.WindowNoter); ok && p.WindowNote() != "" {
		title += " · " + p.WindowNote()
	}
	return title
}

func (c *chrome) footer(top common.Page) string {
	s := c.ctx.Styles
	st := ""
	if c.status.text != "" && c.status.owner == top && c.ctx.Now().Sub(c.status.at) < statusTTL {
		style := s.Status
		if c.status.err {
			style = s.StatusErr
		}
		// Up to three lines: a written file's whole path must show.
		st = common.ClipLines(common.Wrap(style, c.status.text, max(1, c.ctx.Width-2)), 3)
	}
	width := max(0, c.ctx.Width-2)
	var keys help.KeyMap = common.Bindings{}
	if top != nil {
		keys = top.Keys()
	}
	var lines []string
	if c.helpOn == top && top != nil && helpWorks(top) {
		full := keys.FullHelp()
		if len(full) == 0 {
			full = [][]key.Binding{keys.ShortHelp()}
		}
		lines = c.fullHelpLines(full, width)
		// On a very short terminal the help still leaves the header,
		// the status line and one body line; what is cut says so.
		if room := max(1, c.ctx.Height-4); len(lines) > room {
			lines = append(lines[:room-1], "…")
		}
	} else {
		lines = []string{c.keyLine(keys.ShortHelp(), width, helpWorks(top))}
	}
	for i, l := range lines {
		lines[i] = " " + ansi.Truncate(l, width, "…")
	}
	return " " + strings.ReplaceAll(st, "\n", "\n ") + "\n" + strings.Join(lines, "\n")
}

// fullHelpLines lays the full help's columns side by side as far as the
// width allows, and the rest in further rows below: on a narrow terminal
// every key still shows (help's own view cuts the columns that do not fit
// to "…").
func (c *chrome) fullHelpLines(groups [][]key.Binding, width int) []string {
	h := c.help
	h.SetWidth(0) // one column at a time: never cut
	sep := h.Styles.FullSeparator.Inline(true).Render(h.FullSeparator)
	var bands, row []string
	rowW := 0
	flush := func() {
		if len(row) > 0 {
			bands = append(bands, lipgloss.JoinHorizontal(lipgloss.Top, row...))
		}
		row, rowW = nil, 0
	}
	for _, g := range groups {
		col := h.FullHelpView([][]key.Binding{g})
		if col == "" {
			continue
		}
		w := lipgloss.Width(col)
		if len(row) > 0 && rowW+lipgloss.Width(sep)+w > width {
			flush()
		}
		if len(row) > 0 {
			row = append(row, sep)
			rowW += lipgloss.Width(sep)
		}
		row = append(row, col)
		rowW += w
	}
	flush()
	if len(bands) > 1 {
		// The groups do not fit side by side: bands of columns of
		// different widths read as a jumble. One grid of aligned columns
		// instead, filled down, the groups in order.
		return helpGrid(h, groups, width)
	}
	return strings.Split(strings.Join(bands, "\n"), "\n")
}

// helpGrid lays the enabled bindings of groups in as many aligned columns
// as width holds, filled top to bottom, each column as wide as its own
// keys and descriptions.
func helpGrid(h help.Model, groups [][]key.Binding, width int) []string {
	var all []key.Binding
	for _, g := range groups {
		for _, b := range g {
			if b.Enabled() && b.Help().Key != "" {
				all = append(all, b)
			}
		}
	}
	const gap = 3
	type column struct{ keyW, descW int }
	layout := func(rows int) ([]column, int) {
		var cols []column
		total := 0
		for start := 0; start < len(all); start += rows {
			c := column{}
			for _, b := range all[start:min(len(all), start+rows)] {
				c.keyW, c.descW = max(c.keyW, ansi.StringWidth(b.Help().Key)), max(c.descW, ansi.StringWidth(b.Help().Desc))
			}
			if len(cols) > 0 {
				total += gap
			}
			total += c.keyW + 1 + c.descW
			cols = append(cols, c)
		}
		return cols, total
	}
	rows := max(1, len(all))
	for r := 1; r <= len(all); r++ {
		if _, w := layout(r); w <= width {
			rows = r
			break
		}
	}
	cols, _ := layout(rows)
	lines := make([]string, rows)
	for i, b := range all {
		r, c := i%rows, i/rows
		k, d := b.Help().Key, b.Help().Desc
		cell := h.Styles.FullKey.Render(k+strings.Repeat(" ", cols[c].keyW-ansi.StringWidth(k))) + " " + h.Styles.FullDesc.Render(d)
		if c < len(cols)-1 {
			cell += strings.Repeat(" ", cols[c].descW-ansi.StringWidth(d)+gap)
		}
		lines[r] += cell
	}
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return lines
}

// helpWorks reports whether ? shows the full help on page rather than
// typing a question mark: everywhere but where text is typed, unless the
// page says a '?' cannot be part of what is typed there (a binding code, a
// JWT) or that ? answers nothing now (a y/n question is open).
func helpWorks(page common.Page) bool {
	if page == nil {
		return true
	}
	if p, ok := page.(common.QuestionMarker); ok {
		return p.QuestionMarkIsHelp()
	}
	return !page.TakesText()
}

// keyLine is the one-line key help: as many keys as fit, most important
// first, then always "? more" where ? works.
func (c *chrome) keyLine(short []key.Binding, width int, more bool) string {
	var keys []key.Binding
	for _, b := range short {
		if b.Help().Key != c.ctx.Keys.Help.Help().Key {
			keys = append(keys, b)
		}
	}
	var tail []key.Binding
	if more {
		tail = []key.Binding{common.WithHelp(c.ctx.Keys.Help, "more")}
	}
	// Measured as plain "key desc" items joined by " • ", the way help
	// lays them out, and rendered once.
	cells := func(b key.Binding) int { return ansi.StringWidth(b.Help().Key) + 1 + ansi.StringWidth(b.Help().Desc) }
	const sep = 3 // " • "
	used := 0
	for _, b := range tail {
		used += cells(b)
	}
	n := 0
	for n < len(keys) {
		w := cells(keys[n]) + sep
		if len(tail) == 0 && n == 0 {
			w -= sep
		}
		if used+w > width {
			break
		}
		used += w
		n++
	}
	full := c.help
	full.SetWidth(0) // cut here, not by help's own truncation
	return full.ShortHelpView(append(append([]key.Binding{}, keys[:n]...), tail...))
}
