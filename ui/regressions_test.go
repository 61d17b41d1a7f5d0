package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/log"
	"github.com/tokenbench/tokenbench/ui/pages/mfa"
)

// These tests drive the workbench by keys and read only what it shows.

func requireShows(t *testing.T, m *Model, texts ...string) {
	t.Helper()
	view := viewText(m)
	for _, text := range texts {
		if !strings.Contains(view, text) {
			t.Fatalf("screen does not show %q:\n%s", text, view)
		}
	}
}

func requireHides(t *testing.T, m *Model, texts ...string) {
	t.Helper()
	view := viewText(m)
	for _, text := range texts {
		if strings.Contains(view, text) {
			t.Fatalf("screen shows %q:\n%s", text, view)
		}
	}
}

// requireFits fails when a line is wider than the terminal or the screen
// is taller.
func requireFits(t *testing.T, m *Model, w, h int) {
	t.Helper()
	lines := strings.Split(viewText(m), "\n")
	if len(lines) > h {
		t.Fatalf("%d lines at height %d:\n%s", len(lines), h, viewText(m))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > w {
			t.Fatalf("line of %d cells at width %d: %q", ansi.StringWidth(l), w, l)
		}
	}
}

func storeWith(t *testing.T, clk *testClock, ps ...profiles.Profile) *common.Context {
	t.Helper()
	ctx := profileContext(t, clk, t.TempDir())
	for _, p := range ps {
		if err := ctx.Store.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	return ctx
}

func TestHomeFilterFiltersClearsAndStartsAfresh(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	m := New(storeWith(t, clk,
		profiles.Profile{Name: "alpha-shop", Account: "T11223344", Grant: "client_credentials", ClientID: "a"},
		profiles.Profile{Name: "beta-shop", Account: "T11223344", Grant: "client_credentials", ClientID: "b"},
	))
	press(t, m, "/")
	typeText(t, m, "zzz")
	requireHides(t, m, "alpha-shop", "beta-shop")
	// An empty list says why: it must not look like lost profiles.
	requireShows(t, m, `no profile or connection matches "zzz"`)
	press(t, m, "esc")
	requireShows(t, m, "alpha-shop", "beta-shop")
	requireHides(t, m, "matches")

	press(t, m, "/")
	typeText(t, m, "beta")
	requireHides(t, m, "alpha-shop")
	requireShows(t, m, "beta-shop")
	// enter applies the filter, which stays visible; esc then clears it.
	press(t, m, "enter")
	requireHides(t, m, "alpha-shop")
	requireShows(t, m, `filtered by "beta"`)
	press(t, m, "esc")
	requireShows(t, m, "alpha-shop", "beta-shop")
	requireHides(t, m, "filtered by")
	// The next / starts from nothing, not from "beta".
	press(t, m, "/")
	typeText(t, m, "alpha")
	requireShows(t, m, "alpha-shop")
	requireHides(t, m, "beta-shop", "betaalpha")
}

func TestNewRequestFromTokenLeadsBackToItThenHome(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(storeWith(t, clk, profiles.Profile{Name: "demo-cc", BaseURL: srv.URL, Account: dinterotest.DemoAccount,
		Grant: "client_credentials", ClientID: dinterotest.DemoClientID}))
	press(t, m, "down") // New request…
	press(t, m, "enter")
	requireShows(t, m, "choose a grant")
	press(t, m, "enter")
	fillClientCredentials(t, m, srv.URL)
	press(t, m, "enter")
	requireShows(t, m, "expires in")
	press(t, m, "n")
	requireShows(t, m, "choose a grant")
	// esc leaves the chooser for the token it came from (a tester: it
	// skipped it); from there back goes the way the token came: its
	// form, the chooser, home.
	press(t, m, "esc")
	wantScreen(t, m, "token")
	press(t, m, "esc", "esc", "esc")
	wantScreen(t, m, "home")
	requireShows(t, m, "demo-cc", "New request…")
}

// fillClientCredentials types the demo client into an open
// client_credentials form whose focus is on the base URL.
func fillClientCredentials(t *testing.T, m *Model, base string) {
	t.Helper()
	press(t, m, "ctrl+u")
	typeText(t, m, base)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoAccount)
	press(t, m, "tab", "tab")
	typeText(t, m, dinterotest.DemoClientID)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoSecret)
}

