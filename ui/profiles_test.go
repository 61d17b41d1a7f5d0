package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// profileContext is a context with a store in dir and a keyring of the
// test's own (not go-keyring's global mock, which tests would share).
func profileContext(t testing.TB, clk *testClock, dir string) *common.Context {
	ctx := testContext(clk)
	ctx.Store = &profiles.Store{Dir: dir}
	ctx.Secrets = profiles.NewSecrets(ctx.Store)
	ctx.Secrets.Keyring = keyringtest.New()
	return ctx
}

// keyringOf is the test keyring behind ctx.
func keyringOf(ctx *common.Context) *keyringtest.Keyring {
	return ctx.Secrets.Keyring.(*keyringtest.Keyring)
}

func TestAddProfileInTUIReopenAndRunWithOneKey(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	dir := t.TempDir()
	ctx := profileContext(t, clk, dir)
	m := New(ctx)
	wantScreen(t, m, "choose a grant") // no profiles yet
	// Home is one esc away; add from there: a → grant → form in profile
	// mode.
	press(t, m, "esc")
	if !strings.Contains(viewText(m), "No saved profiles yet") {
		t.Fatalf("esc:\n%s", viewText(m))
	}
	press(t, m, "a", "enter") // client_credentials
	wantScreen(t, m, "request · profile · client_credentials")
	if got := focusedField(m); got != "Name" {
		t.Fatalf("focus on %q:\n%s", got, viewText(m))
	}
	typeText(t, m, "demo-cc")
	press(t, m, "tab", "ctrl+u") // the default base URL goes
	typeText(t, m, srv.URL)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoAccount)
	press(t, m, "tab", "tab")
	typeText(t, m, dinterotest.DemoClientID)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoSecret)
	press(t, m, "enter")
	wantScreen(t, m, "home")
	wantStatus(t, m, "profile demo-cc saved")
	data, _ := os.ReadFile(filepath.Join(dir, profiles.FileName))
	if strings.Contains(string(data), dinterotest.DemoSecret) || !strings.Contains(string(data), "client_secret: keyring") {
		t.Fatalf("profiles file:\n%s", data)
	}

	// Reopen (same store, same keyring): the profile is on the home
	// screen; one key gets a token.
	reopened := profileContext(t, clk, dir)
	reopened.Secrets.Keyring = keyringOf(ctx)
	m = New(reopened)
	wantScreen(t, m, "home")
	requireShows(t, m, "demo-cc", "TEST T11223344")
	press(t, m, "enter")
	wantScreen(t, m, "token")
	requireShows(t, m, "Subject     client:"+dinterotest.DemoClientID)
	first, held := reopened.Session.Held("demo-cc")
	if !held {
		t.Fatalf("no token held for demo-cc:\n%s", viewText(m))
	}
	wantToken(t, m, first)
	// Home shows the held token's countdown; returning shows the same token.
	press(t, m, "esc")
	wantScreen(t, m, "home")
	if !strings.Contains(viewText(m), "⏱ 1m 00s") && !strings.Contains(viewText(m), "⏱ 2m 00s") {
		t.Fatalf("home after token:\n%s", viewText(m))
	}
	requests := srv.Requests()
	press(t, m, "enter")
	wantStatus(t, m, "token still valid, shown as held")
	wantToken(t, m, first)
	if again, _ := reopened.Session.Held("demo-cc"); again != first || srv.Requests() != requests {
		t.Fatal("returning to the profile did not show the held token")
	}
	press(t, m, "esc")

	// Delete asks first.
	press(t, m, "x")
	if !strings.Contains(viewText(m), "Delete profile demo-cc and its secrets? y/n") {
		t.Fatalf("no confirmation:\n%s", viewText(m))
	}
	press(t, m, "n")
	if ps, err := reopened.Store.Load(); err != nil || len(ps) != 1 {
		t.Fatalf("deleted on n: %v %v", ps, err)
	}
	requireShows(t, m, "demo-cc  TEST T11223344")
	press(t, m, "x", "y")
	if ps, err := reopened.Store.Load(); err != nil || len(ps) != 0 {
		t.Fatalf("not deleted: %v %v:\n%s", ps, err, viewText(m))
	}
	wantStatus(t, m, "profile demo-cc and its secrets deleted")
	requireHides(t, m, "demo-cc  TEST T11223344") // gone from the list
	if n := keyringOf(reopened).Len(); n != 0 {
		t.Fatalf("%d secrets left in the keyring", n)
	}
}

