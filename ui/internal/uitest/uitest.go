// Package uitest is what the workbench's tests share: a fixed clock, a
// Context that sends its requests to a server of the test's, the fake
// Dintero server with the demo's connections, keys as Bubble Tea sends
// them, and a page's screen as text. Only tests import it.
package uitest

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/golang-jwt/jwt/v5"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/ui/common"
)

// FixedNow is the tests' "now": goldens and countdowns read it.
var FixedNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// Clock is a clock a test moves by hand.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock is a clock at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Context is a screen's Context at 80×24 on clk: dark styles, no ticks
// (a test moves the clock), requests through a client on clk to whatever
// base URL they name. It has no clipboard.
func Context(clk *Clock) *common.Context {
	ctx := common.NewContext()
	ctx.Width, ctx.Height = 80, 24
	ctx.Styles = common.DefaultStyles(true)
	ctx.Now = clk.Now
	ctx.Tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	ctx.NewRunner = func(base string) (*flows.Runner, error) {
		c, err := client.New(client.Options{BaseURL: base, Now: clk.Now, Timeout: 5 * time.Second, Recorder: ctx.Recorder})
		if err != nil {
			return nil, err
		}
		r := flows.NewRunner(c)
		r.Now = clk.Now
		return r, nil
	}
	return ctx
}

// DemoServer is the fake Dintero server with the demo's users, on clk.
func DemoServer(t testing.TB, clk *Clock) *dinterotest.Server {
	t.Helper()
	cfg := dinterotest.DemoConfigAt(2*time.Minute, clk.Now())
	cfg.Now = clk.Now
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// DemoContext is Context with srv's demo connections (the API client and
// the MFA user) and its outbox, as `tokenbench demo` has them.
func DemoContext(clk *Clock, srv *dinterotest.Server) *common.Context {
	ctx := Context(clk)
	ctx.DefaultBaseURL = srv.URL
	base := srv.URL
	cc := flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantClientCredentials, ClientID: dinterotest.DemoClientID, ClientSecret: dinterotest.DemoSecret}
	mfa := cc
	mfa.Grant, mfa.Username, mfa.Password = client.GrantPassword, dinterotest.DemoMFAUser, dinterotest.DemoPassword
	ctx.Connections = []common.Connection{
		{Name: "Demo API client", Description: "client_credentials", BaseURL: base, Request: cc, Channel: client.ChannelSMS},
		{Name: "MFA user", Description: "password with MFA", BaseURL: base, Request: mfa, Channel: client.ChannelSMS},
	}
	ctx.Outbox = func(baseURL, user string) []common.OutboxMessage {
		var out []common.OutboxMessage
		for _, msg := range srv.OutboxFor(baseURL, user) {
			out = append(out, common.OutboxMessage{At: msg.At, Channel: msg.Channel, To: msg.To, Text: msg.Text})
		}
		return out
	}
	return ctx
}

// Key is the key press k names as Bubble Tea sends it: "enter", "esc",
// "tab", "shift+tab", "up", "ctrl+n", "space", or text typed at once
// ("482913").
func Key(k string) tea.KeyPressMsg {
	named := map[string]rune{"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "up": tea.KeyUp,
		"down": tea.KeyDown, "backspace": tea.KeyBackspace, "left": tea.KeyLeft, "right": tea.KeyRight, "home": tea.KeyHome, "end": tea.KeyEnd}
	switch {
	case k == "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case k == " " || k == "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case strings.HasPrefix(k, "ctrl+") && len(k) == len("ctrl+")+1:
		return tea.KeyPressMsg{Code: rune(k[len(k)-1]), Mod: tea.ModCtrl}
	}
	if c, ok := named[k]; ok {
		return tea.KeyPressMsg{Code: c}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// Keys are the key presses keys name, as messages.
func Keys(keys ...string) []tea.Msg {
	msgs := make([]tea.Msg, len(keys))
	for i, k := range keys {
		msgs[i] = Key(k)
	}
	return msgs
}

// Press hands p each key in turn and returns the page and the commands
// its keys returned (not run).
func Press(p common.Page, keys ...string) (common.Page, []tea.Cmd) {
	var cmds []tea.Cmd
	for _, k := range keys {
		var cmd tea.Cmd
		p, cmd = p.Update(Key(k))
		cmds = append(cmds, cmd)
	}
	return p, cmds
}

// Screen is what p shows in a body of width×height cells, as plain text.
func Screen(p common.Page, width, height int) string {
	p.SetSize(width, height)
	return ansi.Strip(p.View())
}

// LastRequestID is the id of the request a page of ctx began last: the
// Context numbers a session's requests in order (NextID), so a test
// answers that request as the request's command would have.
func LastRequestID(ctx *common.Context) int { return ctx.NextID() - 1 }

// SequenceOf reads tea.Sequence's message, whose type Bubble Tea keeps to
// itself: a list of commands to run in order.
func SequenceOf(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if !v.IsValid() || v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeFor[tea.Cmd]() {
		return nil, false
	}
	cmds := make([]tea.Cmd, v.Len())
	for i := range cmds {
		cmds[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return cmds, true
}

// Messages runs cmd as Bubble Tea would (a batch's and a sequence's
// commands each) and returns the messages it produced, in order, without
// spinner frames. It runs what the commands do: a request goes to its
// server.
func Messages(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if seq, ok := SequenceOf(msg); ok {
		var out []tea.Msg
		for _, c := range seq {
			out = append(out, Messages(c)...)
		}
		return out
	}
	switch msg := msg.(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, Messages(c)...)
		}
		return out
	case nil, spinner.TickMsg:
		return nil
	}
	return []tea.Msg{msg}
}

// Flat is s with each run of white space (a wrap's line break, a label's
// padding) as one space: screens are compared with it.
func Flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// RequireShows fails t unless view shows each of want (compared Flat).
func RequireShows(t testing.TB, view string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(Flat(view), Flat(w)) {
			t.Fatalf("the screen does not show %q:\n%s", w, view)
		}
	}
}

// RequireLacks fails t if view shows any of unwanted (compared Flat).
func RequireLacks(t testing.TB, view string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(Flat(view), Flat(w)) {
			t.Fatalf("the screen shows %q:\n%s", w, view)
		}
	}
}