func TestSaveAsProfileModeDoesNotStick(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(storeWith(t, clk))
	press(t, m, "esc") // the first-run chooser sits over home
	press(t, m, "enter")
	requireShows(t, m, "choose a grant")
	press(t, m, "enter")
	fillClientCredentials(t, m, srv.URL)
	press(t, m, "enter")
	requireShows(t, m, "expires in")
	press(t, m, "s")
	requireShows(t, m, "Name")
	press(t, m, "esc", "n", "enter")
	requireShows(t, m, "request · client_credentials")
	requireHides(t, m, "profile ·", "Name ")
}

func TestHelpOnTheDebuggingScreens(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	recordedMFAFlow(t, ctx)
	m := New(ctx)
	press(t, m, "ctrl+l")
	press(t, m, "?")
	requireShows(t, m, "write HAR", "MFA timeline", "back")
	press(t, m, "?", "enter", "?")
	requireShows(t, m, "copy as curl", "back")
	press(t, m, "?", "esc", "t", "?")
	requireShows(t, m, "back", "quit")
	press(t, m, "?", "esc", "esc", "ctrl+o", "?")
	requireShows(t, m, "decode", "clear")
}

func TestTokenCountdownStaysWhileClaimsScroll(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	m := New(testContext(clk))
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 14})
	showTokenPage(m, syntheticResult(t, fixedNow))
	requireHides(t, m, "email")
	for range 30 {
		press(t, m, "down")
	}
	requireShows(t, m, "expires in 2m 00s", "tokenbench › token")
	requireShows(t, m, "email") // scrolled to the end
	requireFits(t, m, 60, 14)
}

// shopProfile is a store holding profile "shop", the demo client, with
// its secret in the keyring, over a demo server.
func shopProfile(t *testing.T) (*common.Context, []profiles.Profile) {
	t.Helper()
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := storeWith(t, clk, profiles.Profile{Name: "shop", BaseURL: srv.URL, Account: dinterotest.DemoAccount,
		Grant: "client_credentials", ClientID: dinterotest.DemoClientID,
		Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}})
	p, _ := ctx.Store.Load()
	if err := ctx.Secrets.Put(p[0], profiles.ClientSecret, dinterotest.DemoSecret); err != nil {
		t.Fatal(err)
	}
	return ctx, p
}

func TestDuplicatedProfileWithoutSecretSaysWhatIsMissing(t *testing.T) {
	ctx, p := shopProfile(t)
	m := New(ctx)
	press(t, m, "d", "enter") // duplicate as shop-copy, save
	requireShows(t, m, "shop-copy")
	// The copy has the original's secret: it runs at once.
	press(t, m, "enter") // saving selects the new profile; run it
	requireShows(t, m, "expires in", "client:"+dinterotest.DemoClientID)

	// A profile whose secret is not saved says which and how to save it.
	if err := ctx.Secrets.Delete(p[0], profiles.ClientSecret); err != nil {
		t.Fatal(err)
	}
	press(t, m, "esc", "up", "enter")
	requireShows(t, m, "client secret of shop is not saved", "e on home to save it")
	requireHides(t, m, "asks for each time")
}

func TestInvalidAccountGetsNoTestBadge(t *testing.T) {
	m := New(testContext(uitest.NewClock(fixedNow)))
	press(t, m, "enter", "tab") // client_credentials, on to the account
	typeText(t, m, "X123")
	requireShows(t, m, "X123")
	requireHides(t, m, "TEST X123")
	press(t, m, "ctrl+u")
	typeText(t, m, "T11223344")
	requireShows(t, m, "TEST T11223344")
}

func TestMFAScreenFitsAt60x20(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	ctx := testContext(clk)
	m := New(ctx)
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	ctx.Outbox = func(string) []common.OutboxMessage {
		return []common.OutboxMessage{{At: fixedNow, Channel: "sms", To: "+47 900 00 002", Text: "Your Dintero verification code is 482913. It expires in 5m0s."}}
	}
	showMFAPage(m, true, "")
	requireShows(t, m, "the code received") // the placeholder, whole
	press(t, m, "esc")
	showMFAPage(m, true, "wrong binding code: 400 invalid_grant: the binding code is not correct (2 attempt(s) left)")
	requireFits(t, m, 60, 20)
	requireShows(t, m, "482913", "expires in 5m0s", "2 attempt(s) left")
}

