package oidc_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/session"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/oidc"
)

// demo is the browser login of the demo user through the fake's stand-in
// identity provider; opened records what the page asked the browser to
// open (nothing is opened: the test is the browser).
type demo struct {
	t      *testing.T
	srv    *dinterotest.Server
	ctx    *common.Context
	p      common.Page
	opened []string
}

func newDemo(t *testing.T, authorizeURL string) *demo {
	t.Helper()
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	runner, err := ctx.NewRunner(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	req := ctx.Connections[0].Request
	req.Grant, req.AuthorizeURL = client.GrantOIDC, authorizeURL
	if authorizeURL == "" {
		req.AuthorizeURL = srv.OIDCAuthorizeURL() + "?login_hint=" + url.QueryEscape(dinterotest.DemoUser)
	}
	d := &demo{t: t, srv: srv, ctx: ctx}
	ctx.OpenURL = func(u string) error { d.opened = append(d.opened, u); return nil }
	d.p = oidc.New(ctx, &session.Flow{Runner: runner, BaseURL: srv.URL}, req)
	t.Cleanup(func() { d.p.Update(uitest.Key("esc")) }) // closes a listener left open
	return d
}

// listen starts the login and hands the page its listener; it returns the
// two commands the page then runs: open the browser, and wait for the
// redirect (which blocks until it comes).
func (d *demo) listen() (open, wait tea.Cmd) {
	d.t.Helper()
	start := d.p.(*oidc.Page).Start()
	if !busy(d.p) {
		d.t.Fatal("not busy while the listener starts")
	}
	msgs := uitest.Messages(start)
	if len(msgs) != 1 {
		d.t.Fatalf("Start: %#v", msgs)
	}
	var cmd tea.Cmd
	d.p, cmd = d.p.Update(msgs[0])
	if cmd == nil {
		d.t.Fatalf("the listener's answer started nothing:\n%s", d.screen())
	}
	batch, ok := cmd().(tea.BatchMsg)
	if !ok || len(batch) != 2 {
		d.t.Fatalf("the wait: %#v", batch)
	}
	return batch[0], batch[1]
}

// await runs the wait for the redirect, which must come within seconds.
func (d *demo) await(wait tea.Cmd) tea.Msg {
	d.t.Helper()
	got := make(chan tea.Msg, 1)
	go func() { got <- wait() }()
	select {
	case msg := <-got:
		return msg
	case <-time.After(10 * time.Second):
		d.t.Fatal("no answer from the wait")
		return nil
	}
}

// browse is the browser: it follows u (and the provider's redirects).
func browse(t *testing.T, u string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func (d *demo) screen() string { return uitest.Screen(d.p, 78, 24) }

func (d *demo) shows(want ...string) {
	d.t.Helper()
	for _, w := range want {
		if !strings.Contains(uitest.Flat(d.screen()), uitest.Flat(w)) {
			d.t.Fatalf("the screen lacks %q:\n%s", w, d.screen())
		}
	}
}

func busy(p common.Page) bool { return p.(common.Busier).Busy() }

// TestOIDCWaitingShowsTheURLAndWhereItListens: while the browser is used,
// the page shows the authorize URL whole (cut into lines with nothing
// added, so a selection is the URL), where it waits for the redirect, and
// whether the browser opened, nothing cut at 60×20; c copies the URL (not a secret); it is not
// busy (the browser may take minutes) and takes no text.
func TestOIDCWaitingShowsTheURLAndWhereItListens(t *testing.T) {
	d := newDemo(t, "")
	d.shows("OIDC browser login", "listening on 127.0.0.1 for the redirect")
	if h := uitest.Help(d.p); h != "esc cancel · ctrl+c quit" {
		t.Fatalf("help while listening: %s", h)
	}
	open, _ := d.listen()
	if busy(d.p) || d.p.TakesText() {
		t.Fatal("waiting for the browser: busy, or takes text")
	}
	// At 60×20 (a body of 58×20) nothing is cut.
	view := uitest.Screen(d.p, 58, 20)
	lines := strings.Split(view, "\n")
	if len(lines) > 20 {
		t.Fatalf("%d lines at 60×20:\n%s", len(lines), view)
	}
	var u string
	inURL := false
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 58 {
			t.Fatalf("a line of %d cells at 60×20: %q", w, l)
		}
		switch {
		case u == "" && strings.HasPrefix(l, "http"):
			inURL, u = true, l
		case inURL && l != "":
			u += l
		default:
			inURL = false
		}
	}
	au, err := url.Parse(u)
	if err != nil || !strings.HasPrefix(u, d.srv.OIDCAuthorizeURL()) || au.Query().Get("state") == "" || au.Query().Get("response_type") != "code" {
		t.Fatalf("the URL on screen %q:\n%s", u, view)
	}
	redirect := au.Query().Get("redirect_uri")
	if !strings.HasPrefix(redirect, "http://127.0.0.1:") {
		t.Fatalf("redirect_uri %q", redirect)
	}
	d.shows("Sign in with the identity provider at (c copies it):", "waiting for the redirect to "+redirect+" (5 minutes at most; esc cancels)")
	if h := uitest.Help(d.p); h != "c copy URL · esc cancel · ctrl+c quit" {
		t.Fatalf("help while waiting: %s", h)
	}
	_, cmd := d.p.Update(uitest.Key("c"))
	cp, ok := cmd().(common.CopyMsg)
	if !ok || cp.Text != u || cp.What != "authorize URL" || cp.Secret {
		t.Fatalf("c: %#v", cp)
	}
	// The browser opens: the page says so.
	var next tea.Cmd
	d.p, next = d.p.Update(open())
	if next != nil || len(d.opened) != 1 || d.opened[0] != u {
		t.Fatalf("opened %q", d.opened)
	}
	d.shows("Opened in your browser: sign in there.")
}

// TestOIDCNoBrowserSaysOpenItYourself: with no way to open a browser, the
// page says to open the URL shown.
func TestOIDCNoBrowserSaysOpenItYourself(t *testing.T) {
	d := newDemo(t, "")
	d.ctx.OpenURL = nil
	open, _ := d.listen()
	d.p.Update(open())
	d.shows("Could not open a browser (no browser opener here): open the URL above yourself.")
}

// TestOIDCDoneHandsTheTokenToTheRoot: the provider's redirect brings the
// code, the page exchanges it and hands the token (with the provider's
// user_info) to the root.
func TestOIDCDoneHandsTheTokenToTheRoot(t *testing.T) {
	d := newDemo(t, "")
	open, wait := d.listen()
	d.p.Update(open())
	browse(t, d.opened[0])
	done := d.await(wait)
	if msg, ok := done.(oidc.DoneMsg); !ok || msg.Err != nil {
		t.Fatalf("the exchange: %#v", done)
	}
	_, cmd := d.p.Update(done)
	msgs := uitest.Messages(cmd)
	if len(msgs) != 1 {
		t.Fatalf("done: %#v", msgs)
	}
	tok, ok := msgs[0].(common.MFATokenMsg)
	if !ok || tok.Res == nil || tok.Res.Request.Grant != client.GrantOIDC || tok.Res.UserInfo() == nil {
		t.Fatalf("done: %#v", msgs[0])
	}
	// The listener is closed: a late redirect finds nobody.
	au, _ := url.Parse(d.opened[0])
	if resp, err := http.Get(au.Query().Get("redirect_uri") + "?code=x"); err == nil {
		resp.Body.Close()
		t.Fatal("the listener still answers after the login")
	}
}

// TestOIDCRefusedLoginShowsTheErrorAndTriesAgain: a provider that
// refuses the login redirects with error: the page shows it sanitised,
// offers enter to try again (a new listener) and esc.
func TestOIDCRefusedLoginShowsTheErrorAndTriesAgain(t *testing.T) {
	d := newDemo(t, "")
	open, wait := d.listen()
	d.p.Update(open())
	au, _ := url.Parse(d.opened[0])
	q := url.Values{"error": {"access_denied"}, "error_description": {"the user \x1b]0;pwn\x07said no\x1b[2J"}, "state": {au.Query().Get("state")}}
	resp, err := http.Get(au.Query().Get("redirect_uri") + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	done := d.await(wait)
	if _, cmd := d.p.Update(done); cmd != nil {
		t.Fatal("a refused login ran something")
	}
	d.shows("✗ the identity provider refused the login: access_denied", "said no", "enter tries again; esc goes back.")
	if v := d.p.View(); strings.Contains(v, "\x1b]0;") || strings.Contains(v, "\x07") || strings.Contains(v, "\x1b[2J") {
		t.Fatalf("the provider's escape sequences reached the screen: %q", v)
	}
	if h := uitest.Help(d.p); h != "enter try again · esc back · ctrl+c quit" {
		t.Fatalf("help after a refusal: %s", h)
	}
	// c is not offered on the failure and copies nothing (the URL is
	// dead: its listener closed).
	if _, cmd := d.p.Update(uitest.Key("c")); cmd != nil {
		t.Fatal("c copied a dead login's URL")
	}
	// enter listens again, with a new state; until it listens there is no
	// URL to copy (the old one is dead).
	_, cmd := d.p.Update(uitest.Key("enter"))
	if cmd == nil || !busy(d.p) {
		t.Fatal("enter does not start again")
	}
	d.shows("listening on 127.0.0.1")
	if h := uitest.Help(d.p); h != "esc cancel · ctrl+c quit" {
		t.Fatalf("help while listening again: %s", h)
	}
	if _, c := d.p.Update(uitest.Key("c")); c != nil {
		t.Fatal("c copied the old login's URL while listening again")
	}
	var next tea.Cmd
	msgs := uitest.Messages(cmd)
	d.p, next = d.p.Update(msgs[0])
	if next == nil {
		t.Fatalf("the second listener: %s", d.screen())
	}
	d.shows("waiting for the redirect")
}

// TestOIDCBadAuthorizeURLFails: an authorize URL that is not http(s)
// fails at once, saying why.
func TestOIDCBadAuthorizeURLFails(t *testing.T) {
	d := newDemo(t, "ftp://idp.example/authorize")
	msgs := uitest.Messages(d.p.(*oidc.Page).Start())
	if _, cmd := d.p.Update(msgs[0]); cmd != nil {
		t.Fatal("a bad URL started a wait")
	}
	d.shows("✗", "is not an http(s) URL", "enter tries again")
	if busy(d.p) {
		t.Fatal("busy after failing")
	}
}

// TestOIDCEscCancels: esc closes the page with a status and stops
// listening; the wait ends and its answer is dropped.
func TestOIDCEscCancels(t *testing.T) {
	d := newDemo(t, "")
	_, wait := d.listen()
	au, _ := url.Parse(d.screenURL())
	_, cmd := d.p.Update(uitest.Key("esc"))
	if msg := cmd(); msg != (common.CloseWithStatusMsg{Status: "browser login cancelled"}) {
		t.Fatalf("esc: %#v", msg)
	}
	done := d.await(wait)
	if msg, ok := done.(oidc.DoneMsg); !ok || msg.Err == nil {
		t.Fatalf("the cancelled wait: %#v", done)
	}
	if _, cmd := d.p.Update(done); cmd != nil {
		t.Fatal("a cancelled wait's answer was taken")
	}
	if resp, err := http.Get(au.Query().Get("redirect_uri")); err == nil {
		resp.Body.Close()
		t.Fatal("still listening after esc")
	}
}

// screenURL is the authorize URL as the page shows it, at a width that
// holds it on one line.
func (d *demo) screenURL() string {
	for _, l := range strings.Split(uitest.Screen(d.p, 2000, 24), "\n") {
		if strings.HasPrefix(l, "http") {
			return strings.TrimSpace(l)
		}
	}
	d.t.Fatalf("no URL on screen:\n%s", d.screen())
	return ""
}

// TestOIDCStaleAnswerDropped: an answer of another login (another id)
// changes nothing.
func TestOIDCStaleAnswerDropped(t *testing.T) {
	d := newDemo(t, "")
	d.listen()
	before := d.screen()
	if _, cmd := d.p.Update(oidc.DoneMsg{Err: errors.New("stale")}); cmd != nil || d.screen() != before {
		t.Fatalf("a stale answer changed the page:\n%s", d.screen())
	}
	if _, cmd := d.p.Update(oidc.DoneMsg{Err: flows.ErrLoginTimeout}); cmd != nil || d.screen() != before {
		t.Fatal("a stale timeout changed the page")
	}
}

// TestOIDCEscWhileListeningDropsTheListener: esc before the listener is
// up closes the page; the listener's late answer starts no wait.
func TestOIDCEscWhileListeningDropsTheListener(t *testing.T) {
	d := newDemo(t, "")
	start := d.p.(*oidc.Page).Start()
	_, cmd := d.p.Update(uitest.Key("esc"))
	if msg := cmd(); msg != (common.CloseWithStatusMsg{Status: "browser login cancelled"}) {
		t.Fatalf("esc: %#v", msg)
	}
	msgs := uitest.Messages(start)
	if _, next := d.p.Update(msgs[0]); next != nil {
		t.Fatal("a listener answering after esc started a wait")
	}
	if len(d.opened) != 0 {
		t.Fatal("a browser was opened after esc")
	}
}

// TestOIDCGivesUpWhenTheContextsTimerFires: the login's five minutes are
// a tick of the Context (a test fires it), not a timer of the wall clock:
// when it fires the page stops listening, says it gave up, offers to try
// again and drops the cancelled wait's answer.
func TestOIDCGivesUpWhenTheContextsTimerFires(t *testing.T) {
	d := newDemo(t, "")
	var fire func(time.Time) tea.Msg
	d.ctx.Tick = func(after time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		if after == flows.BrowserLoginTimeout {
			fire = fn
		}
		return nil
	}
	_, wait := d.listen()
	if fire == nil {
		t.Fatal("no time limit was armed on the Context's clock")
	}
	d.p, _ = d.p.Update(fire(uitest.FixedNow.Add(flows.BrowserLoginTimeout)))
	d.shows("the browser login gave up")
	if h := uitest.Help(d.p); !strings.Contains(h, "enter try again") || strings.Contains(h, "copy URL") {
		t.Fatalf("help after giving up: %s", h)
	}
	late := d.await(wait) // the wait ends: its context was cancelled
	d.p, _ = d.p.Update(late)
	d.shows("the browser login gave up")
}
