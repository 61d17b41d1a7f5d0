// Package token is the screen of an obtained token and what can be done
// with it (copy, refresh, revoke, save as a profile, bundle, diagnose).
package token

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/session"
	"github.com/tokenbench/tokenbench/textsafe"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/tokenview"
)

// Act is what the token view asks the root to do with its token.
type Act int

const (
	ActRefresh Act = iota
	ActNewRequest
	ActSaveAs
	ActRevoke
	ActBundle
	ActDiagnose
)

// ActMsg asks the root to act on the token view's token: it owns the
// runner, the session and the screens these open.
type ActMsg struct {
	Act  Act
	Res  *flows.Result
	User string // for actDiagnose
}

// Page is the token view as a Page: the token, its scroll, raw JSON
// and the y/n questions are its own; what needs the session (refresh,
// revoke, save, a new request) it asks the root for.
type Page struct {
	ctx *common.Context
	t   tokenview.Model
	// scroll is how far the claims (or the raw JSON) are scrolled.
	scroll int
	// confirmRefreshCopy and confirmRevoke are set while "copy the
	// refresh token?" or "revoke the refresh token?" is asked.
	confirmRefreshCopy, confirmRevoke bool
	// sig is the signature check's line for an access token, read from
	// the root's checks ("checking…" while one is under way).
	sig           func(token string) string
	width, height int
}

// New shows res; sig reads the signature check's line of an access token.
func New(ctx *common.Context, res *flows.Result, sig func(string) string) *Page {
	return &Page{ctx: ctx, t: tokenview.New(res, ctx.RedactFunc()), sig: sig, width: ctx.Width - 2}
}

func (p *Page) Title() string             { return "token" }
func (p *Page) TakesText() bool           { return false }
func (p *Page) SetSize(width, height int) { p.width, p.height = width, height }
func (p *Page) Ticking() bool             { return true }
func (p *Page) Account() string           { return p.t.Result().Request.Account }

// Shows reports whether the view shows res (the same access token).
func (p *Page) Shows(res *flows.Result) bool {
	return res != nil && p.t.Result().Response.AccessToken == res.Response.AccessToken
}

// QuestionMarkIsHelp: ? shows the help unless a y/n question is open.
func (p *Page) QuestionMarkIsHelp() bool { return !p.asking() }

// PartnerLabel is the partner route the token came by, for the header.
func (p *Page) PartnerLabel() string {
	if p.t.Result().Partner == nil {
		return ""
	}
	return p.t.Result().Partner.Label()
}

// WindowNote is the token's countdown for the window title.
func (p *Page) WindowNote() string {
	e := p.t.Result().Expiry
	switch {
	case !e.Known():
		return ""
	case e.Expired(p.ctx.Now()):
		return "EXPIRED"
	}
	return tokeninfo.Countdown(e.Remaining(p.ctx.Now()))
}
func (p *Page) asking() bool      { return p.confirmRefreshCopy || p.confirmRevoke }
func (p *Page) act(a Act) tea.Cmd { return p.actFor(a, "") }
func (p *Page) Asking() bool      { return p.asking() }
func (p *Page) actFor(a Act, user string) tea.Cmd {
	res := p.t.Result()
	return func() tea.Msg { return ActMsg{Act: a, Res: res, User: user} }
}

// Messages the root sends the token view on top.
type (
	// ReplacedMsg: auto-refresh got a new token for the one shown; the
	// root sends it to every token view showing the old one.
	ReplacedMsg struct{ Res *flows.Result }
	// RefreshRevokedMsg: the shown refresh token was revoked (fp).
	RefreshRevokedMsg struct{ Fp string }
)

// revokedAs marks the shown refresh token revoked (fp): the server refuses
// it now, so the view must not offer it.
func (p *Page) revokedAs(fp string) {
	p.t.MarkRevoked(fp)
}