func TestProfileAskingForPasswordOpensForm(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	dir := t.TempDir()
	ctx := profileContext(t, clk, dir)
	p := profiles.Profile{Name: "support", BaseURL: srv.URL, Account: dinterotest.DemoAccount, Grant: "password", ClientID: dinterotest.DemoClientID,
		Username: dinterotest.DemoUser, Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring, profiles.Password: profiles.SourceAsk}}
	if err := ctx.Secrets.Put(p, profiles.ClientSecret, dinterotest.DemoSecret); err != nil {
		t.Fatal(err)
	}
	if err := ctx.Store.Add(p); err != nil {
		t.Fatal(err)
	}
	m := New(ctx)
	press(t, m, "enter")
	wantScreen(t, m, "request · password")
	requireShows(t, m, "asks for it each time")
	if got := focusedField(m); got != "Password" {
		t.Fatalf("focus on %q:\n%s", got, viewText(m))
	}
	typeText(t, m, dinterotest.DemoPassword)
	press(t, m, "enter")
	wantScreen(t, m, "token")
	if _, held := ctx.Session.Held("support"); !held {
		t.Fatalf("no token held:\n%s", viewText(m))
	}
	// The rotated refresh token was stored for the profile.
	kept := p
	kept.Secrets = map[profiles.Kind]profiles.Source{profiles.RefreshToken: profiles.SourceKeyring}
	if got, _ := ctx.Secrets.Get(context.Background(), kept, profiles.RefreshToken); got != "" {
		t.Fatalf("refresh token stored although the profile keeps none: %q", got)
	}
}

func TestAutoRefreshBeforeExpiry(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := profileContext(t, clk, t.TempDir())
	p := profiles.Profile{Name: "auto", BaseURL: srv.URL, Account: dinterotest.DemoAccount, Grant: "client_credentials", ClientID: dinterotest.DemoClientID,
		Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}, AutoRefresh: true, RefreshBefore: profiles.Duration(20 * time.Second)}
	_ = ctx.Secrets.Put(p, profiles.ClientSecret, dinterotest.DemoSecret)
	_ = ctx.Store.Add(p)
	var ticks tickRecorder
	ticks.install(ctx)
	m := New(ctx)
	press(t, m, "enter", "esc")
	held := func() *flows.Result { res, _ := ctx.Session.Held("auto"); return res }
	first := held()
	if first == nil {
		t.Fatal("no token held")
	}
	// The countdown's tick, armed on home, is what checks for a refresh.
	tick := func() {
		t.Helper()
		if n := ticks.fireAfter(t, m, clk, time.Second); n != 1 {
			t.Fatalf("%d ticks armed", n)
		}
	}
	clk.Advance(90 * time.Second) // 30 s left: not due
	tick()
	if held() != first {
		t.Fatal("refreshed too early")
	}
	clk.Advance(15 * time.Second) // 15 s left: due
	tick()
	if held() == first || !strings.Contains(viewText(m), "auto-refreshed at 12:01:45") {
		t.Fatalf("not refreshed:\n%s", viewText(m))
	}
	// A failure is shown and not retried every second.
	srv.SetFault(&dinterotest.Fault{Status: 503})
	clk.Advance(110 * time.Second)
	tick()
	requests := srv.Requests()
	clk.Advance(time.Second)
	tick()
	if !strings.Contains(viewText(m), "refresh failed") || srv.Requests() != requests {
		t.Fatalf("%d retries:\n%s", srv.Requests()-requests, viewText(m))
	}
}

