package token_test

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/golang-jwt/jwt/v5"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/token"
)

const refreshToken = "rt_FixedRefreshTokenForTokenPageTests01"

// page is the token page of res at FixedNow on a clock the test moves.
func page(t *testing.T, res *flows.Result) (common.Page, *uitest.Clock, *common.Context) {
	t.Helper()
	clk := uitest.NewClock(uitest.FixedNow)
	ctx := uitest.Context(clk)
	p := token.New(ctx, res, nil)
	p.SetSize(78, 24)
	return p, clk, ctx
}

// press hands p key k and returns the messages its command produced.
func press(t *testing.T, p common.Page, k string) []tea.Msg {
	t.Helper()
	_, cmds := uitest.Press(p, k)
	return uitest.Messages(cmds[0])
}

// one is the one message msgs holds, as T.
func one[T any](t *testing.T, msgs []tea.Msg) T {
	t.Helper()
	if len(msgs) != 1 {
		t.Fatalf("%d messages: %#v", len(msgs), msgs)
	}
	v, ok := msgs[0].(T)
	if !ok {
		var zero T
		t.Fatalf("%#v, want a %T", msgs[0], zero)
	}
	return v
}

func screen(p common.Page) string { return uitest.Screen(p, 78, 24) }

func asking(p common.Page) bool { return p.(common.Asker).Asking() }

func windowNote(p common.Page) string { return p.(common.WindowNoter).WindowNote() }

// TestTokenShowsTheTokenAndOffersItsKeys: the token's countdown and
// claims show (the tokens themselves never), the help offers every key
// that works on it (not save in the demo, which has no profile store), and
// the page ticks, takes no text and names its account.
func TestTokenShowsTheTokenAndOffersItsKeys(t *testing.T) {
	res := uitest.Result(t, uitest.FixedNow, refreshToken, nil)
	p, _, _ := page(t, res)
	uitest.RequireShows(t, screen(p), "expires in 2m 00s", "Grant password", "Subject user:support@example.com", "Refresh ✓ "+tokeninfo.Fingerprint(refreshToken))
	if v := screen(p); strings.Contains(v, res.Response.AccessToken) || strings.Contains(v, refreshToken) {
		t.Fatal("a token is shown whole")
	}
	if h := uitest.Help(p); h != "c copy token · r refresh · n new request · esc back · h copy header · v raw JSON · R copy refresh token · X revoke refresh token · b support bundle · u diagnose user · q quit" {
		t.Fatalf("help: %s", h)
	}
	if !p.(common.Ticker).Ticking() || p.TakesText() || asking(p) || !p.(common.QuestionMarker).QuestionMarkIsHelp() {
		t.Fatal("Ticking, TakesText, Asking or QuestionMarkIsHelp wrong")
	}
	if p.(common.AccountNamer).Account() != "T11223344" || p.(common.PartnerLabeler).PartnerLabel() != "" || p.Title() != "token" {
		t.Fatal("account, partner label or title wrong")
	}
}

// TestTokenSaveOfferedWithAStore: with a profile store, s is offered and
// asks the root to save the token.
func TestTokenSaveOfferedWithAStore(t *testing.T) {
	res := uitest.Result(t, uitest.FixedNow, refreshToken, nil)
	p, _, ctx := page(t, res)
	ctx.Store = &profiles.Store{}
	if h := uitest.Help(p); !strings.Contains(h, "s save as profile") {
		t.Fatalf("help with a store: %s", h)
	}
	if act := one[token.ActMsg](t, press(t, p, "s")); act.Act != token.ActSaveAs || act.Res != res {
		t.Fatalf("s: %+v", act)
	}
}

