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
