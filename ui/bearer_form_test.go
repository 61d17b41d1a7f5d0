package ui

import (
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/log"
)

// The authorization_code form with the Bearer typed by hand (chaining
// off): the passwordless endpoints name the client, so the Client ID stays
// on the form (the Secret goes); enter without it says so on that field,
// and with it the request goes and the server's 401 for a Bearer that is
// no JWT shows on the form.
func TestPasswordlessWithTypedBearerNamesTheClientOnTheForm(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	m := New(ctx)
	press(t, m, "end", "enter", "down", "down", "enter") // New request… → authorization_code
	wantScreen(t, m, "request · authorization_code")
	fill := func(label, value string) {
		t.Helper()
		for i := 0; focusedField(m) != label; i++ {
			if i > 20 {
				t.Fatalf("no field %q:\n%s", label, viewText(m))
			}
			press(t, m, "tab")
		}
		typeText(t, m, value)
	}
	fill("Account", dinterotest.DemoAccount)
	for i := 0; focusedField(m) != "[x] obtain the Bearer with client credentials first"; i++ {
		if i > 20 {
			t.Fatalf("no chaining toggle:\n%s", viewText(m))
		}
		press(t, m, "tab")
	}
	press(t, m, "space")
	requireShows(t, m, "[ ] obtain the Bearer")
	if _, _, _, ok := formField(m, "Secret"); ok {
		t.Fatalf("the Secret is shown with the Bearer typed:\n%s", viewText(m))
	}
	fill("Bearer", "abc")
	fill("E-mail", "customer@example.com")
	sent := len(log.ExchangesOf(ctx))
	press(t, m, "enter")
	if n := len(log.ExchangesOf(ctx)) - sent; n != 0 {
		t.Fatalf("%d request(s) sent without a client id", n)
	}
	wantFieldError(t, m, "Client ID", "client id is required")
	if got := focusedField(m); got != "Client ID" {
		t.Fatalf("focus on %q:\n%s", got, viewText(m))
	}
	typeText(t, m, dinterotest.DemoClientID)
	press(t, m, "enter")
	if n := len(log.ExchangesOf(ctx)) - sent; n == 0 {
		t.Fatalf("nothing sent:\n%s", viewText(m))
	}
	wantScreen(t, m, "request · authorization_code")
	requireShows(t, m, "✗ 401")
}
