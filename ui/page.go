package ui

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
)

// Page is a screen as a component: it owns its state, its keys and help,
// its size, and the async results of its own commands. The root model
// only routes to the page on top of the back stack and handles the
// global keys; a new screen is a new Page, with no change to the root
// beyond the key or command that opens it.
type Page interface {
	// Update handles a message for this page.
	Update(msg tea.Msg) (Page, tea.Cmd)
	// View draws the page's body in the size of the last SetSize. It
	// changes no state.
	View() string
	// SetSize gives the page its body's width and height.
	SetSize(width, height int)
	// Keys is the page's help: the most important keys first.
	Keys() help.KeyMap
	// Title is the page's breadcrumb.
	Title() string
	// TakesText reports whether keys type text now (q types a q).
	TakesText() bool
}

// Navigation and requests from pages to the root, as messages.
type (
	// openPageMsg puts a page on top of the back stack, then runs then
	// (the page's first request, whose answer must find it on top).
	openPageMsg struct {
		page Page
		then tea.Cmd
	}
	// closePageMsg goes back from the page on top.
	closePageMsg struct{}
	// statusMsg shows a timed status line under the current screen.
	statusMsg struct {
		text string
		err  bool
	}
	// copyMsg asks the root to copy text (it owns the clipboard and the
	// clearing of secrets).
	copyMsg struct {
		what, text string
		secret     bool
		expired    bool // a token that has expired: the status warns
	}
)

func openPage(p Page) tea.Cmd { return func() tea.Msg { return openPageMsg{page: p} } }

func openPageThen(p Page, then tea.Cmd) tea.Cmd {
	return func() tea.Msg { return openPageMsg{page: p, then: then} }
}

func closePage() tea.Msg { return closePageMsg{} }

func setStatus(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return statusMsg{text: text, err: isErr} }
}

// topPage is the page shown when the screen is scrPage.
func (m *Model) topPage() Page {
	if len(m.pages) == 0 {
		return nil
	}
	return m.pages[len(m.pages)-1]
}

// openPage shows p on top of the current screen.
func (m *Model) openPage(p Page) {
	m.push(scrPage)
	m.pages = append(m.pages, p)
	m.sizePages()
}

// prunePages drops the pages no longer on the back stack (after a screen
// reset it): one page per scrPage in the stack and on screen.
func (m *Model) prunePages() {
	n := 0
	for _, s := range m.stack {
		if s == scrPage {
			n++
		}
	}
	if m.scr == scrPage {
		n++
	}
	if len(m.pages) > n {
		m.pages = m.pages[:n]
	}
}

// sizePages gives the page on top the body's size.
func (m *Model) sizePages() {
	if p := m.topPage(); p != nil && m.scr == scrPage {
		p.SetSize(m.ctx.Width-2, m.bodyHeight())
	}
}

// updatePage hands msg to the page on top and keeps what it returns.
func (m *Model) updatePage(msg tea.Msg) tea.Cmd {
	p := m.topPage()
	if p == nil {
		return nil
	}
	p, cmd := p.Update(msg)
	m.pages[len(m.pages)-1] = p
	return cmd
}