// TestTokenCopies: c copies the access token and h the Authorization
// header, each as a secret; once expired, the copy says so.
func TestTokenCopies(t *testing.T) {
	res := uitest.Result(t, uitest.FixedNow, refreshToken, nil)
	p, clk, _ := page(t, res)
	at := res.Response.AccessToken
	if cp := one[common.CopyMsg](t, press(t, p, "c")); cp != (common.CopyMsg{What: "access token", Text: at, Secret: true}) {
		t.Fatalf("c: %+v", cp)
	}
	if cp := one[common.CopyMsg](t, press(t, p, "h")); cp != (common.CopyMsg{What: "Authorization header", Text: "Authorization: Bearer " + at, Secret: true}) {
		t.Fatalf("h: %+v", cp)
	}
	clk.Advance(2 * time.Minute)
	if cp := one[common.CopyMsg](t, press(t, p, "c")); !cp.Expired || !cp.Secret {
		t.Fatalf("c after expiry: %+v", cp)
	}
}

// TestTokenCopyRefreshAsksFirst: R asks before copying the long-lived
// refresh token (Asking, the question pinned on top, y/n help, ? answers
// rather than opening help); y copies it as a secret; n or esc copy
// nothing and say so, without leaving the page.
func TestTokenCopyRefreshAsksFirst(t *testing.T) {
	p, _, _ := page(t, uitest.Result(t, uitest.FixedNow, refreshToken, nil))
	if msgs := press(t, p, "R"); len(msgs) != 0 {
		t.Fatalf("R copied at once: %#v", msgs)
	}
	if !asking(p) || p.(common.QuestionMarker).QuestionMarkIsHelp() {
		t.Fatal("R does not ask")
	}
	if first := strings.Split(screen(p), "\n")[0]; first != "Copy the refresh token? It is a long-lived secret. y/n" {
		t.Fatalf("the question's line: %q", first)
	}
	if h := uitest.Help(p); h != "y yes · n/esc no" {
		t.Fatalf("help while asking: %s", h)
	}
	if cp := one[common.CopyMsg](t, press(t, p, "y")); cp != (common.CopyMsg{What: "refresh token", Text: refreshToken, Secret: true}) {
		t.Fatalf("y: %+v", cp)
	}
	if asking(p) {
		t.Fatal("still asking after y")
	}
	for _, no := range []string{"n", "esc", "c"} {
		press(t, p, "R")
		if st := one[common.StatusMsg](t, press(t, p, no)); st != (common.StatusMsg{Text: "refresh token not copied"}) {
			t.Fatalf("%s: %+v", no, st)
		}
		if asking(p) {
			t.Fatalf("still asking after %s", no)
		}
	}
}

// TestTokenRevokeAsksFirst: X asks before revoking for good; y asks the
// root to revoke this token's refresh token; anything else does not.
func TestTokenRevokeAsksFirst(t *testing.T) {
	res := uitest.Result(t, uitest.FixedNow, refreshToken, nil)
	p, _, _ := page(t, res)
	if msgs := press(t, p, "X"); len(msgs) != 0 || !asking(p) {
		t.Fatalf("X: %#v", msgs)
	}
	uitest.RequireShows(t, screen(p), "Revoke the refresh token for good? y/n")
	if act := one[token.ActMsg](t, press(t, p, "y")); act.Act != token.ActRevoke || act.Res != res {
		t.Fatalf("y: %+v", act)
	}
	press(t, p, "X")
	if st := one[common.StatusMsg](t, press(t, p, "esc")); st != (common.StatusMsg{Text: "refresh token not revoked"}) {
		t.Fatalf("esc: %+v", st)
	}
	if strings.Contains(screen(p), "Revoke the refresh token") {
		t.Fatal("the question outlived its answer")
	}
}

// TestTokenWithoutRefreshToken: R and X are not offered and, pressed,
// say why there is none instead of asking.
func TestTokenWithoutRefreshToken(t *testing.T) {
	res := uitest.Result(t, uitest.FixedNow, "", nil)
	p, _, _ := page(t, res)
	if h := uitest.Help(p); strings.Contains(h, "R copy") || strings.Contains(h, "X revoke") {
		t.Fatalf("help without a refresh token: %s", h)
	}
	for _, k := range []string{"R", "X"} {
		st := one[common.StatusMsg](t, press(t, p, k))
		if !st.Err || !strings.HasPrefix(st.Text, "no refresh token to ") || !strings.Contains(st.Text, res.RefreshNote()) || asking(p) {
			t.Fatalf("%s: %+v", k, st)
		}
	}
}