func TestReadOnlyOnUnparsableFile(t *testing.T) {
	dir := t.TempDir()
	bad := []byte("version: 1\nprofiles:\n  - name: [oops\n")
	if err := os.WriteFile(filepath.Join(dir, profiles.FileName), bad, 0o600); err != nil {
		t.Fatal(err)
	}
	m := New(profileContext(t, uitest.NewClock(fixedNow), dir))
	wantScreen(t, m, "home")
	requireShows(t, m, "READ-ONLY")
	press(t, m, "a")
	wantScreen(t, m, "home")
	wantStatus(t, m, "read-only")
	after, _ := os.ReadFile(filepath.Join(dir, profiles.FileName))
	if string(after) != string(bad) {
		t.Fatal("file changed")
	}
}

func TestFilterProfiles(t *testing.T) {
	m := New(manyProfiles(t, 200))
	press(t, m, "/")
	typeText(t, m, "merchant-150")
	view := viewText(m)
	if !strings.Contains(view, "merchant-150") || strings.Contains(view, "merchant-149 ") {
		t.Fatalf("filter:\n%s", view)
	}
}

func manyProfiles(t testing.TB, n int) *common.Context {
	clk := uitest.NewClock(fixedNow)
	ctx := profileContext(t, clk, t.TempDir())
	err := ctx.Store.Update(func(ps []profiles.Profile) ([]profiles.Profile, error) {
		for i := range n {
			acct := "T1122" + fmt.Sprintf("%04d", i)
			if i%5 == 0 {
				acct = "P9988" + fmt.Sprintf("%04d", i)
			}
			ps = append(ps, profiles.Profile{Name: fmt.Sprintf("merchant-%03d", i), Account: acct, Grant: "client_credentials", ClientID: fmt.Sprintf("client-%d", i)})
		}
		return ps, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

func TestGoldenProfiles(t *testing.T) {
	cases := map[string]func(t *testing.T) *Model{
		"home_profiles": func(t *testing.T) *Model {
			ctx := profileContext(t, uitest.NewClock(fixedNow), t.TempDir())
			for _, p := range []profiles.Profile{
				{Name: "merchant-x-test", Account: "T11223344", Grant: "client_credentials", ClientID: "merchant-x"},
				{Name: "merchant-x-prod", Account: "P11223344", Grant: "client_credentials", ClientID: "merchant-x"},
				{Name: "support-mfa", Account: "T11223344", Grant: "password", ClientID: "merchant-x", Username: "mfa@example.com", BaseURL: "https://staging.example.com/v1"},
			} {
				if err := ctx.Store.Add(p); err != nil {
					t.Fatal(err)
				}
			}
			m := New(ctx)
			ctx.Session.Hold(profiles.Profile{Name: "merchant-x-prod"}, syntheticResult(t, fixedNow.Add(-30*time.Second)))
			return m
		},
		"home_empty": func(t *testing.T) *Model {
			m := New(profileContext(t, uitest.NewClock(fixedNow), t.TempDir()))
			press(t, m, "esc") // from the chooser a first run opens on
			return m
		},
		"home_read_only": func(t *testing.T) *Model {
			return newInCfgDir(t, func(ctx *common.Context) {
				bad := []byte("version: 1\nprofiles:\n  - name: x\n    account: [oops\n")
				if err := os.WriteFile(ctx.Store.Path(), bad, 0o600); err != nil {
					t.Fatal(err)
				}
			})
		},
		"home_plain_file_warning": func(t *testing.T) *Model {
			return newInCfgDir(t, func(ctx *common.Context) {
				p := profiles.Profile{Name: "ci-bot", Account: "T11223344", Grant: "client_credentials", ClientID: "ci", Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceFile}}
				if err := ctx.Store.Add(p); err != nil {
					t.Fatal(err)
				}
			})
		},
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			requireGoldenView(t, build)
		})
	}
}

