package tokenview_test

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/golang-jwt/jwt/v5"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/tokenview"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

var (
	now    = uitest.FixedNow
	styles = common.DefaultStyles(true)
)

const refreshToken = "rt_FixedRefreshTokenForTokenViewTests01"

func plain(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = ansi.Strip(l)
	}
	return out
}

func flat(lines []string) string {
	return strings.Join(strings.Fields(strings.Join(plain(lines), "\n")), " ")
}

func requireHas(t *testing.T, lines []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(flat(lines), strings.Join(strings.Fields(w), " ")) {
			t.Fatalf("lacks %q:\n%s", w, strings.Join(plain(lines), "\n"))
		}
	}
}

// TestTokenViewClaims: the countdown, then one row per claim that matters:
// grant, subject, issuer, audience, issued and expiry times, header, the
// signature's state, the scopes counted, the refresh token as a
// fingerprint; the access token itself never.
func TestTokenViewClaims(t *testing.T) {
	res := uitest.Result(t, now, refreshToken, jwt.MapClaims{"tenant": "acme"})
	m := tokenview.New(res, nil)
	lines := m.Lines(styles, 78, now)
	requireHas(t, lines, "expires in 2m 00s at 12:02:00 UTC (from exp)",
		"Grant password", "Subject user:support@example.com", "Issuer https://api.dintero.com/v1/accounts/T11223344/auth",
		"Audience https://api.dintero.com/v1/accounts/T11223344", "Issued 2026-11-28 12:00:00 UTC (now)",
		"Expires 2026-11-28 12:02:00 UTC (in 2m 0s)", "Header alg HS256 · typ JWT", "Signature not checked (no JWKS URL)",
		"Scopes (2) • read:accounts", "• write:checkout", "Refresh ✓ "+tokeninfo.Fingerprint(refreshToken)+" (R copies)", "tenant \"acme\"")
	if strings.Contains(strings.Join(lines, "\n"), res.Response.AccessToken) || strings.Contains(strings.Join(lines, "\n"), refreshToken) {
		t.Fatal("a token is shown whole")
	}
}

// TestTokenViewSignatureStates: the signature row follows the check:
// verified (✓, green), checking, or failed (✗, red).
func TestTokenViewSignatureStates(t *testing.T) {
	m := tokenview.New(uitest.Result(t, now, "", nil), nil)
	for sig, want := range map[string]string{
		"verified with kid demo-key-1": styles.OK.Render("✓ verified with kid demo-key-1"),
		"checking…":                    styles.Muted.Render("checking…"),
		"no key with kid k9":           styles.Error.Render("✗ no key with kid k9"),
	} {
		m.SetSig(sig)
		if got := m.Sig(); got != sig {
			t.Fatalf("Sig %q", got)
		}
		if all := strings.Join(m.Lines(styles, 78, now), "\n"); !strings.Contains(all, want) {
			t.Fatalf("sig %q: lacks %q", sig, ansi.Strip(want))
		}
	}
}

// TestTokenViewCountdownColours: the countdown is green with plenty left,
// yellow under a quarter of the lifetime (or 30s), orange under a tenth
// (or 10s), and EXPIRED in reverse red after, saying how long ago.
func TestTokenViewCountdownColours(t *testing.T) {
	m := tokenview.New(uitest.Result(t, now, "", nil), nil)
	cases := []struct {
		at   time.Duration
		want string
	}{
		{0, styles.CountOK.Render("expires in 2m 00s")},
		{89 * time.Second, styles.CountOK.Render("expires in 31s")},
		{90 * time.Second, styles.CountWarn.Render("expires in 30s")},
		{107 * time.Second, styles.CountWarn.Render("expires in 13s")},
		{108 * time.Second, styles.CountCrit.Render("expires in 12s")},
		{119 * time.Second, styles.CountCrit.Render("expires in 1s")},
		{120 * time.Second, styles.Expired.Render(" EXPIRED ") + " " + styles.Muted.Render("now, at 12:02:00 UTC")},
		{10 * time.Minute, styles.Expired.Render(" EXPIRED ") + " " + styles.Muted.Render("8m 0s ago, at 12:02:00 UTC")},
	}
	for _, c := range cases {
		if got := m.Lines(styles, 78, now.Add(c.at))[0]; !strings.HasPrefix(got, c.want) {
			t.Fatalf("at +%s: %q, want it to start %q", c.at, ansi.Strip(got), ansi.Strip(c.want))
		}
	}
}

// TestTokenViewExpiryUnknown: no exp and no expires_in says so.
func TestTokenViewExpiryUnknown(t *testing.T) {
	res := uitest.Result(t, now, "", jwt.MapClaims{"exp": nil})
	res.Response.ExpiresIn = 0
	res.Expiry = tokeninfo.ComputeExpiry(res.Token, now, 0, now)
	m := tokenview.New(res, nil)
	if got := ansi.Strip(m.Lines(styles, 78, now)[0]); got != "expiry unknown: no exp claim and no expires_in" {
		t.Fatalf("countdown: %q", got)
	}
}

