package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/log"
)

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

func TestCopyingAnExpiredTokenWarns(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	m := New(testContext(clk))
	showTokenPage(m, syntheticResult(t, fixedNow.Add(-10*time.Minute)))
	press(t, m, "c")
	requireShows(t, m, "EXPIRED access token copied")
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

// Issue 17 item 3: the token view's no-refresh-token line is
// flows.WhyNoRefreshToken's, and the recovery's token view agrees with it
// (nothing there offers a refresh the recovery cannot give).
func TestNoRefreshTokenLineFollowsTheRule(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	web := flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantPassword, ClientID: dinterotest.DemoWebshopClient,
		ClientSecret: dinterotest.DemoWebshopSecret, Username: dinterotest.DemoUser, Password: dinterotest.DemoPassword}
	ctx.Connections = append(ctx.Connections, common.Connection{Name: "Webshop", BaseURL: srv.URL, Request: web, Channel: client.ChannelSMS})
	m := New(ctx)
	runConnection(t, m, len(ctx.Connections)-1)
	wantScreen(t, m, "token")
	if v := squash(viewText(m)); !strings.Contains(v, squash("none: the Bearer token sent lacks the scope create:accounts:auth:refresh_token")) {
		t.Fatalf("the webshop's token does not say why it has no refresh token:\n%s", viewText(m))
	}
	m = New(flowContext(t, clk, srv))
	runConnection(t, m, 3)
	press(t, m, "L", "y")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoLostDeviceUser))
	press(t, m, "enter")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoLostDeviceUser))
	press(t, m, "enter")
	wantScreen(t, m, "token")
	v := squash(viewText(m))
	if !strings.Contains(v, squash("none: an MFA recovery returns no refresh token")) {
		t.Fatalf("the recovery's token does not say why it has no refresh token:\n%s", viewText(m))
	}
	for _, contradiction := range []string{"auto-refresh in", "R copy refresh token", "X revoke"} {
		if strings.Contains(viewText(m), contradiction) {
			t.Errorf("the recovery's token view offers %q:\n%s", contradiction, viewText(m))
		}
	}
	press(t, m, "r")
	requireShows(t, m, "MFA recovery")
}

// Finding 3: a revoked refresh token is forgotten by every held token that
// carried it, the token from a refresh too: auto-refresh does not send it
// (it repeats the MFA login, which waits for the user), and enter asks
// before a new login.
func TestRevokedRefreshTokenIsNotSentAgain(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	ctx.Connections[1].AutoRefresh = true
	m := New(ctx)
	press(t, m, "j", "enter")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoMFAUser))
	press(t, m, "enter")
	wantScreen(t, m, "token")
	clk.Advance(2 * time.Minute)
	press(t, m, "r")
	requireShows(t, m, "Grant       "+string(client.GrantRefreshToken))
	press(t, m, "X", "y")
	requireShows(t, m, "revoked")
	press(t, m, "esc")
	wantScreen(t, m, "home")
	sent := len(srv.Outbox())
	clk.Advance(5 * time.Minute)
	m.Update(tickMsg(clk.Now()))
	drive(t, m, func() tea.Msg { return tickMsg(clk.Now()) })
	for _, e := range log.ExchangesOf(ctx) {
		if e.Status == 400 {
			t.Fatalf("the revoked refresh token was sent: %+v", e)
		}
	}
	requireHides(t, m, "refresh failed")
	if len(srv.Outbox()) != sent {
		t.Fatal("auto-refresh sent the user a code")
	}
	press(t, m, "2")
	requireShows(t, m, "Log in again? y/n")
	if len(srv.Outbox()) != sent {
		t.Fatal("enter sent the user a code without asking")
	}
}

// Issue 19.9: at 60×20 the token view's claims ran off the bottom with
// nothing saying so (the key line does not name j); the last row says
// how much is below, until it is scrolled into sight.
func TestTokenViewSaysWhatIsBelow(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	ctx.Width, ctx.Height = 60, 20
	m := New(ctx)
	showTokenPage(m, syntheticResult(t, fixedNow.Add(-20*time.Second)))
	requireShows(t, m, "↓ 2 more lines (j scrolls)")
	press(t, m, "j")
	requireHides(t, m, "more lines")
	requireShows(t, m, `email       "support@example.com"`)
	requireFits(t, m, 60, 20)
}

// TestRefreshAfterRevokeSaysItSignedInAgain: r on a token whose refresh
// token was revoked repeats the sign-in, and says so (it said "token
// received", as if it had refreshed).
func TestRefreshAfterRevokeSaysItSignedInAgain(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	user := ctx.Connections[0]
	user.Name, user.Request.Grant, user.Request.Username, user.Request.Password = "Support user", client.GrantPassword, dinterotest.DemoUser, dinterotest.DemoPassword
	ctx.Connections = []common.Connection{user}
	m := New(ctx)
	press(t, m, "enter")
	wantScreen(t, m, "token")
	press(t, m, "X", "y")
	requireShows(t, m, "revoked")
	press(t, m, "r")
	wantScreen(t, m, "token")
	wantStatus(t, m, "signed in again with password: there was no refresh token to use")
}