// TestTokenRefresh: r asks the root to refresh; a token that cannot be
// refreshed (a one-time MFA answer's) is refused with the reason, and r is
// not offered.
func TestTokenRefresh(t *testing.T) {
	res := uitest.Result(t, uitest.FixedNow, refreshToken, nil)
	p, _, _ := page(t, res)
	if act := one[token.ActMsg](t, press(t, p, "r")); act.Act != token.ActRefresh || act.Res != res {
		t.Fatalf("r: %+v", act)
	}
	oneTime := uitest.Result(t, uitest.FixedNow, "", nil)
	oneTime.Request.Grant, oneTime.Request.MFAToken = client.GrantMFAOOB, "mfa_x"
	p, _, _ = page(t, oneTime)
	st := one[common.StatusMsg](t, press(t, p, "r"))
	if !st.Err || st.Text != "this token came from a one-time MFA answer (mfa_token, oob_code, code); sign in with the password again" {
		t.Fatalf("r on a one-time token: %+v", st)
	}
	if h := uitest.Help(p); strings.Contains(h, "r refresh") {
		t.Fatalf("help offers r: %s", h)
	}
}

// TestTokenAsksTheRoot: n, b and u ask the root for a new request, a
// support bundle and the diagnosis of the token's user.
func TestTokenAsksTheRoot(t *testing.T) {
	res := uitest.Result(t, uitest.FixedNow, refreshToken, nil)
	p, _, _ := page(t, res)
	for k, want := range map[string]token.ActMsg{
		"n": {Act: token.ActNewRequest, Res: res},
		"b": {Act: token.ActBundle, Res: res},
		"u": {Act: token.ActDiagnose, Res: res, User: "support@example.com"},
	} {
		if act := one[token.ActMsg](t, press(t, p, k)); act != want {
			t.Fatalf("%s: %+v, want %+v", k, act, want)
		}
	}
}

// TestTokenDiagnoseRefusedForAClient: a client's token has no user: u is
// not offered and, pressed, says so (the subject sanitised).
func TestTokenDiagnoseRefusedForAClient(t *testing.T) {
	p, _, _ := page(t, uitest.Result(t, uitest.FixedNow, "", jwt.MapClaims{"email": nil, "sub": "client:demo\x1b[2J-client"}))
	if h := uitest.Help(p); strings.Contains(h, "u diagnose") {
		t.Fatalf("help: %s", h)
	}
	st := one[common.StatusMsg](t, press(t, p, "u"))
	if !st.Err || !strings.HasPrefix(st.Text, "this token's subject is not a user (client:demo") || strings.Contains(st.Text, "\x1b") {
		t.Fatalf("u: %+v", st)
	}
}

