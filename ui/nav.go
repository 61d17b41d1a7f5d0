package ui

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
	// navTokenMsg asks the root to show a token a page obtained (and kept
	// through the session service).
	navTokenMsg struct {
		res  *flows.Result
		base string // the base URL it came from (for its signature check)
	}
	// recoveryChosenMsg: the grant chooser's "Recover MFA (lost device)".
	recoveryChosenMsg struct{}
	// bundleAskedMsg asks the root for the bundle page with what it knows
	// (the token shown last, its verdict).
	// bundleAskedMsg: exchange is the ID of the exchange whose case the
	// bundle is (the HTTP log's row); 0 for the shown token's.
	bundleAskedMsg struct {
		from     string
		exchange int
	}
)

// Screens a page asks the root for: a page never builds another page.
type (
	// recoveryAskedMsg asks for the guided recovery of req's user, started
	// at once (the MFA screen's L, confirmed there); keep keeps its token.
	recoveryAskedMsg struct {
		base    string
		req     flows.Request
		channel client.Channel
		keep    func(*flows.Result) error
	}
	// diagnoseAskedMsg asks for the diagnose screen: of user with src's
	// client, or, with clientQ, of the API client it names.
	diagnoseAskedMsg struct {
		src     diagnoseSource
		user    string
		clientQ *doctor.ClientQuery
	}
	// bundleForMsg asks for the bundle page of a case a page put
	// together (the diagnosis's).
	bundleForMsg struct {
		in   bundle.Input
		from string
	}
)

func askPage(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// closeWithStatusMsg closes the page on top, then shows status on the
// screen below (in one message: two could arrive in either order).
type closeWithStatusMsg struct {
	status string
	err    bool
}

// navBack closes the page on top, then shows status on the screen below.
func navBack(status string, isErr bool) tea.Cmd {
	if status == "" {
		return closePage
	}
	return func() tea.Msg { return closeWithStatusMsg{status: status, err: isErr} }
}

func askBundle(from string) tea.Cmd {
	return func() tea.Msg { return bundleAskedMsg{from: from} }
}

// nextID numbers the async requests of the pages, so that an answer for a
// page that was closed, or re-opened since, is dropped.
func (c *Context) nextID() int {
	c.requests++
	return c.requests
}

type // mfaTokenMsg asks the root to show the token an MFA page obtained
// (already kept); back from it goes where the request was sent from.
mfaTokenMsg struct{ res *flows.Result }

type // needTickMsg asks the root for its one-second tick (a countdown is
// shown).
needTickMsg struct{}

// closeThenMsg goes back from the page on top, then runs then (which
// finds the screen below on top).
type closeThenMsg struct{ then tea.Cmd }