// lines is the body: the lines pinned at the top (the countdown, and a
// question being asked) and the claims, which scroll.
func (p *Page) lines() (pinned, rest []string) {
	s := p.ctx.Styles
	t := p.t
	if p.sig != nil {
		sig := p.sig(t.Result().Response.AccessToken)
		if sig == "checking…" && t.Result().Token == nil {
			sig = ""
		}
		t.SetSig(sig)
	}
	lines := t.Lines(s, p.width, p.ctx.Now())
	pinned = lines[:2]
	if p.confirmRefreshCopy {
		pinned = append([]string{s.Warn.Render("Copy the refresh token? It is a long-lived secret. y/n")}, pinned...)
	}
	if p.confirmRevoke {
		pinned = append([]string{s.Warn.Render("Revoke the refresh token for good? y/n")}, pinned...)
	}
	return pinned, lines[2:]
}

func (p *Page) maxScroll() int {
	pinned, rest := p.lines()
	return max(0, len(rest)-(p.height-len(pinned)))
}

func (p *Page) View() string {
	pinned, rest := p.lines()
	room := p.height - len(pinned)
	scroll := min(p.scroll, max(0, len(rest)-room))
	shown := rest[scroll:]
	if len(shown) > room && room > 1 {
		// What is below says so: the key line does not name j.
		more := len(shown) - (room - 1)
		shown = append(shown[:room-1:room-1], p.ctx.Styles.Muted.Render(fmt.Sprintf("↓ %d more lines (j scrolls)", more)))
	}
	return strings.Join(append(pinned, shown...), "\n")
}

func (p *Page) Keys() help.KeyMap {
	k := p.ctx.Keys
	if p.asking() {
		return common.Bindings{Short: []key.Binding{k.Confirm, k.Deny}}
	}
	if p.t.Raw() {
		// esc and v both go back to the claims.
		claims := key.NewBinding(key.WithKeys(append(k.Back.Keys(), k.RawJSON.Keys()...)...), key.WithHelp("esc", "claims"))
		return p.offered(common.Bindings{
			Short: []key.Binding{k.CopyToken, k.Refresh, k.NewRequest, claims, k.CopyHeader, k.Right, k.Left, k.SaveProfile, k.CopyRefresh, k.Revoke, k.Bundle, k.Diagnose, k.Quit},
			Full:  [][]key.Binding{{k.Refresh, k.NewRequest, claims, k.Right, k.Left}, {k.CopyToken, k.CopyHeader, k.CopyRefresh}, {k.SaveProfile, k.Revoke, k.Bundle, k.Diagnose}, {k.Log, k.Inspect}, {k.Help, k.Quit, k.ForceQuit}},
		})
	}
	return p.offered(common.Bindings{
		Short: []key.Binding{k.CopyToken, k.Refresh, k.NewRequest, k.Back, k.CopyHeader, k.RawJSON, k.SaveProfile, k.CopyRefresh, k.Revoke, k.Bundle, k.Diagnose, k.Quit},
		Full:  [][]key.Binding{{k.Refresh, k.NewRequest, k.RawJSON}, {k.CopyToken, k.CopyHeader, k.CopyRefresh}, {k.SaveProfile, k.Revoke, k.Bundle, k.Diagnose}, {k.Log, k.Inspect, k.Back}, {k.Help, k.Quit, k.ForceQuit}},
	})
}

// offered drops from b the keys this token would refuse: the key line
// never offers what the screen then says no to (save as profile in the
// demo, a refresh token's keys without one, diagnose on a client's token,
// a refresh that cannot be sent).
func (p *Page) offered(b common.Bindings) common.Bindings {
	k, res := p.ctx.Keys, p.t.Result()
	_, noRefresh := session.RefreshPlan(res)
	refused := map[string]bool{
		k.SaveProfile.Help().Key: p.ctx.Store == nil,
		k.CopyRefresh.Help().Key: res.RefreshToken == "" || p.t.Revoked() != "",
		k.Revoke.Help().Key:      res.RefreshToken == "" || p.t.Revoked() != "",
		k.Diagnose.Help().Key:    tokenview.TokenUser(res) == "",
		k.Refresh.Help().Key:     noRefresh != "",
	}
	keep := func(bs []key.Binding) []key.Binding {
		var out []key.Binding
		for _, x := range bs {
			if !refused[x.Help().Key] {
				out = append(out, x)
			}
		}
		return out
	}
	out := common.Bindings{Short: keep(b.Short)}
	for _, col := range b.Full {
		out.Full = append(out.Full, keep(col))
	}
	return out
}