// TestTokenRawJSONAndSidewaysScroll: v shows the raw JSON (tokens as
// fingerprints), → and ← scroll it sideways, esc (or v) goes back to the
// claims, one step, and esc on the claims closes the page.
func TestTokenRawJSONAndSidewaysScroll(t *testing.T) {
	res := uitest.Result(t, uitest.FixedNow, refreshToken, jwt.MapClaims{"long": strings.Repeat("x", 150) + "END"})
	p, _, _ := page(t, res)
	press(t, p, "v")
	uitest.RequireShows(t, screen(p), `"response"`, `"claims"`, tokeninfo.Fingerprint(res.Response.AccessToken))
	if strings.Contains(screen(p), res.Response.AccessToken) {
		t.Fatal("the raw JSON shows the token whole")
	}
	if h := uitest.Help(p); !strings.Contains(h, "esc claims") || !strings.Contains(h, "→ scroll right") || !strings.Contains(h, "← scroll left") || strings.Contains(h, "v raw JSON") {
		t.Fatalf("help in raw JSON: %s", h)
	}
	longLine := func() string {
		for _, l := range strings.Split(screen(p), "\n") {
			if strings.Contains(l, "xxxx") {
				return l
			}
		}
		t.Fatalf("no long line:\n%s", screen(p))
		return ""
	}
	if l := longLine(); strings.HasPrefix(strings.TrimSpace(l), "…") || strings.Contains(l, "END") {
		t.Fatalf("before scrolling: %q", l)
	}
	for range 30 {
		press(t, p, "right")
	}
	if l := longLine(); !strings.HasPrefix(l, "…") || !strings.Contains(l, "END") {
		t.Fatalf("scrolled right: %q", l)
	}
	for range 30 {
		press(t, p, "left")
	}
	if l := longLine(); strings.HasPrefix(l, "…") {
		t.Fatalf("scrolled back: %q", l)
	}
	if msgs := press(t, p, "esc"); len(msgs) != 0 {
		t.Fatalf("esc in raw JSON: %#v", msgs)
	}
	uitest.RequireShows(t, screen(p), "Subject user:support@example.com")
	press(t, p, "v")
	press(t, p, "v")
	uitest.RequireShows(t, screen(p), "Subject")
	// ← and → do nothing on the claims.
	before := screen(p)
	press(t, p, "right")
	if screen(p) != before {
		t.Fatal("→ moved the claims")
	}
	one[common.ClosePageMsg](t, press(t, p, "esc"))
}

// TestTokenScrollsTheClaims: in a short body the countdown stays pinned,
// what is below says how many lines, and j/k scroll within bounds.
func TestTokenScrollsTheClaims(t *testing.T) {
	p, _, _ := page(t, uitest.Result(t, uitest.FixedNow, refreshToken, nil))
	view := func() []string { return strings.Split(uitest.Screen(p, 78, 8), "\n") }
	v := view()
	if len(v) != 8 || !strings.HasPrefix(v[0], "expires in") || !strings.Contains(v[7], "more lines (j scrolls)") || !strings.Contains(v[2], "Grant") {
		t.Fatalf("short body:\n%s", strings.Join(v, "\n"))
	}
	press(t, p, "j")
	if v := view(); !strings.HasPrefix(v[0], "expires in") || strings.Contains(strings.Join(v, "\n"), "Grant") {
		t.Fatalf("after j:\n%s", strings.Join(v, "\n"))
	}
	for range 50 {
		press(t, p, "j")
	}
	v = view()
	if strings.Contains(v[len(v)-1], "more lines") {
		t.Fatalf("scrolled to the end, still more:\n%s", strings.Join(v, "\n"))
	}
	for range 50 {
		press(t, p, "k")
	}
	if v := view(); !strings.Contains(v[2], "Grant") {
		t.Fatalf("back at the top:\n%s", strings.Join(v, "\n"))
	}
}

// TestTokenCountdownAndWindowNote: the countdown and the window title's
// note follow the clock: 2m 00s, 45s, then EXPIRED.
func TestTokenCountdownAndWindowNote(t *testing.T) {
	p, clk, _ := page(t, uitest.Result(t, uitest.FixedNow, refreshToken, nil))
	cases := []struct {
		at         time.Duration
		line, note string
	}{
		{0, "expires in 2m 00s at 12:02:00 UTC (from exp)", "2m 00s"},
		{75 * time.Second, "expires in 45s at 12:02:00 UTC", "45s"},
		{119 * time.Second, "expires in 1s", "1s"},
		{120 * time.Second, "EXPIRED now, at 12:02:00 UTC", "EXPIRED"},
		{15 * time.Minute, "EXPIRED 13m 0s ago, at 12:02:00 UTC", "EXPIRED"},
	}
	for _, c := range cases {
		clk.Advance(c.at - clk.Now().Sub(uitest.FixedNow))
		if first := uitest.Flat(strings.Split(screen(p), "\n")[0]); !strings.HasPrefix(first, c.line) {
			t.Fatalf("at +%s: %q, want %q", c.at, first, c.line)
		}
		if n := windowNote(p); n != c.note {
			t.Fatalf("at +%s: window note %q, want %q", c.at, n, c.note)
		}
	}
	unknown := uitest.Result(t, uitest.FixedNow, "", jwt.MapClaims{"exp": nil})
	unknown.Expiry = tokeninfo.ComputeExpiry(unknown.Token, uitest.FixedNow, 0, uitest.FixedNow)
	p, _, _ = page(t, unknown)
	if n := windowNote(p); n != "" {
		t.Fatalf("window note of an unknown expiry: %q", n)
	}
}

