package ui

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/session"
	"github.com/tokenbench/tokenbench/textsafe"
)

// tokenModel shows an obtained token.
type tokenModel struct {
	result *flows.Result
	raw    bool
	scroll int
	// hscroll is how far raw JSON is scrolled sideways, in cells.
	hscroll int
	// confirmRefreshCopy is set while "copy the refresh token?" is asked.
	confirmRefreshCopy bool
	// confirmRevoke is set while "revoke the refresh token?" is asked.
	confirmRevoke bool
	// revoked is the fingerprint of the refresh token revoked here.
	revoked string
	// sig is the signature check's line ("" when none was made).
	sig string
}

// countdown renders the live expiry line, coloured by how much is left.
func countdown(s Styles, e tokeninfo.Expiry, issued time.Time, now time.Time) string {
	if !e.Known() {
		return s.Warn.Render("expiry unknown: no exp claim and no expires_in")
	}
	left := e.Remaining(now)
	if left <= 0 {
		return s.Expired.Render(" EXPIRED ") + " " + s.Muted.Render(tokeninfo.Relative(e.At, now)+", at "+clock(e.At, now))
	}
	style := s.CountOK
	total := e.At.Sub(issued)
	switch {
	case left <= 10*time.Second || (total > 0 && left*10 <= total):
		style = s.CountCrit
	case left <= 30*time.Second || (total > 0 && left*4 <= total):
		style = s.CountWarn
	}
	return style.Render("expires in "+tokeninfo.Countdown(left)) + "  " + s.Muted.Render("at "+clock(e.At, now)+" (from "+e.Source+")")
}

func clock(t, now time.Time) string {
	t = t.In(now.Location())
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04:05 MST")
	}
	return t.Format("2006-01-02 15:04:05 MST")
}

// lines renders the token view's body for width at now.
func (m *tokenModel) lines(s Styles, width int, now time.Time) []string {
	r := m.result
	issued := r.Response.ReceivedAt
	if r.Token != nil && !r.Token.IssuedAt.IsZero() {
		issued = r.Token.IssuedAt
	}
	if m.raw {
		return append([]string{countdown(s, r.Expiry, issued, now), ""}, m.rawLines(width)...)
	}
	var out []string
	// A long value wraps under itself (a URL, the refresh reason), so
	// nothing is cut at 60 or 80 columns.
	indent := strings.Repeat(" ", 12)
	row := func(label, value string) {
		lines := strings.Split(wrap(s.Value, value, max(10, width-12)), "\n")
		out = append(out, s.Label.Render(label)+" "+strings.TrimRight(lines[0], " "))
		for _, l := range lines[1:] {
			out = append(out, indent+strings.TrimRight(l, " "))
		}
	}
	out = append(out, countdown(s, r.Expiry, issued, now), "")

	inspected := r.Request.Grant == "" // pasted into the inspector
	if !inspected {
		row("Grant", grantLine(r))
	}
	if r.Token == nil {
		row("Token", s.Warn.Render("not a JWT: "+textsafe.Sanitize(r.DecodeErr.Error())))
	} else {
		t := r.Token
		row("Subject", orDash(t.Subject))
		row("Issuer", orDash(t.Issuer))
		row("Audience", orDash(textsafe.Bounded(t.Audience, 5)))
		if !t.IssuedAt.IsZero() {
			row("Issued", tokeninfo.FormatTime(t.IssuedAt, now))
		}
		if !t.ExpiresAt.IsZero() {
			row("Expires", tokeninfo.FormatTime(t.ExpiresAt, now))
		}
		row("Header", t.HeaderLine())
		switch {
		case m.sig == "":
			row("Signature", s.Muted.Render("not checked (no JWKS URL)"))
		case strings.HasPrefix(m.sig, "verified"):
			row("Signature", s.OK.Render("✓ "+m.sig))
		case m.sig == "checking…":
			row("Signature", s.Muted.Render(m.sig))
		default:
			row("Signature", s.Error.Render("✗ "+m.sig))
		}
		if len(t.Scopes) == 0 {
			row("Scopes", "-")
		}
		for i, sc := range t.Scopes {
			label := ""
			if i == 0 {
				label = fmt.Sprintf("Scopes (%d)", len(t.Scopes))
			}
			row(label, "• "+sc)
		}
	}
	switch {
	case inspected:
	case m.revoked != "":
		row("Refresh", s.Warn.Render("revoked "+m.revoked))
	case r.RefreshToken != "":
		row("Refresh", s.OK.Render("✓ ")+tokeninfo.Fingerprint(r.RefreshToken)+s.Muted.Render("  (R copies)"))
	default:
		row("Refresh", s.Muted.Render("none: "+r.RefreshNote()))
	}
	for i, l := range userInfoLines(r.UserInfo()) {
		// The identity provider's user_info of an OIDC token.
		label := ""
		if i == 0 {
			label = "User info"
		}
		row(label, l)
	}
	for _, w := range m.warnings(now) {
		row("Warning", s.Warn.Render(w))
	}
	if r.Token != nil {
		for _, kv := range r.Token.OtherClaims() {
			row(truncate(kv[0], 11), kv[1])
		}
	}
	return out
}

