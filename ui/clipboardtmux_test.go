package ui

import (
	"errors"
	"fmt"
	"io"
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

func TestTmuxCopyGoesIntoTmuxBuffer(t *testing.T) {
	var calls [][]string
	var stdin string
	c := &SystemClipboard{Getenv: func(k string) string {
		return map[string]string{"TMUX": "/tmp/tmux-0/default,1,0", "SSH_TTY": "/dev/pts/1"}[k]
	}, Tmux: func(in string, args ...string) (string, error) {
		calls = append(calls, args)
		if args[0] == "load-buffer" {
			stdin = in
		}
		if args[0] == "show-options" {
			return "external\n", nil
		}
		return "", nil
	}}
	var out strings.Builder
	c.Out = &out
	via, caveat, err := c.Copy("eyJ.secret.token")
	if err != nil || via != "tmux buffer" || stdin != "eyJ.secret.token" || !strings.HasPrefix(strings.Join(calls[0], " "), "load-buffer -b tokenbench-") || !strings.HasSuffix(strings.Join(calls[0], " "), " -w -") {
		t.Fatalf("via %q caveat %q err %v calls %v", via, caveat, err, calls)
	}
	if out.Len() != 0 {
		t.Fatalf("wrote an OSC 52 tmux would drop: %q", out.String())
	}
}

// fakeTmux is a tmux server's buffer list, as load-buffer, show-buffer
// and delete-buffer (named with -b, or the top one) see it.
type fakeTmux struct {
	mu    sync.Mutex
	names []string // newest first
	bufs  map[string]string
	n     int
}

func (f *fakeTmux) run(stdin string, args ...string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.bufs == nil {
		f.bufs = map[string]string{}
	}
	name := ""
	for i, a := range args {
		if a == "-b" && i+1 < len(args) {
			name = args[i+1]
		}
	}
	top := func() (string, error) {
		if name != "" {
			if _, ok := f.bufs[name]; !ok {
				return "", errors.New("no buffer " + name)
			}
			return name, nil
		}
		if len(f.names) == 0 {
			return "", errors.New("no buffers")
		}
		return f.names[0], nil
	}
	switch args[0] {
	case "load-buffer":
		if name == "" {
			name = fmt.Sprintf("buffer%d", f.n)
			f.n++
		}
		if _, ok := f.bufs[name]; !ok {
			f.names = append([]string{name}, f.names...)
		}
		f.bufs[name] = stdin
	case "show-buffer":
		n, err := top()
		if err != nil {
			return "", err
		}
		return f.bufs[n], nil
	case "delete-buffer":
		n, err := top()
		if err != nil {
			return "", err
		}
		delete(f.bufs, n)
		f.names = slices.DeleteFunc(f.names, func(s string) bool { return s == n })
	case "show-options":
		return "external\n", nil
	}
	return "", nil
}

func (f *fakeTmux) contents() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, n := range f.names {
		out = append(out, f.bufs[n])
	}
	return out
}

func tmuxClipboard(tmux *fakeTmux) *SystemClipboard {
	return &SystemClipboard{Out: io.Discard, Tmux: tmux.run, Getenv: func(k string) string {
		return map[string]string{"TMUX": "/tmp/tmux-0/default,1,0", "SSH_TTY": "/dev/pts/1"}[k]
	}}
}

func TestTmuxClearDeletesEveryBufferWritten(t *testing.T) {
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
	tmux := &fakeTmux{}
	_, _ = tmux.run("user's own copy", "load-buffer", "-")
	ctx.Clipboard = tmuxClipboard(tmux)
	m := New(ctx)
	press(t, m, "enter", "c", "h") // the access token, then the header
	if got := tmux.contents(); len(got) != 3 {
		t.Fatalf("%d buffers after two copies", len(got))
	}
	clk.Advance(ctx.ClearAfter)
	_, cmd := m.Update(clearAt(clk.Now()))
	drive(t, m, cmd)
	if got := tmux.contents(); !slices.Equal(got, []string{"user's own copy"}) {
		t.Fatalf("after the clear, %d buffers left (want the user's own only)", len(got))
	}
	requireShows(t, m, "clipboard cleared")

	// On quit as well; a buffer the user wrote since is left alone.
	press(t, m, "c", "h")
	_, _ = tmux.run("copied later", "load-buffer", "-")
	m.ClearClipboardOnQuit()
	if got := tmux.contents(); !slices.Equal(got, []string{"copied later", "user's own copy"}) {
		t.Fatalf("after quit, %d buffers left (want the user's two)", len(got))
	}
}
