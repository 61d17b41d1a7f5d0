package ui

import (
	"os"
	"path/filepath"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

func TestStatusDoesNotOutliveItsScreen(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "enter") // the demo API client
	requireShows(t, m, "token received")
	press(t, m, "n")
	requireHides(t, m, "token received")
	press(t, m, "esc")
	press(t, m, "enter", "R")
	requireShows(t, m, "no refresh token to copy")
	press(t, m, "esc")
	requireHides(t, m, "no refresh token to copy")
}

// Finding 14: a question clears the stale status of the screen it opens on.
func TestQuestionClearsTheStaleStatus(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	m := New(testContext(clk))
	showTokenPage(m, syntheticResult(t, fixedNow))
	press(t, m, "R", "y")
	requireShows(t, m, "refresh token copied")
	press(t, m, "R")
	requireShows(t, m, "Copy the refresh token?")
	requireHides(t, m, "refresh token copied")

	ctx := testContext(uitest.NewClock(fixedNow))
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

func TestStatusBelongsToTheScreenThatSetIt(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	ctx.Clipboard = tmuxClipboard(&fakeTmux{})
	inTempDir(ctx, t.TempDir())
	m := New(ctx)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	runConnection(t, m, 0)
	requireShows(t, m, "token received")
	// Cleared on leaving, not shown again on the way back.
	press(t, m, "ctrl+l", "esc")
	requireHides(t, m, "token received")

	// Enter on a held, valid token shows it again and says so.
	press(t, m, "esc", "enter")
	requireShows(t, m, "token still valid, shown as held")
	requireHides(t, m, "token received")

	// A copied curl command is the exchange's: not on the next exchange,
	// nor on the timeline.
	press(t, m, "ctrl+l", "enter", "c")
	requireShows(t, m, "curl command copied via tmux buffer")
	press(t, m, "esc", "down", "enter")
	requireHides(t, m, "curl command copied")
	press(t, m, "c", "esc", "t")
	requireHides(t, m, "curl command copied")
	press(t, m, "esc")

	// A bundle prompt left with esc says so below it, but a fresh prompt
	// starts clean.
	press(t, m, "b", "esc")
	requireShows(t, m, "support bundle not written")
	press(t, m, "b")
	requireHides(t, m, "support bundle not written")
	press(t, m, "esc")

	// A HAR prompt left with esc: not on the inspector.
	press(t, m, "w", "esc")
	requireShows(t, m, "HAR not written")
	press(t, m, "ctrl+o")
	requireHides(t, m, "HAR not written")
}
