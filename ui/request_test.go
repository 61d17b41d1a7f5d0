package ui

import (
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/golang-jwt/jwt/v5"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/token"
)

var fixedNow = uitest.FixedNow

type testClock = uitest.Clock

// fakeClipboard records copies; it can be made to act like OSC 52.
type fakeClipboard struct {
	mu       sync.Mutex
	content  string
	osc52    bool
	clears   int
	external string // set to simulate the user copying something else
}

func (f *fakeClipboard) Copy(text string) (string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.content, f.external = text, ""
	if f.osc52 {
		return "OSC 52", "", nil
	}
	return "system clipboard", "", nil
}

func (f *fakeClipboard) ClearIf(text string) (common.Cleared, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.osc52 {
		f.content = ""
		f.clears++
		return common.Cleared{Blind: []string{placeTerminal}}, nil
	}
	if f.external != "" || f.content != text {
		return common.Cleared{}, errNotOurs
	}
	f.content = ""
	f.clears++
	return common.Cleared{Checked: []string{placeSystem}}, nil
}

func testContext(clk *testClock) *common.Context {
	ctx := uitest.Context(clk)
	ctx.Clipboard = &fakeClipboard{}
	return ctx
}

// drive runs a command and feeds what it produces back into the model, as
// Bubble Tea would, until nothing is left. Spinner frames are not fed back
// (they re-arm forever).
func drive(t testing.TB, m *Model, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 100 {
			t.Fatal("command loop did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if seq, ok := uitest.SequenceOf(msg); ok {
			// tea.Sequence: each command in turn, settled before the next.
			for _, sc := range seq {
				drive(t, m, sc)
			}
			continue
		}
		switch msg := msg.(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case spinner.TickMsg, nil:
		default:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

func press(t testing.TB, m *Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		_, cmd := m.Update(uitest.Key(k))
		drive(t, m, cmd)
	}
}

// viewText is what the screen shows, in the fixed colour profile of the
// tests: plain text, no escape sequences.
func viewText(m *Model) string {
	return ansi.Strip(m.View().Content)
}

func typeText(t *testing.T, m *Model, s string) {
	t.Helper()
	for _, r := range s {
		press(t, m, string(r))
	}
}

func demoContext(t *testing.T, clk *testClock, srv *dinterotest.Server) *common.Context {
	ctx := uitest.DemoContext(clk, srv)
	ctx.Clipboard = &fakeClipboard{}
	return ctx
}

func TestFullMFAFlowThroughUpdate(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	m := New(ctx)
	wantScreen(t, m, "home")
	press(t, m, "j", "enter")
	// A connection's channel is known: the code went out by SMS at once.
	requireShows(t, m, "› MFA", "Multi-factor authentication required", "A code was sent by SMS (challenge 1)", "mfa_token", "sha256:")
	// Switch to e-mail.
	press(t, m, "ctrl+w")
	requireShows(t, m, "A code was sent by e-mail (challenge 2)")
	code := srv.LastBindingCode(dinterotest.DemoMFAUser)
	requireShows(t, m, code) // the demo outbox
	// Letters do not type into the code.
	typeText(t, m, "abc")
	if strings.Contains(viewText(m), "abc") {
		t.Fatalf("letters typed:\n%s", viewText(m))
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	typeText(t, m, wrong)
	press(t, m, "enter")
	requireShows(t, m, "› MFA", "wrong binding code", "Attempts left: 2")
	// Send a new code, then switch channel: each replaces the last.
	press(t, m, "ctrl+n")
	requireShows(t, m, "A code was sent by e-mail (challenge 3)")
	press(t, m, "ctrl+w")
	requireShows(t, m, "A code was sent by SMS (challenge 4)")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoMFAUser))
	press(t, m, "enter")
	requireShows(t, m, "› token", "Subject     user:"+dinterotest.DemoMFAUser)
	// The token shown is the one the session holds for the connection.
	res, held := ctx.Session.Held(heldName("conn:1"))
	if !held || !res.ViaMFA || res.RefreshToken == "" || res.Token.Subject != "user:"+dinterotest.DemoMFAUser {
		t.Fatalf("held %v: %+v", held, res)
	}
	wantToken(t, m, res)
	view := viewText(m)
	if !strings.Contains(view, "expires in 2m 00s") || !strings.Contains(view, "password via MFA") {
		t.Fatalf("token view:\n%s", view)
	}
	// The countdown is computed from the clock.
	clk.Advance(90 * time.Second)
	if !strings.Contains(viewText(m), "expires in 30s") {
		t.Fatalf("after 90s:\n%s", viewText(m))
	}
	clk.Advance(31 * time.Second)
	if !strings.Contains(viewText(m), "EXPIRED") {
		t.Fatalf("after expiry:\n%s", viewText(m))
	}
	// Refresh uses the refresh token and keeps it.
	press(t, m, "r")
	wantScreen(t, m, "token")
	requireShows(t, m, "Grant       "+string(client.GrantRefreshToken))
	refreshed, _ := ctx.Session.Held(heldName("conn:1"))
	if refreshed == res || refreshed.RefreshToken != res.RefreshToken {
		t.Fatalf("refresh: held %+v", refreshed)
	}
	wantToken(t, m, refreshed) // with the refresh token it was refreshed with
	if strings.Contains(viewText(m), "EXPIRED") {
		t.Fatal("still expired after refresh")
	}
	// Back leads home, not to a stale token or MFA screen.
	press(t, m, "esc")
	wantScreen(t, m, "home")
}

func TestFormValidationAndServerErrorStayOnForm(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	ctx.Connections = nil
	m := New(ctx)
	// Without connections the app opens on the grant chooser.
	wantScreen(t, m, "choose a grant")
	press(t, m, "enter") // client_credentials
	wantScreen(t, m, "request · client_credentials")
	press(t, m, "enter")
	if srv.Requests() != 0 {
		t.Fatalf("invalid form was sent (requests %d)", srv.Requests())
	}
	wantScreen(t, m, "request · client_credentials")
	wantFieldError(t, m, "Account", "required")
	wantFieldError(t, m, "Secret", "required")
	// Validation put the focus on the first field in error: the account.
	if got := focusedField(m); got != "Account" {
		t.Fatalf("focus on %q:\n%s", got, viewText(m))
	}
	typeText(t, m, "X12")
	press(t, m, "enter")
	wantFieldError(t, m, "Account", "not P or T")
	// Fix the account: the audience follows it.
	for range 3 {
		_, _ = m.Update(uitest.Key("backspace"))
	}
	typeText(t, m, dinterotest.DemoAccount)
	wantFieldValue(t, m, "Audience", client.DefaultAudience(dinterotest.DemoAccount))
	press(t, m, "tab", "tab")
	typeText(t, m, dinterotest.DemoClientID)
	press(t, m, "tab")
	typeText(t, m, "wrong-secret")
	if strings.Contains(viewText(m), "wrong-secret") {
		t.Fatal("secret shown unmasked")
	}
	press(t, m, "ctrl+r")
	if !strings.Contains(viewText(m), "wrong-secret") {
		t.Fatal("ctrl+r does not reveal")
	}
	press(t, m, "ctrl+r", "enter")
	wantScreen(t, m, "request · client_credentials")
	requireShows(t, m, "✗ 401 invalid_client") // on the form, under its fields
	// Fix the one field and retry without retyping the rest.
	for range len("wrong-secret") {
		_, _ = m.Update(uitest.Key("backspace"))
	}
	typeText(t, m, dinterotest.DemoSecret)
	press(t, m, "enter")
	wantScreen(t, m, "token")
	press(t, m, "esc")
	wantScreen(t, m, "request · client_credentials")
	wantFieldValue(t, m, "Client ID", dinterotest.DemoClientID)
}

func TestServerControlCharactersAreSanitised(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	srv.SetFault(&dinterotest.Fault{Status: 503, Message: "down\x1b]52;c;ZXZpbA==\x07 now\x1b[2J", Times: 1})
	press(t, m, "enter")
	view := viewText(m)
	if !onScreen(m, "request · client_credentials") || !strings.Contains(view, "503 server_error: down]52;c;ZXZpbA== now[2J") || strings.ContainsAny(view, "\x07") || strings.Contains(view, "\x1b]") {
		t.Fatalf("screen %q view:\n%q", screenOf(m), view)
	}
}

func TestCancelInFlightDropsLateAnswer(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	srv.SetFault(&dinterotest.Fault{Hang: true, Times: 1})
	_, cmd := m.Update(uitest.Key("enter"))
	_, cmd = m.Update(cmd()) // home asks the root to run the item
	requireShows(t, m, "› sending", "esc cancels the request")
	done := make(chan tea.Msg, 1)
	go func() {
		// The request command: the batch's second part.
		batch := cmd().(tea.BatchMsg)
		done <- batch[1]()
	}()
	press(t, m, "esc")
	if strings.Contains(viewText(m), "› sending") {
		t.Fatalf("esc did not leave the in-flight screen:\n%s", viewText(m))
	}
	select {
	case late := <-done:
		// The cancelled request returns promptly; its answer is stale.
		m.Update(late)
		if onScreen(m, "token") {
			t.Fatalf("a cancelled answer was shown:\n%s", viewText(m))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancelled request goroutine did not return")
	}
}

func TestCopyAndClear(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	ctx := testContext(clk)
	ctx.ClearAfter = 45 * time.Second
	var ticks tickRecorder
	ticks.install(ctx)
	clip := ctx.Clipboard.(*fakeClipboard)
	m := New(ctx)
	res := syntheticResult(t, fixedNow)
	showTokenPage(m, res)
	press(t, m, "c")
	if clip.content != res.Response.AccessToken {
		t.Fatalf("copy: clipboard %q", clip.content)
	}
	wantStatus(t, m, "access token copied via system clipboard; clears in 45s")
	if n := ticks.armed(45 * time.Second); n != 1 {
		t.Fatalf("%d clears armed", n)
	}
	clk.Advance(45 * time.Second)
	ticks.fireAfter(t, m, clk, 45*time.Second)
	if clip.content != "" || clip.clears != 1 || statusOf(m) != "clipboard cleared" {
		t.Fatalf("clear: %q %q", clip.content, statusOf(m))
	}
	// Something else on the clipboard is left alone.
	press(t, m, "h")
	if !strings.HasPrefix(clip.content, "Authorization: Bearer ey") {
		t.Fatalf("header copy %q", clip.content)
	}
	clip.external = "user's own text"
	clk.Advance(45 * time.Second)
	ticks.fireAfter(t, m, clk, 45*time.Second)
	if clip.clears != 1 || !strings.Contains(statusOf(m), "holds something else") {
		t.Fatalf("external: %q", statusOf(m))
	}
	// R asks first; n declines.
	press(t, m, "R")
	if !strings.Contains(viewText(m), "Copy the refresh token? It is a long-lived secret. y/n") {
		t.Fatal("no confirmation")
	}
	press(t, m, "n")
	if clip.content == res.RefreshToken {
		t.Fatal("copied without confirmation")
	}
	press(t, m, "R", "y")
	if clip.content != res.RefreshToken {
		t.Fatal("refresh token not copied after yes")
	}
	// OSC 52: the clear is blind, and quitting clears.
	clip.osc52 = true
	press(t, m, "c")
	wantStatus(t, m, "(blind: OSC 52 cannot be read back)")
	clk.Advance(45 * time.Second)
	ticks.fireAfter(t, m, clk, 45*time.Second)
	if clip.content != "" || statusOf(m) != "clipboard cleared blind (OSC 52 cannot read it back)" {
		t.Fatalf("osc52 clear: %q %q", clip.content, statusOf(m))
	}
	press(t, m, "c")
	m.ClearClipboardOnQuit()
	if clip.content != "" {
		t.Fatal("not cleared on quit")
	}
}

func TestResizeAndQuitKeys(t *testing.T) {
	m := New(testContext(uitest.NewClock(fixedNow)))
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if got := strings.Count(viewText(m), "\n") + 1; got != 40 {
		t.Fatalf("view has %d lines at height 40", got)
	}
	for _, line := range strings.Split(viewText(m), "\n") {
		if ansi.StringWidth(line) > 120 {
			t.Fatalf("line wider than 120: %q", line)
		}
	}
	_, cmd := m.Update(uitest.Key("q"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Fatal("q does not quit on the chooser")
	}
	// On a form, q types.
	press(t, m, "enter")
	_, cmd = m.Update(uitest.Key("q"))
	if cmd != nil && cmd() == tea.Quit() {
		t.Fatal("q quit from a form")
	}
	_, cmd = m.Update(uitest.Key("ctrl+c"))
	if cmd == nil || cmd() != tea.Interrupt() {
		t.Fatal("ctrl+c does not interrupt")
	}
}

var signingKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// syntheticResult is a token as the demo would return it, with fixed
// values, for goldens.
func syntheticResult(t testing.TB, now time.Time) *flows.Result {
	t.Helper()
	claims := jwt.MapClaims{
		"iss": "https://api.dintero.com/v1/accounts/T11223344/auth", "sub": "user:support@example.com",
		"aud": "https://api.dintero.com/v1/accounts/T11223344", "iat": now.Unix(), "nbf": now.Unix(),
		"exp": now.Add(2 * time.Minute).Unix(), "scope": "read:accounts read:checkout write:checkout",
		"client_id": "demo-client", "email": "support@example.com",
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = "demo-key-1"
	raw, err := tok.SignedString(signingKey())
	if err != nil {
		t.Fatal(err)
	}
	bearer := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"scope": "write:accounts:/auth/users create:accounts:auth:refresh_token"})
	bearerRaw, _ := bearer.SignedString(signingKey())
	decoded, err := tokeninfo.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	resp := &client.TokenResponse{
		AccessToken: raw, TokenType: "Bearer", ExpiresIn: 120, RefreshToken: "rt_FixedRefreshTokenForGoldenFiles0001",
		Scope: "read:accounts read:checkout write:checkout", ReceivedAt: now, ServerDate: now,
		Fields: map[string]any{"access_token": raw, "token_type": "Bearer", "expires_in": 120, "refresh_token": "rt_FixedRefreshTokenForGoldenFiles0001", "scope": "read:accounts read:checkout write:checkout"},
	}
	return &flows.Result{
		Request:  flows.Request{Account: "T11223344", Grant: client.GrantPassword, Username: "support@example.com"},
		Response: resp, Token: decoded, Expiry: tokeninfo.ComputeExpiry(decoded, now, 120, now),
		Auth: client.BearerAuth{Token: bearerRaw}, BearerChained: true, RefreshToken: resp.RefreshToken,
	}
}

func BenchmarkTokenView(b *testing.B) {
	clk := uitest.NewClock(fixedNow)
	ctx := common.NewContext()
	ctx.Now = clk.Now
	m := New(ctx)
	showTokenPage(m, syntheticResult(b, fixedNow))
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// showTokenPage shows res in the token view, as a token obtained would;
// its signature is not checked (no JWKS URL).
func showTokenPage(m *Model, res *flows.Result) {
	m.openPage(token.New(m.ctx, res, func(string) string { return "" }))
}

// TestClipboardClearedDoesNotHideANewerStatus: the notice that the
// clipboard was cleared comes in the background, 45 s after a copy; it
// must not replace what the user's last action just said (a tester lost
// where a bundle was written to it).
func TestClipboardClearedDoesNotHideANewerStatus(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	ctx := testContext(clk)
	ctx.ClearAfter = 45 * time.Second
	var ticks tickRecorder
	ticks.install(ctx)
	m := New(ctx)
	showTokenPage(m, syntheticResult(t, fixedNow))
	press(t, m, "c")
	clk.Advance(42 * time.Second)
	press(t, m, "s") // the demo saves no profiles, and says so
	want := statusOf(m)
	if !strings.Contains(want, "not saved in the demo") {
		t.Fatalf("status %q", want)
	}
	clk.Advance(3 * time.Second)
	ticks.fireAfter(t, m, clk, 45*time.Second)
	if got := statusOf(m); got != want {
		t.Fatalf("status %q, want %q", got, want)
	}
	if ctx.Clipboard.(*fakeClipboard).content != "" {
		t.Fatal("not cleared")
	}
}
