// Package failure is the screen of a request that failed: the error,
// its details, the hint, and the client diagnosis it offers.
package failure

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/doctor"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/session"
	"github.com/tokenbench/tokenbench/textsafe"
	"github.com/tokenbench/tokenbench/ui/common"
)

// Page is the error view of a failed token request whose answer says
// more than one line holds (issue 17): the one-line error, every one of
// Dintero's error details (sanitised; the client keeps at most
// client.MaxDetails), and, when the API client's grants explain the
// failure, u to diagnose that client for the request's audience and grant
// type. esc goes back to where the error belongs (the request's form).
type Page struct {
	ctx     *common.Context
	line    string
	details []string
	// sent is how many details the server sent: those kept, and those
	// beyond client.MaxDetails that details only counts in a last line.
	sent int
	hint string
	// diag is the client diagnosis u opens; nil when u is not offered.
	diag *common.DiagnoseSource
	// noReader says why u is not offered though the grants explain the
	// failure: nothing here can read them.
	noReader string
	query    doctor.ClientQuery
	user     string
	acct     string
	scroll   int
	height   int
}

// New is the error view of err, the answer to req sent to base
// (for profile, when it ran for one); nil when a one-line error says it
// all (no details, nothing to diagnose).
func New(ctx *common.Context, err error, req flows.Request, base string, profile *profiles.Profile, readers []common.Connection) *Page {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		return nil
	}
	grants := doctor.AboutGrants(err) && req.ClientID != ""
	if len(apiErr.Details) == 0 && !grants {
		return nil
	}
	p := &Page{ctx: ctx, acct: req.Account, line: common.ErrText(err), hint: strings.TrimPrefix(session.Hint(err, base), " — ")}
	p.sent = len(apiErr.Details) + apiErr.DetailsLeftOut
	for _, d := range apiErr.AllDetails() {
		p.details = append(p.details, textsafe.Sanitize(d))
	}
	if grants {
		grant := doctor.FailedGrant(err, string(req.Grant))
		p.query = doctor.ClientQuery{ClientID: req.ClientID, Audience: audienceOf(req), Grant: grant}
		if req.Grant == client.GrantPassword {
			p.user = req.Username
		}
		src := readerFor(req, base, profile, readers)
		if src.Request.ClientID == req.ClientID && src.Request.Bearer == "" && grant == string(client.GrantClientCredentials) {
			// The reader would be the client whose client_credentials
			// request just failed: u would fail the same way.
			p.noReader = fmt.Sprintf("The API client's grants explain this, but no other connection to %s can read them (it takes %s): run tokenbench doctor --client %s with a client that can.",
				textsafe.Sanitize(req.Account), doctor.ScopeNeeded, textsafe.Sanitize(req.ClientID))
			p.SetSize(ctx.Width-2, ctx.Height-4)
			return p
		}
		// The bundle names the client that failed: its API client row is
		// the reader's.
		src.Failure = &common.FailedRequest{Error: fmt.Sprintf("the %s request of client %s: %s", req.Grant, textsafe.Sanitize(req.ClientID), p.line),
			Details: p.details, Grant: string(req.Grant)}
		p.diag = &src
	}
	p.SetSize(ctx.Width-2, ctx.Height-4)
	return p
}

// audienceOf is the audience a request asked for: the one it names, else
// its account's.
func audienceOf(req flows.Request) string {
	if strings.TrimSpace(req.Audience) != "" {
		return req.Audience
	}
	return client.DefaultAudience(req.Account)
}

// readerFor picks the client that reads the diagnosed client's grants: a
// client whose grants are wrong often gets no token to read with, so
// another connection to the same account and server goes first; the
// request's own client (or profile) otherwise.
func readerFor(req flows.Request, base string, profile *profiles.Profile, readers []common.Connection) common.DiagnoseSource {
	for _, c := range readers {
		r := c.Request
		if c.BaseURL == base && r.Account == req.Account && r.Partner == req.Partner && r.ClientID != "" &&
			r.ClientID != req.ClientID && (r.ClientSecret != "" || r.Bearer != "") {
			return common.DiagnoseSource{BaseURL: base, Request: r}
		}
	}
	return common.DiagnoseSource{BaseURL: base, Request: req, Profile: profile}
}

func (p *Page) Title() string        { return "request failed" }
func (p *Page) TakesText() bool      { return false }
func (p *Page) SetSize(_, h int)     { p.height = h }
func (p *Page) Keys() help.KeyMap    { return p.keys() }
func (p *Page) Account() string      { return p.acct }
func (p *Page) offersDiagnose() bool { return p.diag != nil }

func (p *Page) keys() common.Bindings {
	k := p.ctx.Keys
	back := common.WithHelp(k.Back, "back to the request")
	short := []key.Binding{}
	if p.offersDiagnose() {
		short = append(short, common.WithHelp(k.Diagnose, "diagnose client"))
	}
	short = append(short, k.Up, k.Down, back, k.Log, k.Quit)
	return common.Bindings{Short: short}
}

func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	k := p.ctx.Keys
	switch {
	case key.Matches(km, k.Back):
		return p, common.ClosePage
	case key.Matches(km, k.Diagnose) && p.offersDiagnose():
		q := p.query
		return p, common.AskPage(common.DiagnoseAskedMsg{Src: *p.diag, User: p.user, ClientQ: &q})
	case key.Matches(km, k.Up):
		p.scroll = max(0, p.scroll-1)
	case key.Matches(km, k.Down):
		p.scroll = min(p.scroll+1, max(0, len(p.lines())-p.height))
	}
	return p, nil
}

func (p *Page) View() string {
	lines := p.lines()
	scroll := min(p.scroll, max(0, len(lines)-p.height))
	return strings.Join(lines[scroll:], "\n")
}

func (p *Page) lines() []string {
	s := p.ctx.Styles
	w := p.ctx.Width - 2
	out := []string{s.Error.Render("The token request failed")}
	out = append(out, common.Hang(s.Error.Render("✗")+" ", p.line, w)...)
	if len(p.details) > 0 {
		out = append(out, "", s.Title.Render(fmt.Sprintf("Dintero's error details (%d)", p.sent)))
		for _, d := range p.details {
			out = append(out, common.Hang("  • ", d, w)...)
		}
	}
	if p.hint != "" {
		out = append(out, "")
		out = append(out, common.Hang("", p.hint, w)...)
	}
	if p.noReader != "" {
		out = append(out, "")
		for _, l := range common.Hang("", p.noReader, w) {
			out = append(out, s.Warn.Render(l))
		}
	}
	if p.offersDiagnose() {
		q := p.query
		text := fmt.Sprintf("The API client's grants explain this. u diagnoses client %s for audience %s and grant %s, read with %s's token.",
			textsafe.Sanitize(q.ClientID), textsafe.Sanitize(q.Audience), common.OrDash(q.Grant), common.ReaderName(*p.diag))
		out = append(out, "")
		for _, l := range common.Hang("", text, w) {
			out = append(out, s.Warn.Render(l))
		}
	}
	return out
}