// newInCfgDir is the workbench over a profiles directory the goldens
// show as /cfg/tokenbench, with files prepare writes through ctx.Store:
// goldenCfgDir, a relative path as long as the one it stands for (a banner
// naming it wraps the same), under a working directory of the test's own
// while the files are written and loaded; then the working directory is
// put back, where the golden files are. stableView shows the directory as
// /cfg/tokenbench.
func newInCfgDir(t *testing.T, prepare func(ctx *common.Context)) *Model {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	defer func() {
		if err := os.Chdir(wd); err != nil {
			t.Fatal(err)
		}
	}()
	if err := os.MkdirAll(goldenCfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx := profileContext(t, uitest.NewClock(fixedNow), goldenCfgDir)
	prepare(ctx)
	return New(ctx)
}

func BenchmarkHomeView200(b *testing.B) {
	ctx := manyProfiles(b, 200)
	m := New(ctx)
	for i := 0; i < 200; i += 7 {
		ctx.Session.Hold(profiles.Profile{Name: fmt.Sprintf("merchant-%03d", i)}, syntheticResult(b, fixedNow))
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

func BenchmarkHomeFilter200(b *testing.B) {
	m := New(manyProfiles(b, 200))
	b.ReportAllocs()
	for b.Loop() {
		// / starts a new filter; the text is typed at once; enter keeps it.
		press(b, m, "/", "chant-1", "enter")
		_ = m.View()
	}
}

// Saving a token as a profile, then going back past it, finds the request
// form the token came from, which still sends a request (it was the
// profile form, and enter saved a profile).
func TestBackPastSaveAsFindsTheRequestForm(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	ctx.Connections = nil
	ctx.Store = &profiles.Store{Dir: t.TempDir()}
	ctx.Secrets = profiles.NewSecrets(ctx.Store)
	ctx.Secrets.Keyring = keyringtest.New()
	m := New(ctx)
	press(t, m, "enter") // client_credentials
	press(t, m, "enter") // the focus goes to the first field in error
	typeText(t, m, dinterotest.DemoAccount)
	press(t, m, "tab", "tab")
	typeText(t, m, dinterotest.DemoClientID)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoSecret)
	press(t, m, "enter")
	requireShows(t, m, "› token")
	press(t, m, "s")
	requireShows(t, m, "› request · profile · client_credentials")
	press(t, m, "esc", "esc")
	if view := viewText(m); !strings.Contains(view, "› request · client_credentials") {
		t.Fatalf("back past the profile form:\n%s", view)
	}
	requests := srv.Requests()
	press(t, m, "enter")
	if srv.Requests() == requests {
		t.Fatalf("enter on the request form sent nothing:\n%s", viewText(m))
	}
	requireShows(t, m, "› token")
}

// Home tags a run's secrets read with a request id: the answer for an
// item run before the last one is dropped, the last one's opens its form.
func TestHomeDropsAnOlderRunsSecrets(t *testing.T) {
	ctx := profileContext(t, uitest.NewClock(fixedNow), t.TempDir())
	for _, p := range []profiles.Profile{
		{Name: "one", Account: "T11223344", Grant: "client_credentials", ClientID: "cid-one"},
		{Name: "two", Account: "T11223344", Grant: "client_credentials", ClientID: "cid-two"},
	} {
		if err := ctx.Store.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	m := New(ctx)
	// run sends enter on the selected item and returns its secrets read.
	run := func() tea.Cmd {
		_, cmd := m.Update(uitest.Key("enter"))
		_, read := m.Update(cmd())
		if read == nil {
			t.Fatalf("no secrets read:\n%s", viewText(m))
		}
		return read
	}
	first := run()
	m.Update(uitest.Key("down"))
	second := run()
	m.Update(first())
	requireShows(t, m, "› home")
	m.Update(second())
	requireShows(t, m, "› request · client_credentials", "cid-two", "the client secret of two is not saved")
}

// A frame drawn before any Update (no window size yet) shows home whole,
// not a list sized for no height.
func TestHomeFirstFrameShowsTheList(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	m := New(demoContext(t, clk, uitest.DemoServer(t, clk)))
	requireShows(t, m, "Demo API client", "New request…")
}

// Issue (sess 2): r on a saved auto-refresh profile's token, then esc while
// it was sending, put "refresh failed: token request: cancelled;
// auto-refresh retries in 56s" on home, and the token expired waiting. A
// cancel is no failure: home says when auto-refresh runs, as before.
func TestCancelledRefreshIsNoFailureOnHome(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := profileContext(t, clk, t.TempDir())
	p := profiles.Profile{Name: "auto", BaseURL: srv.URL, Account: dinterotest.DemoAccount, Grant: "client_credentials", ClientID: dinterotest.DemoClientID,
		Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}, AutoRefresh: true, RefreshBefore: profiles.Duration(20 * time.Second)}
	_ = ctx.Secrets.Put(p, profiles.ClientSecret, dinterotest.DemoSecret)
	_ = ctx.Store.Add(p)
	m := New(ctx)
	press(t, m, "enter")
	wantScreen(t, m, "token")
	press(t, m, "esc")
	line := "⏱ 2m 00s  auto-refresh in 1m40s · client_credentials · demo-client"
	requireShows(t, m, line)
	press(t, m, "enter")
	wantScreen(t, m, "token")

	srv.SetFault(&dinterotest.Fault{Hang: true, Times: 1})
	_, cmd := m.Update(uitest.Key("r"))
	_, cmd = m.Update(cmd()) // the token page asks the flow to refresh
	requireShows(t, m, "› sending", "esc cancels the request")
	done := make(chan tea.Msg, 1)
	go func() {
		// The request command: the batch's second part.
		done <- cmd().(tea.BatchMsg)[1]()
	}()
	press(t, m, "esc")
	select {
	case late := <-done:
		_, cmd := m.Update(late)
		drive(t, m, cmd)
	case <-time.After(10 * time.Second):
		t.Fatal("the cancelled refresh did not return")
	}
	wantStatus(t, m, "request cancelled")
	press(t, m, "esc")
	wantScreen(t, m, "home")
	requireShows(t, m, line)
	requireHides(t, m, "refresh failed", "retries in", "cancelled")
}

// TestAddProfileStartsEmpty: a new profile's form starts from nothing but
// the default base URL — not from the last request form, whose secret it
// carried hidden (a tester's typed secret got appended to it), nor from
// an edit, whose name and notes it showed. The new profile's own form,
// left with esc, shows its typed name again, but not its secret (issue
// 19.7: leaving for home was on purpose).
func TestAddProfileStartsEmpty(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	ctx := profileContext(t, clk, t.TempDir())
	m := New(ctx)
	press(t, m, "esc", "a", "enter") // a client_credentials profile
	typeText(t, m, "first")
	for !strings.Contains(viewText(m), "› Secret") {
		press(t, m, "tab")
	}
	typeText(t, m, "s3cr3t-of-the-first")
	press(t, m, "esc", "esc") // back to the chooser, then home
	wantScreen(t, m, "home")
	press(t, m, "a", "enter")
	wantFieldValue(t, m, "Name", "first")
	wantFieldValue(t, m, "Secret", "")
	press(t, m, "ctrl+r") // reveal: nothing to reveal
	requireHides(t, m, "s3cr3t-of-the-first")
}

// Issue (diag 2): home told of auto-refresh for refreshes asked for with
// r, even on a profile with auto-refresh off: after a revoke, r (which
// needs MFA) and esc showed "auto-refresh needs MFA", and a plain r showed
// "refreshed at" as if auto-refresh had run.
func TestHomeTellsRefreshesByHandFromAutoRefresh(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := storeWith(t, clk,
		profiles.Profile{Name: "cc", BaseURL: srv.URL, Account: dinterotest.DemoAccount, Grant: "client_credentials", ClientID: dinterotest.DemoClientID,
			Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}},
		profiles.Profile{Name: "mfa", BaseURL: srv.URL, Account: dinterotest.DemoAccount, Grant: "password", ClientID: dinterotest.DemoClientID,
			Username: dinterotest.DemoMFAUser, Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring, profiles.Password: profiles.SourceKeyring}})
	ps, _ := ctx.Store.Load()
	for _, p := range ps {
		for k, v := range map[profiles.Kind]string{profiles.ClientSecret: dinterotest.DemoSecret, profiles.Password: dinterotest.DemoPassword} {
			if _, asks := p.Secrets[k]; asks {
				if err := ctx.Secrets.Put(p, k, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	m := New(ctx)
	wantScreen(t, m, "home")

	// cc: a token, then r by hand.
	press(t, m, "enter")
	wantScreen(t, m, "token")
	clk.Advance(5 * time.Second)
	press(t, m, "r")
	requireShows(t, m, "Issued      2026-11-28 12:00:05")
	press(t, m, "esc")
	wantScreen(t, m, "home")
	requireShows(t, m, "refreshed by hand at 12:00:05")
	requireHides(t, m, "auto-refresh")
	// Rate limited: auto-refresh, off, retries nothing.
	srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 30, Times: 1})
	press(t, m, "enter", "r")
	for range 3 {
		if onScreen(m, "home") {
			break
		}
		press(t, m, "esc")
	}
	wantScreen(t, m, "home")
	requireShows(t, m, "refresh failed")
	requireHides(t, m, "auto-refresh")
	press(t, m, "home")

	// mfa: its token, revoked, then r needs MFA and is left.
	press(t, m, "j", "enter")
	requireShows(t, m, "A code was sent by SMS")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoMFAUser))
	press(t, m, "enter")
	wantScreen(t, m, "token")
	press(t, m, "X", "y")
	wantStatus(t, m, "revoked refresh token")
	press(t, m, "r")
	requireShows(t, m, "Multi-factor authentication required")
	escLeaving(t, m)
	for range 3 {
		if onScreen(m, "home") {
			break
		}
		escLeaving(t, m)
	}
	wantScreen(t, m, "home")
	requireShows(t, m, "refresh needs MFA: run the profile again")
	requireHides(t, m, "auto-refresh")
}