// TestTokenReplacedAndRevoked: the root's messages: a refreshed token
// replaces the one shown; a revoked refresh token shows revoked and is no
// longer offered (R says it was revoked).
func TestTokenReplacedAndRevoked(t *testing.T) {
	p, clk, _ := page(t, uitest.Result(t, uitest.FixedNow, refreshToken, nil))
	clk.Advance(time.Minute)
	p.Update(token.ReplacedMsg{Res: uitest.Result(t, clk.Now(), refreshToken, nil)})
	uitest.RequireShows(t, screen(p), "expires in 2m 00s at 12:03:00 UTC")
	fp := tokeninfo.Fingerprint(refreshToken)
	p.Update(token.RefreshRevokedMsg{Fp: fp})
	uitest.RequireShows(t, screen(p), "Refresh revoked "+fp)
	if h := uitest.Help(p); strings.Contains(h, "R copy") || strings.Contains(h, "X revoke") {
		t.Fatalf("help after the revoke: %s", h)
	}
	if st := one[common.StatusMsg](t, press(t, p, "R")); !st.Err || st.Text != "no refresh token to copy: it was revoked ("+fp+")" {
		t.Fatalf("R after the revoke: %+v", st)
	}
}

// TestTokenSignatureLine: the signature check's line is read from the
// root's checks.
func TestTokenSignatureLine(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	res := uitest.Result(t, uitest.FixedNow, refreshToken, nil)
	var asked string
	p := token.New(uitest.Context(clk), res, func(tok string) string { asked = tok; return "verified with kid demo-key-1" })
	uitest.RequireShows(t, screen(p), "Signature ✓ verified with kid demo-key-1")
	if asked != res.Response.AccessToken {
		t.Fatal("the check was asked for another token")
	}
}

// TestTokenKeysNotOfferedDoNothing: keys the page does not offer return
// nothing and leave the screen as it was.
func TestTokenKeysNotOfferedDoNothing(t *testing.T) {
	p, _, _ := page(t, uitest.Result(t, uitest.FixedNow, refreshToken, nil))
	before := screen(p)
	for _, k := range []string{"x", "1", "enter", "space", "tab", "left", "right"} {
		if msgs := press(t, p, k); len(msgs) != 0 {
			t.Fatalf("%s: %#v", k, msgs)
		}
	}
	if screen(p) != before {
		t.Fatal("a key not offered changed the screen")
	}
}

// TestTokenFitsSixtyByTwenty: at 60×20 no line is wider than the body,
// the countdown is on top and the rest says it scrolls.
func TestTokenFitsSixtyByTwenty(t *testing.T) {
	p, _, _ := page(t, uitest.Result(t, uitest.FixedNow, refreshToken, jwt.MapClaims{"iss": "https://identity.partner-platform.example.com/v1/accounts/T11223344/auth/realms/x"}))
	view := uitest.Screen(p, 58, 16)
	lines := strings.Split(view, "\n")
	if len(lines) > 16 || !strings.HasPrefix(lines[0], "expires in") {
		t.Fatalf("60×20:\n%s", view)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 58 {
			t.Fatalf("a line of %d cells: %q", w, l)
		}
	}
	// The issuer wraps under its label, whole.
	if !strings.Contains(strings.Join(strings.Fields(view), ""), "Issuerhttps://identity.partner-platform.example.com/v1/accounts/T11223344/auth/realms/xAudience") {
		t.Fatalf("the issuer is cut:\n%s", view)
	}
}
