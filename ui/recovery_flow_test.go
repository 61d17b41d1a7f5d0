package ui

import (
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/log"
)

// Issue 17 item 2 in the lost-device recovery: a 503 to a step's code
// keeps it, says so, and uses no attempt.
func TestRecoveryKeepsACodeTheServerDidNotCheck(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	runConnection(t, m, 3)
	press(t, m, "L", "y")
	requireShows(t, m, "step 1 of 2: code sent by SMS", "Attempts left: 3")
	first := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	typeText(t, m, first)
	srv.SetFault(&dinterotest.Fault{Status: 503, Times: 1})
	press(t, m, "enter")
	requireShows(t, m, "step 1 of 2: code sent by SMS", "Attempts left: 3")
	if v := squash(viewText(m)); !strings.Contains(v, squash("not checked (no attempt used)")) {
		t.Fatalf("does not say the code was not checked:\n%s", viewText(m))
	}
	wantCodeField(t, m, first)
	press(t, m, "enter")
	requireShows(t, m, "step 2 of 2: code sent by e-mail")
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

// Issue 19.5: the recovery's timeline numbered step 2's first code #3
// (after a wrong and a right code in step 1). Codes are numbered as the
// user entered them in each step.
func TestRecoveryTimelineNumbersCodesPerStep(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	runConnection(t, m, 3)
	press(t, m, "L", "y")
	requireShows(t, m, "step 1 of 2: code sent by SMS")
	first := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	typeText(t, m, wrongCode(first))
	press(t, m, "enter")
	requireShows(t, m, "Attempts left: 2")
	typeText(t, m, first)
	press(t, m, "enter")
	requireShows(t, m, "step 2 of 2: code sent by e-mail")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoLostDeviceUser))
	press(t, m, "enter")
	wantScreen(t, m, "token")
	press(t, m, "ctrl+l", "t")
	requireShows(t, m, "MFA recovery completed: token issued after step 2 binding code #1",
		"step 1 binding code #1", "step 1 binding code #2", "step 2 binding code #1")
	requireHides(t, m, "binding code #3")
}

// Issue 19.7: past step 1 of a recovery, esc asks before throwing the
// recovery away; n stays in it, y leaves.
func TestEscDuringRecoveryStep2Asks(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	m := New(ctx)
	runConnection(t, m, 3)
	press(t, m, "L", "y")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoLostDeviceUser))
	press(t, m, "enter")
	requireShows(t, m, "step 2 of 2: code sent by e-mail")
	typeText(t, m, "12")
	n := len(log.ExchangesOf(ctx))
	press(t, m, "esc")
	wantScreen(t, m, "MFA recovery")
	requireShows(t, m, "Leave the MFA recovery? Step 1 (SMS) is confirmed", "✓ step 1 of 2", "y leave", "n/esc stay")
	press(t, m, "n")
	wantScreen(t, m, "MFA recovery")
	requireShows(t, m, "step 2 of 2: code sent by e-mail", "enter verify")
	requireHides(t, m, "Leave the MFA recovery?")
	wantCode(t, m, "12")
	press(t, m, "esc", "y")
	wantScreen(t, m, "MFA")
	requireShows(t, m, "MFA recovery left unfinished")
	if len(log.ExchangesOf(ctx)) != n {
		t.Fatal("leaving the recovery sent a request")
	}
	// In step 1, esc goes back at once: nothing is thrown away but a code
	// that a new recovery sends again.
	press(t, m, "L", "y")
	requireShows(t, m, "step 1 of 2")
	press(t, m, "esc")
	wantScreen(t, m, "MFA")
}

// Issue 19.7: the recovery's setup form (the chooser's last line), left
// with esc and chosen again, shows what was typed; its secret goes once
// the user leaves the chooser for home.
func TestRecoverySetupLeftAndReenteredKeepsWhatWasTyped(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	m := New(ctx)
	openChooserRecovery := func() {
		press(t, m, "end", "enter") // New request…
		for range form.Grants() {
			press(t, m, "down")
		}
		press(t, m, "enter")
		wantScreen(t, m, "MFA recovery")
	}
	openChooserRecovery()
	for _, v := range []string{dinterotest.DemoAccount, dinterotest.DemoClientID, "typed-secret", "someone@example.com"} {
		press(t, m, "ctrl+u")
		typeText(t, m, v)
		press(t, m, "tab")
	}
	press(t, m, "esc")
	wantScreen(t, m, "choose a grant")
	press(t, m, "enter")
	wantScreen(t, m, "MFA recovery")
	requireShows(t, m, "Username    someone@example.com", "Secret      ••••••••••••")
	press(t, m, "esc", "esc")
	wantScreen(t, m, "home")
	openChooserRecovery()
	requireShows(t, m, "Username    someone@example.com", "Account     "+dinterotest.DemoAccount)
	requireHides(t, m, "••••")
}