func TestStatusDoesNotOutliveItsScreen(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "enter") // the demo API client
	requireShows(t, m, "token received")
	press(t, m, "n")
	requireHides(t, m, "token received")
	press(t, m, "esc")
	press(t, m, "enter", "R")
	requireShows(t, m, "no refresh token to copy")
	press(t, m, "esc")
	requireHides(t, m, "no refresh token to copy")
}

func TestAuthorizationCodeRunAgainShowsHeldTokenAndEditSendsAgain(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	// authorization_code is Dintero's passwordless login (issue 16): a code
	// issued for a user id needs no prompt; a second run gets a new code.
	code := flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantAuthorizationCode, ClientID: dinterotest.DemoClientID,
		ClientSecret: dinterotest.DemoSecret, IdentType: flows.IdentUserID, Ident: srv.UserID(dinterotest.DemoUser)}
	ctx.Connections = []common.Connection{{Name: "Code issued for a user", Description: "code", BaseURL: srv.URL, Request: code}}
	m := New(ctx)
	press(t, m, "enter")
	requireShows(t, m, "authorization_code")
	press(t, m, "esc", "e", "enter")
	requireShows(t, m, "authorization_code")
}

func TestTmuxCopyGoesIntoTmuxBuffer(t *testing.T) {
	var calls [][]string
	var stdin string
	c := &SystemClipboard{Getenv: func(k string) string {
		return map[string]string{"TMUX": "/tmp/tmux-0/default,1,0", "SSH_TTY": "/dev/pts/1"}[k]
	}, Tmux: func(in string, args ...string) (string, error) {
		calls = append(calls, args)
		if args[0] == "load-buffer" {
			stdin = in
		}
		if args[0] == "show-options" {
			return "external\n", nil
		}
		return "", nil
	}}
	var out strings.Builder
	c.Out = &out
	via, caveat, err := c.Copy("eyJ.secret.token")
	if err != nil || via != "tmux buffer" || stdin != "eyJ.secret.token" || !strings.HasPrefix(strings.Join(calls[0], " "), "load-buffer -b tokenbench-") || !strings.HasSuffix(strings.Join(calls[0], " "), " -w -") {
		t.Fatalf("via %q caveat %q err %v calls %v", via, caveat, err, calls)
	}
	if out.Len() != 0 {
		t.Fatalf("wrote an OSC 52 tmux would drop: %q", out.String())
	}
}

func TestWindowTitleShowsProfileAndCountdown(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(storeWith(t, clk, profiles.Profile{Name: "shop", BaseURL: srv.URL, Account: dinterotest.DemoAccount,
		Grant: "client_credentials", ClientID: dinterotest.DemoClientID}))
	if got := m.View().WindowTitle; got != "tokenbench" {
		t.Fatalf("home title %q", got)
	}
	press(t, m, "enter") // the form opens on the secret, which is not saved
	requireShows(t, m, "client secret of shop is not saved")
	requireHides(t, m, "↳")
	typeText(t, m, dinterotest.DemoSecret)
	press(t, m, "enter")
	clk.Advance(30 * time.Second)
	if got := m.View().WindowTitle; got != "tokenbench · shop · 1m 30s" {
		t.Fatalf("token title %q\n%s", got, viewText(m))
	}
	clk.Advance(2 * time.Minute)
	if got := m.View().WindowTitle; got != "tokenbench · shop · EXPIRED" {
		t.Fatalf("expired title %q", got)
	}
}

func TestLogRowsNameTheGrant(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	recordedMFAFlow(t, ctx)
	m := New(ctx)
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	press(t, m, "ctrl+l")
	requireShows(t, m, "token · password", "challenge · sms", "token · mfa-oob", "403 mfa_required", "400 invalid_grant")
	requireFits(t, m, 60, 20)
}

