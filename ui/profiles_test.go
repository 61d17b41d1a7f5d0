package ui

import (
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
)

// profileContext is a context with a store in dir and a keyring of the
// test's own (not go-keyring's global mock, which tests would share).
func profileContext(t testing.TB, clk *testClock, dir string) *Context {
	ctx := testContext(clk)
	ctx.Store = &profiles.Store{Dir: dir}
	ctx.Secrets = profiles.NewSecrets(ctx.Store)
	ctx.Secrets.Keyring = keyringtest.New()
	return ctx
}

// keyringOf is the test keyring behind ctx.
func keyringOf(ctx *Context) *keyringtest.Keyring {
	return ctx.Secrets.Keyring.(*keyringtest.Keyring)
}

func TestAddProfileInTUIReopenAndRunWithOneKey(t *testing.T) {
	clk := &testClock{now: fixedNow}
	srv := demoServer(t, clk)
	dir := t.TempDir()
	m := New(profileContext(t, clk, dir))
	if !strings.Contains(viewText(m), "choose a grant") {
		t.Fatalf("no profiles: opens on\n%s", viewText(m))
	}
	// Home is one esc away; add from there: a → grant → form in profile
	// mode.
	press(t, m, "esc")
	if !strings.Contains(viewText(m), "No saved profiles yet") {
		t.Fatalf("esc:\n%s", viewText(m))
	}
	press(t, m, "a", "enter") // client_credentials
	if !formOnTop(m).profileMode || formOnTop(m).focused().spec.key != fName {
		t.Fatalf("screen %v status %q:\n%s", m.scr, m.status.text, viewText(m))
	}
	typeText(t, m, "demo-cc")
	press(t, m, "tab")
	for range len(formOnTop(m).value(fBaseURL)) {
		m.Update(keyMsg("backspace"))
	}
	typeText(t, m, srv.URL)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoAccount)
	press(t, m, "tab", "tab")
	typeText(t, m, dinterotest.DemoClientID)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoSecret)
	press(t, m, "enter")
	if m.scr != scrHome || !strings.Contains(m.status.text, "profile demo-cc saved") {
		t.Fatalf("screen %v status %q:\n%s", m.scr, m.status.text, viewText(m))
	}
	data, _ := os.ReadFile(filepath.Join(dir, profiles.FileName))
	if strings.Contains(string(data), dinterotest.DemoSecret) || !strings.Contains(string(data), "client_secret: keyring") {
		t.Fatalf("profiles file:\n%s", data)
	}

	// Reopen (same store, same keyring): the profile is on the home
	// screen; one key gets a token.
	reopened := profileContext(t, clk, dir)
	reopened.Secrets.Keyring = keyringOf(m.ctx)
	m = New(reopened)
	if m.scr != scrHome || !strings.Contains(viewText(m), "demo-cc") || !strings.Contains(viewText(m), "TEST T11223344") {
		t.Fatalf("reopened:\n%s", viewText(m))
	}
	press(t, m, "enter")
	if m.tokenOnTop() == nil || m.tokenOnTop().result().Token.Subject != "client:"+dinterotest.DemoClientID {
		t.Fatalf("screen %v status %q:\n%s", m.scr, m.status.text, viewText(m))
	}
	first := m.tokenOnTop().result()
	// Home shows the held token's countdown; returning shows the same token.
	press(t, m, "esc")
	if m.scr != scrHome || !strings.Contains(viewText(m), "⏱ 1m 00s") && !strings.Contains(viewText(m), "⏱ 2m 00s") {
		t.Fatalf("home after token:\n%s", viewText(m))
	}
	requests := srv.Requests()
	press(t, m, "enter")
	if m.tokenOnTop().result() != first || srv.Requests() != requests {
		t.Fatal("returning to the profile did not show the held token")
	}
	press(t, m, "esc")

	// Delete asks first.
	press(t, m, "x")
	if !strings.Contains(viewText(m), "Delete profile demo-cc and its secrets? y/n") {
		t.Fatalf("no confirmation:\n%s", viewText(m))
	}
	press(t, m, "n")
	if len(m.profiles) != 1 {
		t.Fatal("deleted on n")
	}
	press(t, m, "x", "y")
	if len(m.profiles) != 0 {
		t.Fatalf("not deleted: %q", m.status.text)
	}
	if _, err := keyringOf(m.ctx).Get(profiles.KeyringService, "profile:demo-cc:client_secret"); err == nil {
		t.Fatal("secret left in the keyring")
	}
}

func TestProfileAskingForPasswordOpensForm(t *testing.T) {
	clk := &testClock{now: fixedNow}
	srv := demoServer(t, clk)
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
	if formOnTop(m) == nil || formOnTop(m).focused().spec.key != fPassword || !strings.Contains(formOnTop(m).banner, "asks for it each time") {
		t.Fatalf("screen %v status %q:\n%s", m.scr, m.status.text, viewText(m))
	}
	typeText(t, m, dinterotest.DemoPassword)
	press(t, m, "enter")
	if _, held := m.ctx.Session.Held("support"); m.tokenOnTop() == nil || !held {
		t.Fatalf("screen %v status %q:\n%s", m.scr, m.status.text, viewText(m))
	}
	// The rotated refresh token was stored for the profile.
	if got, _ := keyringOf(ctx).Get(profiles.KeyringService, "profile:support:refresh_token"); got != "" {
		t.Fatalf("refresh token stored although the profile keeps none: %q", got)
	}
}

