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

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// tickRecorder stands in for tea.Tick: it keeps the ticks the workbench
// arms, and the test fires them as the clock advances, as Bubble Tea would.
type tickRecorder struct {
	mu      sync.Mutex
	pending []armedTick
}

// armedTick is a message the workbench asked for after d.
type armedTick struct {
	d  time.Duration
	fn func(time.Time) tea.Msg
}

func (r *tickRecorder) install(ctx *common.Context) {
	ctx.Tick = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.pending = append(r.pending, armedTick{d: d, fn: fn})
		return nil
	}
}

// fire delivers the ticks armed so far at the clock's time; it reports how
// many there were.
func (r *tickRecorder) fire(t *testing.T, m *Model, clk *testClock) int {
	t.Helper()
	return r.fireWhere(t, m, clk, func(time.Duration) bool { return true })
}

// fireAfter delivers only the ticks armed for d (a clipboard's clearing is
// armed for ClearAfter, the countdown for a second) at the clock's time; it
// reports how many there were.
func (r *tickRecorder) fireAfter(t *testing.T, m *Model, clk *testClock, d time.Duration) int {
	t.Helper()
	return r.fireWhere(t, m, clk, func(armed time.Duration) bool { return armed == d })
}

func (r *tickRecorder) fireWhere(t *testing.T, m *Model, clk *testClock, due func(time.Duration) bool) int {
	t.Helper()
	r.mu.Lock()
	var armed, kept []armedTick
	for _, a := range r.pending {
		if due(a.d) {
			armed = append(armed, a)
		} else {
			kept = append(kept, a)
		}
	}
	r.pending = kept
	r.mu.Unlock()
	for _, a := range armed {
		_, cmd := m.Update(a.fn(clk.Now()))
		drive(t, m, cmd)
	}
	return len(armed)
}

// armed is the number of ticks armed for d and not fired yet.
func (r *tickRecorder) armed(d time.Duration) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, a := range r.pending {
		if a.d == d {
			n++
		}
	}
	return n
}

func TestCountdownKeepsRunningAfterTheLog(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	var ticks tickRecorder
	ticks.install(ctx)
	m := New(ctx)
	press(t, m, "enter") // the demo API client: a 2-minute token
	requireShows(t, m, "expires in 2m 00s")
	press(t, m, "ctrl+l")
	clk.Advance(time.Second)
	ticks.fire(t, m, clk) // a tick while the log is on screen
	press(t, m, "esc")
	// The screen is redrawn only on a message: each second needs its tick.
	for range 5 {
		clk.Advance(time.Second)
		if n := ticks.fire(t, m, clk); n != 1 {
			t.Fatalf("%d ticks armed on the token view after the log", n)
		}
	}
	requireShows(t, m, "expires in 1m 54s")
	// One tick in flight, not one per visit.
	press(t, m, "ctrl+l", "esc", "ctrl+l", "esc")
	clk.Advance(time.Second)
	if n := ticks.fire(t, m, clk); n != 1 {
		t.Fatalf("%d ticks armed at once", n)
	}
}

func TestAutoRefreshFiresAfterVisitingTheLog(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := profileContext(t, clk, t.TempDir())
	var ticks tickRecorder
	ticks.install(ctx)
	p := profiles.Profile{Name: "auto", BaseURL: srv.URL, Account: dinterotest.DemoAccount, Grant: "client_credentials", ClientID: dinterotest.DemoClientID,
		Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}, AutoRefresh: true, RefreshBefore: profiles.Duration(20 * time.Second)}
	if err := ctx.Secrets.Put(p, profiles.ClientSecret, dinterotest.DemoSecret); err != nil {
		t.Fatal(err)
	}
	if err := ctx.Store.Add(p); err != nil {
		t.Fatal(err)
	}
	m := New(ctx)
	press(t, m, "enter", "ctrl+l")
	requests := srv.Requests()
	// Two minutes on the log: the token is refreshed 20 s before it expires.
	for range 110 {
		clk.Advance(time.Second)
		ticks.fire(t, m, clk)
	}
	if srv.Requests() == requests {
		t.Fatalf("no auto-refresh while the log was shown:\n%s", viewText(m))
	}
	press(t, m, "esc", "esc")
	if !strings.Contains(viewText(m), "auto-refreshed at 12:01:40") {
		t.Fatalf("home does not show the refresh:\n%s", viewText(m))
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

func TestRateLimitWaitHasOneLineThatGoesWithTheWait(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	var ticks tickRecorder
	ticks.install(ctx)
	m := New(ctx)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	runConnection(t, m, 1) // the MFA user: a code by SMS at once
	requireShows(t, m, "ctrl+n send a new code", "ctrl+w switch channel")
	srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 56, Times: 1})
	press(t, m, "ctrl+n")
	requireShows(t, m, "rate limited (429): a new code can be sent in 56s")
	requireHides(t, m, "56 s", "ctrl+n", "ctrl+w")
	if strings.Count(viewText(m), "rate limited") != 1 {
		t.Fatalf("more than one line about the wait:\n%s", viewText(m))
	}
	press(t, m, "ctrl+n")
	requireShows(t, m, "no new code for 56s more")
	if strings.Count(viewText(m), "rate limited") != 1 {
		t.Fatalf("more than one line about the wait:\n%s", viewText(m))
	}
	// The countdown runs through a visit to the log and ends with the wait.
	press(t, m, "ctrl+l", "esc")
	for range 56 {
		clk.Advance(time.Second)
		if ticks.fire(t, m, clk) == 0 {
			t.Fatalf("no tick during the wait:\n%s", viewText(m))
		}
	}
	requireHides(t, m, "rate limited", "no new code")
	requireShows(t, m, "ctrl+n send a new code", "ctrl+w switch channel")
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

// TestCtrlCIsAnInterruptAndQIsNot runs the real program on keys typed
// into its input: ctrl+c reports an interrupt (the CLI exits 130), q
// quits cleanly.
func TestCtrlCIsAnInterruptAndQIsNot(t *testing.T) {
	for _, tc := range []struct {
		keys string
		want error
	}{{"\x03", ErrInterrupted}, {"q", nil}} {
		ctx := testContext(uitest.NewClock(fixedNow))
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, tea.WithInput(strings.NewReader(tc.keys)), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24))
		}()
		select {
		case err := <-done:
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("keys %q: Run returned %v, want %v", tc.keys, err, tc.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("keys %q did not end the program", tc.keys)
		}
	}
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
