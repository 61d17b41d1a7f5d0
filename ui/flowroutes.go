package ui

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/session"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/components/tokenview"
	"github.com/tokenbench/tokenbench/ui/pages/chooser"
	"github.com/tokenbench/tokenbench/ui/pages/diagnose"
	"github.com/tokenbench/tokenbench/ui/pages/home"
	"github.com/tokenbench/tokenbench/ui/pages/log"
	"github.com/tokenbench/tokenbench/ui/pages/recovery"
	"github.com/tokenbench/tokenbench/ui/pages/supportbundle"
	"github.com/tokenbench/tokenbench/ui/pages/token"
)

// This file is the root's side of the recovery, diagnose and bundle screens
// and of revoke: opening them, and routing to them.

// revokedMsg is a revoke's answer.
type revokedMsg struct {
	name string // the held item ("" for a token held nowhere)
	out  session.Revoked
	err  error
}

// onFlowMsg handles the requests of the recovery, diagnose and bundle
// pages, and revoke's answer; ok is false for any other message.
func (f *flow) onFlowMsg(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case common.NavTokenMsg:
		f.sentFrom = f.nav.top()
		if msg.Base != "" {
			f.baseURL = msg.Base
		}
		return f.showToken(msg.Res), true
	case common.RecoveryChosenMsg:
		// A request of its own: its token belongs to no profile.
		f.forOneOff()
		if d := f.forms.drafts.takeRecovery(); d != nil {
			// Left with esc: shown again as it was typed.
			f.nav.push(d)
			return d.Resume(), true
		}
		v := f.forms.currentValues()
		req := flows.Request{Account: v[form.FAccount], ClientID: v[form.FClientID], ClientSecret: v[form.FClientSecret], Username: v[form.FUsername]}
		return f.openRecovery(v[form.FBaseURL], req, f.channel), true
	case common.BundleAskedMsg:
		if msg.From == log.TimelineTitle {
			in, res := f.timelineBundleInput()
			return f.openBundle(in, msg.From, res), true
		}
		if msg.Exchange != 0 {
			in := bundle.Input{BaseURL: f.baseFor()}
			in.User, in.Account = bundle.CaseOf(log.ExchangesOf(f.ctx), msg.Exchange)
			in.NoToken = "made from the HTTP log's row: no token is decoded here (the case's tokens are in session.har, as fingerprints)"
			return f.openBundle(in, msg.From, nil), true
		}
		return f.openBundle(f.bundleInput(f.shown.last), msg.From, f.shown.last), true
	case common.RecoveryAskedMsg:
		p := recovery.New(f.ctx, msg.Base, msg.Req, msg.Channel, msg.Keep)
		f.nav.push(p)
		return p.Start(), true
	case common.DiagnoseAskedMsg:
		if msg.Src.Profile == nil && msg.Src.Connection == "" && f.active == nil {
			// Asked for on a screen of the connection's run (its error
			// view, its MFA screen): the bundle names it.
			if c := f.connection(); c != nil {
				msg.Src.Connection = c.Name
			}
		}
		if msg.ClientQ != nil {
			p := diagnose.NewClient(f.ctx, msg.Src, *msg.ClientQ, msg.User)
			f.nav.push(p)
			return p.Start(), true
		}
		return f.openDiagnose(msg.Src, msg.User), true
	case common.BundleForMsg:
		p := supportbundle.New(f.ctx, msg.In, msg.From)
		f.nav.push(p)
		return p.Focus(), true
	case revokedMsg:
		return f.onRevoked(msg), true
	case recovery.SetupLeftMsg:
		f.nav.pop()
		// Kept for the chooser it was opened from (one opened by L on
		// the MFA screen is that sign-in's, and its own).
		if _, toChooser := topIs[*chooser.Page](f.nav); toChooser {
			f.nav.update(chooser.FormLeftMsg{})
			f.forms.drafts.recovery = msg.Page
		}
		return nil, true
	case actAsUserConfirmedMsg:
		return f.send(msg.req, msg.base, msg.toForm), true
	case common.CloseWithStatusMsg:
		f.nav.pop()
		f.setStatus(msg.Status, msg.Err)
		return nil, true
	}
	return nil, false
}

// openRecovery opens the guided recovery's setup, filled in from req's
// user and client; nothing is sent before the user confirms.
func (f *flow) openRecovery(base string, req flows.Request, ch client.Channel) tea.Cmd {
	p := recovery.New(f.ctx, base, req, ch, f.service(f.runner).Keep)
	f.nav.push(p)
	return p.Ask()
}

// openDiagnose opens the diagnose screen for user (asked for when "").
func (f *flow) openDiagnose(src common.DiagnoseSource, user string) tea.Cmd {
	p := diagnose.New(f.ctx, src, user)
	f.nav.push(p)
	return p.Start()
}

