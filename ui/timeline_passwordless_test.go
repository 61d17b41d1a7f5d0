package ui

import (
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// A passwordless login ends in the token view, and ctrl+l t shows its
// timeline: the Bearer, the code sent by e-mail (the address masked), the
// wrong code, the right one, and the summary; no code's digits anywhere.
// A bundle asked for there holds the login's token.
func TestPasswordlessLoginTimeline(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := passwordlessContext(t, clk, srv)
	ctx.Width, ctx.Height = 120, 40
	m := New(ctx)
	press(t, m, "3")
	requireShows(t, m, "› passwordless")
	code := codesTo(srv)[0].BindingCode
	wrong := wrongCode(code)
	typeText(t, m, wrong)
	press(t, m, "enter")
	requireShows(t, m, "wrong verification code")
	typeText(t, m, code)
	press(t, m, "enter")
	wantScreen(t, m, "token")
	press(t, m, "ctrl+l", "t")
	want := []string{"passwordless login completed: token issued after verification code #2",
		"token request (client_credentials)", "code 1 sent (email to c•••@example.com)",
		"verification code #1", "400 invalid_grant: wrong code", "verification code #2"}
	requireShows(t, m, want...)
	requireShows(t, m, "› login timeline") // the breadcrumb names what it shows
	requireHides(t, m, code, wrong, dinterotest.DemoCustomer, "No MFA flow", "MFA timeline")
	view := viewText(m)
	rows := view[strings.Index(view, want[1]):]
	for i := 2; i < len(want); i++ {
		if strings.Index(rows, want[i-1]) > strings.Index(rows, want[i]) {
			t.Fatalf("%q before %q:\n%s", want[i], want[i-1], view)
		}
	}
	// A bundle from the timeline is the login's token.
	press(t, m, "b")
	requireShows(t, m, "Grant       authorization_code · Bearer from client_credentials", "Token       sha256:",
		"Timeline    passwordless login completed: token issued after verification code #2")
	requireHides(t, m, "via MFA", "no longer held", "the MFA flow")
}