// Launch, enter, the code, enter, c: a saved MFA profile's token is on the
// clipboard in three keys besides the code.
func TestSavedMFAProfileToClipboardInThreeKeys(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := storeWith(t, clk, profiles.Profile{Name: "support-mfa", BaseURL: srv.URL, Account: dinterotest.DemoAccount,
		Grant: "password", ClientID: dinterotest.DemoClientID, Username: dinterotest.DemoMFAUser, MFAChannel: "email",
		Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring, profiles.Password: profiles.SourceKeyring}})
	ps, _ := ctx.Store.Load()
	for k, v := range map[profiles.Kind]string{profiles.ClientSecret: dinterotest.DemoSecret, profiles.Password: dinterotest.DemoPassword} {
		if err := ctx.Secrets.Put(ps[0], k, v); err != nil {
			t.Fatal(err)
		}
	}
	m := New(ctx)
	press(t, m, "enter")
	requireShows(t, m, "A code was sent by e-mail")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoMFAUser))
	press(t, m, "enter", "c")
	requireShows(t, m, "password via MFA", "access token copied")
	if clip := ctx.Clipboard.(*fakeClipboard); !strings.HasPrefix(clip.content, "eyJ") {
		t.Fatalf("clipboard %q", clip.content)
	}
}

func TestCopyingAnExpiredTokenWarns(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	m := New(testContext(clk))
	showTokenPage(m, syntheticResult(t, fixedNow.Add(-10*time.Minute)))
	press(t, m, "c")
	requireShows(t, m, "EXPIRED access token copied")
}

func TestHARAsksWhereAndShowsTheFullPath(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	recordedMFAFlow(t, ctx)
	m := New(ctx)
	press(t, m, "ctrl+l", "w")
	requireShows(t, m, "Write the HAR of the whole session (5 exchanges, every user's", "tokenbench-20261128-120000.har")
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	requireFits(t, m, 60, 20)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	press(t, m, "esc")
	requireShows(t, m, "HAR not written")

	path := filepath.Join(t.TempDir(), "a-rather-long-directory-name-for-the-export", "flow.har")
	if err := os.Mkdir(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	press(t, m, "w", "ctrl+u")
	typeText(t, m, path)
	press(t, m, "enter")
	requireShows(t, m, "HAR written to")
	if view := strings.Join(strings.Fields(viewText(m)), ""); !strings.Contains(view, path) {
		t.Fatalf("the path is not shown whole:\n%s", viewText(m))
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), `"entries"`) || strings.Contains(string(data), "demo-client-secret") {
		t.Fatalf("HAR %v:\n%.200s", err, data)
	}
	// Never over an existing file without asking: n keeps it, y replaces it.
	os.WriteFile(path, []byte("yesterday's"), 0o644)
	press(t, m, "w", "ctrl+u")
	typeText(t, m, path)
	press(t, m, "enter")
	requireShows(t, m, "exists. Replace it?")
	press(t, m, "n")
	requireShows(t, m, "HAR not written: pick another name")
	if data, _ := os.ReadFile(path); string(data) != "yesterday's" {
		t.Fatalf("the HAR replaced the file without asking")
	}
	press(t, m, "w", "ctrl+u")
	typeText(t, m, path)
	press(t, m, "enter", "y")
	requireShows(t, m, "HAR written to")
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), `"entries"`) {
		t.Fatalf("y did not replace the file: %.100q", data)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("replaced HAR mode %v", fi.Mode().Perm())
	}
}

// The profile form offers every setting the CLI's profile add has, and
// saving writes them.
func TestProfileFormHasEveryProfileSetting(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	ctx := storeWith(t, clk)
	m := New(ctx)
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	press(t, m, "esc", "a", "j", "enter") // a password profile
	typeText(t, m, "support-mfa")
	press(t, m, "tab", "tab")
	typeText(t, m, dinterotest.DemoAccount)
	press(t, m, "tab", "tab", "tab")
	typeText(t, m, dinterotest.DemoClientID)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoSecret)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoMFAUser)
	press(t, m, "tab", "tab", "tab") // password left to be asked; on to the channel
	press(t, m, "space")
	requireShows(t, m, "by e-mail  (space")
	press(t, m, "tab")
	typeText(t, m, "file")
	press(t, m, "tab")
	typeText(t, m, "https://keys.example.com/jwks.json")
	press(t, m, "tab")
	typeText(t, m, "ticket 4711")
	press(t, m, "tab", "space", "tab", "space", "tab")
	typeText(t, m, "2m")
	requireFits(t, m, 60, 20)
	press(t, m, "enter")
	requireShows(t, m, "profile support-mfa saved", "PLAIN TEXT")
	ps, err := ctx.Store.Load()
	if err != nil || len(ps) != 1 {
		t.Fatalf("%v %+v", err, ps)
	}
	p := ps[0]
	if p.MFAChannel != "email" || p.JWKSURL != "https://keys.example.com/jwks.json" || p.Notes != "ticket 4711" || !p.KeepTokens || !p.AutoRefresh ||
		time.Duration(p.RefreshBefore) != 2*time.Minute || p.Secrets[profiles.ClientSecret] != profiles.SourceFile || p.Secrets[profiles.Password] != profiles.SourceAsk {
		t.Fatalf("saved %+v", p)
	}
	// Editing shows them again.
	press(t, m, "e")
	for range 12 {
		press(t, m, "tab")
	}
	requireShows(t, m, "by e-mail  (space", "[x] keep tokens", "[x] auto-refresh", "ticket 4711")
}

