package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// Issue 19.5: the recovery's timeline numbered step 2's first code #3
// (after a wrong and a right code in step 1). Codes are numbered as the
// user entered them in each step.
func TestRecoveryTimelineNumbersCodesPerStep(t *testing.T) {
	clk := &testClock{now: fixedNow}
	srv := demoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	runConnection(t, m, 3)
	press(t, m, "L")
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

// Issue 19.6: "e" on the diagnose screen (another user) opened the field
// with the old e-mail in it, so typing appended to it. It opens empty;
// esc goes back to the report, whose "r" still runs for its user.
func TestDiagnoseAnotherUserStartsEmpty(t *testing.T) {
	clk := &testClock{now: fixedNow}
	srv := demoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	runConnection(t, m, 1)
	requireShows(t, m, "A code was sent by SMS")
	press(t, m, "u")
	wantScreen(t, m, "diagnose user")
	requireShows(t, m, "Mia Fa")
	press(t, m, "e")
	requireShows(t, m, "› User")
	if strings.Contains(squash(viewText(m)), "›User"+dinterotest.DemoMFAUser) {
		t.Fatalf("the field opens with the old user in it:\n%s", viewText(m))
	}
	// esc keeps the report; r runs it again for the same user.
	press(t, m, "esc")
	requireShows(t, m, "Mia Fa")
	press(t, m, "r")
	requireShows(t, m, "Mia Fa")
	press(t, m, "e")
	typeText(t, m, dinterotest.DemoUser)
	press(t, m, "enter")
	requireShows(t, m, dinterotest.DemoUser)
	requireHides(t, m, "Mia Fa", dinterotest.DemoMFAUser+dinterotest.DemoUser, "✗")
}

// Issue 19.12: a 429 on the MFA screen's code check read "429 rate
// limited: retry after 5 s" while the recovery screen said the code was
// not checked and when to enter it again. Both word it the same way.
func TestRateLimitedCodeCheckWordedAsOnRecovery(t *testing.T) {
	clk := &testClock{now: fixedNow}
	srv := demoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	m := New(ctx)
	runConnection(t, m, 1)
	code := srv.LastBindingCode(dinterotest.DemoMFAUser)
	typeText(t, m, code)
	srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 8, Times: 1})
	press(t, m, "enter")
	requireShows(t, m, "⏳ rate limited (429): the code was not checked; enter it again in 8s")
	requireHides(t, m, "retry after", "✗")
	wantFieldValue(t, m, "Code", code)
	n := len(exchangesOf(ctx))
	press(t, m, "enter")
	if len(exchangesOf(ctx)) != n {
		t.Fatal("the code was sent again during the wait")
	}
	requireShows(t, m, "✗ rate limited: the code can be tried again in 8s (429)")
	clk.Advance(9 * time.Second)
	requireHides(t, m, "rate limited")
	press(t, m, "enter")
	wantScreen(t, m, "token")
}

// Issue 19.10: without a keyring, the profile form defaulted to "Secrets
// in: keyring" and its first save failed. It defaults to asking each
// time, says why on the form, and the first save works; nothing goes to
// a plain-text file the user did not ask for.
func TestNoKeyringProfileFormDefaultsToAsk(t *testing.T) {
	clk := &testClock{now: fixedNow}
	srv := demoServer(t, clk)
	dir := t.TempDir()
	ctx := profileContext(t, clk, dir)
	ctx.Secrets.Keyring = keyringtest.Failing(fmt.Errorf("%w: no Secret Service", profiles.ErrNoKeyring))
	m := New(ctx)
	drive(t, m, m.Init())            // asks the keyring whether it is there
	press(t, m, "esc", "a", "enter") // a client_credentials profile
	typeText(t, m, "no-keyring")
	press(t, m, "tab")
	for range len(srv.URL) + 40 {
		press(t, m, "backspace")
	}
	typeText(t, m, srv.URL)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoAccount)
	press(t, m, "tab", "tab")
	typeText(t, m, dinterotest.DemoClientID)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoSecret)
	for !strings.Contains(viewText(m), "› Secrets in") {
		press(t, m, "tab")
	}
	wantFieldValue(t, m, "Secrets in", "ask")
	requireShows(t, m, "no OS keyring answers here, so secrets are asked for each time")
	press(t, m, "enter")
	wantScreen(t, m, "home")
	wantStatus(t, m, "profile no-keyring saved; no OS keyring here, so its secrets are asked for each time")
	p, err := ctx.Store.Get("no-keyring")
	if err != nil || profiles.SourceOf(p, profiles.ClientSecret) != profiles.SourceAsk {
		t.Fatalf("saved %+v, %v", p, err)
	}
	if _, err := os.Stat(filepath.Join(dir, profiles.SecretsFileName)); err == nil {
		t.Fatal("a plain-text secrets file was written")
	}
	// With a keyring, the default stays the keyring, and says nothing.
	ctx2 := profileContext(t, clk, t.TempDir())
	m2 := New(ctx2)
	drive(t, m2, m2.Init())
	press(t, m2, "esc", "a", "enter")
	for !strings.Contains(viewText(m2), "› Secrets in") {
		press(t, m2, "tab")
	}
	wantFieldValue(t, m2, "Secrets in", "keyring")
	requireHides(t, m2, "no OS keyring")
}