// warnings are the sanity checks worth a line: clock skew, exp versus
// expires_in, odd answers.
func (m *tokenModel) warnings(now time.Time) []string {
	r := m.result
	var out []string
	e := r.Expiry
	if e.SkewKnown && (e.ClockSkew > 30*time.Second || e.ClockSkew < -30*time.Second) {
		out = append(out, fmt.Sprintf("local clock differs from the server's Date by %s", e.ClockSkew))
	}
	if !e.FromClaim.IsZero() && !e.FromExpiresIn.IsZero() && e.Disagreement > 5*time.Second {
		out = append(out, fmt.Sprintf("exp and expires_in disagree by %s", e.Disagreement.Truncate(time.Second)))
	}
	out = append(out, r.Response.Warnings...)
	if r.Token != nil {
		out = append(out, r.Token.Warnings...)
	}
	return out
}

// rawLines is the response and the decoded token as JSON, with the tokens
// themselves shown as fingerprints, scrolled sideways by hscroll: a long
// line is not cut for good, → shows the rest ("…" marks either cut end).
func (m *tokenModel) rawLines(width int) []string {
	lines := m.rawDoc()
	for i, l := range lines {
		lines[i] = sideways(l, m.hscroll, width)
	}
	return lines
}

// rawDoc is the raw JSON's lines, whole.
func (m *tokenModel) rawDoc() []string {
	r := m.result
	resp := map[string]any{}
	for k, v := range r.Response.Fields {
		resp[k] = v
	}
	for _, k := range []string{"access_token", "refresh_token", "id_token"} {
		if v, ok := resp[k].(string); ok {
			resp[k] = tokeninfo.Fingerprint(v)
		}
	}
	doc := map[string]any{"response": resp}
	if r.Token != nil {
		doc["header"] = r.Token.Header
		doc["claims"] = r.Token.Claims
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return []string{"cannot show JSON: " + err.Error()}
	}
	return strings.Split(textsafe.SanitizeMultiline(string(data)), "\n")
}

// maxHScroll is how far the raw JSON scrolls sideways at width: until the
// end of its longest line shows.
func (m *tokenModel) maxHScroll(width int) int {
	widest := 0
	for _, l := range m.rawDoc() {
		widest = max(widest, ansi.StringWidth(l))
	}
	return max(0, widest-width+1)
}

