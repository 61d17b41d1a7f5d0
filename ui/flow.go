package ui

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/session"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/confirm"
	"github.com/tokenbench/tokenbench/ui/pages/chooser"
	"github.com/tokenbench/tokenbench/ui/pages/failure"
	"github.com/tokenbench/tokenbench/ui/pages/home"
	"github.com/tokenbench/tokenbench/ui/pages/mfa"
	"github.com/tokenbench/tokenbench/ui/pages/oidc"
	"github.com/tokenbench/tokenbench/ui/pages/passwordless"
	"github.com/tokenbench/tokenbench/ui/pages/request"
	"github.com/tokenbench/tokenbench/ui/pages/sending"
	"github.com/tokenbench/tokenbench/ui/pages/token"
)

// flow is the request being worked on, from the screen it was sent from
// to its token: what it asks for, for which profile or connection, where
// its errors go, and the token it got. It arranges the back stack for it:
// the sending page over where it was sent from, then the MFA screen or the
// token view, and back to where it started on an error or esc.
type flow struct {
	ctx    *common.Context
	nav    *router
	chrome *chrome
	sigs   *sigChecker
	// home is the bottom page, nil when there is none (no profiles can be
	// saved and there are no connections).
	home *home.Page

	runner  *flows.Runner
	baseURL string
	channel client.Channel
	// errorsToForm: the request's errors open the form (else they go to
	// the page it was sent from).
	errorsToForm bool
	// sentFrom is the page showing when the request was sent.
	sentFrom common.Page
	// sent is the request sent, for the error view of its failure.
	sent flows.Request

	activeKey home.ItemKey      // the home item a request runs for
	active    *profiles.Profile // the profile it runs for
	// shown are the tokens shown, for bundles.
	shown shownTokens
	// forms are the request's forms: the last one made, what the next
	// one starts from, the drafts left with esc.
	forms forms
}

// editConnection opens the form of connection c (home item key), or its
// draft left with esc; its request runs for the connection.
func (f *flow) editConnection(key home.ItemKey, c *common.Connection) {
	f.activeKey = key
	f.forms.editConnection(key, c)
}

// setStatus shows a status line under the screen showing.
func (f *flow) setStatus(text string, isErr bool) {
	f.chrome.setStatus(text, isErr, f.nav.top())
}

// forOneOff makes the next request a one-off: its token belongs to no
// profile or connection.
func (f *flow) forOneOff() { f.activeKey, f.active = home.ItemKey{}, nil }

// runFor makes the next request home item key's: p is its profile, nil
// for a connection.
func (f *flow) runFor(key home.ItemKey, p *profiles.Profile) {
	f.activeKey, f.active = key, nil
	if p != nil {
		cp := *p
		f.active = &cp
	}
}

// useChannel is where the next request's MFA code goes first.
func (f *flow) useChannel(ch client.Channel) { f.channel = ch }

// sentWith notes runner and base as the request's, sent from the page on
// top; its errors go under that page.
func (f *flow) sentWith(runner *flows.Runner, base string) {
	f.runner, f.baseURL, f.sentFrom, f.errorsToForm = runner, base, f.nav.top(), false
}

// openChooser opens the grant chooser for a request or for a new profile.
func (f *flow) openChooser(forProfile bool) {
	f.nav.push(chooser.New(f.ctx, forProfile))
}

// base resets the back stack to its bottom: home, when there is one.
func (f *flow) base() []common.Page {
	if f.home == nil {
		return nil
	}
	return []common.Page{f.home}
}

// actAsUserConfirmedMsg: y to issuing a code for a user of a production
// account; the request is sent.
type actAsUserConfirmedMsg struct {
	req    flows.Request
	base   string
	toForm bool
}

// start sends a request; toForm says its errors open the form. A code
// issued for a user of a production account is asked about first.
func (f *flow) start(req flows.Request, baseURL string, toForm bool) tea.Cmd {
	if what := req.ActsAsProductionUser(); what != "" {
		yes := func() tea.Msg { return actAsUserConfirmedMsg{req: req, base: baseURL, toForm: toForm} }
		f.nav.push(confirm.New(f.ctx, "act as user", "Warning: "+what+". Go on? y/n", yes, "not confirmed: nothing was sent"))
		return nil
	}
	return f.send(req, baseURL, toForm)
}