// Issue (diag 3): an RLO (U+202E) or another bidi or control character in
// an imported profile reached the terminal raw: its notes in the profile
// form, its username on home. The form and home show the text without
// them, the form says so, and the file changes only when the user saves.
func TestProfileTextFromAFileIsShownSanitised(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	const rlo, lri = "\u202e", "\u2066"
	p := profiles.Profile{Name: "imported", BaseURL: "http://127.0.0.1:1", Account: dinterotest.DemoAccount, Grant: "password", ClientID: "cli" + lri + "ent",
		Username: "user" + rlo + "moc.elpmaxe@", Notes: "ticket " + rlo + "1174  pay\u0007ment",
		Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}}
	ctx := storeWith(t, clk, p)
	ctx.Height = 60 // the whole profile form on screen
	path := filepath.Join(ctx.Store.Dir, "profiles.yaml")
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := New(ctx)
	wantScreen(t, m, "home")
	requireShows(t, m, "usermoc.elpmaxe@")
	requireHides(t, m, rlo, lri)
	// u asks about the profile's user: the question shows them sanitised.
	press(t, m, "u")
	wantScreen(t, m, "diagnose user")
	requireShows(t, m, "usermoc.elpmaxe@")
	requireHides(t, m, rlo, lri)
	press(t, m, "esc")
	wantScreen(t, m, "home")

	press(t, m, "e")
	requireShows(t, m, "Notes", "control or bidi characters removed")
	wantFieldValue(t, m, "Notes", "ticket 1174  payment")
	wantFieldValue(t, m, "Username", "usermoc.elpmaxe@")
	requireHides(t, m, rlo, lri, "\u0007")
	// Typed or pasted, the same.
	for range 20 {
		if focusedField(m) == "Notes" {
			break
		}
		press(t, m, "tab")
	}
	press(t, m, "end")
	m.Update(tea.PasteMsg{Content: " x" + rlo + "y"})
	wantFieldValue(t, m, "Notes", "ticket 1174  payment xy")
	requireHides(t, m, rlo)

	// Not saved: the file is as it was.
	press(t, m, "esc")
	wantScreen(t, m, "home")
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatalf("profiles.yaml changed without a save:\n%s", after)
	}
	// Saved: what the form showed is what is stored (the form left with
	// esc shows what was typed into it again: issue 19.7).
	press(t, m, "e")
	wantFieldValue(t, m, "Notes", "ticket 1174  payment xy")
	press(t, m, "enter")
	wantScreen(t, m, "home")
	ps, err := ctx.Store.Load()
	if err != nil || len(ps) != 1 {
		t.Fatalf("%v %+v", err, ps)
	}
	if got := ps[0]; got.Notes != "ticket 1174  payment xy" || got.Username != "usermoc.elpmaxe@" || got.ClientID != "client" {
		t.Fatalf("saved %+v", got)
	}
}