// The inspector's keys URL comes from the pasted token's own account, not
// from the last request; a token naming a host this session does not use
// is not fetched from.
func TestInspectorKeysURLFromTheTokensIssuer(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "enter") // a token for T11223344
	press(t, m, "ctrl+o")
	other, _ := srv.IssueToken(map[string]any{"sub": "other", "iss": srv.URL + "/accounts/P99887766/auth"})
	press(t, m, "ctrl+u")
	typeText(t, m, other)
	press(t, m, "enter")
	requireShows(t, m, "P99887766/auth/keys")
	requireHides(t, m, "T11223344/auth/keys")

	hostile, _ := srv.IssueToken(map[string]any{"sub": "x", "iss": "https://evil.example/v1/accounts/T11223344/auth"})
	press(t, m, "ctrl+u")
	typeText(t, m, hostile)
	press(t, m, "enter")
	requireShows(t, m, "not checked")
	requireHides(t, m, "/auth/keys")
}

func TestTimelineRowOpensItsExchange(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	recordedMFAFlow(t, ctx)
	m := New(ctx)
	press(t, m, "ctrl+l", "t", "down", "down", "down", "enter") // binding code #1
	requireShows(t, m, "› exchange", `"grant_type": "mfa-oob"`, "400")
	press(t, m, "esc")
	requireShows(t, m, "MFA timeline")
	press(t, m, "esc")
	requireShows(t, m, "HTTP log")
}

func TestWindowTitleNamesTheConnection(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "enter")
	if got := m.View().WindowTitle; got != "tokenbench · Demo API client · 2m 00s" {
		t.Fatalf("title %q", got)
	}
}

func TestHomeFilterMatchesWordsNotScatteredLetters(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	ctx.Connections[1].Name = "Support user, no MFA" // a password grant
	m := New(ctx)
	press(t, m, "/")
	typeText(t, m, "prod")
	requireHides(t, m, "Support user", "Demo API client")
	press(t, m, "esc", "/")
	typeText(t, m, "api")
	requireShows(t, m, "Demo API client")
	requireHides(t, m, "Support user")
}

// After too many wrong codes, ctrl+n sends a new code, as the hint says.
func TestCtrlNAfterLockoutSendsANewCode(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "down", "enter") // the MFA user: the code goes out by SMS
	requireShows(t, m, "challenge 1")
	wrong := "000000"
	if srv.LastBindingCode(dinterotest.DemoMFAUser) == wrong {
		wrong = "111111"
	}
	for range 3 {
		typeText(t, m, wrong)
		press(t, m, "enter")
	}
	requireShows(t, m, "ctrl+n sends a new code")
	press(t, m, "ctrl+n")
	requireShows(t, m, "A code was sent by SMS (challenge 2)", "Attempts left: 3")
}

func TestLongTokenValuesWrapInsteadOfBeingCut(t *testing.T) {
	m := New(testContext(uitest.NewClock(fixedNow)))
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 40})
	r := syntheticResult(t, fixedNow)
	r.RefreshToken = ""
	showTokenPage(m, r)
	view := strings.Join(strings.Fields(viewText(m)), " ")
	for _, whole := range []string{"https://api.dintero.com/v1/accounts/T11223344/auth", r.RefreshNote()} {
		if !strings.Contains(strings.ReplaceAll(view, " ", ""), strings.ReplaceAll(whole, " ", "")) {
			t.Fatalf("%q is cut:\n%s", whole, viewText(m))
		}
	}
	requireFits(t, m, 60, 40)
}