// TestTokenViewRefreshRows: a token without a refresh token says why (the
// contract's rule); one revoked here shows revoked with its fingerprint,
// and the view's result no longer holds it (the shown result is a copy:
// the original is untouched).
func TestTokenViewRefreshRows(t *testing.T) {
	none := tokenview.New(uitest.Result(t, now, "", nil), nil)
	requireHas(t, none.Lines(styles, 78, now), "Refresh none:")

	res := uitest.Result(t, now, refreshToken, nil)
	m := tokenview.New(res, nil)
	fp := tokeninfo.Fingerprint(refreshToken)
	m.MarkRevoked(fp)
	lines := m.Lines(styles, 78, now)
	requireHas(t, lines, "Refresh revoked "+fp)
	if strings.Contains(flat(lines), "R copies") {
		t.Fatal("a revoked refresh token is still offered")
	}
	if m.Revoked() != fp || m.Result().RefreshToken != "" || res.RefreshToken != refreshToken {
		t.Fatalf("revoked %q, shown %q, original %q", m.Revoked(), m.Result().RefreshToken, res.RefreshToken)
	}
}

// TestTokenViewUserInfo: an OIDC answer's user_info shows as sorted
// key: value lines, a nested object as key.field, sanitised.
func TestTokenViewUserInfo(t *testing.T) {
	res := uitest.Result(t, now, "", nil)
	res.Request.Grant = client.GrantOIDC
	res.Response.Fields["user_info"] = map[string]any{
		"value":     map[string]any{"email": "support@example.com", "name": "Sam \x1b]0;pwn\x07Smith", "groups": []any{"a", "b"}},
		"authority": "fake-idp",
	}
	lines := m(res).Lines(styles, 78, now)
	requireHas(t, lines, "User info authority: fake-idp", "value.email: support@example.com", `value.groups: ["a","b"]`, "value.name: Sam")
	all := strings.Join(lines, "\n")
	if strings.Contains(all, "\x1b]0;") || strings.Contains(all, "\x07") {
		t.Fatal("user_info's escape sequence reached the screen")
	}
	// Its order: authority, then value.* sorted.
	p := plain(lines)
	idx := func(s string) int {
		for i, l := range p {
			if strings.Contains(l, s) {
				return i
			}
		}
		return -1
	}
	if !(idx("authority:") < idx("value.email") && idx("value.email") < idx("value.groups") && idx("value.groups") < idx("value.name")) {
		t.Fatalf("user_info out of order:\n%s", strings.Join(p, "\n"))
	}
	if strings.Contains(flat(m(uitest.Result(t, now, "", nil)).Lines(styles, 78, now)), "User info") {
		t.Fatal("a token without user_info shows the row")
	}
}

func m(res *flows.Result) *tokenview.Model { v := tokenview.New(res, nil); return &v }

// TestTokenViewLongValuesWrapNotCut: at 60 columns a long issuer, audience
// list and refresh reason wrap under their label: no line is wider than
// the width, and each value reads whole.
func TestTokenViewLongValuesWrapNotCut(t *testing.T) {
	long := "https://identity.partner-platform.example.com/v1/accounts/T11223344/auth/realms/support-tooling"
	res := uitest.Result(t, now, "", jwt.MapClaims{"iss": long, "note": strings.Repeat("word ", 20) + "end"})
	lines := m(res).Lines(styles, 58, now)
	for _, l := range plain(lines) {
		if w := ansi.StringWidth(l); w > 58 {
			t.Fatalf("a line of %d cells at width 58: %q", w, l)
		}
	}
	// The issuer's lines, joined, are the issuer.
	p := plain(lines)
	var iss string
	for i, l := range p {
		if strings.HasPrefix(l, "Issuer") {
			iss = strings.TrimSpace(strings.TrimPrefix(l, "Issuer"))
			for _, next := range p[i+1:] {
				if !strings.HasPrefix(next, strings.Repeat(" ", 12)) {
					break
				}
				iss += strings.TrimSpace(next)
			}
		}
	}
	if iss != long {
		t.Fatalf("the issuer reads %q", iss)
	}
	requireHas(t, lines, strings.Repeat("word ", 20)+"end", "Refresh none:")
}

// TestTokenViewNotAJWT: an opaque token says it is not a JWT, and why.
func TestTokenViewNotAJWT(t *testing.T) {
	res := uitest.Result(t, now, "", nil)
	res.Token, res.DecodeErr = nil, tokeninfo.ErrMalformed
	requireHas(t, m(res).Lines(styles, 78, now), "Token not a JWT:")
}

// TestTokenViewInspected: a token pasted into the inspector (no request)
// has no Grant or Refresh rows.
func TestTokenViewInspected(t *testing.T) {
	res := uitest.Result(t, now, "", nil)
	res.Request = flows.Request{}
	f := flat(m(res).Lines(styles, 78, now))
	if strings.Contains(f, "Grant") || strings.Contains(f, "Refresh") {
		t.Fatalf("an inspected token shows request rows: %s", f)
	}
}

