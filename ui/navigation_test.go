package ui

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

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

// TestCtrlCIsAnInterruptAndQIsNot runs the real program on keys typed
// into its input: ctrl+c reports an interrupt (the CLI exits 130), q
// quits cleanly.
func TestCtrlCIsAnInterruptAndQIsNot(t *testing.T) {
	for _, tc := range []struct {
		keys string
		want error
	}{{"\x03", ErrInterrupted}, {"q", nil}} {
		ctx := testContext(uitest.NewClock(fixedNow))
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, tea.WithInput(strings.NewReader(tc.keys)), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24))
		}()
		select {
		case err := <-done:
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("keys %q: Run returned %v, want %v", tc.keys, err, tc.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("keys %q did not end the program", tc.keys)
		}
	}
}
