package ui

import (
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// askProfile is a password profile whose client secret and password are
// asked for each time.
func askProfile(base string) profiles.Profile {
	return profiles.Profile{Name: "support-ask", BaseURL: base, Account: dinterotest.DemoAccount, Grant: "password",
		ClientID: dinterotest.DemoClientID, Username: dinterotest.DemoUser,
		Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceAsk, profiles.Password: profiles.SourceAsk}}
}

// Issue (new user): u on a profile whose client secret is asked for each
// time refused with "nobody can be asked here". The diagnosis asks for it
// (masked), and diagnoses with it.
func TestDiagnoseAsksForASecretAskedEachTime(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(storeWith(t, clk, askProfile(srv.URL)))
	requireShows(t, m, "› 1 support-ask")
	press(t, m, "u")
	wantScreen(t, m, "diagnose user")
	requireShows(t, m, "client secret")
	requireHides(t, m, "nobody can be asked")
	typeText(t, m, dinterotest.DemoSecret)
	requireHides(t, m, dinterotest.DemoSecret)
	press(t, m, "enter")
	requireShows(t, m, dinterotest.DemoUser, "Findings")
	requireHides(t, m, dinterotest.DemoSecret)
	// Run again: the secret typed is used, not asked for again.
	press(t, m, "r")
	requireShows(t, m, dinterotest.DemoUser, "Findings")
}

// A secret typed to run the profile in this session is used by u: nothing
// is asked again.
func TestDiagnoseUsesTheSecretTypedForTheRun(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(storeWith(t, clk, askProfile(srv.URL)))
	press(t, m, "enter")
	wantScreen(t, m, "request · password")
	for i := 0; focusedField(m) != "Secret"; i++ {
		if i > 20 {
			t.Fatalf("no Secret field:\n%s", viewText(m))
		}
		press(t, m, "tab")
	}
	typeText(t, m, dinterotest.DemoSecret)
	for focusedField(m) != "Password" {
		press(t, m, "tab")
	}
	typeText(t, m, dinterotest.DemoPassword)
	press(t, m, "enter")
	wantScreen(t, m, "token")
	for i := 0; !onScreen(m, "home"); i++ {
		if i > 3 {
			t.Fatalf("esc does not lead home:\n%s", viewText(m))
		}
		press(t, m, "esc")
	}
	press(t, m, "u")
	wantScreen(t, m, "diagnose user")
	requireShows(t, m, dinterotest.DemoUser, "Findings")
	if strings.Contains(viewText(m), "client secret") {
		t.Fatalf("asked again:\n%s", viewText(m))
	}
}