// diagnoseFromHome diagnoses the selected item's user with its client.
func (f *flow) diagnoseFromHome(it home.Item) tea.Cmd {
	switch {
	case it.Profile != nil:
		p := *it.Profile
		req := p.Request()
		// A secret asked for each time, typed to run the profile in this
		// session, is not asked again.
		req.ClientSecret, req.Bearer = f.ctx.Session.AskedSecrets(p)
		return f.openDiagnose(common.DiagnoseSource{BaseURL: p.BaseURLOrDefault(), Request: req, Profile: &p}, p.Username)
	case it.Conn != nil:
		return f.openDiagnose(common.DiagnoseSource{BaseURL: it.Conn.BaseURL, Request: it.Conn.Request, Connection: it.Conn.Name}, it.Conn.Request.Username)
	}
	v := f.forms.currentValues()
	req := flows.Request{Account: v[form.FAccount], ClientID: v[form.FClientID], ClientSecret: v[form.FClientSecret], Bearer: v[form.FBearer]}
	return f.openDiagnose(common.DiagnoseSource{BaseURL: v[form.FBaseURL], Request: req}, v[form.FUsername])
}

// baseFor is the base URL a token came from.
func (f *flow) baseFor() string {
	if f.active != nil {
		return f.active.BaseURLOrDefault()
	}
	if f.baseURL != "" {
		return f.baseURL
	}
	return f.forms.values[form.FBaseURL]
}

// bundleInput is what a bundle about res holds: its account, grant,
// token and signature verdict. The token view bundles its token, the log
// the token shown last.
func (f *flow) bundleInput(res *flows.Result) bundle.Input {
	in := bundle.Input{Account: f.forms.values[form.FAccount], BaseURL: f.baseFor()}
	f.running().name(&in)
	if res == nil {
		return in
	}
	in.Account, in.Grant, in.ClientID = res.Request.Account, tokenview.GrantLine(res), res.Request.ClientID
	// The case is the token's user (a client's token has none).
	in.User = tokenview.TokenUser(res)
	if in.User == "" {
		in.User = res.Request.Username
	}
	if res.Partner != nil {
		in.Partner = res.Partner.Label()
	}
	if res.Response != nil {
		in.AccessToken = res.Response.AccessToken
		in.Verdict = f.sigs.sigs[in.AccessToken]
	}
	return in
}

// timelineBundleInput is what a bundle from the MFA timeline holds: the
// token the timeline's flow ended with, whatever was shown since (a
// refresh, another connection's token), or no token and why. res is that
// token, nil when there is none.
func (f *flow) timelineBundleInput() (in bundle.Input, res *flows.Result) {
	ex := log.ExchangesOf(f.ctx)
	steps := flows.Timeline(ex)
	in = bundle.Input{Account: f.forms.values[form.FAccount], BaseURL: f.baseFor()}
	if len(steps) == 0 {
		f.running().name(&in)
		in.NoToken = flows.TimelineSummary(steps)
		return in, nil
	}
	byID := make(map[int]record.Exchange, len(ex))
	for _, e := range ex {
		byID[e.ID] = e
	}
	if a := accountOf(byID[steps[0].ExchangeID].URL); a != "" {
		in.Account = a
	}
	// The case is the flow's user, named by its first step.
	for _, st := range steps {
		if u := byID[st.ExchangeID].Fields["username"]; u != "" {
			in.User = u
			break
		}
	}
	if it := f.running(); strings.EqualFold(strings.TrimSpace(f.runningUser()), strings.TrimSpace(in.User)) {
		it.name(&in) // not when another item ran since
	}
	// The flow as the bundle's summary.md tells it, from the case's
	// exchanges: what the bundle says of its token and outcome must be
	// what its timeline shows.
	in.Exchanges = ex
	if cs, _, _ := in.Timeline(); len(cs) > 0 {
		steps = cs
	}
	name, passwordless := "the MFA flow", false
	for _, st := range steps {
		e := byID[st.ExchangeID]
		if g := e.Fields["grant_type"]; g == string(client.GrantAuthorizationCode) {
			in.Grant, name, passwordless = g+" (passwordless)", "the passwordless login", true
			break
		}
		if g := e.Fields["grant_type"]; g != "" && g != string(client.GrantClientCredentials) {
			in.Grant = g + " via MFA"
			break
		}
		if strings.HasSuffix(urlPath(e.URL), "/auth/mfa/recovery") {
			in.Grant = "MFA recovery"
			break
		}
	}
	last := steps[len(steps)-1]
	end := byID[last.ExchangeID]
	ended := client.Grant(end.Fields["grant_type"]).IsMFAOOB() || passwordless && end.Fields["grant_type"] == string(client.GrantAuthorizationCode)
	if !last.OK || end.ErrorCode != "" || !ended {
		in.NoToken = name + " " + flows.TimelineSummary(steps)
		if !last.OK {
			// A failed flow names its run: summary.md's Failed section.
			in.Error = in.NoToken
		}
		return in, nil
	}
	// The answer holds the token as a fingerprint: the token shown with
	// that fingerprint is the flow's.
	for i := len(f.shown.latest) - 1; i >= 0; i-- {
		r := f.shown.latest[i]
		if r.Response != nil && r.Response.AccessToken != "" && strings.Contains(end.ResponseBody, record.Fingerprint(r.Response.AccessToken)) {
			tin := f.bundleInput(r)
			if tin.User == "" {
				tin.User = in.User
			}
			f.shown.items[r].name(&tin) // the flow's item, not one run since
			return tin, r
		}
	}
	in.NoToken = name + "'s token (" + flows.TimelineSummary(steps) + ") is no longer held by this session"
	return in, nil
}

