package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/log"
)

func TestLogRowsNameTheGrant(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	recordedMFAFlow(t, ctx)
	m := New(ctx)
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	press(t, m, "ctrl+l")
	requireShows(t, m, "token · password", "challenge · sms", "token · mfa-oob", "403 mfa_required", "400 invalid_grant")
	requireFits(t, m, 60, 20)
}

func TestHARAsksWhereAndShowsTheFullPath(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	recordedMFAFlow(t, ctx)
	m := New(ctx)
	press(t, m, "ctrl+l", "w")
	requireShows(t, m, "Write the HAR of the whole session (5 exchanges, every user's", "tokenbench-20261128-120000.har")
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	requireFits(t, m, 60, 20)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	press(t, m, "esc")
	requireShows(t, m, "HAR not written")

	path := filepath.Join(t.TempDir(), "a-rather-long-directory-name-for-the-export", "flow.har")
	if err := os.Mkdir(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	press(t, m, "w", "ctrl+u")
	typeText(t, m, path)
	press(t, m, "enter")
	requireShows(t, m, "HAR written to")
	if view := strings.Join(strings.Fields(viewText(m)), ""); !strings.Contains(view, path) {
		t.Fatalf("the path is not shown whole:\n%s", viewText(m))
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), `"entries"`) || strings.Contains(string(data), "demo-client-secret") {
		t.Fatalf("HAR %v:\n%.200s", err, data)
	}
	// Never over an existing file without asking: n keeps it, y replaces it.
	os.WriteFile(path, []byte("yesterday's"), 0o644)
	press(t, m, "w", "ctrl+u")
	typeText(t, m, path)
	press(t, m, "enter")
	requireShows(t, m, "exists. Replace it?")
	press(t, m, "n")
	requireShows(t, m, "HAR not written: pick another name")
	if data, _ := os.ReadFile(path); string(data) != "yesterday's" {
		t.Fatalf("the HAR replaced the file without asking")
	}
	press(t, m, "w", "ctrl+u")
	typeText(t, m, path)
	press(t, m, "enter", "y")
	requireShows(t, m, "HAR written to")
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), `"entries"`) {
		t.Fatalf("y did not replace the file: %.100q", data)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("replaced HAR mode %v", fi.Mode().Perm())
	}
}

func TestTimelineRowOpensItsExchange(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	recordedMFAFlow(t, ctx)
	m := New(ctx)
	press(t, m, "ctrl+l", "t", "down", "down", "down", "enter") // binding code #1
	requireShows(t, m, "› exchange", `"grant_type": "mfa-oob"`, "400")
	press(t, m, "esc")
	requireShows(t, m, "MFA timeline")
	press(t, m, "esc")
	requireShows(t, m, "HTTP log")
}

// TestLogAndExchangeAt60Columns: the log's "what" takes the room the
// status column leaves (it cut "token · client_cred…" with free room to its
// right), and an exchange wraps a long URL or body rather than cutting it.
func TestLogAndExchangeAt60Columns(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	recordedMFAFlow(t, ctx)
	m := New(ctx)
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	press(t, m, "ctrl+l")
	requireShows(t, m, "token · client_credentials ", "challenge · sms")
	press(t, m, "home", "enter")
	wantScreen(t, m, "exchange")
	joined := ""
	for _, l := range strings.Split(viewText(m), "\n") {
		joined += strings.TrimPrefix(strings.TrimSpace(l), "> ")
	}
	if ex := log.ExchangesOf(ctx)[0]; !strings.Contains(joined, ex.URL) {
		t.Fatalf("the URL %s is not whole:\n%s", ex.URL, viewText(m))
	}
	requireFits(t, m, 60, 20)
}

