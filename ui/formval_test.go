package ui

import (
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// Issue (new user): a password profile with only Name and Account saved
// with no client id and no username, and lost its "Bearer with client
// credentials" choice; an empty Name was reported as a bad name.
func TestPasswordProfileFormRequiresItsFields(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	ctx := profileContext(t, clk, t.TempDir())
	m := New(ctx)
	press(t, m, "esc", "a", "j", "enter") // a password profile
	wantScreen(t, m, "request · profile · password")

	// Nothing typed: the name is required, and has the focus.
	press(t, m, "enter")
	wantFieldError(t, m, "Name", "name is required")
	if got := focusedField(m); got != "Name" {
		t.Fatalf("focus on %q:\n%s", got, viewText(m))
	}

	// Name and Account only: the client id is needed for the chained
	// Bearer; nothing is saved, and the choice stays checked.
	typeText(t, m, "pw")
	press(t, m, "tab", "tab")
	typeText(t, m, dinterotest.DemoAccount)
	press(t, m, "enter")
	wantScreen(t, m, "request · profile · password")
	wantFieldError(t, m, "Client ID", "client id is required")
	if got := focusedField(m); got != "Client ID" {
		t.Fatalf("focus on %q:\n%s", got, viewText(m))
	}
	requireShows(t, m, "[x] obtain the Bearer with client credentials first")
	if ps, err := ctx.Store.Load(); err != nil || len(ps) != 0 {
		t.Fatalf("saved: %v %v", ps, err)
	}

	// With a client id: the username is required.
	typeText(t, m, dinterotest.DemoClientID)
	press(t, m, "enter")
	wantFieldError(t, m, "Username", "username is required")
	if got := focusedField(m); got != "Username" {
		t.Fatalf("focus on %q:\n%s", got, viewText(m))
	}
	if ps, err := ctx.Store.Load(); err != nil || len(ps) != 0 {
		t.Fatalf("saved: %v %v", ps, err)
	}

	// Complete: saved, chained.
	typeText(t, m, "user@example.com")
	press(t, m, "enter")
	wantStatus(t, m, "profile pw saved")
	p, err := ctx.Store.Get("pw")
	if err != nil || p.ClientID != dinterotest.DemoClientID || p.Username != "user@example.com" {
		t.Fatalf("saved %+v %v", p, err)
	}
}
