package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// TestTimelineFollowsMFAPastBackgroundRefreshes: another item's token is
// auto-refreshed (refresh_token) while the MFA screen waits for its code;
// the timeline still follows the sign-in to the code that got the token,
// and neither it nor a bundle written from it says the flow stopped.
func TestTimelineFollowsMFAPastBackgroundRefreshes(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	ctx.Width, ctx.Height = 120, 40
	ctx.Connections[2].AutoRefresh = true // the support user: refresh tokens
	var ticks tickRecorder
	ticks.install(ctx)
	dir := t.TempDir()
	inTempDir(ctx, dir)
	m := New(ctx)
	runConnection(t, m, 2)
	requireShows(t, m, "Grant       password")
	press(t, m, "esc")
	wantScreen(t, m, "home")
	press(t, m, "home")
	runConnection(t, m, 1)
	requireShows(t, m, "A code was sent by SMS (challenge 1)")
	code := srv.LastBindingCode(dinterotest.DemoMFAUser)
	served := srv.Requests()
	for range 100 {
		clk.Advance(time.Second)
		ticks.fire(t, m, clk)
	}
	if srv.Requests() == served {
		t.Fatalf("no auto-refresh while the MFA screen waited:\n%s", viewText(m))
	}
	typeText(t, m, code)
	press(t, m, "enter")
	wantScreen(t, m, "token")
	press(t, m, "ctrl+l", "t")
	wantScreen(t, m, "MFA timeline")
	requireShows(t, m, "MFA completed: token issued after binding code #1", "challenge 1 (sms)")
	requireHides(t, m, "stopped at", "refresh_token")
	summary := writeBundleFrom(t, m, dir, "background")
	if !strings.Contains(summary, "MFA completed: token issued after binding code #1") || strings.Contains(summary, "FAILED") {
		t.Fatalf("summary.md:\n%s", summary)
	}
}

// TestTimelineOfASignInFinishedAfterALeftRecovery: on the MFA screen, a
// recovery is started (L y), its first code entered, and left (esc y);
// the sign-in's own code then gets the token. The timeline is the
// sign-in's, to that code; the abandoned recovery is not its ending.
func TestTimelineOfASignInFinishedAfterALeftRecovery(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	ctx.Width, ctx.Height = 120, 40
	dir := t.TempDir()
	inTempDir(ctx, dir)
	m := New(ctx)
	runConnection(t, m, 3)
	requireShows(t, m, "A code was sent by SMS (challenge 1)")
	code := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	clk.Advance(time.Second)
	press(t, m, "L", "y")
	requireShows(t, m, "step 1 of 2: code sent by SMS")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoLostDeviceUser))
	press(t, m, "enter")
	requireShows(t, m, "step 2 of 2: code sent by e-mail")
	press(t, m, "esc")
	requireShows(t, m, "Leave the MFA recovery?")
	press(t, m, "y")
	wantScreen(t, m, "MFA · Lost device")
	typeText(t, m, code)
	press(t, m, "enter")
	wantScreen(t, m, "token")
	press(t, m, "ctrl+l", "t")
	wantScreen(t, m, "MFA timeline")
	requireShows(t, m, "MFA completed: token issued after binding code #1", "token request (password)", "challenge 1 (sms)")
	requireHides(t, m, "recovery", "step 1", "step 2", "stopped at")
	summary := writeBundleFrom(t, m, dir, "left-recovery")
	if !strings.Contains(summary, "MFA completed: token issued after binding code #1") || strings.Contains(summary, "recovery (sms)") ||
		strings.Contains(summary, "step 1") || strings.Contains(summary, "FAILED") {
		t.Fatalf("summary.md:\n%s", summary)
	}
}

// TestTimelineBundleAgreesWithItsSummaryAfterBackgroundRefreshes: two
// wrong codes, another item auto-refreshed in the background, the right
// code: the bundle page and its summary.md tell one outcome (the token
// after binding code #3), and name the item that ran.
func TestTimelineBundleAgreesWithItsSummaryAfterBackgroundRefreshes(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	ctx.Width, ctx.Height = 120, 40
	ctx.Connections[2].AutoRefresh = true
	var ticks tickRecorder
	ticks.install(ctx)
	dir := t.TempDir()
	inTempDir(ctx, dir)
	m := New(ctx)
	runConnection(t, m, 2)
	press(t, m, "esc", "home")
	runConnection(t, m, 1)
	requireShows(t, m, "A code was sent by SMS (challenge 1)")
	code := srv.LastBindingCode(dinterotest.DemoMFAUser)
	for range 2 {
		typeText(t, m, wrongCode(code))
		press(t, m, "enter")
		requireShows(t, m, "wrong binding code")
		press(t, m, "ctrl+u")
	}
	served := srv.Requests()
	for range 100 {
		clk.Advance(time.Second)
		ticks.fire(t, m, clk)
	}
	if srv.Requests() == served {
		t.Fatal("no auto-refresh while the MFA screen waited")
	}
	typeText(t, m, code)
	press(t, m, "enter")
	wantScreen(t, m, "token")
	press(t, m, "ctrl+l", "t", "b")
	requireShows(t, m, "Timeline    the MFA flow: MFA completed: token issued after binding code #3")
	requireHides(t, m, "none: the MFA flow")
	press(t, m, "esc")
	summary := writeBundleFrom(t, m, dir, "agree")
	if !strings.Contains(summary, "MFA completed: token issued after binding code #3") || !strings.Contains(summary, "| connection | MFA user |") ||
		strings.Contains(summary, "FAILED") || strings.Contains(summary, "no token") || !strings.Contains(summary, "- access token: ") {
		t.Fatalf("summary.md:\n%s", summary)
	}
}
