package ui

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
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
		row("Token", s.Warn.Render("not a JWT: "+client.Sanitize(r.DecodeErr.Error())))
	} else {
		t := r.Token
		row("Subject", orDash(t.Subject))
		row("Issuer", orDash(t.Issuer))
		row("Audience", orDash(client.Bounded(t.Audience, 5)))
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
	return strings.Split(client.SanitizeMultiline(string(data)), "\n")
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

// tokenUser is the user a token was issued to: its email claim, or a
// "user:" subject; "" for a client's token.
func tokenUser(res *flows.Result) string {
	if res == nil || res.Token == nil {
		return ""
	}
	if e, ok := res.Token.Claims["email"].(string); ok && e != "" {
		return e
	}
	if u, ok := strings.CutPrefix(res.Token.Subject, "user:"); ok {
		return u
	}
	return ""
}

// grantLine is how a token was obtained, for the grant row and a bundle.
func grantLine(r *flows.Result) string {
	how := string(r.Request.Grant)
	if r.ViaMFA {
		how += " via MFA"
	}
	if r.BearerChained {
		how += " · Bearer from client_credentials"
	}
	if r.Partner != nil {
		how += " · " + r.Partner.Label()
	}
	return how
}