func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case ReplacedMsg:
		p.t.SetResult(msg.Res)
		return p, nil
	case RefreshRevokedMsg:
		p.revokedAs(msg.Fp)
		return p, nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	k := p.ctx.Keys
	t := &p.t
	res := t.Result()
	if p.confirmRevoke {
		p.confirmRevoke = false
		if key.Matches(km, k.Confirm) {
			return p, p.act(ActRevoke)
		}
		return p, common.SetStatus("refresh token not revoked", false)
	}
	if p.confirmRefreshCopy {
		p.confirmRefreshCopy = false
		if key.Matches(km, k.Confirm) {
			return p, copySecret("refresh token", res.RefreshToken, false)
		}
		return p, common.SetStatus("refresh token not copied", false)
	}
	switch {
	case key.Matches(km, k.Back) && t.Raw():
		// One step back: from the raw JSON to the claims.
		t.ToggleRaw()
		p.scroll = 0
	case key.Matches(km, k.Back):
		return p, common.ClosePage
	case key.Matches(km, k.Refresh):
		if _, why := session.RefreshPlan(res); why != "" {
			return p, common.SetStatus(why, true)
		}
		return p, p.act(ActRefresh)
	case key.Matches(km, k.CopyToken):
		return p, copySecret("access token", res.Response.AccessToken, res.Expiry.Expired(p.ctx.Now()))
	case key.Matches(km, k.CopyHeader):
		return p, copySecret("Authorization header", "Authorization: Bearer "+res.Response.AccessToken, res.Expiry.Expired(p.ctx.Now()))
	case key.Matches(km, k.CopyRefresh):
		switch {
		case t.Revoked() != "":
			return p, common.SetStatus("no refresh token to copy: it was revoked ("+t.Revoked()+")", true)
		case res.RefreshToken == "":
			return p, common.SetStatus("no refresh token to copy: "+res.RefreshNote(), true)
		}
		p.confirmRefreshCopy = true
	case key.Matches(km, k.NewRequest):
		return p, p.act(ActNewRequest)
	case key.Matches(km, k.RawJSON):
		t.ToggleRaw()
		p.scroll = 0
	case t.Raw() && key.Matches(km, k.Right):
		t.ScrollSideways(8, p.width)
	case t.Raw() && key.Matches(km, k.Left):
		t.ScrollSideways(-8, p.width)
	case key.Matches(km, k.SaveProfile):
		return p, p.act(ActSaveAs)
	case key.Matches(km, k.Revoke):
		if res.RefreshToken == "" {
			return p, common.SetStatus("no refresh token to revoke: "+res.RefreshNote(), true)
		}
		p.confirmRevoke = true
	case key.Matches(km, k.Bundle):
		return p, p.act(ActBundle)
	case key.Matches(km, k.Diagnose):
		user := tokenview.TokenUser(res)
		if user == "" {
			subject := "not a JWT"
			if res.Token != nil {
				subject = common.OrDash(res.Token.Subject)
			}
			return p, common.SetStatus("this token's subject is not a user ("+textsafe.Sanitize(subject)+"): nothing to diagnose", true)
		}
		return p, p.actFor(ActDiagnose, user)
	case key.Matches(km, k.Up):
		p.scroll = max(0, p.scroll-1)
	case key.Matches(km, k.Down):
		p.scroll = min(p.scroll+1, p.maxScroll())
	}
	return p, nil
}

// copySecret asks the root to copy a secret (cleared later); expired marks
// a token that has already expired (the paste would only earn a 401).
func copySecret(what, text string, expired bool) tea.Cmd {
	return func() tea.Msg { return common.CopyMsg{What: what, Text: text, Secret: true, Expired: expired} }
}

func (*Page) IsRequestStep() {}
