package common

import (
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/doctor"
	"github.com/tokenbench/tokenbench/flows"
)

// Requests from the recovery, diagnose and bundle pages (and the log and
// timeline) to the root, as messages.
type (
	// NavTokenMsg asks the root to show a token a page obtained (and kept
	// through the session service).
	NavTokenMsg struct {
		Res  *flows.Result
		Base string // the base URL it came from (for its signature check)
	}
	// RecoveryChosenMsg: the grant chooser's "Recover MFA (lost device)".
	RecoveryChosenMsg struct{}
	// BundleAskedMsg asks the root for the bundle page with what it knows
	// (the token shown last, its verdict). Exchange is the ID of the
	// exchange whose case the bundle is (the HTTP log's row); 0 for the
	// shown token's.
	BundleAskedMsg struct {
		From     string
		Exchange int
	}
)

// Screens a page asks the root for: a page never builds another page.
type (
	// RecoveryAskedMsg asks for the guided recovery of Req's user, started
	// at once (the MFA screen's L, confirmed there); Keep keeps its token.
	RecoveryAskedMsg struct {
		Base    string
		Req     flows.Request
		Channel client.Channel
		Keep    func(*flows.Result) error
	}
	// DiagnoseAskedMsg asks for the diagnose screen: of User with Src's
	// client, or, with ClientQ, of the API client it names.
	DiagnoseAskedMsg struct {
		Src     DiagnoseSource
		User    string
		ClientQ *doctor.ClientQuery
	}
	// BundleForMsg asks for the bundle page of a case a page put
	// together (the diagnosis's).
	BundleForMsg struct {
		In   bundle.Input
		From string
	}
)

// AskPage asks the root for a screen by message (RecoveryAskedMsg,
// DiagnoseAskedMsg, BundleForMsg): a page never builds another page.
func AskPage(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// CloseWithStatusMsg closes the page on top, then shows status on the
// screen below (in one message: two could arrive in either order).
type CloseWithStatusMsg struct {
	Status string
	Err    bool
}

// NavBack closes the page on top, then shows status on the screen below.
func NavBack(status string, isErr bool) tea.Cmd {
	if status == "" {
		return ClosePage
	}
	return func() tea.Msg { return CloseWithStatusMsg{Status: status, Err: isErr} }
}

// AskBundle asks the root for the bundle page of what the page on top
// shows (from names it).
func AskBundle(from string) tea.Cmd {
	return func() tea.Msg { return BundleAskedMsg{From: from} }
}

// NextID numbers the async requests of the pages, so that an answer for a
// page that was closed, or re-opened since, is dropped.
func (c *Context) NextID() int {
	c.requests++
	return c.requests
}

// MFATokenMsg asks the root to show the token an MFA, passwordless or
// OIDC page obtained (already kept); back from it goes where the request
// was sent from.
type MFATokenMsg struct{ Res *flows.Result }

// NeedTickMsg asks the root for its one-second tick (a countdown is
// shown).
type NeedTickMsg struct{}

// CloseThenMsg goes back from the page on top, then runs then (which
// finds the screen below on top).
type CloseThenMsg struct{ Then tea.Cmd }