// running is the profile or connection the request runs for.
func (f *flow) running() runItem {
	if f.active != nil {
		return runItem{profile: f.active.Name}
	}
	if c := f.connection(); c != nil {
		return runItem{connection: c.Name}
	}
	return runItem{}
}

// runningUser is the user the profile or connection signs in ("" for a
// client's, or none).
func (f *flow) runningUser() string {
	if f.active != nil {
		return f.active.Username
	}
	if c := f.connection(); c != nil {
		return c.Request.Username
	}
	return ""
}

// urlPath is u's path ("" when u does not parse).
func urlPath(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Path
}

// accountOf is the account id in an auth URL (…/accounts/ID/auth/…).
func accountOf(u string) string {
	_, rest, ok := strings.Cut(urlPath(u), "/accounts/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}

// openBundle opens the bundle screen for in; res is the token it is
// about, whose request's secrets the redactor must know.
func (f *flow) openBundle(in bundle.Input, from string, res *flows.Result) tea.Cmd {
	if f.ctx.WriteBundle == nil {
		f.setStatus("support bundles cannot be written here", true)
		return nil
	}
	if f.ctx.Redactor != nil && res != nil {
		res.Request.NoteSecrets(f.ctx.Redactor)
	}
	p := supportbundle.New(f.ctx, in, from)
	f.nav.push(p)
	return p.Focus()
}

// revoke revokes the shown token's refresh token: through the session
// service for a home item (which removes it from the profile's store), or
// with a runner for a token held nowhere.
func (f *flow) revoke(res *flows.Result) tea.Cmd {
	runner, err := f.ctx.NewRunner(f.baseFor())
	if err != nil {
		f.setStatus("not revoked: "+common.ErrText(err), true)
		return nil
	}
	// A token the session holds is revoked through it; one held nowhere
	// as it is.
	svc := f.service(runner)
	svc.Held = svc.HeldName()
	if f.ctx.Redactor != nil {
		res.Request.NoteSecrets(f.ctx.Redactor)
	}
	f.errorsToForm, f.sentFrom = false, f.nav.top()
	return f.showSending("revoking the refresh token", res.Request.Account, func(ctx context.Context) tea.Msg {
		out, err := svc.Revoke(ctx, res)
		return revokedMsg{name: svc.Held, out: out, err: err}
	})
}

func (f *flow) onRevoked(msg revokedMsg) tea.Cmd {
	f.leaveSending()
	fp := record.Fingerprint(msg.out.RefreshToken)
	if _, ok := topIs[*token.Page](f.nav); ok && msg.out.Revoked {
		// The server refuses it now: the view must not offer it.
		f.nav.update(token.RefreshRevokedMsg{Fp: fp})
	}
	switch {
	case msg.err != nil && msg.out.Revoked:
		f.setStatus("revoked refresh token "+fp+", but "+common.ErrText(msg.err), true)
	case msg.err != nil:
		f.setStatus("not revoked: "+common.ErrText(msg.err), true)
	case msg.out.Removed:
		f.setStatus(fmt.Sprintf("revoked refresh token %s and removed it from profile %s's store", fp, msg.name), false)
	case msg.out.ElsewhereFrom != "":
		f.setStatus(fmt.Sprintf("revoked refresh token %s; profile %s reads it from %s, which tokenbench does not write: remove it there", fp, msg.name, msg.out.ElsewhereFrom), false)
	default:
		f.setStatus(fmt.Sprintf("revoked refresh token %s; it was held in memory only, nothing stored to remove", fp), false)
	}
	return nil
}
