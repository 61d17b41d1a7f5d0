package ui

import (
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// Issue (new user): a profile saved with a JWKS URL that is no URL ran
// with "Signature ✗ NOT verified: base URL … is not an absolute URL". The
// signature line names the JWKS URL, and the profile's form refuses it on
// its field, as profile add --jwks-url does.
func TestInvalidJWKSURLIsNamedAndRefusedOnItsField(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	p := profiles.Profile{Name: "keys", BaseURL: srv.URL, Account: dinterotest.DemoAccount, Grant: "client_credentials",
		ClientID: dinterotest.DemoClientID, JWKSURL: "edited note", Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}}
	ctx := storeWith(t, clk, p)
	if err := ctx.Secrets.Put(p, profiles.ClientSecret, dinterotest.DemoSecret); err != nil {
		t.Fatal(err)
	}
	m := New(ctx)
	press(t, m, "enter")
	wantScreen(t, m, "token")
	requireShows(t, m, "NOT verified", "JWKS URL")
	requireHides(t, m, "base URL")

	press(t, m, "esc")
	wantScreen(t, m, "home")
	press(t, m, "e")
	for i := 0; focusedField(m) != "JWKS URL"; i++ {
		if i > 20 {
			t.Fatalf("no JWKS URL field:\n%s", viewText(m))
		}
		press(t, m, "tab")
	}
	press(t, m, "tab") // away from it, then save
	press(t, m, "enter")
	wantScreen(t, m, "request · profile")
	wantFieldError(t, m, "JWKS URL", `JWKS URL "edited note" is not an absolute URL`)
	if got := focusedField(m); got != "JWKS URL" {
		t.Fatalf("focus on %q:\n%s", got, viewText(m))
	}
	// A URL keys can be fetched from saves.
	press(t, m, "ctrl+u")
	typeText(t, m, srv.URL+"/accounts/"+dinterotest.DemoAccount+"/.well-known/jwks.json")
	press(t, m, "enter")
	wantScreen(t, m, "home")
	requireShows(t, m, "profile keys saved")
}
