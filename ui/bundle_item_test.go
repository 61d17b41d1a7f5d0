package ui

import (
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// TestTimelineBundleNamesTheConnectionThatRan: a bundle from the timeline
// of the MFA user's sign-in, run from the "MFA user" item, names that
// item in summary.md, not "profile none (flags and environment)".
func TestTimelineBundleNamesTheConnectionThatRan(t *testing.T) {
	m, _, srv, dir := bundleWorkbench(t)
	runConnection(t, m, 1)
	requireShows(t, m, "A code was sent by SMS")
	typeText(t, m, wrongCode(srv.LastBindingCode(dinterotest.DemoMFAUser)))
	press(t, m, "enter")
	requireShows(t, m, "wrong binding code")
	press(t, m, "ctrl+l", "t")
	wantScreen(t, m, "MFA timeline")
	press(t, m, "b")
	requireShows(t, m, "Timeline    the MFA flow: stopped at binding code #1", "Token       none: the MFA flow stopped at binding code #1")
	press(t, m, "esc")
	summary := writeBundleFrom(t, m, dir, "stopped")
	for _, w := range []string{"| connection | MFA user |", "stopped at binding code #1", "The run of connection MFA user for user " + mdEsc(dinterotest.DemoMFAUser)} {
		if !strings.Contains(summary, w) {
			t.Fatalf("summary.md lacks %q:\n%s", w, summary)
		}
	}
	if strings.Contains(summary, "flags and environment") || strings.Contains(summary, "(none)") || strings.Contains(summary, "MFA completed") {
		t.Fatalf("summary.md:\n%s", summary)
	}
}

// TestClientDiagnosisBundleNamesTheConnectionThatFailed: the POS
// integration's request fails; u diagnoses its client and b writes a
// bundle whose Failed section names the connection that ran and its API
// client, not "profile (none) for user (none)".
func TestClientDiagnosisBundleNamesTheConnectionThatFailed(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := posContext(t, clk, srv)
	dir := t.TempDir()
	inTempDir(ctx, dir)
	m := New(ctx)
	runConnection(t, m, 2)
	wantScreen(t, m, "request failed")
	press(t, m, "u")
	wantScreen(t, m, "diagnose client")
	summary := writeBundleFrom(t, m, dir, "pos")
	for _, w := range []string{"| connection | POS integration |", "The run of connection POS integration with API client " + dinterotest.DemoPOSClient} {
		if !strings.Contains(summary, w) {
			t.Fatalf("summary.md lacks %q:\n%s", w, summary)
		}
	}
	if strings.Contains(summary, "(none)") || strings.Contains(summary, "flags and environment") {
		t.Fatalf("summary.md:\n%s", summary)
	}
}

// TestTimelineBundleNamesTheFlowsConnectionNotTheLastRun: after the MFA
// user's sign-in, another item runs; a bundle from the timeline is about
// the sign-in, and names its item, not the one run last.
func TestTimelineBundleNamesTheFlowsConnectionNotTheLastRun(t *testing.T) {
	m, ctx, srv, dir := bundleWorkbench(t)
	mfaToken(t, ctx, m, srv)
	press(t, m, "esc")
	wantScreen(t, m, "home")
	press(t, m, "home", "enter")
	requireShows(t, m, "Grant       client_credentials")
	press(t, m, "ctrl+l", "t")
	summary := writeBundleFrom(t, m, dir, "after-client")
	if !strings.Contains(summary, "| connection | MFA user |") || strings.Contains(summary, "Demo API client") {
		t.Fatalf("summary.md:\n%s", summary)
	}
}