// HelpKeys is what p's short help offers, "key description" each.
func HelpKeys(p common.Page) []string {
	var out []string
	for _, b := range p.Keys().ShortHelp() {
		out = append(out, b.Help().Key+" "+b.Help().Desc)
	}
	return out
}

// Help is p's short help as one line: "key description · …".
func Help(p common.Page) string { return strings.Join(HelpKeys(p), " · ") }

// Find is the first message of type T in msgs; t fails when there is none.
func Find[T any](t testing.TB, msgs []tea.Msg) T {
	t.Helper()
	for _, m := range msgs {
		if v, ok := m.(T); ok {
			return v
		}
	}
	var zero T
	t.Fatalf("no %T among %#v", zero, msgs)
	return zero
}

// Has reports whether msgs hold a message of type T.
func Has[T any](msgs []tea.Msg) bool {
	for _, m := range msgs {
		if _, ok := m.(T); ok {
			return true
		}
	}
	return false
}

// WrongCode is a code one digit off code: a code the server refuses.
func WrongCode(code string) string {
	if code[0] == '9' {
		return "1" + code[1:]
	}
	return string(code[0]+1) + code[1:]
}

// Driver drives one page as the root would: a key's command is run, the
// page's own answers (Own) are handed back to it, and what is meant for
// the root is returned.
type Driver struct {
	T testing.TB
	P common.Page
	// Own reports whether msg is an answer of the page's own requests.
	Own func(msg tea.Msg) bool
	// W and H are the body's size for Screen (78×24 when 0).
	W, H int
}

// Run runs cmd as Bubble Tea would until it settles, and returns the
// messages meant for the root.
func (d *Driver) Run(cmd tea.Cmd) []tea.Msg {
	d.T.Helper()
	var root []tea.Msg
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 50 {
			d.T.Fatal("the page's commands did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		for _, msg := range Messages(c) {
			if d.Own != nil && d.Own(msg) {
				var next tea.Cmd
				d.P, next = d.P.Update(msg)
				queue = append(queue, next)
				continue
			}
			root = append(root, msg)
		}
	}
	return root
}

// Press presses keys one by one, running what each returns; it returns
// the messages meant for the root.
func (d *Driver) Press(keys ...string) []tea.Msg {
	d.T.Helper()
	var root []tea.Msg
	for _, k := range keys {
		var cmd tea.Cmd
		d.P, cmd = d.P.Update(Key(k))
		root = append(root, d.Run(cmd)...)
	}
	return root
}

// Screen is what the page shows now, as plain text.
func (d *Driver) Screen() string {
	w, h := d.W, d.H
	if w == 0 {
		w, h = 78, 24
	}
	return Screen(d.P, w, h)
}

// Shows fails the test unless the screen shows each of want.
func (d *Driver) Shows(want ...string) {
	d.T.Helper()
	RequireShows(d.T, d.Screen(), want...)
}

// Lacks fails the test if the screen shows any of unwanted.
func (d *Driver) Lacks(unwanted ...string) {
	d.T.Helper()
	RequireLacks(d.T, d.Screen(), unwanted...)
}

// Result is a password login's token issued at issued, living two
// minutes, with claims added to the usual ones (nil removes one) and
// refreshToken (none when ""). It is signed with HS256: no key to check it.
func Result(t testing.TB, issued time.Time, refreshToken string, extra map[string]any) *flows.Result {
	t.Helper()
	claims := jwt.MapClaims{
		"iss": "https://api.dintero.com/v1/accounts/T11223344/auth", "sub": "user:support@example.com",
		"aud": "https://api.dintero.com/v1/accounts/T11223344", "iat": issued.Unix(),
		"exp": issued.Add(2 * time.Minute).Unix(), "scope": "read:accounts write:checkout", "email": "support@example.com",
	}
	for k, v := range extra {
		if v == nil {
			delete(claims, k)
			continue
		}
		claims[k] = v
	}
	raw, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("uitest-key"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokeninfo.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	resp := &client.TokenResponse{AccessToken: raw, TokenType: "Bearer", ExpiresIn: 120, ReceivedAt: issued, ServerDate: issued,
		Fields: map[string]any{"access_token": raw, "token_type": "Bearer", "expires_in": 120}}
	res := &flows.Result{Request: flows.Request{Account: "T11223344", Grant: client.GrantPassword, Username: "support@example.com"},
		Response: resp, Token: tok, Expiry: tokeninfo.ComputeExpiry(tok, issued, 120, issued)}
	if refreshToken != "" {
		resp.RefreshToken, resp.Fields["refresh_token"], res.RefreshToken = refreshToken, refreshToken, refreshToken
	}
	return res
}

// RequireFits fails t unless view has at most h lines (any number when h
// is 0) and no line wider than w cells.
func RequireFits(t testing.TB, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if h > 0 && len(lines) > h {
		t.Fatalf("%d lines, more than %d:\n%s", len(lines), h, view)
	}
	for _, l := range lines {
		if cells := ansi.StringWidth(l); cells > w {
			t.Fatalf("a line of %d cells, wider than %d: %q\n%s", cells, w, l, view)
		}
	}
}
