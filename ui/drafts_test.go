package ui

import (
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

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
