package ui

import (
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