// send sends a request; toForm says its errors open the form.
func (f *flow) send(req flows.Request, baseURL string, toForm bool) tea.Cmd {
	runner, err := f.ctx.NewRunner(baseURL)
	if err != nil {
		f.errorsToForm = toForm
		f.fail(err)
		return nil
	}
	f.runner, f.baseURL, f.errorsToForm, f.sentFrom = runner, baseURL, toForm, f.nav.top()
	f.sent = req
	label := "requesting a " + string(req.Grant) + " token"
	if req.Bearer == "" && req.CanChain() {
		label = "client_credentials → " + string(req.Grant)
	}
	svc := f.service(runner)
	switch {
	case req.Grant == client.GrantAuthorizationCode && req.IdentType == flows.IdentEmail && req.VerificationCode == "":
		// A code sent to the customer: the code screen asks for it.
		return f.showSending(label+" (sending the code)", req.Account, func(ctx context.Context) tea.Msg {
			l, err := runner.StartPasswordless(ctx, req)
			return resultMsg{pwless: l, err: err}
		})
	case req.Grant == client.GrantOIDC && req.Code == "" && req.AuthorizeURL != "":
		// A browser login: the wait screen, over where it was sent from.
		p := oidc.New(f.ctx, svc, req)
		f.nav.push(p)
		return p.Start()
	}
	return f.showSending(label, req.Account, func(ctx context.Context) tea.Msg {
		out, err := svc.Start(ctx, req)
		return resultMsg{res: out.Result, session: out.MFA, err: err}
	})
}

// service is the request's UI-free side: the session's rules for its
// token (remember, refresh, revoke), sending with runner.
func (f *flow) service(runner *flows.Runner) *session.Flow {
	svc := &session.Flow{Service: f.ctx.Session, Runner: runner, BaseURL: f.baseURL}
	if !f.activeKey.None() {
		svc.Held = f.activeKey.Held()
		svc.Profile = profiles.Profile{Name: svc.Held, BaseURL: f.baseURL}
		if c := f.connection(); c != nil {
			svc.Profile.AutoRefresh = c.AutoRefresh
		}
	}
	if f.active != nil {
		svc.Profile, svc.Saved = *f.active, true
	}
	return svc
}

// showSending shows a sending page for run (a request with the page's
// cancellable context) over the screen, and starts it.
func (f *flow) showSending(label, account string, run func(context.Context) tea.Msg) tea.Cmd {
	p := sending.New(f.ctx, label, account)
	f.nav.push(p)
	return p.Start(run)
}

// fail shows a request's error where it belongs: in the form's banner, or
// under the page it was sent from.
func (f *flow) fail(err error) {
	if f.errorsToForm {
		f.forms.showForm()
		f.nav.update(request.SetBannerMsg{Text: common.ErrText(err) + session.Hint(err, f.baseURL)})
	} else {
		f.leaveSending()
		f.setStatus(common.ErrText(err), true)
	}
	// An answer with Dintero's details, or one the client's grants
	// explain, opens the error view over it.
	if p := failure.New(f.ctx, err, f.sent, f.baseURL, f.active, f.ctx.Connections); p != nil {
		f.nav.push(p)
	}
}

// leaveSending goes back from the sending page: to the form, when errors
// go there, else to the page under it.
func (f *flow) leaveSending() {
	if f.errorsToForm {
		f.forms.showForm()
		return
	}
	if _, sending := topIs[*sending.Page](f.nav); sending {
		f.nav.pop()
	}
}

// onResult shows a request's answer: its error, the MFA screen in place of
// the sending page (back goes where the request was sent from: home, the
// form, or the token view it refreshed), or its token.
func (f *flow) onResult(msg resultMsg) tea.Cmd {
	switch {
	case msg.err != nil:
		f.fail(msg.err)
		return nil
	case msg.session != nil:
		p := mfa.New(f.ctx, f.runner, f.baseURL, f.service(f.runner).Keep, f.active, msg.session, f.channel)
		f.nav.replace(p)
		if !f.activeKey.None() {
			// A saved profile or a connection knows its channel: the
			// code goes out at once (ctrl+w still switches), so launch,
			// enter, the code, enter and c get a token copied.
			return p.SendChallenge(f.channel)
		}
		return nil
	case msg.pwless != nil:
		f.nav.replace(passwordless.New(f.ctx, msg.pwless, f.service(f.runner).Keep))
		return nil
	}
	cmd := f.showToken(msg.res)
	if msg.note != "" {
		f.setStatus(msg.note, false)
	}
	return cmd
}

// showToken shows a new token in place of the screen that got it (the
// sending page, the MFA screen, a finished recovery). Back leads to the
// screen the request was sent from (the form, or home), never to a stale
// token, MFA or sending screen.
func (f *flow) showToken(res *flows.Result) tea.Cmd {
	fromHome := f.sentFrom != nil && f.sentFrom == common.Page(f.home)
	f.nav.pop()
	f.nav.keep(func(p common.Page) bool {
		switch p.(type) {
		case common.RequestStep:
			return false
		case common.RequestForm:
			// A request run from home went through the form only to
			// show an MFA prompt or an error; back goes home.
			return !fromHome
		}
		return true
	})
	if _, fromForm := f.sentFrom.(common.RequestForm); fromForm && f.forms.form != nil && f.nav.top() != common.Page(f.forms.form) {
		f.nav.push(f.forms.form)
	}
	f.shown.add(res, f.running())
	f.nav.push(token.New(f.ctx, res, f.sigs.sigFor))
	f.setStatus("token received", false)
	return f.sigs.check(res, f.service(f.runner).JWKSURL(res))
}

