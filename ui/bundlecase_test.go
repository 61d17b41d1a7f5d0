package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// A bundle written in the TUI holds its case: after user A's MFA login
// on the test account, user B's login on the production account and a
// diagnosis of B, A's bundle (b on A's token) holds no string of B or of
// B's account, and the screen says how much it left out; tab puts the
// whole session in, by choice. b never replaces a file without asking.
func TestTUIBundleHoldsItsCaseAndAsksBeforeReplacing(t *testing.T) {
	clk := uitest.NewClock(time.Now().Truncate(time.Second)) // the demo's activity is dated from the real clock
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	ctx.Connections[2].Request.Account = dinterotest.DemoProdAccount // Support user, on the other account
	dir := t.TempDir()
	inTempDir(ctx, dir)
	m := New(ctx)

	mfaToken(t, ctx, m, srv) // A
	press(t, m, "esc")
	wantScreen(t, m, "home")
	press(t, m, "home")
	runConnection(t, m, 2) // B
	wantScreen(t, m, "token")
	requireShows(t, m, "user:"+dinterotest.DemoUser)
	press(t, m, "u")
	requireShows(t, m, "Findings")
	for range 5 {
		if onScreen(m, "home") {
			break
		}
		press(t, m, "esc")
	}
	wantScreen(t, m, "home")
	press(t, m, "home", "j", "enter") // A's token
	requireShows(t, m, "user:"+dinterotest.DemoMFAUser)

	press(t, m, "b")
	requireShows(t, m, "of this case;", "left out")
	press(t, m, "ctrl+u")
	typeText(t, m, "ticket")
	press(t, m, "enter")
	path := filepath.Join(dir, "ticket.zip")
	wantStatus(t, m, path)
	files := bundleFiles(t, path)
	for name, text := range files {
		text = strings.ReplaceAll(text, `\@`, "@")
		for _, other := range []string{dinterotest.DemoUser, dinterotest.DemoProdAccount} {
			if strings.Contains(text, other) {
				t.Errorf("%s of A's bundle holds %q", name, other)
			}
		}
		if !strings.Contains(text, dinterotest.DemoMFAUser) {
			t.Errorf("%s of A's bundle does not name A", name)
		}
	}
	if !strings.Contains(files["summary.md"], "other exchange(s) of the session were left out") {
		t.Errorf("summary.md does not say what it left out:\n%s", files["summary.md"])
	}

	// The same name again: asked, n keeps the file, y replaces it with
	// the whole session, chosen with tab.
	before, _ := os.ReadFile(path)
	press(t, m, "b")
	requireShows(t, m, "Write the bundle to:")
	press(t, m, "tab")
	requireShows(t, m, "all ", "of the session, other users' too")
	press(t, m, "ctrl+u")
	typeText(t, m, "ticket")
	press(t, m, "enter")
	requireShows(t, m, "exists. Replace it?")
	press(t, m, "n")
	requireShows(t, m, "not replaced: pick another name")
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("the bundle was replaced without asking")
	}
	press(t, m, "enter")
	requireShows(t, m, "Replace it?")
	press(t, m, "y")
	wantStatus(t, m, path)
	whole := bundleFiles(t, path)
	if !strings.Contains(whole["session.har"], dinterotest.DemoUser) || !strings.Contains(whole["summary.md"], "the whole session, by choice") {
		t.Fatalf("y with the whole session chosen did not replace the bundle:\n%s", whole["summary.md"])
	}
}