// TestTokenViewWarnings: clock skew and an exp that disagrees with
// expires_in are warned about.
func TestTokenViewWarnings(t *testing.T) {
	res := uitest.Result(t, now, "", nil)
	res.Response.ServerDate = now.Add(-2 * time.Minute)
	res.Response.ExpiresIn = 600
	res.Expiry = tokeninfo.ComputeExpiry(res.Token, now, 600, res.Response.ServerDate)
	requireHas(t, m(res).Lines(styles, 78, now), "Warning local clock differs from the server's Date by 2m0s", "Warning exp and expires_in disagree by")
}

// TestTokenViewRawJSON: the raw view is the response, header and claims
// as JSON with the tokens as fingerprints; a long line scrolls sideways
// ("…" marks a cut end) and no further than its end shows.
func TestTokenViewRawJSON(t *testing.T) {
	res := uitest.Result(t, now, refreshToken, jwt.MapClaims{"long": strings.Repeat("x", 120) + "END"})
	v := m(res)
	v.ToggleRaw()
	if !v.Raw() {
		t.Fatal("not raw")
	}
	lines := v.Lines(styles, 58, now)
	all := strings.Join(plain(lines), "\n")
	for _, want := range []string{`"response"`, `"claims"`, `"header"`, tokeninfo.Fingerprint(res.Response.AccessToken), tokeninfo.Fingerprint(refreshToken)} {
		if !strings.Contains(all, want) {
			t.Fatalf("raw lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, res.Response.AccessToken) || strings.Contains(all, refreshToken+`"`) {
		t.Fatal("a token is shown whole in the raw JSON")
	}
	for _, l := range plain(lines) {
		if ansi.StringWidth(l) > 58 {
			t.Fatalf("raw line wider than 58: %q", l)
		}
	}
	if strings.Contains(all, "END") {
		t.Fatal("the long line is not cut before scrolling")
	}
	max := v.MaxHScroll(58)
	v.ScrollSideways(1000, 58) // no further than the end
	lines = plain(v.Lines(styles, 58, now))
	var longLine string
	for _, l := range lines {
		if strings.Contains(l, "END") {
			longLine = l
		}
	}
	if !strings.HasPrefix(longLine, "…") || !strings.HasSuffix(longLine, `END",`) && !strings.HasSuffix(longLine, `END"`) {
		t.Fatalf("scrolled to the end (%d): %q", max, longLine)
	}
	v.ScrollSideways(-1000, 58)
	v.ToggleRaw()
	v.ToggleRaw() // back at the start
	if strings.Contains(strings.Join(plain(v.Lines(styles, 58, now)), "\n"), "…\"") {
		t.Fatal("raw view not back at its start")
	}
}

// TestTokenUserAndGrantLine: the user of a token is its email claim or a
// user: subject, none for a client; the grant line says how it came.
func TestTokenUserAndGrantLine(t *testing.T) {
	res := uitest.Result(t, now, "", nil)
	if u := tokenview.TokenUser(res); u != "support@example.com" {
		t.Fatalf("TokenUser %q", u)
	}
	byClient := uitest.Result(t, now, "", jwt.MapClaims{"email": nil, "sub": "client:demo-client"})
	if u := tokenview.TokenUser(byClient); u != "" {
		t.Fatalf("a client's token has user %q", u)
	}
	bySub := uitest.Result(t, now, "", jwt.MapClaims{"email": nil})
	if u := tokenview.TokenUser(bySub); u != "support@example.com" {
		t.Fatalf("TokenUser from sub %q", u)
	}
	if tokenview.TokenUser(nil) != "" {
		t.Fatal("TokenUser(nil)")
	}
	res.ViaMFA, res.BearerChained = true, true
	if g := tokenview.GrantLine(res); g != "password via MFA · Bearer from client_credentials" {
		t.Fatalf("GrantLine %q", g)
	}
}

// TestTokenViewSetResult: a refreshed token replaces the one shown.
func TestTokenViewSetResult(t *testing.T) {
	v := m(uitest.Result(t, now, "", nil))
	v.SetResult(uitest.Result(t, now.Add(time.Minute), "", nil))
	requireHas(t, v.Lines(styles, 78, now), "expires in 3m 00s")
}

// TestTokenViewLongCountdownFits: the countdown of a token living more
// than a day names the date too; at 60 columns it still fits on its one
// pinned line: the source gives way first, then the time, never the
// countdown itself.
func TestTokenViewLongCountdownFits(t *testing.T) {
	res := uitest.Result(t, now, "", jwt.MapClaims{"exp": now.Add(30 * time.Hour).Unix()})
	res.Response.ExpiresIn = 30 * 3600
	res.Expiry = tokeninfo.ComputeExpiry(res.Token, now, 30*3600, now)
	for width, want := range map[int]string{
		78: "expires in 30h 00m 00s  at 2026-11-29 18:00:00 UTC (from exp)",
		58: "expires in 30h 00m 00s  at 2026-11-29 18:00:00 UTC",
		30: "expires in 30h 00m 00s",
	} {
		got := ansi.Strip(m(res).Lines(styles, width, now)[0])
		if got != want {
			t.Fatalf("width %d: %q, want %q", width, got, want)
		}
		if ansi.StringWidth(got) > width {
			t.Fatalf("width %d: %d cells", width, ansi.StringWidth(got))
		}
	}
}
