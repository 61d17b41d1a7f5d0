package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// Issue 19: the home screen. Every test reads the screen, the fake
// server's outbox and request count, never a model's fields.

var shownCode = regexp.MustCompile(`code is (\d{6})`)

// codeOnScreen is the last code the demo outbox on the MFA screen shows.
func codeOnScreen(t *testing.T, m *Model) string {
	t.Helper()
	all := shownCode.FindAllStringSubmatch(squashLines(viewText(m)), -1)
	if len(all) == 0 {
		t.Fatalf("no code on screen:\n%s", viewText(m))
	}
	return all[len(all)-1][1]
}

// squashLines joins a wrapped box's lines, so "code is" and its digits
// read as one text whatever the width.
func squashLines(view string) string {
	var out []string
	for _, l := range strings.Split(view, "\n") {
		out = append(out, strings.Trim(l, " │"))
	}
	return strings.Join(out, " ")
}

// requireSays fails unless the screen says each text, wherever the width
// wrapped it.
func requireSays(t *testing.T, m *Model, texts ...string) {
	t.Helper()
	view := squash(squashLines(viewText(m)))
	for _, text := range texts {
		if !strings.Contains(view, squash(text)) {
			t.Fatalf("screen does not say %q:\n%s", text, viewText(m))
		}
	}
}

// mfaUserToken signs the demo's MFA user in from home (item 2 in
// demoContext) and goes back home with its token held.
func mfaUserToken(t *testing.T, m *Model) {
	t.Helper()
	press(t, m, "down", "enter")
	wantScreen(t, m, "MFA")
	typeText(t, m, codeOnScreen(t, m))
	press(t, m, "enter")
	wantScreen(t, m, "token")
	requireShows(t, m, "Refresh     ✓")
	press(t, m, "esc")
	wantScreen(t, m, "home")
}

// Item 1: enter on an expired token held with a refresh token refreshes
// it and says so; no code goes to the customer.
func TestEnterOnAnExpiredTokenRefreshesWithoutANewLogin(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	mfaUserToken(t, m)
	clk.Advance(3 * time.Minute)
	sent := len(srv.Outbox())

	press(t, m, "enter")
	if got := len(srv.Outbox()); got != sent {
		t.Fatalf("enter on an expired token sent %d code(s) to the customer:\n%s", got-sent, viewText(m))
	}
	wantScreen(t, m, "token")
	wantStatus(t, m, "refreshed with its refresh token, no new login")
	requireShows(t, m, "expires in 2m 00s")

	// The key line says what enter does, and offers the new login.
	press(t, m, "esc")
	requireShows(t, m, "enter show token • l new login")
	clk.Advance(3 * time.Minute)
	requireShows(t, m, "EXPIRED", "enter refresh • l new login")
}

// Item 1: a refused refresh says why and what a new login sends, and
// sends nothing before a y; n sends nothing at all.
func TestRefusedRefreshAsksBeforeANewLogin(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	mfaUserToken(t, m)
	clk.Advance(3 * time.Minute)
	sent := len(srv.Outbox())

	srv.SetFault(&dinterotest.Fault{Status: 400, Message: "refresh token expired", Times: 1})
	press(t, m, "enter")
	requireSays(t, m, "the refresh was refused", "refresh token expired",
		"a new login sends mfa@example.com a new code by SMS", "Log in again? y/n")
	if got := len(srv.Outbox()); got != sent {
		t.Fatalf("%d code(s) sent before the user said yes", got-sent)
	}
	press(t, m, "n")
	wantScreen(t, m, "home")
	wantStatus(t, m, "no new login: nothing was sent")
	if got := len(srv.Outbox()); got != sent {
		t.Fatalf("%d code(s) sent after no", got-sent)
	}

	srv.SetFault(&dinterotest.Fault{Status: 400, Message: "refresh token expired", Times: 1})
	press(t, m, "enter", "y")
	wantScreen(t, m, "MFA")
	if got := len(srv.Outbox()); got != sent+1 {
		t.Fatalf("a confirmed new login sent %d code(s), want 1", got-sent)
	}
}

// Item 1: l logs in again whatever is held, without asking: the user
// asked for it.
func TestNewLoginKeyLogsInAgain(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	mfaUserToken(t, m)
	sent := len(srv.Outbox())
	press(t, m, "l")
	wantScreen(t, m, "MFA")
	if got := len(srv.Outbox()); got != sent+1 {
		t.Fatalf("l sent %d code(s), want 1", got-sent)
	}
}

