package ui

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// outerTmux is tmux with a terminal around it: load-buffer -w sends the
// buffer on to the terminal's clipboard (OSC 52) unless set-clipboard is
// off, as tmux does. failBlank makes a load of a blank fail.
type outerTmux struct {
	fakeTmux
	mu           sync.Mutex
	setClipboard string
	terminal     string // what the terminal's clipboard holds
	failBlank    bool
}

func (o *outerTmux) run(stdin string, args ...string) (string, error) {
	if args[0] == "show-options" {
		return o.setClipboard + "\n", nil
	}
	if args[0] == "load-buffer" && slices.Contains(args, "-w") {
		o.mu.Lock()
		if o.failBlank && strings.TrimSpace(stdin) == "" {
			o.mu.Unlock()
			return "", errors.New("no current client")
		}
		if o.setClipboard != "off" {
			o.terminal = stdin
		}
		o.mu.Unlock()
	}
	return o.fakeTmux.run(stdin, args...)
}

// copyAndClear copies the token inside tmux, lets the clear come due and
// returns the model and the token.
func copyAndClear(t *testing.T, tmux *outerTmux) (*Model, string) {
	t.Helper()
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	ctx.ClearAfter = 45 * time.Second
	var clearAt func(time.Time) tea.Msg
	ctx.Tick = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		if d == ctx.ClearAfter {
			clearAt = fn
		}
		return nil
	}
	clip := tmuxClipboard(&tmux.fakeTmux)
	clip.Tmux = tmux.run
	ctx.Clipboard = clip
	m := New(ctx)
	press(t, m, "enter", "c")
	res, _ := ctx.Session.Held(heldName("conn:0"))
	token := res.Response.AccessToken
	if got := tmux.contents(); !slices.Contains(got, token) {
		t.Fatalf("the copy is not in tmux's buffers")
	}
	clk.Advance(ctx.ClearAfter)
	_, cmd := m.Update(clearAt(clk.Now()))
	drive(t, m, cmd)
	return m, token
}

// A copy through tmux load-buffer -w reaches the terminal's clipboard
// too; the clear empties tmux's buffers and overwrites the terminal's
// clipboard, and the status says the latter was blind.
func TestTmuxClearReachesTheTerminalsClipboard(t *testing.T) {
	tmux := &outerTmux{setClipboard: "external"}
	m, token := copyAndClear(t, tmux)
	if tmux.terminal == token || strings.Contains(tmux.terminal, token) {
		t.Fatalf("the terminal's clipboard still holds the token after the clear")
	}
	if got := tmux.contents(); len(got) != 0 {
		t.Fatalf("tmux buffers left: %d", len(got))
	}
	requireShows(t, m, "clipboard cleared: tmux buffers; terminal clipboard blind (no read-back)")
}

// Where the terminal's clipboard cannot be cleared, the status says so
// by name, as an error, instead of "clipboard cleared".
func TestTmuxClearThatCannotReachTheTerminalSaysSo(t *testing.T) {
	tmux := &outerTmux{setClipboard: "on", failBlank: true}
	m, token := copyAndClear(t, tmux)
	if tmux.terminal != token {
		t.Fatalf("the fake lost the copy")
	}
	requireShows(t, m, "NOT cleared: terminal clipboard")
	requireShows(t, m, "may still hold the copy")
	requireHides(t, m, "clipboard cleared")
}

// With set-clipboard off the copy never left tmux: only its buffers are
// cleared, and nothing is sent to the terminal.
func TestTmuxClearWithSetClipboardOffTouchesOnlyTmux(t *testing.T) {
	tmux := &outerTmux{setClipboard: "off", terminal: "the user's own"}
	m, _ := copyAndClear(t, tmux)
	if tmux.terminal != "the user's own" {
		t.Fatalf("the terminal's clipboard was touched: %q", tmux.terminal)
	}
	requireShows(t, m, "clipboard cleared")
	requireHides(t, m, "terminal clipboard")
}
