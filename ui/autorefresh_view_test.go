package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// Issue (new user 1): the demo's first item on its token view, then the
// HTTP log past an auto-refresh, then esc: the token view still showed the
// token auto-refresh had replaced, counting down to EXPIRED (and c copied
// it), while home said "auto-refreshed". A token view anywhere in the back
// stack showing an item's token shows the new one, and says why.
func TestAutoRefreshReplacesTheTokenViewUnderTheLog(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	ctx.Connections[0].AutoRefresh = true // as the demo's first item
	var ticks tickRecorder
	ticks.install(ctx)
	m := New(ctx)
	press(t, m, "1")
	wantScreen(t, m, "token")
	// The first auto-refresh on the token view, the next on the log.
	for range 100 {
		clk.Advance(time.Second)
		ticks.fire(t, m, clk)
	}
	first, _ := ctx.Session.Held(heldName("conn:0"))
	press(t, m, "ctrl+l")
	for range 100 {
		clk.Advance(time.Second)
		ticks.fire(t, m, clk)
	}
	now, _ := ctx.Session.Held(heldName("conn:0"))
	if now == first {
		t.Fatal("no auto-refresh while the log was shown")
	}
	press(t, m, "esc")
	wantScreen(t, m, "token")
	wantToken(t, m, now)
	if !strings.Contains(statusOf(m), "token auto-refreshed at 12:03:00") {
		t.Fatalf("the status does not say the token was auto-refreshed: %q\n%s", statusOf(m), viewText(m))
	}
	requireHides(t, m, "checking")
	requireShows(t, m, "verified")
}

// Issue (new user 2): on the token view of an auto-refreshing item, the
// auto-refreshed token showed "Signature checking…" for ever: its
// signature was never checked.
func TestAutoRefreshedTokenSignatureIsChecked(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	ctx.Connections[0].AutoRefresh = true // as the demo's first item
	var ticks tickRecorder
	ticks.install(ctx)
	m := New(ctx)
	press(t, m, "1")
	requireShows(t, m, "verified")
	first, _ := ctx.Session.Held(heldName("conn:0"))
	for range 100 {
		clk.Advance(time.Second)
		ticks.fire(t, m, clk)
	}
	now, _ := ctx.Session.Held(heldName("conn:0"))
	if now == first {
		t.Fatal("no auto-refresh on the token view")
	}
	wantToken(t, m, now)
	requireHides(t, m, "checking")
	requireShows(t, m, "verified")
}