// Item 1: an expired MFA token with no refresh token asks before the new
// login that would text the user.
func TestExpiredMFATokenWithoutRefreshTokenAsks(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	m := New(ctx)
	res := syntheticResult(t, fixedNow.Add(-10*time.Minute))
	res.RefreshToken, res.ViaMFA, res.MFAChannel = "", true, client.ChannelSMS
	res.Request.Username = dinterotest.DemoMFAUser
	ctx.Session.Hold(profiles.Profile{Name: "conn:1"}, res)
	press(t, m, "down")
	requireShows(t, m, "enter new login…")
	press(t, m, "enter")
	requireSays(t, m, "no refresh token is held", "a new login sends mfa@example.com a new code by SMS", "y/n")
	if n := len(srv.Outbox()); n != 0 {
		t.Fatalf("%d code(s) sent before the user said yes", n)
	}
}

// Item 2: deleting one of the profiles a filter matches leaves the other
// matches shown.
func TestDeleteUnderAFilterKeepsTheOtherMatches(t *testing.T) {
	ctx := profileContext(t, uitest.NewClock(fixedNow), t.TempDir())
	for _, name := range []string{"partner-a", "partner-b", "zeta"} {
		if err := ctx.Store.Add(profiles.Profile{Name: name, Account: "T11223344", Grant: "client_credentials", ClientID: "c-" + name}); err != nil {
			t.Fatal(err)
		}
	}
	m := New(ctx)
	press(t, m, "/")
	typeText(t, m, "partner")
	press(t, m, "enter")
	requireShows(t, m, `filtered by "partner"`, "partner-a", "partner-b")
	press(t, m, "x", "y")
	wantStatus(t, m, "profile partner-a and its secrets deleted")
	requireShows(t, m, "partner-b  TEST", `filtered by "partner"`)
	requireHides(t, m, "no profile or connection matches", "No items.", "partner-a  TEST", "zeta")
}

// Item 9: at 60×20 the demo's eight items are all on one screen, one line
// each, "New request…" too, with the selected one's description under
// them; no paging.
func TestHomeAt60x20ShowsEveryDemoItem(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	ctx.Connections = demoLikeConnections(goldenBase)
	m := New(ctx)
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	requireFits(t, m, 60, 20)
	for _, c := range ctx.Connections {
		requireShows(t, m, c.Name[:min(12, len(c.Name))])
	}
	requireShows(t, m, "New request…", "client_credentials with HTTP Basic")
	requireHides(t, m, "•••")
	press(t, m, "down")
	requireShows(t, m, "password grant with a refresh token")
}

// demoLikeConnections are seven connections like the demo's (cli's
// demoConnections), for layouts.
func demoLikeConnections(base string) []common.Connection {
	cs := goldenConnections()
	cc, mfa, prod := cs[0].Request, cs[1].Request, cs[2].Request
	user := mfa
	user.Username = "support@example.com"
	code := cc
	code.Grant, code.Code, code.RedirectURI = client.GrantAuthorizationCode, "demo-code", "https://example.com/cb"
	partner := flows.Request{Account: "T11200001", Partner: "T112", Grant: client.GrantClientCredentials, ClientID: "partner-client", ClientSecret: "partner-secret"}
	lost := mfa
	lost.Username = "lost-device@example.com"
	return []common.Connection{
		{Name: "Demo API client", Description: "client_credentials with HTTP Basic; auto-refreshes 30 s before expiry", BaseURL: base, Request: cc, AutoRefresh: true},
		{Name: "Support user, no MFA", Description: "password grant with a refresh token: X on its token revokes it", BaseURL: base, Request: user, AutoRefresh: true},
		{Name: "MFA user", Description: "password + mfa_required; u diagnoses the user (SMS changed 2 h ago)", BaseURL: base, Request: mfa, AutoRefresh: true},
		{Name: "Production-looking account", Description: "client_credentials on a P account, to see how production is marked", BaseURL: base, Request: prod, AutoRefresh: true},
		{Name: "Authorization code (one-time)", Description: "authorization_code, one-time: e, enter resends it to see the refusal", BaseURL: base, Request: code},
		{Name: "Partner T112 → merchant T11200001", Description: "partner token → exchange_token → client_credentials on the merchant", BaseURL: base, Request: partner, AutoRefresh: true},
		{Name: "Lost device (MFA recovery)", Description: "lost phone: enter, then L on the MFA screen runs the two-code recovery", BaseURL: base, Request: lost},
	}
}

// Item 13: a digit runs the item it numbers; under a filter, the digits
// number the matches.
func TestDigitRunsTheNumberedItem(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	requireShows(t, m, "› 1 Demo API client", "3 Support user", "5 Partner", "6 New request…")
	press(t, m, "5")
	requireShows(t, m, "tokenbench › token · Partner")
	press(t, m, "esc", "/")
	typeText(t, m, "lost")
	press(t, m, "enter")
	requireShows(t, m, "› 1 Lost device")
	press(t, m, "1")
	wantScreen(t, m, "MFA · Lost device")
	escLeaving(t, m)
	press(t, m, "9")
	wantScreen(t, m, "home")
	wantStatus(t, m, "no item 9 here")
}

