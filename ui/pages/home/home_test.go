package home_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/session"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/home"
)

const base = "http://127.0.0.1:1/v1"

// homeContext is a Context with two connections like the demo's (an API
// client; an MFA user, whom u diagnoses) and a session on clk; store, when
// true, is a profiles store in a temporary directory (profiles can change).
func homeContext(t *testing.T, clk *uitest.Clock, store bool) *common.Context {
	t.Helper()
	ctx := uitest.Context(clk)
	cc := flows.Request{Account: "T11223344", Grant: client.GrantClientCredentials, ClientID: "demo-client", ClientSecret: "demo-secret"}
	mfa := cc
	mfa.Grant, mfa.Username, mfa.Password = client.GrantPassword, "mfa@example.com", "pw"
	ctx.Connections = []common.Connection{
		{Name: "Demo API client", Description: "client_credentials with HTTP Basic", BaseURL: base, Request: cc},
		{Name: "MFA user", Description: "password with MFA", BaseURL: base, Request: mfa, Channel: client.ChannelSMS},
	}
	if store {
		ctx.Store = &profiles.Store{Dir: t.TempDir()}
	}
	ctx.Session = session.New(ctx.Store, nil, ctx.NewRunner)
	ctx.Session.Now = clk.Now
	return ctx
}

var saved = []profiles.Profile{
	{Name: "merchant-x-test", Account: "T11223344", Grant: "client_credentials", ClientID: "x-client", Notes: "the shop"},
	{Name: "prod-support", Account: "P11223344", Grant: "password", ClientID: "p-client", Username: "support@example.com"},
}

// heldToken is a token the session could hold, expiring at exp (on the
// test's clock), with a refresh token when rt is set.
func heldToken(now, exp time.Time, rt string) *flows.Result {
	return &flows.Result{
		Request:      flows.Request{Grant: client.GrantPassword, Account: "T11223344"},
		Response:     &client.TokenResponse{AccessToken: "opaque-access-token", ExpiresIn: int64(exp.Sub(now) / time.Second)},
		Expiry:       tokeninfo.ComputeExpiry(nil, now, int64(exp.Sub(now)/time.Second), time.Time{}),
		RefreshToken: rt,
	}
}

// drive hands p each key and feeds back what its commands answer that is
// the page's own (the list's filter matches), as the root would; it
// returns the other messages, in order.
func drive(p common.Page, keys ...string) []tea.Msg {
	var out []tea.Msg
	for _, k := range keys {
		_, cmd := p.Update(uitest.Key(k))
		out = append(out, feed(p, cmd)...)
	}
	return out
}

func feed(p common.Page, cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	for _, msg := range uitest.Messages(cmd) {
		switch msg.(type) {
		case home.ActMsg, common.StatusMsg:
			out = append(out, msg)
		default:
			_, next := p.Update(msg)
			out = append(out, feed(p, next)...)
		}
	}
	return out
}

func typeText(p common.Page, s string) []tea.Msg {
	var keys []string
	for _, r := range s {
		keys = append(keys, string(r))
	}
	return drive(p, keys...)
}

// act is the one ActMsg among msgs.
func act(t *testing.T, msgs []tea.Msg) home.ActMsg {
	t.Helper()
	if len(msgs) != 1 {
		t.Fatalf("want one ActMsg, got %#v", msgs)
	}
	a, ok := msgs[0].(home.ActMsg)
	if !ok {
		t.Fatalf("want an ActMsg, got %#v", msgs[0])
	}
	return a
}

// TestHomeListsProfilesConnectionsAndNewRequestNumbered: saved profiles
// first, then the connections, then "New request…", numbered 1-9 with
// their account badge and description.
func TestHomeListsProfilesConnectionsAndNewRequestNumbered(t *testing.T) {
	ctx := homeContext(t, uitest.NewClock(uitest.FixedNow), true)
	p := home.New(ctx, saved, "")
	s := uitest.Screen(p, 78, 22)
	for _, want := range []string{"› 1 merchant-x-test", "2 prod-support", "PROD", "3 Demo API client", "4 MFA user", "5 New request…",
		"client_credentials · x-client", "password · support@example.com"} {
		if !strings.Contains(s, want) {
			t.Fatalf("home lacks %q:\n%s", want, s)
		}
	}
	if p.Title() != "home" || p.TakesText() || !p.Ticking() {
		t.Fatalf("title %q, takes text %v, ticking %v", p.Title(), p.TakesText(), p.Ticking())
	}
}

