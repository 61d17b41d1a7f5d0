package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

func TestInvalidAccountGetsNoTestBadge(t *testing.T) {
	m := New(testContext(uitest.NewClock(fixedNow)))
	press(t, m, "enter", "tab") // client_credentials, on to the account
	typeText(t, m, "X123")
	requireShows(t, m, "X123")
	requireHides(t, m, "TEST X123")
	press(t, m, "ctrl+u")
	typeText(t, m, "T11223344")
	requireShows(t, m, "TEST T11223344")
}

func TestWindowTitleShowsProfileAndCountdown(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(storeWith(t, clk, profiles.Profile{Name: "shop", BaseURL: srv.URL, Account: dinterotest.DemoAccount,
		Grant: "client_credentials", ClientID: dinterotest.DemoClientID}))
	if got := m.View().WindowTitle; got != "tokenbench" {
		t.Fatalf("home title %q", got)
	}
	press(t, m, "enter") // the form opens on the secret, which is not saved
	requireShows(t, m, "client secret of shop is not saved")
	requireHides(t, m, "↳")
	typeText(t, m, dinterotest.DemoSecret)
	press(t, m, "enter")
	clk.Advance(30 * time.Second)
	if got := m.View().WindowTitle; got != "tokenbench · shop · 1m 30s" {
		t.Fatalf("token title %q\n%s", got, viewText(m))
	}
	clk.Advance(2 * time.Minute)
	if got := m.View().WindowTitle; got != "tokenbench · shop · EXPIRED" {
		t.Fatalf("expired title %q", got)
	}
}

func TestWindowTitleNamesTheConnection(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "enter")
	if got := m.View().WindowTitle; got != "tokenbench · Demo API client · 2m 00s" {
		t.Fatalf("title %q", got)
	}
}

// The header names the profile or connection a token belongs to, beside
// the screen.
func TestHeaderNamesTheProfile(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	m := New(ctx)
	press(t, m, "enter")
	header := strings.SplitN(viewText(m), "\n", 2)[0]
	if !strings.Contains(header, "› token · "+ctx.Connections[0].Name) {
		t.Fatalf("header %q", header)
	}
	// At 60 columns the name is cut to fit beside the badge.
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	requireFits(t, m, 60, 20)
	requireShows(t, m, "› token · Demo", "TEST T11223344")
}

// TestLongProfileNameKeepsTheBadge: a long name is shortened so the PROD
// badge shows (it was cut off at 60 columns, and at 80 every row of the
// list ended in "…").
func TestLongProfileNameKeepsTheBadge(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	name := "prod-merchant-with-a-long-descriptive-name-for-the-support-team"
	ctx := storeWith(t, clk, profiles.Profile{Name: name, Account: "P99887766", Grant: "client_credentials", ClientID: "c"})
	for _, w := range []int{60, 80} {
		ctx.Width, ctx.Height = w, 24
		m := New(ctx)
		requireShows(t, m, "PROD P99887766")
		for _, l := range strings.Split(viewText(m), "\n") {
			if strings.HasSuffix(strings.TrimRight(l, " "), "…") && !strings.Contains(l, "prod-merchant") && !strings.Contains(l, "New request…") {
				t.Fatalf("at %d columns a row is cut: %q\n%s", w, l, viewText(m))
			}
		}
		requireFits(t, m, w, 24)
	}
}

// TestHeaderKeepsTheBadgeWhole: at 60 columns the profile form's long
// title cut the account badge to "TEST T1"; the title gives way instead.
func TestHeaderKeepsTheBadgeWhole(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	ctx := profileContext(t, clk, t.TempDir())
	ctx.Width, ctx.Height = 60, 20
	m := New(ctx)
	press(t, m, "esc", "a", "enter") // a client_credentials profile: the longest title
	for !strings.Contains(viewText(m), "› Account") {
		press(t, m, "tab")
	}
	typeText(t, m, dinterotest.DemoAccount)
	header := strings.Split(viewText(m), "\n")[0]
	if !strings.Contains(header, "TEST "+dinterotest.DemoAccount) {
		t.Fatalf("header %q", header)
	}
	requireFits(t, m, 60, 20)
}