// sideways is the part of line l from cell off that fits width, with "…"
// where it is cut on either side.
func sideways(l string, off, width int) string {
	if off <= 0 {
		return truncate(l, width)
	}
	w := ansi.StringWidth(l)
	if off >= w || width <= 1 {
		return ""
	}
	return "…" + truncate(ansi.Cut(l, off+1, w), width-1)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// tokenAct is what the token view asks the root to do with its token.
type tokenAct int

const (
	actRefresh tokenAct = iota
	actNewRequest
	actSaveAs
	actRevoke
	actBundle
	actDiagnose
)

// tokenActMsg asks the root to act on the token view's token: it owns the
// runner, the session and the screens these open.
type tokenActMsg struct {
	act  tokenAct
	res  *flows.Result
	user string // for actDiagnose
}

// tokenPage is the token view as a Page: the token, its scroll, raw JSON
// and the y/n questions are its own; what needs the session (refresh,
// revoke, save, a new request) it asks the root for.
type tokenPage struct {
	ctx *Context
	t   tokenModel
	// sig is the signature check's line for an access token, read from
	// the root's checks ("checking…" while one is under way).
	sig           func(token string) string
	width, height int
}

func newTokenPage(ctx *Context, res *flows.Result, sig func(string) string) *tokenPage {
	return &tokenPage{ctx: ctx, t: tokenModel{result: res}, sig: sig, width: ctx.Width - 2}
}

func (p *tokenPage) Title() string             { return "token" }
func (p *tokenPage) TakesText() bool           { return false }
func (p *tokenPage) SetSize(width, height int) { p.width, p.height = width, height }
func (p *tokenPage) Ticking() bool             { return true }
func (p *tokenPage) Account() string           { return p.t.result.Request.Account }

// QuestionMarkIsHelp: ? shows the help unless a y/n question is open.
func (p *tokenPage) QuestionMarkIsHelp() bool { return !p.asking() }

// PartnerLabel is the partner route the token came by, for the header.
func (p *tokenPage) PartnerLabel() string {
	if p.t.result.Partner == nil {
		return ""
	}
	return p.t.result.Partner.Label()
}

// WindowNote is the token's countdown for the window title.
func (p *tokenPage) WindowNote() string {
	e := p.t.result.Expiry
	switch {
	case !e.Known():
		return ""
	case e.Expired(p.ctx.Now()):
		return "EXPIRED"
	}
	return tokeninfo.Countdown(e.Remaining(p.ctx.Now()))
}
func (p *tokenPage) asking() bool           { return p.t.confirmRefreshCopy || p.t.confirmRevoke }
func (p *tokenPage) act(a tokenAct) tea.Cmd { return p.actFor(a, "") }
func (p *tokenPage) Asking() bool           { return p.asking() }
func (p *tokenPage) actFor(a tokenAct, user string) tea.Cmd {
	res := p.t.result
	return func() tea.Msg { return tokenActMsg{act: a, res: res, user: user} }
}

// Messages the root sends the token view on top.
type (
	// tokenReplacedMsg: auto-refresh got a new token for the one shown.
	tokenReplacedMsg struct{ res *flows.Result }
	// refreshRevokedMsg: the shown refresh token was revoked (fp).
	refreshRevokedMsg struct{ fp string }
)

// revokedAs marks the shown refresh token revoked (fp): the server refuses
// it now, so the view must not offer it.
func (p *tokenPage) revokedAs(fp string) {
	res := *p.t.result
	res.RefreshToken = ""
	p.t.result = &res
	p.t.revoked = fp
}

// lines is the body: the lines pinned at the top (the countdown, and a
// question being asked) and the claims, which scroll.
func (p *tokenPage) lines() (pinned, rest []string) {
	s := p.ctx.Styles
	t := p.t
	if p.sig != nil {
		t.sig = p.sig(t.result.Response.AccessToken)
		if t.sig == "checking…" && t.result.Token == nil {
			t.sig = ""
		}
	}
	lines := t.lines(s, p.width, p.ctx.Now())
	pinned = lines[:2]
	if t.confirmRefreshCopy {
		pinned = append([]string{s.Warn.Render("Copy the refresh token? It is a long-lived secret. y/n")}, pinned...)
	}
	if t.confirmRevoke {
		pinned = append([]string{s.Warn.Render("Revoke the refresh token for good? y/n")}, pinned...)
	}
	return pinned, lines[2:]
}

func (p *tokenPage) maxScroll() int {
	pinned, rest := p.lines()
	return max(0, len(rest)-(p.height-len(pinned)))
}

func (p *tokenPage) View() string {
	pinned, rest := p.lines()
	room := p.height - len(pinned)
	scroll := min(p.t.scroll, max(0, len(rest)-room))
	shown := rest[scroll:]
	if len(shown) > room && room > 1 {
		// What is below says so: the key line does not name j.
		more := len(shown) - (room - 1)
		shown = append(shown[:room-1:room-1], p.ctx.Styles.Muted.Render(fmt.Sprintf("↓ %d more lines (j scrolls)", more)))
	}
	return strings.Join(append(pinned, shown...), "\n")
}

func (p *tokenPage) Keys() help.KeyMap {
	k := p.ctx.Keys
	if p.asking() {
		return bindings{short: []key.Binding{k.Confirm, k.Deny}}
	}
	if p.t.raw {
		// esc and v both go back to the claims.
		claims := key.NewBinding(key.WithKeys(append(k.Back.Keys(), k.RawJSON.Keys()...)...), key.WithHelp("esc", "claims"))
		return p.offered(bindings{
			short: []key.Binding{k.CopyToken, k.Refresh, k.NewRequest, claims, k.CopyHeader, k.Right, k.Left, k.SaveProfile, k.CopyRefresh, k.Revoke, k.Bundle, k.Diagnose, k.Quit},
			full:  [][]key.Binding{{k.Refresh, k.NewRequest, claims, k.Right, k.Left}, {k.CopyToken, k.CopyHeader, k.CopyRefresh}, {k.SaveProfile, k.Revoke, k.Bundle, k.Diagnose}, {k.Log, k.Inspect}, {k.Help, k.Quit, k.ForceQuit}},
		})
	}
	return p.offered(bindings{
		short: []key.Binding{k.CopyToken, k.Refresh, k.NewRequest, k.Back, k.CopyHeader, k.RawJSON, k.SaveProfile, k.CopyRefresh, k.Revoke, k.Bundle, k.Diagnose, k.Quit},
		full:  [][]key.Binding{{k.Refresh, k.NewRequest, k.RawJSON}, {k.CopyToken, k.CopyHeader, k.CopyRefresh}, {k.SaveProfile, k.Revoke, k.Bundle, k.Diagnose}, {k.Log, k.Inspect, k.Back}, {k.Help, k.Quit, k.ForceQuit}},
	})
}

// offered drops from b the keys this token would refuse: the key line
// never offers what the screen then says no to (save as profile in the
// demo, a refresh token's keys without one, diagnose on a client's token,
// a refresh that cannot be sent).
func (p *tokenPage) offered(b bindings) bindings {
	k, res := p.ctx.Keys, p.t.result
	_, noRefresh := session.RefreshPlan(res)
	refused := map[string]bool{
		k.SaveProfile.Help().Key: p.ctx.Store == nil,
		k.CopyRefresh.Help().Key: res.RefreshToken == "" || p.t.revoked != "",
		k.Revoke.Help().Key:      res.RefreshToken == "" || p.t.revoked != "",
		k.Diagnose.Help().Key:    tokenUser(res) == "",
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
	out := bindings{short: keep(b.short)}
	for _, col := range b.full {
		out.full = append(out.full, keep(col))
	}
	return out
}

func (p *tokenPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case tokenReplacedMsg:
		p.t.result = msg.res
		return p, nil
	case refreshRevokedMsg:
		p.revokedAs(msg.fp)
		return p, nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	k := p.ctx.Keys
	t := &p.t
	res := t.result
	if t.confirmRevoke {
		t.confirmRevoke = false
		if key.Matches(km, k.Confirm) {
			return p, p.act(actRevoke)
		}
		return p, setStatus("refresh token not revoked", false)
	}
	if t.confirmRefreshCopy {
		t.confirmRefreshCopy = false
		if key.Matches(km, k.Confirm) {
			return p, copySecret("refresh token", res.RefreshToken, false)
		}
		return p, setStatus("refresh token not copied", false)
	}
	switch {
	case key.Matches(km, k.Back) && t.raw:
		// One step back: from the raw JSON to the claims.
		t.raw, t.scroll, t.hscroll = false, 0, 0
	case key.Matches(km, k.Back):
		return p, closePage
	case key.Matches(km, k.Refresh):
		if _, why := session.RefreshPlan(res); why != "" {
			return p, setStatus(why, true)
		}
		return p, p.act(actRefresh)
	case key.Matches(km, k.CopyToken):
		return p, copySecret("access token", res.Response.AccessToken, res.Expiry.Expired(p.ctx.Now()))
	case key.Matches(km, k.CopyHeader):
		return p, copySecret("Authorization header", "Authorization: Bearer "+res.Response.AccessToken, res.Expiry.Expired(p.ctx.Now()))
	case key.Matches(km, k.CopyRefresh):
		switch {
		case t.revoked != "":
			return p, setStatus("no refresh token to copy: it was revoked ("+t.revoked+")", true)
		case res.RefreshToken == "":
			return p, setStatus("no refresh token to copy: "+res.RefreshNote(), true)
		}
		t.confirmRefreshCopy = true
	case key.Matches(km, k.NewRequest):
		return p, p.act(actNewRequest)
	case key.Matches(km, k.RawJSON):
		t.raw = !t.raw
		t.scroll, t.hscroll = 0, 0
	case t.raw && key.Matches(km, k.Right):
		t.hscroll = min(t.hscroll+8, t.maxHScroll(p.width))
	case t.raw && key.Matches(km, k.Left):
		t.hscroll = max(0, t.hscroll-8)
	case key.Matches(km, k.SaveProfile):
		return p, p.act(actSaveAs)
	case key.Matches(km, k.Revoke):
		if res.RefreshToken == "" {
			return p, setStatus("no refresh token to revoke: "+res.RefreshNote(), true)
		}
		t.confirmRevoke = true
	case key.Matches(km, k.Bundle):
		return p, p.act(actBundle)
	case key.Matches(km, k.Diagnose):
		user := tokenUser(res)
		if user == "" {
			subject := "not a JWT"
			if res.Token != nil {
				subject = orDash(res.Token.Subject)
			}
			return p, setStatus("this token's subject is not a user ("+textsafe.Sanitize(subject)+"): nothing to diagnose", true)
		}
		return p, p.actFor(actDiagnose, user)
	case key.Matches(km, k.Up):
		t.scroll = max(0, t.scroll-1)
	case key.Matches(km, k.Down):
		t.scroll = min(t.scroll+1, p.maxScroll())
	}
	return p, nil
}

// copySecret asks the root to copy a secret (cleared later); expired marks
// a token that has already expired (the paste would only earn a 401).
func copySecret(what, text string, expired bool) tea.Cmd {
	return func() tea.Msg { return copyMsg{what: what, text: text, secret: true, expired: expired} }
}

// userInfoLines are an OIDC answer's user_info as "key: value" lines
// (a nested object as "key.field: value"), sorted by key, sanitised (the
// provider's text); nil when there is none.
func userInfoLines(v any) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case map[string]any:
		var out []string
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if inner, ok := v[k].(map[string]any); ok {
				// One level of nesting reads as key.field lines.
				for _, l := range userInfoLines(inner) {
					out = append(out, textsafe.Sanitize(k)+"."+l)
				}
				continue
			}
			out = append(out, textsafe.Sanitize(k)+": "+textsafe.Sanitize(infoValue(v[k])))
		}
		return out
	}
	return []string{textsafe.Sanitize(infoValue(v))}
}

func infoValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