// TestHomeDigitRunsTheNumberedItem: a digit runs the item it numbers,
// tagged with a new request id that home accepts (and no older one); a
// digit past the items says so and runs nothing.
func TestHomeDigitRunsTheNumberedItem(t *testing.T) {
	ctx := homeContext(t, uitest.NewClock(uitest.FixedNow), false)
	p := home.New(ctx, nil, "")
	a := act(t, drive(p, "2"))
	id := uitest.LastRequestID(ctx)
	if a.Act != home.ActRun || a.Item.Name != "MFA user" || a.ID != id || a.ID == 0 {
		t.Fatalf("2 ran %+v (id %d)", a, id)
	}
	if k, ok := a.Item.Key.Conn(); !ok || k != 1 {
		t.Fatalf("2's key %v", a.Item.Key)
	}
	if !p.Accept(id) || p.Accept(id-1) {
		t.Fatal("home accepts the wrong run's answer")
	}
	second := act(t, drive(p, "1"))
	if second.ID <= id || p.Accept(id) || !p.Accept(second.ID) {
		t.Fatalf("a second run: id %d; the first's answer still accepted: %v", second.ID, p.Accept(id))
	}
	msgs := drive(p, "9")
	if len(msgs) != 1 || msgs[0] != (common.StatusMsg{Text: "no item 9 here", Err: true}) {
		t.Fatalf("9: %#v", msgs)
	}
	if !strings.Contains(uitest.Screen(p, 78, 22), "› 1 Demo API client") {
		t.Fatal("the cursor is not on the item last run")
	}
	if a := act(t, drive(p, "3")); a.Item.Name != "New request…" || !a.Item.Key.IsNew() {
		t.Fatalf("3 ran %+v", a.Item)
	}
}

// TestHomeFilterNarrowsAndNumbersTheMatches: / starts a filter (keys type
// text then), words match anywhere in a profile's name, account, grant,
// client, user or notes; enter applies it and a banner says so; the digits
// number the matches; esc clears it.
func TestHomeFilterNarrowsAndNumbersTheMatches(t *testing.T) {
	ctx := homeContext(t, uitest.NewClock(uitest.FixedNow), true)
	p := home.New(ctx, saved, "")
	p.SetSize(78, 22)
	drive(p, "/")
	if !p.TakesText() {
		t.Fatal("/ did not start the filter")
	}
	if h := uitest.Help(p); !strings.Contains(h, "enter apply filter") || !strings.Contains(h, "esc clear filter") {
		t.Fatalf("filtering help: %s", h)
	}
	// q and a digit type while filtering; "shop" is only in the notes.
	if msgs := typeText(p, "SHOP"); len(msgs) != 0 {
		t.Fatalf("typing ran something: %#v", msgs)
	}
	drive(p, "enter")
	s := uitest.Screen(p, 78, 22)
	if !strings.Contains(s, `filtered by "SHOP"`) || !strings.Contains(s, "› 1 merchant-x-test") || strings.Contains(s, "prod-support") || strings.Contains(s, "MFA user") {
		t.Fatalf("filtered by SHOP:\n%s", s)
	}
	if p.TakesText() {
		t.Fatal("an applied filter still takes text")
	}
	if a := act(t, drive(p, "1")); a.Item.Name != "merchant-x-test" {
		t.Fatalf("1 under the filter ran %q", a.Item.Name)
	}
	if msgs := drive(p, "2"); len(msgs) != 1 || msgs[0] != (common.StatusMsg{Text: "no item 2 here", Err: true}) {
		t.Fatalf("2 under a filter of one: %#v", msgs)
	}
	// esc clears the filter (and asks nothing of the root).
	if msgs := drive(p, "esc"); len(msgs) != 0 {
		t.Fatalf("esc under a filter: %#v", msgs)
	}
	if s := uitest.Screen(p, 78, 22); strings.Contains(s, "filtered by") || !strings.Contains(s, "MFA user") {
		t.Fatalf("esc did not clear the filter:\n%s", s)
	}
	// Every word must match: "support prod" finds prod-support only.
	drive(p, "/")
	typeText(p, "support p1122")
	drive(p, "enter")
	if s := uitest.Screen(p, 78, 22); !strings.Contains(s, "› 1 prod-support") || strings.Contains(s, "merchant-x-test") {
		t.Fatalf("two words:\n%s", s)
	}
}

