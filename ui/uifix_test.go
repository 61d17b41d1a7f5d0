package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"

	"os"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/log"
)

// Finding 14: a question clears the stale status of the screen it opens on.
func TestQuestionClearsTheStaleStatus(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	m := New(testContext(clk))
	showTokenPage(m, syntheticResult(t, fixedNow))
	press(t, m, "R", "y")
	requireShows(t, m, "refresh token copied")
	press(t, m, "R")
	requireShows(t, m, "Copy the refresh token?")
	requireHides(t, m, "refresh token copied")

	ctx := testContext(uitest.NewClock(fixedNow))
	recordedMFAFlow(t, ctx)
	m = New(ctx)
	path := filepath.Join(t.TempDir(), "flow.har")
	os.WriteFile(path, []byte("yesterday's"), 0o644)
	press(t, m, "ctrl+l", "w", "ctrl+u")
	typeText(t, m, path)
	press(t, m, "enter", "n")
	requireShows(t, m, "HAR not written: pick another name")
	press(t, m, "w", "ctrl+u")
	typeText(t, m, path)
	press(t, m, "enter")
	requireShows(t, m, "exists. Replace")
	requireHides(t, m, "pick another name")
}

// Finding 11: the recovery setup offers space for the channel only on the
// channel's line, where it works; in a field space types a space.
func TestRecoverySetupOffersSpaceOnlyOnTheChannel(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	press(t, m, "end", "enter")
	for range form.Grants() {
		press(t, m, "down")
	}
	press(t, m, "enter")
	wantScreen(t, m, "MFA recovery")
	for range 3 {
		press(t, m, "tab")
	}
	requireShows(t, m, "› Username")
	requireHides(t, m, "space channel")
	press(t, m, "tab")
	requireShows(t, m, "space channel")
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

// recoverLostDevice runs the recovery from the lost-device user's MFA
// screen to its token: first code by SMS, second by e-mail.
func recoverLostDevice(t *testing.T, m *Model, srv *dinterotest.Server) {
	t.Helper()
	press(t, m, "L", "y")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoLostDeviceUser))
	press(t, m, "enter")
	requireShows(t, m, "step 2 of 2: code sent by e-mail")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoLostDeviceUser))
	press(t, m, "enter")
	wantScreen(t, m, "token")
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

// escLeaving presses esc and, when it asks whether to leave an MFA
// sign-in whose code was sent, answers y.
func escLeaving(t *testing.T, m *Model) {
	t.Helper()
	press(t, m, "esc")
	if strings.Contains(viewText(m), "Leave the MFA sign-in?") {
		press(t, m, "y")
	}
}

// Finding 10: esc on an MFA screen whose code was sent asks before
// throwing the challenge away, and L asks before the recovery's first code.
func TestMFAAsksBeforeLeavingASentCodeAndBeforeRecovery(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	runConnection(t, m, 3)
	requireShows(t, m, "A code was sent by SMS")
	sent := len(srv.Outbox())
	press(t, m, "esc")
	requireShows(t, m, "Leave the MFA sign-in?", dinterotest.DemoLostDeviceUser)
	press(t, m, "n")
	wantScreen(t, m, "MFA · Lost device")
	press(t, m, "L")
	requireShows(t, m, "Start the lost-device recovery for "+dinterotest.DemoLostDeviceUser+"? It sends them a", "code by SMS now. y/n")
	press(t, m, "n")
	wantScreen(t, m, "MFA · Lost device")
	requireShows(t, m, "no recovery: nothing was sent")
	if len(srv.Outbox()) != sent {
		t.Fatal("a code went out without a y")
	}
	press(t, m, "esc", "y")
	wantScreen(t, m, "home")
}

// Finding 2: b in the HTTP log bundles the selected row's case, not the
// token shown last; a bundle without an MFA flow does not speak for the
// session.
func TestBundleFromTheLogHoldsTheSelectedRowsCase(t *testing.T) {
	clk := uitest.NewClock(time.Now().Truncate(time.Second))
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	dir := t.TempDir()
	inTempDir(ctx, dir)
	m := New(ctx)
	mfaToken(t, ctx, m, srv) // the MFA user's flow
	press(t, m, "esc")
	wantScreen(t, m, "home")
	press(t, m, "home", "enter") // the API client's token, shown last
	wantScreen(t, m, "token")
	press(t, m, "ctrl+l")
	for range len(log.ExchangesOf(ctx)) {
		if strings.Contains(viewText(m), "› 3 ") {
			break
		}
		press(t, m, "up")
	}
	requireShows(t, m, "› 3 ") // the MFA user's challenge
	press(t, m, "b")
	press(t, m, "ctrl+u")
	typeText(t, m, "row")
	press(t, m, "enter")
	files := bundleFiles(t, filepath.Join(dir, "row.zip"))
	sum := strings.ReplaceAll(files["summary.md"], `\@`, "@")
	if !strings.Contains(sum, dinterotest.DemoMFAUser) || !strings.Contains(sum, "MFA completed") {
		t.Fatalf("the bundle is not the selected row's case:\n%s", sum)
	}
	// The API client's own token: no MFA flow, and no claim about the
	// session.
	press(t, m, "down", "down", "down")
	requireShows(t, m, "› 6 ")
	press(t, m, "b", "ctrl+u")
	typeText(t, m, "client")
	press(t, m, "enter")
	sum = bundleFiles(t, filepath.Join(dir, "client.zip"))["summary.md"]
	if strings.Contains(sum, "in this session") || !strings.Contains(sum, "this bundle holds no MFA flow") {
		t.Fatalf("summary:\n%s", sum)
	}
}

// Finding 1 (the outbox part): back on the MFA screen from a recovery left
// with esc, the demo outbox shows this screen's code, not the recovery's.
func TestMFAOutboxShowsItsOwnCodeAfterARecoveryIsLeft(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	runConnection(t, m, 3)
	code := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	clk.Advance(time.Second)
	press(t, m, "L", "y")
	requireShows(t, m, "MFA recovery code (1 of 2)")
	escLeaving(t, m)
	wantScreen(t, m, "MFA · Lost device")
	requireShows(t, m, "Your Dintero verification code is", code)
	requireHides(t, m, "recovery code")
}