// onTokenAct does what the token view asks with its token.
func (f *flow) onTokenAct(msg token.ActMsg) tea.Cmd {
	res := msg.Res
	switch msg.Act {
	case token.ActRefresh:
		return f.refresh(res)
	case token.ActNewRequest:
		// Over the token: esc comes back to it. The request becomes a
		// one-off when its form is sent.
		f.nav.push(chooser.New(f.ctx, false))
	case token.ActRevoke:
		return f.revoke(res)
	case token.ActBundle:
		return f.openBundle(f.bundleInput(res), "token view", res)
	case token.ActDiagnose:
		return f.openDiagnose(common.DiagnoseSource{BaseURL: f.baseFor(), Request: res.Request, Profile: f.active}, msg.User)
	}
	return nil
}

// refresh gets a fresh token for res: with its refresh token (through the
// session for a home item's), or by repeating its sign-in after a revoke.
func (f *flow) refresh(res *flows.Result) tea.Cmd {
	if repeat, why := session.RefreshPlan(res); why != "" {
		f.setStatus(why, true)
		return nil
	} else if repeat != nil {
		return f.start(*repeat, f.baseFor(), false)
	}
	runner := f.runner
	if runner == nil {
		// A token from a page (recovery, diagnose) has no runner yet.
		var err error
		if runner, err = f.ctx.NewRunner(f.baseFor()); err != nil {
			f.setStatus(common.ErrText(err), true)
			return nil
		}
	}
	f.errorsToForm, f.sentFrom, f.sent = false, f.nav.top(), res.Request
	label, note := "refreshing with the refresh token", ""
	if res.RefreshToken == "" {
		// No refresh token (none came, or it was revoked): the grant is
		// repeated, a new sign-in, and the status says so.
		label = "signing in again: no refresh token to use"
		if res.Request.Grant == client.GrantClientCredentials {
			label = "getting a new client_credentials token"
		} else {
			note = "signed in again with " + string(res.Request.Grant) + ": there was no refresh token to use"
		}
	}
	svc := f.service(runner)
	return f.showSending(label, res.Request.Account, func(ctx context.Context) tea.Msg {
		// A home item's token: the session refreshes it with the latest
		// stored refresh token, under the profile's lock, and remembers
		// the new one.
		out, err := svc.Refresh(ctx, res)
		return resultMsg{res: out.Result, session: out.MFA, err: err, note: note}
	})
}

// onAutoRefresh shows a refreshed token in place of the one it replaces
// on every token view showing that one, on top or under another screen
// (the log), checks its signature as the old one's was, and says so on the
// token view; the home screen reads the outcome from the session.
func (f *flow) onAutoRefresh(msg autoRefreshMsg) tea.Cmd {
	// A token that could not be kept (a *session.KeepError) is held all
	// the same: it replaces the old one too.
	res, old := msg.out.Result, msg.out.Replaced
	if res == nil || old == nil {
		return nil
	}
	views, cmd := f.nav.updateWhere(func(p common.Page) bool {
		t, ok := p.(*token.Page)
		return ok && t.Shows(old)
	}, token.ReplacedMsg{Res: res})
	if len(views) == 0 {
		return nil
	}
	// The new token is the old one's item's (its bundle names that item).
	f.shown.add(res, f.shown.items[old])
	// What home says of it (the time, a token that could not be kept).
	note := f.ctx.Session.State(msg.name).Note(f.ctx.Now())
	if !strings.HasPrefix(note, "auto-refreshed") {
		note = "auto-refreshed"
	}
	for _, v := range views {
		f.chrome.setStatusFor("token "+note, msg.err != nil, v, f.nav.top())
	}
	return tea.Batch(cmd, f.sigs.checkLike(old, res))
}

// activeName is the name of the profile or connection a request runs for.
func (f *flow) activeName() string {
	if f.active != nil {
		return f.active.Name
	}
	if c := f.connection(); c != nil {
		return c.Name
	}
	return ""
}

// connection is the connection a request runs for; nil when none.
func (f *flow) connection() *common.Connection {
	if i, ok := f.activeKey.Conn(); ok && i >= 0 && i < len(f.ctx.Connections) {
		return &f.ctx.Connections[i]
	}
	return nil
}

// frame is what the chrome shows of the flow around page.
func (f *flow) frame(page common.Page) frame {
	fr := frame{top: page, active: f.activeName()}
	if _, step := page.(common.RequestStep); step {
		fr.flowName = fr.active
	}
	return fr
}