// TestHomeFilterWithoutMatchesSaysSo: a filter nothing matches says so
// while typing, rather than showing an empty list; enter then ends it.
func TestHomeFilterWithoutMatchesSaysSo(t *testing.T) {
	ctx := homeContext(t, uitest.NewClock(uitest.FixedNow), false)
	p := home.New(ctx, nil, "")
	p.SetSize(78, 22)
	drive(p, "/")
	typeText(p, "zzz")
	if s := uitest.Screen(p, 78, 22); !strings.Contains(s, `no profile or connection matches "zzz"`) {
		t.Fatalf("while typing:\n%s", s)
	}
	// enter on no match ends the filter (the list's own rule): every
	// item is back, and nothing ran.
	if msgs := drive(p, "enter"); len(msgs) != 0 {
		t.Fatalf("enter on no match: %#v", msgs)
	}
	if s := uitest.Screen(p, 78, 22); strings.Contains(s, "zzz") || !strings.Contains(s, "› 1 Demo API client") || p.TakesText() {
		t.Fatalf("enter on no match:\n%s", s)
	}
	// A new filter starts from nothing.
	drive(p, "/")
	typeText(p, "mfa")
	drive(p, "enter")
	if s := uitest.Screen(p, 78, 22); !strings.Contains(s, `filtered by "mfa"`) || !strings.Contains(s, "› 1 MFA user") {
		t.Fatalf("a second filter:\n%s", s)
	}
}

// TestHomeHeldTokenCountsDown: a token held for an item shows its
// countdown on the page's clock, then EXPIRED; enter's help follows: show
// the token while valid (l logs in again), refresh once expired with a
// refresh token.
func TestHomeHeldTokenCountsDown(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	ctx := homeContext(t, clk, false)
	p := home.New(ctx, nil, "")
	if h := uitest.Help(p); !strings.HasPrefix(h, "enter run") {
		t.Fatalf("nothing held: %s", h)
	}
	ctx.Session.Hold(profiles.Profile{Name: "conn:0"}, heldToken(clk.Now(), clk.Now().Add(2*time.Minute), "rt-1"))
	if s := uitest.Screen(p, 78, 22); !strings.Contains(s, "⏱ 2m 00s") {
		t.Fatalf("held for 2m:\n%s", s)
	}
	if h := uitest.Help(p); !strings.HasPrefix(h, "enter show token · l new login") {
		t.Fatalf("a valid token held: %s", h)
	}
	clk.Advance(75 * time.Second)
	if s := uitest.Screen(p, 78, 22); !strings.Contains(s, "⏱ 45s") {
		t.Fatalf("75s later:\n%s", s)
	}
	clk.Advance(time.Minute)
	if s := uitest.Screen(p, 78, 22); !strings.Contains(s, "EXPIRED") || strings.Contains(s, "⏱") {
		t.Fatalf("expired:\n%s", s)
	}
	if h := uitest.Help(p); !strings.HasPrefix(h, "enter refresh · l new login") {
		t.Fatalf("expired with a refresh token: %s", h)
	}
	// l logs in again, whatever is held; on "New request…" it does nothing.
	if a := act(t, drive(p, "l")); a.Act != home.ActLogin || a.ID != uitest.LastRequestID(ctx) {
		t.Fatalf("l: %+v", a)
	}
	if msgs := drive(p, "down", "down", "l"); len(msgs) != 0 {
		t.Fatalf("l on New request…: %#v", msgs)
	}
}

// TestHomeExpiredMFATokenAsksForANewLogin: an expired token that came
// through MFA without a refresh token: enter says a new login follows
// (asked first), and no "l".
func TestHomeExpiredMFATokenAsksForANewLogin(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	ctx := homeContext(t, clk, false)
	p := home.New(ctx, nil, "")
	res := heldToken(clk.Now(), clk.Now().Add(time.Minute), "")
	res.ViaMFA = true
	ctx.Session.Hold(profiles.Profile{Name: "conn:1"}, res)
	clk.Advance(2 * time.Minute)
	drive(p, "down")
	if h := uitest.Help(p); !strings.HasPrefix(h, "enter new login…") || strings.Contains(h, "l new login") {
		t.Fatalf("expired MFA token: %s", h)
	}
}