func TestAutoRefreshBeforeExpiry(t *testing.T) {
	clk := &testClock{now: fixedNow}
	srv := demoServer(t, clk)
	ctx := profileContext(t, clk, t.TempDir())
	p := profiles.Profile{Name: "auto", BaseURL: srv.URL, Account: dinterotest.DemoAccount, Grant: "client_credentials", ClientID: dinterotest.DemoClientID,
		Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}, AutoRefresh: true, RefreshBefore: profiles.Duration(20 * time.Second)}
	_ = ctx.Secrets.Put(p, profiles.ClientSecret, dinterotest.DemoSecret)
	_ = ctx.Store.Add(p)
	m := New(ctx)
	press(t, m, "enter", "esc")
	held := func() *flows.Result { res, _ := m.ctx.Session.Held("auto"); return res }
	first := held()
	if first == nil {
		t.Fatal("no token held")
	}
	clk.Advance(90 * time.Second) // 30 s left: not due
	_, cmd := m.Update(tickMsg(clk.Now()))
	drive(t, m, cmd)
	if held() != first {
		t.Fatal("refreshed too early")
	}
	clk.Advance(15 * time.Second) // 15 s left: due
	_, cmd = m.Update(tickMsg(clk.Now()))
	drive(t, m, cmd)
	if held() == first || !strings.Contains(viewText(m), "refreshed at 12:01:45") {
		t.Fatalf("not refreshed:\n%s", viewText(m))
	}
	// A failure is shown and not retried every second.
	srv.SetFault(&dinterotest.Fault{Status: 503})
	clk.Advance(110 * time.Second)
	_, cmd = m.Update(tickMsg(clk.Now()))
	drive(t, m, cmd)
	requests := srv.Requests()
	_, cmd = m.Update(tickMsg(clk.Now().Add(time.Second)))
	drive(t, m, cmd)
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
	m := New(profileContext(t, &testClock{now: fixedNow}, dir))
	if m.scr != scrHome || !strings.Contains(viewText(m), "READ-ONLY") {
		t.Fatalf("view:\n%s", viewText(m))
	}
	press(t, m, "a")
	if m.scr != scrHome || !strings.Contains(m.status.text, "read-only") {
		t.Fatalf("a on read-only: %v %q", m.scr, m.status.text)
	}
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

func manyProfiles(t testing.TB, n int) *Context {
	clk := &testClock{now: fixedNow}
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
			ctx := profileContext(t, &testClock{now: fixedNow}, t.TempDir())
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
			m.ctx.Session.Hold(profiles.Profile{Name: "merchant-x-prod"}, syntheticResult(t, fixedNow.Add(-30*time.Second)))
			return m
		},
		"home_empty": func(t *testing.T) *Model {
			m := New(profileContext(t, &testClock{now: fixedNow}, t.TempDir()))
			m.scr = scrHome
			return m
		},
		"home_read_only": func(t *testing.T) *Model {
			dir := t.TempDir()
			_ = os.WriteFile(filepath.Join(dir, profiles.FileName), []byte("version: 1\nprofiles:\n  - name: [oops\n"), 0o600)
			m := New(profileContext(t, &testClock{now: fixedNow}, "/cfg/tokenbench"))
			m.readOnly = "/cfg/tokenbench/profiles.yaml:3: did not find expected ',' or ']'"
			m.home.readOnly = m.readOnly
			m.scr = scrHome
			return m
		},
		"home_plain_file_warning": func(t *testing.T) *Model {
			ctx := profileContext(t, &testClock{now: fixedNow}, "/cfg/tokenbench")
			m := New(ctx)
			m.profiles = []profiles.Profile{{Name: "ci-bot", Account: "T11223344", Grant: "client_credentials", ClientID: "ci", Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceFile}}}
			m.home.setProfiles(m.profiles)
			m.scr = scrHome
			return m
		},
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			requireGoldenView(t, build)
		})
	}
}

func BenchmarkHomeView200(b *testing.B) {
	m := New(manyProfiles(b, 200))
	for i := 0; i < 200; i += 7 {
		m.ctx.Session.Hold(profiles.Profile{Name: fmt.Sprintf("merchant-%03d", i)}, syntheticResult(b, fixedNow))
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
		m.home.list.ResetFilter()
		m.home.list.SetFilterText("chant-1")
		_ = m.View()
	}
}

// Saving a token as a profile, then going back past it, finds the request
// form the token came from, which still sends a request (it was the
// profile form, and enter saved a profile).
func TestBackPastSaveAsFindsTheRequestForm(t *testing.T) {
	clk := &testClock{now: fixedNow}
	srv := demoServer(t, clk)
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
	ctx := profileContext(t, &testClock{now: fixedNow}, t.TempDir())
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
		_, cmd := m.Update(keyMsg("enter"))
		_, read := m.Update(cmd())
		if read == nil {
			t.Fatalf("no secrets read:\n%s", viewText(m))
		}
		return read
	}
	first := run()
	m.Update(keyMsg("down"))
	second := run()
	m.Update(first())
	requireShows(t, m, "› home")
	m.Update(second())
	requireShows(t, m, "› request · client_credentials", "cid-two", "the client secret of two is not saved")
}

// A frame drawn before any Update (no window size yet) shows home whole,
// not a list sized for no height.
func TestHomeFirstFrameShowsTheList(t *testing.T) {
	clk := &testClock{now: fixedNow}
	m := New(demoContext(t, clk, demoServer(t, clk)))
	requireShows(t, m, "Demo API client", "New request…")
}
