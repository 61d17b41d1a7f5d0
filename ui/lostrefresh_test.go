package ui

import (
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// Issue 18 item 11: a profile whose stored refresh token the server no
// longer accepts (spent without tokenbench seeing its successor) says so
// on screen, with the login that restores it, rather than a bare
// "400 invalid_grant".
func TestLostRefreshTokenSaysSoOnScreen(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	p := profiles.Profile{Name: "rt", BaseURL: srv.URL, Account: dinterotest.DemoAccount, Grant: "refresh_token", ClientID: dinterotest.DemoClientID,
		Username: dinterotest.DemoUser, Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring, profiles.RefreshToken: profiles.SourceKeyring}}
	ctx := storeWith(t, clk, p)
	for k, v := range map[profiles.Kind]string{profiles.ClientSecret: dinterotest.DemoSecret, profiles.RefreshToken: "rt_spent_by_a_process_that_crashed"} {
		if err := ctx.Secrets.Put(p, k, v); err != nil {
			t.Fatal(err)
		}
	}
	m := New(ctx)
	wantScreen(t, m, "home")
	press(t, m, "enter")
	// Wrapped as the screen wraps it.
	view := strings.Join(strings.Fields(viewText(m)), "")
	for _, want := range []string{"refused the stored refresh token", "never saw it used", "tokenbench token -p rt --grant password --username " + dinterotest.DemoUser} {
		if !strings.Contains(view, strings.Join(strings.Fields(want), "")) {
			t.Fatalf("screen does not say %q:\n%s", want, viewText(m))
		}
	}
}