func TestNotFoundOnTheTokenPathSuggestsTheBaseURL(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(testContext(clk))
	press(t, m, "enter") // client_credentials
	fillClientCredentials(t, m, strings.TrimSuffix(srv.URL, "/v1"))
	press(t, m, "enter")
	requireShows(t, m, "404", "Dintero's ends in /v1")
}

// esc on the MFA screen of a home item goes back where the user came from
// (home), not to a request form the user never saw; from the form, it goes
// back to the form.
func TestEscFromMFAGoesBackWhereTheUserCameFrom(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "down", "enter") // the MFA user, from home
	requireShows(t, m, "› MFA", "challenge 1")
	escLeaving(t, m)
	requireShows(t, m, "› home")

	// From the form: e edits the item, enter sends, esc returns to it.
	press(t, m, "e")
	requireShows(t, m, "› request")
	press(t, m, "enter")
	requireShows(t, m, "› MFA")
	escLeaving(t, m)
	requireShows(t, m, "› request")
	press(t, m, "esc")
	requireShows(t, m, "› home")
}

// Raw JSON scrolls sideways instead of being cut for good: at 60 columns
// the issuer's tail is cut, and → brings it into view.
func TestRawJSONScrollsSideways(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 30})
	press(t, m, "enter", "v")
	tail := `/accounts/` + dinterotest.DemoAccount + `/auth",`
	if strings.Contains(viewText(m), tail) {
		t.Fatalf("the issuer fits at 60 columns; the test needs a longer line:\n%s", viewText(m))
	}
	requireShows(t, m, `"iss": "http`)
	for i := 0; i < 10 && !strings.Contains(viewText(m), tail); i++ {
		press(t, m, "right")
	}
	requireShows(t, m, tail)
	requireFits(t, m, 60, 30)
	for range 10 {
		press(t, m, "left")
	}
	requireShows(t, m, `"iss": "http`)
}

// The header names the profile or connection a token belongs to, beside
// the screen.
func TestHeaderNamesTheProfile(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	m := New(ctx)
	press(t, m, "enter")
	header := strings.SplitN(viewText(m), "\n", 2)[0]
	if !strings.Contains(header, "› token · "+ctx.Connections[0].Name) {
		t.Fatalf("header %q", header)
	}
	// At 60 columns the name is cut to fit beside the badge.
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	requireFits(t, m, 60, 20)
	requireShows(t, m, "› token · Demo", "TEST T11223344")
}

// TestInspectorScrollsAtSmallSizes: at 60×20 a decoded token's last
// claims were out of reach (↑/↓ did nothing), and ctrl+u left the keys URL
// the page had filled in for the cleared token.
func TestInspectorScrollsAtSmallSizes(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	claims := map[string]any{"sub": "user:someone", "iss": srv.URL + "/accounts/T11223344/auth", "zz_last_claim": "the end"}
	for i := range 12 {
		claims[fmt.Sprintf("claim_%02d", i)] = i
	}
	tok, _ := srv.IssueToken(claims)
	press(t, m, "ctrl+o")
	typeText(t, m, tok)
	press(t, m, "enter")
	requireShows(t, m, "Subject")
	requireHides(t, m, `"the end"`)
	for range 20 {
		press(t, m, "down")
	}
	requireShows(t, m, `"the end"`, "Token", "JWKS URL") // the inputs stay
	press(t, m, "ctrl+u")
	requireHides(t, m, "T11223344/auth/keys")
}

// TestHelpClosesWithItsScreen: the full help belongs to the screen it was
// opened on; esc closes it first, and leaving the screen closes it (it
// opened expanded on home after esc from the token view).
func TestHelpClosesWithItsScreen(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	recordedMFAFlow(t, ctx)
	m := New(ctx)
	press(t, m, "ctrl+l", "?")
	requireShows(t, m, "inspect a JWT")
	press(t, m, "esc") // closes the help, stays on the log
	wantScreen(t, m, "HTTP log")
	requireHides(t, m, "inspect a JWT")
	press(t, m, "?", "t")
	wantScreen(t, m, "MFA timeline")
	requireHides(t, m, "inspect a JWT") // not opened here
	press(t, m, "esc")
	wantScreen(t, m, "HTTP log")
	requireHides(t, m, "inspect a JWT")
}

