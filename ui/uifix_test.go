package ui

import (
	"os"
	"path/filepath"
	"testing"
)

// Finding 14: a question clears the stale status of the screen it opens on.
func TestQuestionClearsTheStaleStatus(t *testing.T) {
	clk := &testClock{now: fixedNow}
	m := New(testContext(clk))
	showTokenPage(m, syntheticResult(t, fixedNow))
	press(t, m, "R", "y")
	requireShows(t, m, "refresh token copied")
	press(t, m, "R")
	requireShows(t, m, "Copy the refresh token?")
	requireHides(t, m, "refresh token copied")

	ctx := testContext(&testClock{now: fixedNow})
	recordedMFAFlow(t, ctx)
	m = New(ctx)
	path := filepath.Join(t.TempDir(), "flow.har")
	os.WriteFile(path, []byte("yesterday's"), 0o644)
	press(t, m, "ctrl+l", "w", "ctrl+u")
	typeText(t, m, path)
	press(t, m, "enter", "n")
	requireShows(t, m, "HAR not written: pick another name")
	press(t, m, "w", "ctrl+u")
	typeText(t, m, path)
	press(t, m, "enter")
	requireShows(t, m, "exists. Replace")
	requireHides(t, m, "pick another name")
}

// Finding 11: the recovery setup offers space for the channel only on the
// channel's line, where it works; in a field space types a space.
func TestRecoverySetupOffersSpaceOnlyOnTheChannel(t *testing.T) {
	clk := &testClock{now: fixedNow}
	srv := demoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	press(t, m, "end", "enter")
	for range len(grantInfos) {
		press(t, m, "down")
	}
	press(t, m, "enter")
	wantScreen(t, m, "MFA recovery")
	for range 3 {
		press(t, m, "tab")
	}
	requireShows(t, m, "› Username")
	requireHides(t, m, "space channel")
	press(t, m, "tab")
	requireShows(t, m, "space channel")
}