// TestHomeKeysOfferedPerItem: the key line offers what each item can do —
// a saved profile where profiles can change: add, edit, delete (and u for
// a user); a connection: edit, and u only for a user; "New request…": new
// request and add; the demo (no store): no add, edit of a profile, delete.
func TestHomeKeysOfferedPerItem(t *testing.T) {
	ctx := homeContext(t, uitest.NewClock(uitest.FixedNow), true)
	p := home.New(ctx, saved, "")
	cases := []struct{ want, not []string }{
		{[]string{"enter run", "a add", "e edit", "x delete", "/ filter"}, []string{"u diagnose"}},
		{[]string{"enter run", "a add", "e edit", "x delete", "u diagnose"}, nil},
		{[]string{"enter run", "e edit"}, []string{"a add", "x delete", "u diagnose"}},
		{[]string{"enter run", "e edit", "u diagnose"}, []string{"a add", "x delete"}},
		{[]string{"enter new request", "a add"}, []string{"e edit", "x delete", "u diagnose"}},
	}
	for i, c := range cases {
		h := uitest.Help(p)
		for _, w := range c.want {
			if !strings.Contains(h, w) {
				t.Fatalf("item %d: no %q in %s", i+1, w, h)
			}
		}
		for _, n := range c.not {
			if strings.Contains(h, n) {
				t.Fatalf("item %d: %q offered in %s", i+1, n, h)
			}
		}
		drive(p, "down")
	}
	demo := home.New(homeContext(t, uitest.NewClock(uitest.FixedNow), false), nil, "")
	drive(demo, "down", "down")
	if h := uitest.Help(demo); strings.Contains(h, "a add") || !strings.Contains(h, "enter new request") {
		t.Fatalf("the demo's New request…: %s", h)
	}
}

// TestHomeKeysAskTheRootForTheSelectedItem: e, a, d, x and u ask the root
// to act on the selected profile (x to delete it: the root asks first, home
// deletes nothing); on a connection d and x, which home does not offer
// there, do nothing.
func TestHomeKeysAskTheRootForTheSelectedItem(t *testing.T) {
	ctx := homeContext(t, uitest.NewClock(uitest.FixedNow), true)
	p := home.New(ctx, saved, "")
	drive(p, "down")
	for k, want := range map[string]home.Act{"e": home.ActEdit, "a": home.ActAdd, "d": home.ActDuplicate, "x": home.ActDelete, "u": home.ActDiagnoseItem, "enter": home.ActRun} {
		a := act(t, drive(p, k))
		if a.Act != want || a.Item.Name != "prod-support" || a.Item.Profile == nil || a.Item.Profile.Username != "support@example.com" {
			t.Fatalf("%s: %+v", k, a)
		}
	}
	// x only asks: the profile is still listed.
	if s := uitest.Screen(p, 78, 22); !strings.Contains(s, "prod-support") {
		t.Fatalf("x removed the profile from home itself:\n%s", s)
	}
	drive(p, "down")
	for _, k := range []string{"x", "d"} {
		if msgs := drive(p, k); len(msgs) != 0 {
			t.Fatalf("%s on a connection: %#v", k, msgs)
		}
	}
	if s := uitest.Screen(p, 78, 22); !strings.Contains(s, "› 3 Demo API client") {
		t.Fatalf("a key not offered moved the cursor:\n%s", s)
	}
}

// TestHomeDeletedProfileUnderAFilterKeepsThePlace: when the profiles
// change under a filter (one deleted), the other matches stay and the
// cursor stays at the same place.
func TestHomeDeletedProfileUnderAFilterKeepsThePlace(t *testing.T) {
	ctx := homeContext(t, uitest.NewClock(uitest.FixedNow), true)
	ps := []profiles.Profile{
		{Name: "partner-a", Account: "T11223344", Grant: "client_credentials", ClientID: "a"},
		{Name: "partner-b", Account: "T11223344", Grant: "client_credentials", ClientID: "b"},
		{Name: "zeta", Account: "T11223344", Grant: "client_credentials", ClientID: "z"},
	}
	p := home.New(ctx, ps, "")
	p.SetSize(78, 22)
	drive(p, "/")
	typeText(p, "partner")
	drive(p, "enter")
	feed(p, p.SetProfiles(ps[1:]))
	s := uitest.Screen(p, 78, 22)
	if !strings.Contains(s, "› 1 partner-b") || !strings.Contains(s, `filtered by "partner"`) || strings.Contains(s, "zeta") || strings.Contains(s, "no profile") {
		t.Fatalf("after deleting partner-a under the filter:\n%s", s)
	}
}

