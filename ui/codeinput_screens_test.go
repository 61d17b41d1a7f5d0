package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/log"
)

// paste sends text as a bracketed paste, as a terminal does.
func paste(t *testing.T, m *Model, text string) {
	t.Helper()
	_, cmd := m.Update(tea.PasteMsg{Content: text})
	drive(t, m, cmd)
}

// clearCode deletes what the code field holds.
func clearCode(t *testing.T, m *Model) {
	t.Helper()
	for range 12 {
		press(t, m, "backspace")
	}
}

// wantCode fails unless the code field shows code.
func wantCode(t *testing.T, m *Model, code string) {
	t.Helper()
	if !strings.Contains(squash(viewText(m)), "›Code"+code) {
		t.Fatalf("the code field does not show %q:\n%s", code, viewText(m))
	}
}

// spaced is code as an SMS shows it: "731 735".
func spaced(code string) string { return code[:3] + " " + code[3:] }

// TestPastedMFACodeIsCleanedAndCheckedBeforeSending: a code pasted as an
// SMS shows it ("731 735", "Code: 731-735") goes in as its digits; one that
// is not all digits is refused on screen, and no attempt is used.
func TestPastedMFACodeIsCleanedAndCheckedBeforeSending(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	m := New(ctx)
	runConnection(t, m, 1)
	requireShows(t, m, "A code was sent by SMS (challenge 1).  Attempts left: 3")
	code := srv.LastBindingCode(dinterotest.DemoMFAUser)
	sent := len(log.ExchangesOf(ctx))
	paste(t, m, "Code: 12ab34")
	press(t, m, "enter")
	requireShows(t, m, "digits only", "Attempts left: 3")
	requireHides(t, m, "wrong binding code")
	if n := len(log.ExchangesOf(ctx)) - sent; n != 0 {
		t.Fatalf("%d request(s) sent for a code that is not digits", n)
	}
	clearCode(t, m)
	paste(t, m, spaced(code))
	wantCode(t, m, code)
	clearCode(t, m)
	paste(t, m, " Code: "+code[:3]+"-"+code[3:]+"\n")
	wantCode(t, m, code)
	requireHides(t, m, "digits only") // the refusal went with its code
	press(t, m, "enter")
	wantScreen(t, m, "token")
	requireShows(t, m, "user:"+dinterotest.DemoMFAUser)
}

// TestPastedRecoveryCodesAreCleanedAndChecked: the same on the MFA
// recovery screen, for both steps' codes.
func TestPastedRecoveryCodesAreCleanedAndChecked(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	m := New(ctx)
	runConnection(t, m, 3)
	press(t, m, "L", "y")
	requireShows(t, m, "step 1 of 2: code sent by SMS", "Attempts left: 3")
	sent := len(log.ExchangesOf(ctx))
	paste(t, m, "Code: 12ab34")
	press(t, m, "enter")
	requireShows(t, m, "digits only", "Attempts left: 3")
	if n := len(log.ExchangesOf(ctx)) - sent; n != 0 {
		t.Fatalf("%d request(s) sent for a code that is not digits", n)
	}
	clearCode(t, m)
	paste(t, m, spaced(srv.LastBindingCode(dinterotest.DemoLostDeviceUser)))
	press(t, m, "enter")
	requireShows(t, m, "step 2 of 2: code sent by e-mail", "Attempts left: 3")
	second := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	paste(t, m, "Code: "+second[:3]+"-"+second[3:])
	press(t, m, "enter")
	wantScreen(t, m, "token")
	requireShows(t, m, "user:"+dinterotest.DemoLostDeviceUser)
}

// TestMFAOOBFormBindCodeIsCleanedAndChecked: the mfa-oob grant's form
// field takes a pasted code as its digits and marks one that is not
// digits before anything is sent.
func TestMFAOOBFormBindCodeIsCleanedAndChecked(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	m := New(ctx)
	press(t, m, "end", "enter") // New request…
	for range 5 {
		press(t, m, "down")
	}
	press(t, m, "enter")
	requireShows(t, m, "mfa-oob")
	for focusedField(m) != "Bind code" {
		press(t, m, "tab")
		if strings.Contains(focusedField(m), "Base URL") {
			t.Fatalf("no Bind code field:\n%s", viewText(m))
		}
	}
	paste(t, m, "Code: 731 735")
	wantFieldValue(t, m, "Bind code", "731735")
	press(t, m, "ctrl+u")
	paste(t, m, "Code: 12ab34")
	wantFieldValue(t, m, "Bind code", "12ab34")
	sent := len(log.ExchangesOf(ctx))
	press(t, m, "enter")
	wantFieldError(t, m, "Bind code", "digits only")
	if n := len(log.ExchangesOf(ctx)) - sent; n != 0 {
		t.Fatalf("%d request(s) sent for a code that is not digits", n)
	}
}

// TestRecoveryCodeCheckRateLimited: a 429 on a step's code check (not on
// a send) says the code was not checked and can be entered again after
// the wait; it does not offer a new code, the code stays in its field, and
// enter after the wait checks it.
func TestRecoveryCodeCheckRateLimited(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	m := New(ctx)
	runConnection(t, m, 3)
	press(t, m, "L", "y")
	requireShows(t, m, "step 1 of 2: code sent by SMS", "Attempts left: 3")
	first := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	typeText(t, m, first)
	srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 8, Times: 1})
	press(t, m, "enter")
	requireShows(t, m, "the code was not checked; enter it again in 8s", "Attempts left: 3", "verify (wait)", "ctrl+n resend")
	requireHides(t, m, "a new code can be sent", "resend (wait)")
	wantCode(t, m, first)
	// enter during the wait sends nothing.
	n := len(log.ExchangesOf(ctx))
	press(t, m, "enter")
	if len(log.ExchangesOf(ctx)) != n {
		t.Fatal("the code was sent again during the wait")
	}
	requireShows(t, m, "the code can be tried again in 8s")
	clk.Advance(9 * time.Second)
	requireHides(t, m, "rate limited", "(wait)")
	press(t, m, "enter")
	requireShows(t, m, "step 2 of 2: code sent by e-mail", "✓ step 1 of 2")
}
