package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// writeBundleFrom presses b on the screen showing, writes the bundle to
// name under dir and returns its summary.md.
func writeBundleFrom(t *testing.T, m *Model, dir, name string) string {
	t.Helper()
	press(t, m, "b")
	requireShows(t, m, "Write the bundle to:")
	press(t, m, "ctrl+u")
	typeText(t, m, name)
	press(t, m, "enter")
	path := filepath.Join(dir, name+".zip")
	wantStatus(t, m, path)
	return bundleFiles(t, path)["summary.md"]
}

// TestDiagnoseDuringMFAKeepsTheTimeline: u on the MFA screen reads the
// user with a client token of its own; the flow goes on after esc, and
// the timeline (and a bundle written from it) still follows the flow to
// its token, resends included, instead of stopping at the challenge.
func TestDiagnoseDuringMFAKeepsTheTimeline(t *testing.T) {
	clk := &testClock{now: time.Now().Truncate(time.Second)}
	srv := demoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	dir := t.TempDir()
	inTempDir(ctx, dir)
	m := New(ctx)
	runConnection(t, m, 1)
	requireShows(t, m, "A code was sent by SMS (challenge 1)")
	press(t, m, "u")
	wantScreen(t, m, "diagnose user")
	requireShows(t, m, "Mia Fa")
	press(t, m, "esc")
	requireShows(t, m, "Multi-factor authentication required")
	press(t, m, "ctrl+n")
	requireShows(t, m, "A code was sent by SMS (challenge 2)")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoMFAUser))
	press(t, m, "enter")
	wantScreen(t, m, "token")
	press(t, m, "ctrl+l", "t")
	wantScreen(t, m, "MFA timeline")
	requireShows(t, m, "MFA completed: token issued after binding code #1", "token request (password)", "challenge (sms)", "binding code #1")
	// The diagnose screen's lookups are not steps of the flow.
	view := viewText(m)
	if n := strings.Count(view, "token request (client_credentials)"); n != 1 {
		t.Fatalf("%d client_credentials steps:\n%s", n, view)
	}
	if n := strings.Count(view, "challenge (sms)"); n != 2 {
		t.Fatalf("%d challenges:\n%s", n, view)
	}
	requireHides(t, m, "users", "activity", "keys")
	summary := writeBundleFrom(t, m, dir, "timeline")
	if !strings.Contains(summary, "MFA completed: token issued after binding code #1") {
		t.Fatalf("summary.md:\n%s", summary)
	}
}
