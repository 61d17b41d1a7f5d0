package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/common"
)

func requireShows(t *testing.T, m *Model, texts ...string) {
	t.Helper()
	view := viewText(m)
	for _, text := range texts {
		if !strings.Contains(view, text) {
			t.Fatalf("screen does not show %q:\n%s", text, view)
		}
	}
}

func requireHides(t *testing.T, m *Model, texts ...string) {
	t.Helper()
	view := viewText(m)
	for _, text := range texts {
		if strings.Contains(view, text) {
			t.Fatalf("screen shows %q:\n%s", text, view)
		}
	}
}

// requireFits fails when a line is wider than the terminal or the screen
// is taller.
func requireFits(t *testing.T, m *Model, w, h int) {
	t.Helper()
	lines := strings.Split(viewText(m), "\n")
	if len(lines) > h {
		t.Fatalf("%d lines at height %d:\n%s", len(lines), h, viewText(m))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > w {
			t.Fatalf("line of %d cells at width %d: %q", ansi.StringWidth(l), w, l)
		}
	}
}

func storeWith(t *testing.T, clk *testClock, ps ...profiles.Profile) *common.Context {
	t.Helper()
	ctx := profileContext(t, clk, t.TempDir())
	for _, p := range ps {
		if err := ctx.Store.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	return ctx
}

// escLeaving presses esc and, when it asks whether to leave an MFA
// sign-in whose code was sent, answers y.
func escLeaving(t *testing.T, m *Model) {
	t.Helper()
	press(t, m, "esc")
	if strings.Contains(viewText(m), "Leave the MFA sign-in?") {
		press(t, m, "y")
	}
}