// TestHomeReadOnlySaysWhyAndOffersNoChange: a profiles file that cannot
// be read: home says so and offers no add, edit or delete of a profile.
func TestHomeReadOnlySaysWhyAndOffersNoChange(t *testing.T) {
	ctx := homeContext(t, uitest.NewClock(uitest.FixedNow), true)
	p := home.New(ctx, saved, "line 3: bad YAML")
	s := uitest.Screen(p, 78, 24)
	if !strings.Contains(s, "READ-ONLY") || !strings.Contains(s, "line 3: bad YAML") {
		t.Fatalf("read-only:\n%s", s)
	}
	if h := uitest.Help(p); strings.Contains(h, "a add") || strings.Contains(h, "x delete") || strings.Contains(h, "e edit") {
		t.Fatalf("read-only offers %s", h)
	}
	// The banner wraps at the body's width, whatever the terminal's.
	for _, l := range strings.Split(uitest.Screen(p, 60, 20), "\n") {
		if len([]rune(l)) > 60 {
			t.Fatalf("at 60×20, line %q is wider than 60", l)
		}
	}
}

// TestHomeFitsSixtyByTwentyWithManyItems: at 60×20 nine items and New
// request… are all on screen, one line each, with their numbers and the
// selected item's description; no line is wider than 60.
func TestHomeFitsSixtyByTwentyWithManyItems(t *testing.T) {
	ctx := homeContext(t, uitest.NewClock(uitest.FixedNow), true)
	var ps []profiles.Profile
	for i := range 8 {
		ps = append(ps, profiles.Profile{Name: fmt.Sprintf("profile-%d", i), Account: "T11223344", Grant: "client_credentials",
			ClientID: fmt.Sprintf("client-%d-with-a-rather-long-identifier-that-wraps", i)})
	}
	p := home.New(ctx, ps, "")
	drive(p, "down", "down")
	s := uitest.Screen(p, 60, 20)
	lines := strings.Split(s, "\n")
	if len(lines) > 20 {
		t.Fatalf("%d lines:\n%s", len(lines), s)
	}
	for _, l := range lines {
		if len([]rune(l)) > 60 {
			t.Fatalf("line %q wider than 60", l)
		}
	}
	for i := range 8 {
		if !strings.Contains(s, fmt.Sprintf("profile-%d", i)) {
			t.Fatalf("profile-%d is off screen:\n%s", i, s)
		}
	}
	for _, want := range []string{"9 Demo API client", "MFA user", "New request…", "› 3 profile-2", "client-2-with"} {
		if !strings.Contains(s, want) {
			t.Fatalf("no %q at 60×20:\n%s", want, s)
		}
	}
}

// TestHomeSanitisesAProfilesText: a profile's description (from a file
// anyone may have written) reaches the screen without escape sequences.
func TestHomeSanitisesAProfilesText(t *testing.T) {
	ctx := homeContext(t, uitest.NewClock(uitest.FixedNow), true)
	p := home.New(ctx, []profiles.Profile{{Name: "evil", Account: "T11223344", Grant: "client_credentials",
		ClientID: "id\x1b]52;c;cHduZWQ=\a\x1b[2J\u202e", BaseURL: "https://proxy.example\x1b[31m/v1"}}, "")
	p.SetSize(78, 22)
	raw := p.View()
	for _, bad := range []string{"\x1b]52", "\x1b[2J", "\a", "\u202e", "example\x1b[31m"} {
		if strings.Contains(raw, bad) {
			t.Fatalf("%q reached the screen: %q", bad, raw)
		}
	}
	if !strings.Contains(uitest.Screen(p, 78, 22), "client_credentials · id") {
		t.Fatalf("the description is gone:\n%s", uitest.Screen(p, 78, 22))
	}
}