// TestLogAndExchangeAt60Columns: the log's "what" takes the room the
// status column leaves (it cut "token · client_cred…" with free room to its
// right), and an exchange wraps a long URL or body rather than cutting it.
func TestLogAndExchangeAt60Columns(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	recordedMFAFlow(t, ctx)
	m := New(ctx)
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	press(t, m, "ctrl+l")
	requireShows(t, m, "token · client_credentials ", "challenge · sms")
	press(t, m, "home", "enter")
	wantScreen(t, m, "exchange")
	joined := ""
	for _, l := range strings.Split(viewText(m), "\n") {
		joined += strings.TrimPrefix(strings.TrimSpace(l), "> ")
	}
	if ex := log.ExchangesOf(ctx)[0]; !strings.Contains(joined, ex.URL) {
		t.Fatalf("the URL %s is not whole:\n%s", ex.URL, viewText(m))
	}
	requireFits(t, m, 60, 20)
}

// TestNewRequestFromAProfilesTokenIsAOneOff: n over a profile's token
// keeps the profile's token and name on the way back, and the new request
// is held under no profile.
func TestNewRequestFromAProfilesTokenIsAOneOff(t *testing.T) {
	ctx, _ := shopProfile(t)
	m := New(ctx)
	press(t, m, "enter")
	wantScreen(t, m, "token")
	first, _ := ctx.Session.Held("shop")
	press(t, m, "n", "esc")
	requireShows(t, m, "token · shop")
	press(t, m, "n", "enter", "enter") // the form starts from the last request's values
	wantScreen(t, m, "token")
	requireHides(t, m, "· shop")
	if held, _ := ctx.Session.Held("shop"); held != first {
		t.Fatal("the one-off request's token replaced the profile's")
	}
}

// TestLongProfileNameKeepsTheBadge: a long name is shortened so the PROD
// badge shows (it was cut off at 60 columns, and at 80 every row of the
// list ended in "…").
func TestLongProfileNameKeepsTheBadge(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	name := "prod-merchant-with-a-long-descriptive-name-for-the-support-team"
	ctx := storeWith(t, clk, profiles.Profile{Name: name, Account: "P99887766", Grant: "client_credentials", ClientID: "c"})
	for _, w := range []int{60, 80} {
		ctx.Width, ctx.Height = w, 24
		m := New(ctx)
		requireShows(t, m, "PROD P99887766")
		for _, l := range strings.Split(viewText(m), "\n") {
			if strings.HasSuffix(strings.TrimRight(l, " "), "…") && !strings.Contains(l, "prod-merchant") && !strings.Contains(l, "New request…") {
				t.Fatalf("at %d columns a row is cut: %q\n%s", w, l, viewText(m))
			}
		}
		requireFits(t, m, w, 24)
	}
}

// TestDuplicateOfALongNameOffersAValidName: d on a 63-character profile
// offered NAME-copy, then refused it as longer than 64.
func TestDuplicateOfALongNameOffersAValidName(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	name := strings.Repeat("a", 58) + "-shop"
	ctx := storeWith(t, clk, profiles.Profile{Name: name, Account: dinterotest.DemoAccount, Grant: "client_credentials", ClientID: "c"})
	m := New(ctx)
	press(t, m, "d", "enter")
	wantStatus(t, m, "saved")
	ps, err := ctx.Store.Load()
	if err != nil || len(ps) != 2 {
		t.Fatalf("profiles after the duplicate: %v %v", ps, err)
	}
	for _, p := range ps {
		if p.Name != name && (!strings.HasSuffix(p.Name, "-copy") || len(p.Name) > profiles.MaxNameLen) {
			t.Fatalf("the copy is called %q", p.Name)
		}
	}
}

// TestSaveARecoveryTokenAsTheUsersPasswordProfile: s on a token from an
// MFA recovery opened an mfa-oob profile form with empty one-time fields,
// a profile that could never run; it is the user's password profile.
func TestSaveARecoveryTokenAsTheUsersPasswordProfile(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	m := New(profileContext(t, clk, t.TempDir()))
	res := syntheticResult(t, fixedNow)
	res.Request = flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantMFAOOB, ClientID: dinterotest.DemoClientID,
		Username: dinterotest.DemoLostDeviceUser, MFAToken: "mfa-token-x", OOBCode: "oob-y", BindingCode: "123456"}
	showTokenPage(m, res)
	press(t, m, "s")
	requireShows(t, m, "profile · password")
	wantFieldValue(t, m, "Username", dinterotest.DemoLostDeviceUser)
	requireHides(t, m, "MFA token", "OOB code", "123456")
}

