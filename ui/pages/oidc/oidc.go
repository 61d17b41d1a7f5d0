// Package oidc is the OIDC browser login's screen.
package oidc

import (
	"context"
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/session"
	"github.com/tokenbench/tokenbench/textsafe"
	"github.com/tokenbench/tokenbench/ui/common"
)

// The OIDC browser login (contract §1b): tokenbench listens on 127.0.0.1,
// opens the identity provider's authorize URL in the browser, waits for
// the redirect with the code (5 minutes at most, esc cancels), and
// exchanges the code at auth/oidc/token.

type (
	// oidcListeningMsg: the loopback listener is up (or is not).
	oidcListeningMsg struct {
		id    int
		login *flows.BrowserLogin
		err   error
	}
	// OpenedMsg: the browser was opened, or why not.
	OpenedMsg struct {
		id  int
		err error
	}
	// DoneMsg: the redirect came and its code was exchanged, or why
	// there is no token.
	DoneMsg struct {
		id  int
		res *flows.Result
		Err error
	}
	// timeoutMsg: the login's time is up (flows.BrowserLoginTimeout, on
	// the Context's clock).
	timeoutMsg struct{ id int }
)

type oidcPhase int

const (
	oidcListening oidcPhase = iota
	oidcWaiting             // for the redirect, then its exchange
	oidcFailed
)

// Page waits for one browser login.
type Page struct {
	ctx   *common.Context
	svc   *session.Flow
	req   flows.Request
	phase oidcPhase
	login *flows.BrowserLogin
	// url and redirect are the login's, shown while it waits.
	url, redirect string
	opened        string // "" until the browser was tried; else what happened
	openErr       bool
	err           string
	spin          spinner.Model
	id            int
	cancel        context.CancelFunc
	width         int
	height        int
}

// New is the OIDC browser login of req, run through the session's
// request flow svc.
func New(ctx *common.Context, svc *session.Flow, req flows.Request) *Page {
	return &Page{ctx: ctx, svc: svc, req: req, spin: spinner.New(spinner.WithSpinner(spinner.MiniDot)), width: ctx.Width - 2, height: ctx.Height}
}

func (*Page) IsRequestStep() {}

func (p *Page) Title() string             { return "OIDC login" }
func (p *Page) TakesText() bool           { return false }
func (p *Page) SetSize(width, height int) { p.width, p.height = width, height }
func (p *Page) Account() string           { return p.req.Account }

// Busy: the log and the inspector wait while the listener starts (not
// while the browser is used: that may take minutes).
func (p *Page) Busy() bool { return p.phase == oidcListening }

func (p *Page) Keys() help.KeyMap {
	k := p.ctx.Keys
	if p.phase == oidcFailed {
		return common.Bindings{Short: []key.Binding{common.WithHelp(k.Select, "try again"), k.Back, k.ForceQuit}}
	}
	if p.phase == oidcWaiting && p.url != "" {
		return common.Bindings{Short: []key.Binding{common.WithHelp(k.CopyToken, "copy URL"), common.WithHelp(k.Back, "cancel"), k.ForceQuit}}
	}
	return common.Bindings{Short: []key.Binding{common.WithHelp(k.Back, "cancel"), k.ForceQuit}}
}

// Start listens for the redirect; the browser opens once it listens.
func (p *Page) Start() tea.Cmd {
	p.abort()
	// The last login's URL is dead (its listener closed): not shown,
	// offered or copied until the new one listens.
	p.phase, p.err, p.opened, p.openErr, p.url, p.redirect = oidcListening, "", "", false, "", ""
	id, req := p.id, p.req
	return tea.Batch(p.spin.Tick, func() tea.Msg {
		b, err := flows.StartBrowserLogin(req.AuthorizeURL, req.RedirectURI)
		return oidcListeningMsg{id: id, login: b, err: err}
	})
}

func (p *Page) abort() {
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
	if p.login != nil {
		p.login.Close()
		p.login = nil
	}
	p.id = p.ctx.NextID()
}