// TestHomeAutoRefreshNoteStandsBeforeTheDescription: a token held for an
// item that auto-refreshes says when, before the description.
func TestHomeAutoRefreshNoteStandsBeforeTheDescription(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	ctx := homeContext(t, clk, false)
	p := home.New(ctx, nil, "")
	ctx.Session.Hold(profiles.Profile{Name: "conn:0", AutoRefresh: true}, heldToken(clk.Now(), clk.Now().Add(2*time.Minute), "rt"))
	s := uitest.Screen(p, 78, 22)
	if !strings.Contains(s, "auto-refresh in 1m30s · client_credentials with HTTP Basic") {
		t.Fatalf("auto-refresh planned:\n%s", s)
	}
}

// TestHomeKeysItDoesNotOfferDoNothing: q (the root's), tab, ctrl+r, space
// and letters home has no use for send nothing and leave the cursor; a,
// not offered in the demo, goes to the root, which says why it cannot add.
func TestHomeKeysItDoesNotOfferDoNothing(t *testing.T) {
	ctx := homeContext(t, uitest.NewClock(uitest.FixedNow), false)
	p := home.New(ctx, nil, "")
	drive(p, "down")
	for _, k := range []string{"q", "tab", "ctrl+r", "space", "z", "0", "y", "x", "d"} {
		if msgs := drive(p, k); len(msgs) != 0 {
			t.Fatalf("%s: %#v", k, msgs)
		}
	}
	if s := uitest.Screen(p, 78, 22); !strings.Contains(s, "› 2 MFA user") {
		t.Fatalf("stray keys moved the cursor:\n%s", s)
	}
	if a := act(t, drive(p, "a")); a.Act != home.ActAdd {
		t.Fatalf("a: %+v", a)
	}
}

// TestHomeLastMatchDeletedSaysNothingMatches: when the only match of an
// applied filter is deleted, home says nothing matches (and how to clear
// the filter) instead of an empty list that looks like lost profiles.
func TestHomeLastMatchDeletedSaysNothingMatches(t *testing.T) {
	ctx := homeContext(t, uitest.NewClock(uitest.FixedNow), true)
	p := home.New(ctx, saved, "")
	p.SetSize(78, 22)
	drive(p, "/")
	typeText(p, "merchant")
	drive(p, "enter")
	feed(p, p.SetProfiles(saved[1:]))
	s := uitest.Screen(p, 78, 22)
	if !strings.Contains(s, `no profile or connection matches "merchant" · esc clears the filter`) {
		t.Fatalf("the last match deleted:\n%s", s)
	}
	if msgs := drive(p, "enter"); len(msgs) != 0 {
		t.Fatalf("enter on no item: %#v", msgs)
	}
	drive(p, "esc")
	if s := uitest.Screen(p, 78, 22); !strings.Contains(s, "› 1 prod-support") || strings.Contains(s, "matches") {
		t.Fatalf("esc:\n%s", s)
	}
}

// TestHomeLongNameGivesWayToTheCountdown: at 60 columns, where items take
// one line, a long name is cut so that the badge and a held token's
// countdown show whole (the countdown was cut off: "⏱ 1m …").
func TestHomeLongNameGivesWayToTheCountdown(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	ctx := homeContext(t, clk, true)
	var ps []profiles.Profile
	for i := range 8 {
		ps = append(ps, profiles.Profile{Name: fmt.Sprintf("passwordless-customer-by-e-mail-%d", i), Account: "T11223344", Grant: "client_credentials", ClientID: "c"})
	}
	p := home.New(ctx, ps, "")
	ctx.Session.Hold(profiles.Profile{Name: ps[0].Name}, heldToken(clk.Now(), clk.Now().Add(75*time.Second), ""))
	s := uitest.Screen(p, 58, 20)
	var line string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "1 passwordless") {
			line = l
		}
	}
	if !strings.Contains(line, "TEST") || !strings.Contains(line, "⏱ 1m 15s") {
		t.Fatalf("the first item's line lacks its badge or its whole countdown: %q\n%s", line, s)
	}
	if ansi.StringWidth(line) > 58 {
		t.Fatalf("line %q wider than 58", line)
	}
}