// TestHeaderKeepsTheBadgeWhole: at 60 columns the profile form's long
// title cut the account badge to "TEST T1"; the title gives way instead.
func TestHeaderKeepsTheBadgeWhole(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	ctx := profileContext(t, clk, t.TempDir())
	ctx.Width, ctx.Height = 60, 20
	m := New(ctx)
	press(t, m, "esc", "a", "enter") // a client_credentials profile: the longest title
	for !strings.Contains(viewText(m), "› Account") {
		press(t, m, "tab")
	}
	typeText(t, m, dinterotest.DemoAccount)
	header := strings.Split(viewText(m), "\n")[0]
	if !strings.Contains(header, "TEST "+dinterotest.DemoAccount) {
		t.Fatalf("header %q", header)
	}
	requireFits(t, m, 60, 20)
}

// TestTwoEscPressesTogetherGoBackTwice: two esc bytes in one read arrive
// as alt+esc; they were lost (a tester's quick esc esc left the log open).
func TestTwoEscPressesTogetherGoBackTwice(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	recordedMFAFlow(t, ctx)
	m := New(ctx)
	press(t, m, "ctrl+l", "t", "enter")
	wantScreen(t, m, "exchange")
	_, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEscape, Mod: tea.ModAlt})
	drive(t, m, cmd)
	wantScreen(t, m, "HTTP log") // past the timeline: two steps
}

// TestNewRequestItemOffersOnlyWhatItDoes: on "New request…" the key line
// offered edit, delete and diagnose, which do nothing there.
func TestNewRequestItemOffersOnlyWhatItDoes(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	ctx := storeWith(t, clk, profiles.Profile{Name: "shop", Account: dinterotest.DemoAccount, Grant: "client_credentials", ClientID: "c"})
	m := New(ctx)
	requireShows(t, m, "e edit", "x delete")
	press(t, m, "down") // New request…
	keys := strings.Split(strings.TrimRight(viewText(m), " \n"), "\n")
	line := keys[len(keys)-1]
	if !strings.Contains(line, "enter new request") || strings.Contains(line, "edit") || strings.Contains(line, "delete") || strings.Contains(line, "diagnose") {
		t.Fatalf("key line on New request…: %q", line)
	}
}

// TestMFAScreenSanitisesTheUsername: the username comes from a profile
// file (maybe imported) or the form; the MFA screen printed it raw, bidi
// and escape sequences included.
func TestMFAScreenSanitisesTheUsername(t *testing.T) {
	m := New(testContext(uitest.NewClock(fixedNow)))
	sess := goldenSession(true)
	sess.Request.Username = "evil\u202eresu@example.com\x1b]52;c;Zm9v\a"
	m.openPage(mfa.New(m.ctx, nil, goldenBase, func(*flows.Result) error { return nil }, nil, sess, client.ChannelSMS))
	raw := m.View().Content
	if strings.Contains(raw, "\u202e") || strings.Contains(raw, "\x1b]52;") {
		t.Fatalf("the MFA screen prints the username raw:\n%q", raw)
	}
	requireShows(t, m, "evil")
}

// TestHeldCountdownDoesNotCutTheDescription: at 80 columns the countdown
// of a held token pushed a description that fits alone past the edge.
func TestHeldCountdownDoesNotCutTheDescription(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	desc := "password + mfa_required; u diagnoses the user (SMS changed 2 h ago)"
	ctx.Connections = []common.Connection{{Name: "MFA user", Description: desc, BaseURL: goldenBase,
		Request: flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantPassword}}}
	New(ctx) // makes the session
	ctx.Session.Hold(profiles.Profile{Name: heldName("conn:0")}, syntheticResult(t, fixedNow))
	m := New(ctx)
	requireShows(t, m, "⏱ 2m 00s", "(SMS changed 2 h")
	requireHides(t, m, "2 h …")
}
