package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/log"
	"github.com/tokenbench/tokenbench/ui/pages/recovery"
)

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

// Issue 19.6: "e" on the diagnose screen (another user) opened the field
// with the old e-mail in it, so typing appended to it. It opens empty;
// esc goes back to the report, whose "r" still runs for its user.
func TestDiagnoseAnotherUserStartsEmpty(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
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
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
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
	n := len(log.ExchangesOf(ctx))
	press(t, m, "enter")
	if len(log.ExchangesOf(ctx)) != n {
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
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
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
	requireShows(t, m, "no OS keyring here: asked for each time (file: a plain-text 0600 file)")
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

// Issue 19.7: esc goes one step back. From the raw JSON (v) it leads to
// the claims, not off the token.
func TestEscFromRawJSONReturnsToTheClaims(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "enter") // the demo client's token
	wantScreen(t, m, "token")
	press(t, m, "v")
	requireShows(t, m, `"claims": {`)
	press(t, m, "esc")
	wantScreen(t, m, "token")
	requireShows(t, m, "Subject")
	requireHides(t, m, `"claims": {`)
	press(t, m, "esc")
	wantScreen(t, m, "home")
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

// Issue 19.7: a form left and re-entered keeps what was typed, but not
// its secrets when the user left it on purpose (esc back to home); back to
// the chooser (another grant) keeps them too.
func TestFormLeftAndReenteredKeepsWhatWasTyped(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "end", "enter") // New request…
	wantScreen(t, m, "choose a grant")
	press(t, m, "enter") // client_credentials
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoAccount)
	press(t, m, "tab", "tab")
	typeText(t, m, "typed-client")
	press(t, m, "tab")
	typeText(t, m, "typed-secret")
	press(t, m, "esc", "enter") // the chooser, and the same grant again
	wantFieldValue(t, m, "Client ID", "typed-client")
	press(t, m, "tab", "tab", "tab", "tab", "ctrl+r")
	requireShows(t, m, "typed-secret")
	press(t, m, "esc", "esc") // home: left on purpose
	wantScreen(t, m, "home")
	press(t, m, "end", "enter", "enter")
	wantFieldValue(t, m, "Account", dinterotest.DemoAccount)
	wantFieldValue(t, m, "Client ID", "typed-client")
	wantFieldValue(t, m, "Secret", "")
}

// Issue 19.7: a profile's edit left with esc and opened again shows what
// was typed; its secrets are gone.
func TestProfileEditLeftAndReopenedKeepsWhatWasTyped(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	ctx := storeWith(t, clk, profiles.Profile{Name: "cc", BaseURL: "http://127.0.0.1:1", Account: dinterotest.DemoAccount, Grant: "client_credentials",
		ClientID: dinterotest.DemoClientID, Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}})
	m := New(ctx)
	press(t, m, "e")
	for focusedField(m) != "Notes" {
		press(t, m, "tab")
	}
	typeText(t, m, "ticket 42")
	for focusedField(m) != "Secret" {
		press(t, m, "tab")
	}
	typeText(t, m, "new-secret")
	press(t, m, "esc")
	wantScreen(t, m, "home")
	press(t, m, "e")
	wantFieldValue(t, m, "Notes", "ticket 42")
	for focusedField(m) != "Secret" {
		press(t, m, "tab")
	}
	press(t, m, "ctrl+r")
	requireHides(t, m, "new-secret")
	// Saved, the draft is gone: the next edit shows the profile.
	press(t, m, "enter")
	wantScreen(t, m, "home")
	press(t, m, "e")
	wantFieldValue(t, m, "Notes", "ticket 42")
	press(t, m, "esc")
}

// Issue 19.9 and the screens this round changed, at the three sizes: the
// recovery's setup, its question on esc past step 1, and a new profile's
// form where no keyring answers.
func TestGoldenScreens19(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, m *Model)
		keys  []string
	}{
		{name: "recovery_setup", setup: func(t *testing.T, m *Model) {
			c := goldenConnections()[1]
			req := c.Request
			req.Username = "lost-device@example.com"
			r := recovery.New(m.ctx, c.BaseURL, req, client.ChannelSMS, nil)
			m.openPage(r)
			_ = r.Ask()
		}},
		{name: "recovery_leave_confirm", setup: func(t *testing.T, m *Model) {
			showRecovery(m, goldenRecovery(2, client.ChannelSMS), nil)
			press(t, m, "esc")
		}},
		{name: "profile_form_no_keyring", setup: func(t *testing.T, m *Model) {
			m.Update(keyringProbedMsg{missing: true})
			m.openFormPage(form.NewProfile(client.GrantClientCredentials, map[string]string{form.FBaseURL: goldenBase}, true, false, false, m.ctx.Width-2))
		}, keys: []string{"tab", "tab", "tab", "tab", "tab", "tab", "tab"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireGoldenView(t, func(t *testing.T) *Model {
				ctx := testContext(uitest.NewClock(fixedNow))
				ctx.Connections = goldenConnections()
				m := New(ctx)
				tc.setup(t, m)
				return m
			}, uitest.Keys(tc.keys...)...)
		})
	}
}

