package common

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
	// OpenPageMsg puts a page on top of the back stack, then runs then
	// (the page's first request, whose answer must find it on top).
	OpenPageMsg struct {
		Page Page
		Then tea.Cmd
	}
	// ClosePageMsg goes back from the page on top.
	ClosePageMsg struct{}
	// StatusMsg shows a timed status line under the current screen.
	StatusMsg struct {
		Text string
		Err  bool
	}
	// CopyMsg asks the root to copy text (it owns the clipboard and the
	// clearing of secrets).
	CopyMsg struct {
		What, Text string
		Secret     bool
		Expired    bool // a token that has expired: the status warns
	}
)

// OpenPage asks the root to put p on top of the back stack.
func OpenPage(p Page) tea.Cmd { return func() tea.Msg { return OpenPageMsg{Page: p} } }

// ClosePage asks the root to go back from the page on top.
func ClosePage() tea.Msg { return ClosePageMsg{} }

// SetStatus asks the root for a timed status line (isErr: as an error).
func SetStatus(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text, Err: isErr} }
}

// The optional page interfaces: what the root and the chrome ask of the
// page on top, when it has it. A page implements only those it needs.
type (
	// Ticker: a countdown is on the page (a token's, a 429's wait); the
	// root keeps its one-second tick running while Ticking is true.
	Ticker interface{ Ticking() bool }
	// Busier: a request of the page is in flight; the global keys (quit,
	// log, inspector) wait while Busy is true.
	Busier interface{ Busy() bool }
	// AccountNamer: the header's badge names the account (TEST or PROD).
	AccountNamer interface{ Account() string }
	// PartnerLabeler: the header shows the partner route beside the badge.
	PartnerLabeler interface{ PartnerLabel() string }
	// WindowNoter: the terminal's window title adds a note (a countdown).
	WindowNoter interface{ WindowNote() string }
	// QuestionMarker says whether ? opens the help on a page that takes
	// text (a '?' cannot be part of a binding code or a JWT).
	QuestionMarker interface{ QuestionMarkIsHelp() bool }
	// Asker: the page shows a y/n question; a stale status line goes
	// while it asks.
	Asker interface{ Asking() bool }
	// Owner: the answers of the page's own requests (they carry its ids)
	// reach it wherever it is in the back stack, not only on top: the
	// HTTP log opened over a browser login that waits, or over a recovery
	// or a diagnosis in flight, does not swallow their answers.
	Owner interface{ Owns(msg tea.Msg) bool }
)

// The roles a page plays in a request's flow, in place of switches on
// page types.
type (
	// RequestStep is a screen of a request in flight or just answered
	// (sending, MFA, token): the header names the profile it runs for,
	// and a new token replaces these screens rather than stacking on them.
	RequestStep interface {
		Page
		IsRequestStep()
	}
	// RequestForm is the form a request was sent from: its errors go back
	// to it.
	RequestForm interface {
		Page
		IsRequestForm()
	}
)
