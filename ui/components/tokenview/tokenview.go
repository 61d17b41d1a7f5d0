// Package tokenview draws an obtained token: its countdown, claims,
// signature check, refresh token and raw JSON. The token page and the
// inspector show tokens through it.
package tokenview

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/textsafe"
	"github.com/tokenbench/tokenbench/ui/common"
)

// Model shows an obtained token.
type Model struct {
	result *flows.Result
	// raw shows the token response as JSON instead of the claims.
	raw bool
	// hscroll is how far raw JSON is scrolled sideways, in cells.
	hscroll int
	// revoked is the fingerprint of the refresh token revoked here.
	revoked string
	// sig is the signature check's line ("" when none was made).
	sig string
	// redact masks the secrets the session knows in what the server sent
	// (a claim or a field echoing a client secret, a password, a code).
	redact func(string) string
}

// New shows res; redact masks the secrets the session knows in what the
// server sent (nil shows it as it came).
func New(res *flows.Result, redact func(string) string) Model {
	if redact == nil {
		redact = func(s string) string { return s }
	}
	return Model{result: res, redact: redact}
}

// Result is the token shown.
func (m *Model) Result() *flows.Result { return m.result }

// SetResult shows res instead (a refresh's token).
func (m *Model) SetResult(res *flows.Result) { m.result = res }

// SetSig sets the signature check's line ("" when none was made).
func (m *Model) SetSig(sig string) { m.sig = sig }

// Sig is the signature check's line.
func (m *Model) Sig() string { return m.sig }

// Raw reports whether the raw JSON is shown.
func (m *Model) Raw() bool { return m.raw }

// ToggleRaw switches between the claims and the raw JSON, from its start.
func (m *Model) ToggleRaw() { m.raw, m.hscroll = !m.raw, 0 }

// ScrollSideways moves the raw JSON by delta cells, within what width
// leaves to see.
func (m *Model) ScrollSideways(delta, width int) {
	m.hscroll = max(0, min(m.hscroll+delta, m.MaxHScroll(width)))
}

// MarkRevoked shows the refresh token revoked (fp): the server refuses it
// now, so the view does not offer it.
func (m *Model) MarkRevoked(fp string) {
	res := *m.result
	res.RefreshToken = ""
	m.result, m.revoked = &res, fp
}

// Revoked is the fingerprint of the refresh token revoked here, or "".
func (m *Model) Revoked() string { return m.revoked }

// Lines renders the token view's body for width at now.
func (m *Model) Lines(s common.Styles, width int, now time.Time) []string {
	r := m.result
	issued := r.Response.ReceivedAt
	if r.Token != nil && !r.Token.IssuedAt.IsZero() {
		issued = r.Token.IssuedAt
	}
	if m.raw {
		return append([]string{countdown(s, r.Expiry, issued, now, width), ""}, m.rawLines(width)...)
	}
	var out []string
	// A long value wraps under itself (a URL, the refresh reason), so
	// nothing is cut at 60 or 80 columns.
	indent := strings.Repeat(" ", 12)
	row := func(label, value string) {
		// Masked whole, before it wraps: a secret cut by a line break
		// would not be found.
		value = m.redact(value)
		lines := strings.Split(common.Wrap(s.Value, value, max(10, width-12)), "\n")
		out = append(out, s.Label.Render(label)+" "+strings.TrimRight(lines[0], " "))
		for _, l := range lines[1:] {
			out = append(out, indent+strings.TrimRight(l, " "))
		}
	}
	out = append(out, countdown(s, r.Expiry, issued, now, width), "")

	inspected := r.Request.Grant == "" // pasted into the inspector
	if !inspected {
		row("Grant", GrantLine(r))
	}
	if r.Token == nil {
		row("Token", s.Warn.Render("not a JWT: "+textsafe.Sanitize(r.DecodeErr.Error())))
	} else {
		t := r.Token
		row("Subject", common.OrDash(t.Subject))
		row("Issuer", common.OrDash(t.Issuer))
		row("Audience", common.OrDash(textsafe.Bounded(t.Audience, 5)))
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
			row(common.Truncate(kv[0], 11), kv[1])
		}
	}
	return out
}

// warnings are the sanity checks worth a line: clock skew, exp versus
// expires_in, odd answers.
func (m *Model) warnings(now time.Time) []string {
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
func (m *Model) rawLines(width int) []string {
	lines := m.rawDoc()
	for i, l := range lines {
		lines[i] = sideways(l, m.hscroll, width)
	}
	return lines
}

// rawDoc is the raw JSON's lines, whole.
func (m *Model) rawDoc() []string {
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
	return strings.Split(textsafe.SanitizeMultiline(m.redact(string(data))), "\n")
}

// MaxHScroll is how far the raw JSON scrolls sideways at width: until the
// end of its longest line shows.
func (m *Model) MaxHScroll(width int) int {
	widest := 0
	for _, l := range m.rawDoc() {
		widest = max(widest, ansi.StringWidth(l))
	}
	return max(0, widest-width+1)
}

// TokenUser is the user a token was issued to: its email claim, or a
// "user:" subject; "" for a client's token.
func TokenUser(res *flows.Result) string {
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

// GrantLine is how a token was obtained, for the grant row and a bundle.
func GrantLine(r *flows.Result) string {
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

// countdown renders the live expiry line within width, coloured by how
// much is left. It is pinned as one line: what follows the countdown gives
// way when it is too wide (the source, then the time), never the countdown
// itself.
func countdown(s common.Styles, e tokeninfo.Expiry, issued time.Time, now time.Time, width int) string {
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
	head := style.Render("expires in " + tokeninfo.Countdown(left))
	for _, tail := range []string{"at " + clock(e.At, now) + " (from " + e.Source + ")", "at " + clock(e.At, now)} {
		if line := head + "  " + s.Muted.Render(tail); ansi.StringWidth(line) <= width {
			return line
		}
	}
	return head
}

func clock(t, now time.Time) string {
	t = t.In(now.Location())
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04:05 MST")
	}
	return t.Format("2006-01-02 15:04:05 MST")
}

// sideways is the part of line l from cell off that fits width, with "…"
// where it is cut on either side.
func sideways(l string, off, width int) string {
	if off <= 0 {
		return common.Truncate(l, width)
	}
	w := ansi.StringWidth(l)
	if off >= w || width <= 1 {
		return ""
	}
	return "…" + common.Truncate(ansi.Cut(l, off+1, w), width-1)
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