// Issue 19.9: at 60×20 the grant chooser showed five of its seven items,
// their descriptions cut, with empty rows below; every item shows now,
// the selected one's description whole.
func TestChooserAt60x20ShowsEveryItem(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	ctx := testContext(clk)
	ctx.Width, ctx.Height = 60, 20
	m := New(ctx)
	wantScreen(t, m, "choose a grant")
	press(t, m, "down")
	requireShows(t, m, "client_credentials", "mfa-oob", "Recover MFA (lost device)", "password. May ask for MFA.")
	requireFits(t, m, 60, 20)
}

// Issue 19.9: at 60 columns the MFA timeline cut its labels to 22 cells
// while its outcome column stood half empty; the columns are as wide as
// their cells, and the full help is one aligned grid.
func TestTimelineAndHelpAt60x20(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	ctx.Width, ctx.Height = 60, 20
	recordedMFAFlow(t, ctx)
	m := New(ctx)
	press(t, m, "ctrl+l", "t")
	requireShows(t, m, "token request (password)       403 mfa_required  0 ms")
	requireFits(t, m, 60, 20)
	press(t, m, "?")
	requireShows(t, m, "↑/k   up               esc    back            ctrl+c quit")
	requireFits(t, m, 60, 20)
}

// Issue 19.9: the inspector's empty fields cut their placeholders at 60
// columns.
func TestInspectorAt60x20(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	ctx.Width, ctx.Height = 60, 20
	m := New(ctx)
	press(t, m, "ctrl+o")
	requireShows(t, m, "paste a JWT (a Bearer prefix is fine)", "optional: to check the signature")
	requireFits(t, m, 60, 20)
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

// Issue 19.7: a connection's form (e on a demo connection) left with esc
// and opened again shows what was typed, and the connection's own secret,
// which the user did not type.
func TestConnectionFormLeftAndReopenedKeepsItsSecret(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "e")
	wantScreen(t, m, "request · client_credentials")
	for focusedField(m) != "Partner" {
		press(t, m, "tab")
	}
	typeText(t, m, "T1120")
	press(t, m, "esc")
	wantScreen(t, m, "home")
	press(t, m, "e")
	wantFieldValue(t, m, "Partner", "T1120")
	press(t, m, "ctrl+u")
	press(t, m, "enter")
	wantScreen(t, m, "token")
}

// Issue 19.10: without a keyring, a new profile saved with no secret typed
// says where the secret will come from (ask), not the keyring that is not
// there; running it asks for the secret in the form.
func TestNoKeyringProfileWithoutSecretAsks(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := profileContext(t, clk, t.TempDir())
	ctx.Secrets.Keyring = keyringtest.Failing(fmt.Errorf("%w: no Secret Service", profiles.ErrNoKeyring))
	m := New(ctx)
	drive(t, m, m.Init())
	press(t, m, "esc", "a", "enter")
	typeText(t, m, "later")
	press(t, m, "tab")
	for range len(srv.URL) + 40 {
		press(t, m, "backspace")
	}
	typeText(t, m, srv.URL)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoAccount)
	press(t, m, "tab", "tab")
	typeText(t, m, dinterotest.DemoClientID)
	press(t, m, "enter")
	wantScreen(t, m, "home")
	wantStatus(t, m, "profile later saved; no OS keyring here, so its secrets are asked for each time")
	p, err := ctx.Store.Get("later")
	if err != nil || profiles.SourceOf(p, profiles.ClientSecret) != profiles.SourceAsk {
		t.Fatalf("saved %+v, %v", p, err)
	}
	press(t, m, "enter")
	wantScreen(t, m, "request · client_credentials")
	requireShows(t, m, "type the client secret (later asks for it each time), then enter")
	requireHides(t, m, "keyring")
	for focusedField(m) != "Secret" {
		press(t, m, "tab")
	}
	typeText(t, m, dinterotest.DemoSecret)
	press(t, m, "enter")
	wantScreen(t, m, "token")
}

// Issue 19.9: a form too long for the screen spent two rows on blank
// lines while its fields scrolled: at 60×20 the password form's errors
// were cut below "↓ more fields"; at 80×24 the profile form scrolled.
func TestLongFormsGiveBlankLinesToFields(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	ctx.Width, ctx.Height = 60, 20
	m := New(ctx)
	m.openFormPage(form.New(client.GrantPassword, map[string]string{form.FBaseURL: goldenBase}, true, m.ctx.Width-2))
	press(t, m, "enter")
	requireShows(t, m, "↳ username is required", "↳ password is required")
	requireHides(t, m, "more fields")
	requireFits(t, m, 60, 20)

	ctx = testContext(uitest.NewClock(fixedNow))
	m = New(ctx)
	values := form.ValuesFor(goldenConnections()[1].Request, goldenBase)
	m.openFormPage(form.NewProfile(client.GrantPassword, values, true, false, false, m.ctx.Width-2))
	requireShows(t, m, "Refresh at")
	requireHides(t, m, "more fields")
	requireFits(t, m, 80, 24)
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