// Item 9 and 13: home with the demo's seven connections, numbered, at
// each golden size; and with tokens held (one valid on auto-refresh, one
// expired with a refresh token, enter's refresh on the key line).
func TestGoldenHomeDemo(t *testing.T) {
	build := func(held bool) func(t *testing.T) *Model {
		return func(t *testing.T) *Model {
			ctx := testContext(uitest.NewClock(fixedNow))
			ctx.Connections = demoLikeConnections(goldenBase)
			m := New(ctx)
			if held {
				ctx.Session.Hold(profiles.Profile{Name: "conn:0", AutoRefresh: true}, syntheticResult(t, fixedNow.Add(-30*time.Second)))
				ctx.Session.Hold(profiles.Profile{Name: "conn:2", AutoRefresh: true}, syntheticResult(t, fixedNow.Add(-10*time.Minute)))
			}
			return m
		}
	}
	t.Run("home_demo", func(t *testing.T) { requireGoldenView(t, build(false)) })
	t.Run("home_demo_held", func(t *testing.T) { requireGoldenView(t, build(true), uitest.Key("down"), uitest.Key("down")) })
}

// Item 8: home's key line offers no key home then refuses: a read-only
// profiles file offers no a (add says "read-only" when pressed).
func TestReadOnlyHomeOffersNoAdd(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, profiles.FileName), []byte("version: 1\nprofiles:\n  - name: [oops\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := New(profileContext(t, uitest.NewClock(fixedNow), dir))
	requireShows(t, m, "READ-ONLY", "enter new request")
	requireHides(t, m, "a add")
	press(t, m, "?")
	requireHides(t, m, "a add")
	press(t, m, "esc", "a")
	wantStatus(t, m, "read-only")
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

// Finding 9: deleting a profile under a filter selects its neighbour, and
// the key line stays.
func TestDeleteUnderAFilterSelectsTheNeighbour(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	var ps []profiles.Profile
	for i := 1; i <= 8; i++ {
		ps = append(ps, profiles.Profile{Name: fmt.Sprintf("partner-%d", i), Account: "T11223344", Grant: "client_credentials", ClientID: "a"})
	}
	ps = append(ps, profiles.Profile{Name: "other", Account: "T11223344", Grant: "client_credentials", ClientID: "b"})
	m := New(storeWith(t, clk, ps...))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	press(t, m, "/")
	typeText(t, m, "par")
	press(t, m, "enter", "end")
	requireShows(t, m, "› 8 partner-8")
	press(t, m, "x", "y")
	requireShows(t, m, "partner-8 and its secrets deleted", "› 7 partner-7", "e edit")

	press(t, m, "esc", "/")
	typeText(t, m, "part")
	press(t, m, "enter", "down")
	requireShows(t, m, "› 2 partner-2")
	press(t, m, "x", "y")
	requireShows(t, m, "› 2 partner-3", "e edit")

	// Two matches, the second deleted: the first is selected.
	m = New(storeWith(t, clk,
		profiles.Profile{Name: "par-one", Account: "T11223344", Grant: "client_credentials", ClientID: "a"},
		profiles.Profile{Name: "par-two", Account: "T11223344", Grant: "client_credentials", ClientID: "a"},
		profiles.Profile{Name: "else", Account: "T11223344", Grant: "client_credentials", ClientID: "a"}))
	press(t, m, "/")
	typeText(t, m, "par")
	press(t, m, "enter", "down")
	requireShows(t, m, "› 2 par-two")
	press(t, m, "x", "y")
	requireShows(t, m, "› 1 par-one", "e edit")
}

// Finding 4: after a recovery (its last code by e-mail), the new-login
// prompt names the channel the new login really uses: the connection's.
func TestNewLoginPromptNamesTheLoginsChannel(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	runConnection(t, m, 3)
	recoverLostDevice(t, m, srv)
	press(t, m, "esc", "esc", "esc")
	wantScreen(t, m, "home")
	clk.Advance(10 * time.Minute)
	press(t, m, "4")
	requireShows(t, m, "a new code by SMS")
	requireHides(t, m, "by e-mail")
	press(t, m, "y")
	if msgs := srv.Outbox(); msgs[len(msgs)-1].Channel != string(client.ChannelSMS) {
		t.Fatalf("the new login sent %v", msgs[len(msgs)-1])
	}
}