// Finding 2: b in the HTTP log bundles the selected row's case, not the
// token shown last; a bundle without an MFA flow does not speak for the
// session.
func TestBundleFromTheLogHoldsTheSelectedRowsCase(t *testing.T) {
	clk := uitest.NewClock(time.Now().Truncate(time.Second))
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	dir := t.TempDir()
	inTempDir(ctx, dir)
	m := New(ctx)
	mfaToken(t, ctx, m, srv) // the MFA user's flow
	press(t, m, "esc")
	wantScreen(t, m, "home")
	press(t, m, "home", "enter") // the API client's token, shown last
	wantScreen(t, m, "token")
	press(t, m, "ctrl+l")
	for range len(log.ExchangesOf(ctx)) {
		if strings.Contains(viewText(m), "› 3 ") {
			break
		}
		press(t, m, "up")
	}
	requireShows(t, m, "› 3 ") // the MFA user's challenge
	press(t, m, "b")
	press(t, m, "ctrl+u")
	typeText(t, m, "row")
	press(t, m, "enter")
	files := bundleFiles(t, filepath.Join(dir, "row.zip"))
	sum := strings.ReplaceAll(files["summary.md"], `\@`, "@")
	if !strings.Contains(sum, dinterotest.DemoMFAUser) || !strings.Contains(sum, "MFA completed") {
		t.Fatalf("the bundle is not the selected row's case:\n%s", sum)
	}
	// The API client's own token: no MFA flow, and no claim about the
	// session.
	press(t, m, "down", "down", "down")
	requireShows(t, m, "› 6 ")
	press(t, m, "b", "ctrl+u")
	typeText(t, m, "client")
	press(t, m, "enter")
	sum = bundleFiles(t, filepath.Join(dir, "client.zip"))["summary.md"]
	if strings.Contains(sum, "in this session") || !strings.Contains(sum, "this bundle holds no MFA flow") {
		t.Fatalf("summary:\n%s", sum)
	}
}

// Issue 19.9: at 60 columns the MFA timeline cut its labels to 22 cells
// while its outcome column stood half empty; the columns are as wide as
// their cells, and the full help is one aligned grid.
func TestTimelineAndHelpAt60x20(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	ctx.Width, ctx.Height = 60, 20
	recordedMFAFlow(t, ctx)
	m := New(ctx)
	press(t, m, "ctrl+l", "t")
	requireShows(t, m, "token request (password)       403 mfa_required  0 ms")
	requireFits(t, m, 60, 20)
	press(t, m, "?")
	requireShows(t, m, "↑/k   up               esc    back            ctrl+c quit")
	requireFits(t, m, 60, 20)
}

// TestLogFollowsNewRowsOnTheNewest: on the newest row, the log follows the
// rows an auto-refresh adds while it is open (tail -f), so a short window
// shows them; moved up, it stays where the user put it.
func TestLogFollowsNewRowsOnTheNewest(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := profileContext(t, clk, t.TempDir())
	ctx.Width, ctx.Height = 80, 9
	var ticks tickRecorder
	ticks.install(ctx)
	p := profiles.Profile{Name: "auto", BaseURL: srv.URL, Account: dinterotest.DemoAccount, Grant: "client_credentials", ClientID: dinterotest.DemoClientID,
		Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}, AutoRefresh: true, RefreshBefore: profiles.Duration(100 * time.Second)}
	if err := ctx.Secrets.Put(p, profiles.ClientSecret, dinterotest.DemoSecret); err != nil {
		t.Fatal(err)
	}
	if err := ctx.Store.Add(p); err != nil {
		t.Fatal(err)
	}
	m := New(ctx)
	press(t, m, "enter", "ctrl+l")
	requireShows(t, m, "› 2")
	// Auto-refreshes every 20 s (a 2-minute token refreshed 100 s early).
	for range 70 {
		clk.Advance(time.Second)
		ticks.fire(t, m, clk)
	}
	view := viewText(m)
	if !strings.Contains(view, "› 5") {
		t.Fatalf("the log does not follow its newest row:\n%s", view)
	}
	press(t, m, "up")
	requireShows(t, m, "› 4")
	for range 25 {
		clk.Advance(time.Second)
		ticks.fire(t, m, clk)
	}
	requireShows(t, m, "› 4")
}
