package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

func TestHelpOnTheDebuggingScreens(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	recordedMFAFlow(t, ctx)
	m := New(ctx)
	press(t, m, "ctrl+l")
	press(t, m, "?")
	requireShows(t, m, "write HAR", "MFA timeline", "back")
	press(t, m, "?", "enter", "?")
	requireShows(t, m, "copy as curl", "back")
	press(t, m, "?", "esc", "t", "?")
	requireShows(t, m, "back", "quit")
	press(t, m, "?", "esc", "esc", "ctrl+o", "?")
	requireShows(t, m, "decode", "clear")
}

// TestHelpClosesWithItsScreen: the full help belongs to the screen it was
// opened on; esc closes it first, and leaving the screen closes it (it
// opened expanded on home after esc from the token view).
func TestHelpClosesWithItsScreen(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	recordedMFAFlow(t, ctx)
	m := New(ctx)
	press(t, m, "ctrl+l", "?")
	requireShows(t, m, "inspect a JWT")
	press(t, m, "esc") // closes the help, stays on the log
	wantScreen(t, m, "HTTP log")
	requireHides(t, m, "inspect a JWT")
	press(t, m, "?", "t")
	wantScreen(t, m, "MFA timeline")
	requireHides(t, m, "inspect a JWT") // not opened here
	press(t, m, "esc")
	wantScreen(t, m, "HTTP log")
	requireHides(t, m, "inspect a JWT")
}

func TestFullHelpShowsEveryKeyAt80Columns(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	press(t, m, "enter", "?")
	requireShows(t, m, "r refresh", "c copy token", "b support bundle", "ctrl+l HTTP log", "ctrl+o inspect a JWT", "esc    back", "ctrl+c quit")
	requireHides(t, m, "…")
	requireFits(t, m, 80, 24)
}

func TestRecoveryScreenHasFullHelp(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	runConnection(t, m, 3) // the lost device user
	press(t, m, "L", "y")
	requireShows(t, m, "step 1 of 2", "? more")
	press(t, m, "?")
	requireShows(t, m, "ctrl+l HTTP log")
	requireHides(t, m, "? more")
	press(t, m, "?")
	requireShows(t, m, "? more")
}
