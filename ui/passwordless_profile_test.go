package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// A passwordless profile added in the TUI keeps its ident type, e-mail,
// connection and customer type (never a code), and one key runs it to the
// code screen.
func TestPasswordlessProfileSavedAndRun(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	dir := t.TempDir()
	ctx := profileContext(t, clk, dir)
	m := New(ctx)
	press(t, m, "esc", "a", "down", "down", "enter") // authorization_code
	wantScreen(t, m, "request · profile · authorization_code")
	fill := func(label, value string) {
		for i := 0; focusedField(m) != label; i++ {
			if i > 30 {
				t.Fatalf("no field %q:\n%s", label, viewText(m))
			}
			press(t, m, "tab")
		}
		press(t, m, "ctrl+u")
		typeText(t, m, value)
	}
	fill("Name", "customer")
	fill("Base URL", srv.URL)
	fill("Account", dinterotest.DemoAccount)
	fill("Client ID", dinterotest.DemoClientID)
	fill("Secret", dinterotest.DemoSecret)
	fill("E-mail", dinterotest.DemoCustomer)
	fill("Send by", "sms")
	press(t, m, "enter")
	wantStatus(t, m, "profile customer saved")
	data, _ := os.ReadFile(filepath.Join(dir, profiles.FileName))
	for _, want := range []string{"ident_type: email", "ident: " + dinterotest.DemoCustomer, "connection: sms"} {
		if !strings.Contains(string(data), want) {
			t.Fatalf("profiles file lacks %q:\n%s", want, data)
		}
	}
	press(t, m, "enter")
	requireShows(t, m, "› passwordless", "The code was sent by SMS to the phone of "+dinterotest.DemoCustomer)
}