func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		k := p.ctx.Keys
		switch {
		case key.Matches(msg, k.Back):
			p.abort()
			return p, func() tea.Msg { return common.CloseWithStatusMsg{Status: "browser login cancelled"} }
		case key.Matches(msg, k.Select) && p.phase == oidcFailed:
			return p, p.Start()
		case key.Matches(msg, k.CopyToken) && p.phase == oidcWaiting && p.url != "":
			u := p.url
			return p, func() tea.Msg { return common.CopyMsg{What: "authorize URL", Text: u} }
		}
	case oidcListeningMsg:
		if msg.id != p.id {
			if msg.login != nil {
				msg.login.Close()
			}
			return p, nil
		}
		if msg.err != nil {
			p.phase, p.err = oidcFailed, common.ErrText(msg.err)
			return p, nil
		}
		return p, p.wait(msg.login)
	case OpenedMsg:
		if msg.id != p.id {
			return p, nil
		}
		if msg.err != nil {
			p.opened, p.openErr = "Could not open a browser ("+common.ErrText(msg.err)+"): open the URL above yourself.", true
		} else {
			p.opened = "Opened in your browser: sign in there."
		}
	case timeoutMsg:
		if msg.id != p.id || p.phase != oidcWaiting {
			return p, nil
		}
		// Listening stops; the wait's answer, cancelled, is dropped.
		p.abort()
		p.phase, p.url = oidcFailed, ""
		p.err = "the browser login gave up: " + common.ErrText(flows.ErrLoginTimeout)
		return p, nil
	case DoneMsg:
		if msg.id != p.id {
			return p, nil
		}
		p.cancel = nil
		if p.login != nil {
			p.login.Close()
			p.login = nil
		}
		if msg.Err != nil {
			p.phase, p.err = oidcFailed, common.ErrText(msg.Err)
			if errors.Is(msg.Err, flows.ErrLoginTimeout) {
				p.err = "the browser login gave up: " + p.err
			}
			return p, nil
		}
		res := msg.res
		return p, func() tea.Msg { return common.MFATokenMsg{Res: res} }
	case spinner.TickMsg:
		if p.phase == oidcFailed {
			return p, nil
		}
		var cmd tea.Cmd
		p.spin, cmd = p.spin.Update(msg)
		return p, cmd
	}
	return p, nil
}

// wait opens the browser and waits for the redirect, then exchanges its
// code.
func (p *Page) wait(b *flows.BrowserLogin) tea.Cmd {
	p.login, p.phase, p.url, p.redirect = b, oidcWaiting, b.URL, b.RedirectURI
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	id, open, svc, req := p.id, p.ctx.OpenURL, p.svc, p.req
	opener := func() tea.Msg {
		if open == nil {
			return OpenedMsg{id: id, err: errors.New("no browser opener here")}
		}
		return OpenedMsg{id: id, err: open(b.URL)}
	}
	waiter := func() tea.Msg {
		// The time limit is the page's tick below, which cancels ctx.
		code, err := b.Wait(ctx, nil)
		if err != nil {
			return DoneMsg{id: id, Err: err}
		}
		req.Code, req.RedirectURI = code, b.RedirectURI
		out, err := svc.Start(ctx, req)
		return DoneMsg{id: id, res: out.Result, Err: err}
	}
	timeout := p.ctx.Tick(flows.BrowserLoginTimeout, func(time.Time) tea.Msg { return timeoutMsg{id: id} })
	return tea.Batch(opener, waiter, timeout)
}

func (p *Page) View() string {
	s, w := p.ctx.Styles, p.width
	// The heading wraps too: at 60 columns it is wider than the body.
	out := []string{common.Wrap(s.Value, s.Warn.Render("OIDC browser login")+s.Muted.Render(" · a code from the account's identity provider"), w), ""}
	switch p.phase {
	case oidcListening:
		out = append(out, p.spin.View()+" listening on 127.0.0.1 for the redirect…")
	case oidcWaiting:
		out = append(out, common.Wrap(s.Value, "Sign in with the identity provider at (c copies it):", w), urlLines(p.url, w), "")
		if p.opened != "" {
			st := s.Muted
			if p.openErr {
				st = s.Warn
			}
			out = append(out, common.Wrap(st, p.opened, w))
		}
		out = append(out, common.Wrap(s.Value, p.spin.View()+" waiting for the redirect to "+textsafe.Sanitize(p.redirect)+" (5 minutes at most; esc cancels)…", w))
	case oidcFailed:
		out = append(out, common.Wrap(s.Error, "✗ "+p.err, w), "", common.Wrap(s.Muted, "enter tries again; esc goes back.", w))
	}
	all := strings.Split(strings.Join(out, "\n"), "\n")
	if p.height > 0 && len(all) > p.height {
		all = all[:p.height]
	}
	return strings.Join(all, "\n")
}

// urlLines is a URL cut into lines of width, with nothing added: selected
// in a terminal, it is the URL.
func urlLines(u string, width int) string {
	u = textsafe.Sanitize(u)
	width = max(width, 10)
	var lines []string
	for len(u) > width {
		lines = append(lines, u[:width])
		u = u[width:]
	}
	return strings.Join(append(lines, u), "\n")
}

// Owns: the login's answers are the page's wherever it is in the back
// stack (the HTTP log may be open over it while it waits).
func (p *Page) Owns(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case oidcListeningMsg:
		return msg.id == p.id
	case OpenedMsg:
		return msg.id == p.id
	case DoneMsg:
		return msg.id == p.id
	case timeoutMsg:
		return msg.id == p.id
	}
	return false
}
