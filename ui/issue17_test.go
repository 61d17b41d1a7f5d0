package ui

import (
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// Issue 17 item 2: an answer to a binding code that did not check it (a
// scope 403, a validation 400, a 5xx) keeps the code typed, says what it
// was, and costs no attempt on screen; a wrong code still counts.
func TestMFAKeepsACodeTheServerDidNotCheck(t *testing.T) {
	for _, c := range []struct {
		name  string
		fault dinterotest.Fault
		says  string
	}{
		{"503", dinterotest.Fault{Status: 503}, "the server failed"},
		{"scope 403", dinterotest.Fault{Status: 403, Code: "insufficient_scope", Message: "Forbidden"}, "lacks the scope"},
		{"validation 400", dinterotest.Fault{Status: 400, Code: "-", Message: "Validation failed",
			Details: []dinterotest.Detail{{Field: "binding_code", Message: "binding_code should match pattern"}}}, "binding_code should match pattern"},
	} {
		t.Run(c.name, func(t *testing.T) {
			clk := &testClock{now: fixedNow}
			srv := demoServer(t, clk)
			m := New(demoContext(t, clk, srv))
			press(t, m, "j", "enter")
			requireShows(t, m, "A code was sent by SMS", "Attempts left: 3")
			code := srv.LastBindingCode(dinterotest.DemoMFAUser)
			typeText(t, m, code)
			f := c.fault
			f.Times = 1
			srv.SetFault(&f)
			press(t, m, "enter")
			requireShows(t, m, "› MFA", "Attempts left: 3")
			if v := squash(viewText(m)); !strings.Contains(v, squash("not checked (no attempt used)")) || !strings.Contains(v, squash(c.says)) {
				t.Fatalf("does not say what the answer was:\n%s", viewText(m))
			}
			wantCodeField(t, m, code)
			// The same code, sent again as it stands, is the token.
			press(t, m, "enter")
			wantScreen(t, m, "token")
		})
	}
}

// wantCodeField checks the code field's line shows code.
func wantCodeField(t *testing.T, m *Model, code string) {
	t.Helper()
	for _, l := range strings.Split(viewText(m), "\n") {
		if strings.Contains(l, "› Code") {
			if !strings.Contains(squash(l), code) {
				t.Fatalf("the code typed is gone: %q\n%s", l, viewText(m))
			}
			return
		}
	}
	t.Fatalf("no code field:\n%s", viewText(m))
}

// Issue 17 item 2 in the lost-device recovery: a 503 to a step's code
// keeps it, says so, and uses no attempt.
func TestRecoveryKeepsACodeTheServerDidNotCheck(t *testing.T) {
	clk := &testClock{now: fixedNow}
	srv := demoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	runConnection(t, m, 3)
	press(t, m, "L")
	requireShows(t, m, "step 1 of 2: code sent by SMS", "Attempts left: 3")
	first := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	typeText(t, m, first)
	srv.SetFault(&dinterotest.Fault{Status: 503, Times: 1})
	press(t, m, "enter")
	requireShows(t, m, "step 1 of 2: code sent by SMS", "Attempts left: 3")
	if v := squash(viewText(m)); !strings.Contains(v, squash("not checked (no attempt used)")) {
		t.Fatalf("does not say the code was not checked:\n%s", viewText(m))
	}
	wantCodeField(t, m, first)
	press(t, m, "enter")
	requireShows(t, m, "step 2 of 2: code sent by e-mail")
}
