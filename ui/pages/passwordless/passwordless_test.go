package passwordless_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/passwordless"
)

// demo is the code screen of a passwordless login of the demo customer by
// e-mail, its first code sent, with the fake server and the clock.
type demo struct {
	t    *testing.T
	clk  *uitest.Clock
	srv  *dinterotest.Server
	ctx  *common.Context
	p    common.Page
	kept []*flows.Result
}

func newDemo(t *testing.T) *demo {
	t.Helper()
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	runner, err := ctx.NewRunner(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	req := ctx.Connections[0].Request
	req.Grant, req.IdentType, req.Ident, req.Connection = client.GrantAuthorizationCode, flows.IdentEmail, dinterotest.DemoCustomer, client.ConnectionEmail
	l, err := runner.StartPasswordless(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	d := &demo{t: t, clk: clk, srv: srv, ctx: ctx}
	d.p = passwordless.New(ctx, l, func(r *flows.Result) error { d.kept = append(d.kept, r); return nil })
	return d
}

// run runs cmd as Bubble Tea would, hands the page its own answers and
// returns the messages meant for the root.
func (d *demo) run(cmd tea.Cmd) []tea.Msg {
	d.t.Helper()
	var root []tea.Msg
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 50 {
			d.t.Fatal("the page's commands did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		for _, msg := range uitest.Messages(c) {
			switch msg.(type) {
			case passwordless.SentMsg, passwordless.VerifyMsg:
				var next tea.Cmd
				d.p, next = d.p.Update(msg)
				queue = append(queue, next)
			default:
				root = append(root, msg)
			}
		}
	}
	return root
}

func (d *demo) press(keys ...string) []tea.Msg {
	d.t.Helper()
	var root []tea.Msg
	for _, k := range keys {
		var cmd tea.Cmd
		d.p, cmd = d.p.Update(uitest.Key(k))
		root = append(root, d.run(cmd)...)
	}
	return root
}

func (d *demo) screen() string { return uitest.Screen(d.p, 78, 24) }

// flat is text with its runs of white space as one space.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

func (d *demo) shows(want ...string) {
	d.t.Helper()
	for _, w := range want {
		if !strings.Contains(flat(d.screen()), flat(w)) {
			d.t.Fatalf("the screen lacks %q:\n%s", w, d.screen())
		}
	}
}

func (d *demo) lacks(unwanted ...string) {
	d.t.Helper()
	for _, w := range unwanted {
		if strings.Contains(flat(d.screen()), flat(w)) {
			d.t.Fatalf("the screen shows %q:\n%s", w, d.screen())
		}
	}
}

// codes are the codes the outbox holds for the customer, oldest first.
func (d *demo) codes() []dinterotest.Message {
	var out []dinterotest.Message
	for _, m := range d.srv.Outbox() {
		if m.Username == dinterotest.DemoCustomer {
			out = append(out, m)
		}
	}
	return out
}

func (d *demo) lastCode() string { c := d.codes(); return c[len(c)-1].BindingCode }

func help(p common.Page) string {
	var out []string
	for _, b := range p.Keys().ShortHelp() {
		out = append(out, b.Help().Key+" "+b.Help().Desc)
	}
	return strings.Join(out, " · ")
}

func busy(p common.Page) bool    { return p.(common.Busier).Busy() }
func ticking(p common.Page) bool { return p.(common.Ticker).Ticking() }

func find[T any](t *testing.T, msgs []tea.Msg) T {
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

func has[T any](msgs []tea.Msg) bool {
	for _, m := range msgs {
		if _, ok := m.(T); ok {
			return true
		}
	}
	return false
}

func wrong(code string) string {
	if code[0] == '9' {
		return "1" + code[1:]
	}
	return string(code[0]+1) + code[1:]
}

// TestPasswordlessRightCodeGetsTheToken: the screen says where the code
// went, when, the attempts left and the demo outbox with the code; the
// page takes digits; the right code is kept and handed to the root.
func TestPasswordlessRightCodeGetsTheToken(t *testing.T) {
	d := newDemo(t)
	code := d.lastCode()
	d.shows("Passwordless login", "The code was sent by e-mail to customer@example.com.", "Send 1 at 12:00:00", "Attempts left: 3", "Demo outbox", code)
	if !d.p.TakesText() || busy(d.p) || ticking(d.p) {
		t.Fatal("waiting for a code: not taking text, busy or ticking")
	}
	if h := help(d.p); h != "enter verify · ctrl+n send a new code · ctrl+w send by SMS instead · esc back · ctrl+c quit" {
		t.Fatalf("help: %s", h)
	}
	var cmd tea.Cmd
	d.p, _ = d.p.Update(uitest.Key(code))
	d.p, cmd = d.p.Update(uitest.Key("enter"))
	if !busy(d.p) || d.p.TakesText() {
		t.Fatal("checking: not busy, or takes text")
	}
	d.shows("checking the code")
	if h := help(d.p); h != "esc cancel · ctrl+c quit" {
		t.Fatalf("help while checking: %s", h)
	}
	tok := find[common.MFATokenMsg](t, d.run(cmd))
	if tok.Res == nil || tok.Res.Request.Grant != client.GrantAuthorizationCode || len(d.kept) != 1 {
		t.Fatalf("token %+v, kept %d", tok.Res, len(d.kept))
	}
}

// TestPasswordlessWrongCode: a wrong code is refused with the server's
// reason, the attempts left go down, the field is emptied, and the right
// code still works.
func TestPasswordlessWrongCode(t *testing.T) {
	d := newDemo(t)
	code := d.lastCode()
	root := d.press(wrong(code), "enter")
	if has[common.MFATokenMsg](root) {
		t.Fatal("a wrong code got a token")
	}
	d.shows("wrong verification code", "check it and type it again", "Attempts left: 2")
	if strings.Contains(flat(d.screen()), "Code "+wrong(code)) {
		t.Fatal("the wrong code stays in the field")
	}
	find[common.MFATokenMsg](t, d.press(code, "enter"))
}

// TestPasswordlessPasteIsCleaned: a code pasted as an e-mail shows it
// ("Code: 123 456") reaches the field as digits.
func TestPasswordlessPasteIsCleaned(t *testing.T) {
	d := newDemo(t)
	code := d.lastCode()
	d.p, _ = d.p.Update(tea.PasteMsg{Content: "Code: " + code[:3] + " " + code[3:]})
	d.shows("Code " + code)
	find[common.MFATokenMsg](t, d.press("enter"))
}

// TestPasswordlessEmptyCodeSendsNothing: enter with no code is refused on
// the page: no request, no attempt.
func TestPasswordlessEmptyCodeSendsNothing(t *testing.T) {
	d := newDemo(t)
	before := d.srv.Requests()
	var cmd tea.Cmd
	d.p, cmd = d.p.Update(uitest.Key("enter"))
	if cmd != nil || d.srv.Requests() != before {
		t.Fatal("enter on an empty code sent something")
	}
	d.shows("type the code the user received", "Attempts left: 3")
}

// TestPasswordlessSpentCodeOffersANewOne: an expired code is refused as
// spent: the field gives way to "used or expired", enter is not offered
// and sends nothing, and ctrl+n's new code works.
func TestPasswordlessSpentCodeOffersANewOne(t *testing.T) {
	d := newDemo(t)
	code := d.lastCode()
	d.clk.Advance(6 * time.Minute) // past the code's five minutes
	d.press(code, "enter")
	d.shows("This code is used or expired.", "ctrl+n sends a new one", "has expired")
	if h := help(d.p); strings.Contains(h, "verify") {
		t.Fatalf("help offers verify on a spent code: %s", h)
	}
	before := d.srv.Requests()
	if root := d.press("enter"); len(root) != 0 || d.srv.Requests() != before {
		t.Fatal("enter on a spent code sent something")
	}
	d.shows("this code is used or expired: ctrl+n sends a new one")
	d.press("ctrl+n")
	if n := len(d.codes()); n != 2 {
		t.Fatalf("%d codes sent, want 2", n)
	}
	d.shows("Send 2 at 12:06:00", "› Code")
	d.lacks("This code is used or expired.")
	find[common.MFATokenMsg](t, d.press(d.lastCode(), "enter"))
}

// TestPasswordlessSwitchConnection: ctrl+w sends the same code by SMS
// (the login session), the screen and help follow the connection, and
// ctrl+w again goes back to e-mail.
func TestPasswordlessSwitchConnection(t *testing.T) {
	d := newDemo(t)
	first := d.lastCode()
	d.press("ctrl+w")
	sent := d.codes()
	if len(sent) != 2 || sent[1].Channel != "sms" || sent[1].BindingCode != first {
		t.Fatalf("outbox after ctrl+w: %+v", sent)
	}
	d.shows("The code was sent by SMS to the phone of customer@example.com.", "Send 2 at", "sms to +47 900 00 010")
	if h := help(d.p); !strings.Contains(h, "ctrl+w send by e-mail instead") {
		t.Fatalf("help after ctrl+w: %s", h)
	}
	d.press("ctrl+w")
	d.shows("The code was sent by e-mail to customer@example.com.", "Send 3 at")
	find[common.MFATokenMsg](t, d.press(first, "enter"))
}

// TestPasswordlessNewCode: ctrl+n sends a new code that replaces the last.
func TestPasswordlessNewCode(t *testing.T) {
	d := newDemo(t)
	first := d.lastCode()
	d.clk.Advance(10 * time.Second)
	d.press("ctrl+n")
	d.shows("Send 2 at 12:00:10", "Attempts left: 3")
	if d.lastCode() == first {
		t.Skip("the fake drew the same code twice")
	}
	find[common.MFATokenMsg](t, d.press(d.lastCode(), "enter"))
}

// TestPasswordlessRateLimitOnSend: a 429 on a new code counts the
// server's wait down from the clock (Ticking, the root's tick asked for),
// holds ctrl+n and ctrl+w back (not offered, nothing sent, the line says
// so), and ends with its line gone and sending back.
func TestPasswordlessRateLimitOnSend(t *testing.T) {
	d := newDemo(t)
	d.srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 45, Times: 1})
	root := d.press("ctrl+n")
	if !has[common.NeedTickMsg](root) || !ticking(d.p) {
		t.Fatalf("a 429 does not tick: %#v", root)
	}
	d.shows("rate limited (429): a new code can be sent in 45s")
	if h := help(d.p); strings.Contains(h, "ctrl+n") || strings.Contains(h, "ctrl+w") {
		t.Fatalf("help during the wait: %s", h)
	}
	d.clk.Advance(15 * time.Second)
	before := d.srv.Requests()
	if root := d.press("ctrl+n", "ctrl+w"); len(root) != 0 || d.srv.Requests() != before {
		t.Fatal("a key during the wait sent something")
	}
	d.shows("no new code for 30s more (429)")
	// The code already sent still works during the wait: the field is open.
	if !d.p.TakesText() {
		t.Fatal("the field is closed during a wait on sends")
	}
	d.clk.Advance(30 * time.Second)
	if ticking(d.p) {
		t.Fatal("ticking after the wait")
	}
	d.lacks("rate limited")
	d.press("ctrl+n")
	d.shows("Send 2 at 12:00:45")
}

// TestPasswordlessRealRateLimit: the fake's own limit (five codes a
// minute) answers the sixth with 429 and a Retry-After the page counts.
func TestPasswordlessRealRateLimit(t *testing.T) {
	d := newDemo(t)
	for range 4 {
		d.press("ctrl+n")
	}
	d.press("ctrl+n")
	d.shows("rate limited (429): a new code can be sent in 1m 00s")
	if n := len(d.codes()); n != 5 {
		t.Fatalf("%d codes sent, want 5", n)
	}
}

// TestPasswordlessRateLimitOnCheck: a 429 on a check keeps the code (not
// judged: no attempt used), enter waits (verify (wait)), then works.
func TestPasswordlessRateLimitOnCheck(t *testing.T) {
	d := newDemo(t)
	code := d.lastCode()
	d.srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 10, Times: 1})
	root := d.press(code, "enter")
	if !has[common.NeedTickMsg](root) || !ticking(d.p) {
		t.Fatal("a 429 on the check does not tick")
	}
	d.shows("the code was not checked; enter it again in 10s", "Attempts left: 3", "Code "+code)
	if h := help(d.p); !strings.Contains(h, "enter verify (wait)") {
		t.Fatalf("help: %s", h)
	}
	before := d.srv.Requests()
	if root := d.press("enter"); len(root) != 0 || d.srv.Requests() != before {
		t.Fatal("enter during the wait sent the code")
	}
	d.clk.Advance(10 * time.Second)
	find[common.MFATokenMsg](t, d.press("enter"))
}

// TestPasswordlessEsc: esc goes back; esc while a request is in flight
// cancels it (the page stays, says so) and its late answer is dropped.
func TestPasswordlessEsc(t *testing.T) {
	d := newDemo(t)
	var cmd tea.Cmd
	d.p, cmd = d.p.Update(uitest.Key("ctrl+n"))
	late := uitest.Messages(cmd)
	if root := d.press("esc"); len(root) != 0 {
		t.Fatalf("esc in flight: %#v", root)
	}
	if busy(d.p) {
		t.Fatal("busy after esc")
	}
	d.shows("cancelled", "Send 1 at")
	for _, m := range late {
		d.p.Update(m)
	}
	d.lacks("Send 2 at")
	root := d.press("esc")
	if len(root) != 1 || root[0] != (common.ClosePageMsg{}) {
		t.Fatalf("esc: %#v", root)
	}
}

// TestPasswordlessStaleAnswerDropped: an answer with an old id changes
// nothing.
func TestPasswordlessStaleAnswerDropped(t *testing.T) {
	d := newDemo(t)
	before := d.screen()
	_, cmd := d.p.Update(passwordless.VerifyMsg{ID: uitest.LastRequestID(d.ctx) + 7, Err: errors.New("stale")})
	_, cmd2 := d.p.Update(passwordless.SentMsg{ID: -1, Err: errors.New("stale")})
	if cmd != nil || cmd2 != nil || d.screen() != before {
		t.Fatalf("a stale answer changed the page:\n%s", d.screen())
	}
}

// TestPasswordlessServerTextSanitised: a server's message with escape
// sequences reaches the screen without them.
func TestPasswordlessServerTextSanitised(t *testing.T) {
	d := newDemo(t)
	d.srv.SetFault(&dinterotest.Fault{Status: 400, Code: "invalid_grant", Message: "nope \x1b]52;c;ZXZpbA==\x07\x1b[31mred", Times: 1})
	d.press("123456", "enter")
	if v := d.p.View(); strings.Contains(v, "\x1b]52") || strings.Contains(v, "\x07") || strings.Contains(v, "\x1b[31mred") {
		t.Fatalf("escape sequences reached the screen: %q", v)
	}
	d.shows("nope", "red")
}

// TestPasswordlessFitsSixtyByTwenty: at 60×20 nothing is wider than the
// body and what a person acts on shows.
func TestPasswordlessFitsSixtyByTwenty(t *testing.T) {
	d := newDemo(t)
	code := d.lastCode()
	d.press(wrong(code), "enter")
	view := uitest.Screen(d.p, 58, 20)
	lines := strings.Split(view, "\n")
	if len(lines) > 20 {
		t.Fatalf("%d lines at 60×20:\n%s", len(lines), view)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 58 {
			t.Fatalf("a line of %d cells: %q", w, l)
		}
	}
	for _, want := range []string{"The code was sent by e-mail", "Attempts left: 2", "› Code", "wrong verification code", "Demo outbox", code} {
		if !strings.Contains(flat(view), want) {
			t.Fatalf("60×20 lacks %q:\n%s", want, view)
		}
	}
}

// TestPasswordlessSpentCodeSwitchSendsANewOne: on a spent code, ctrl+w
// sends a new code by the other connection (the spent one cannot be
// resent), and it works.
func TestPasswordlessSpentCodeSwitchSendsANewOne(t *testing.T) {
	d := newDemo(t)
	code := d.lastCode()
	d.clk.Advance(6 * time.Minute)
	d.press(code, "enter")
	d.shows("This code is used or expired.")
	d.press("ctrl+w")
	sent := d.codes()
	if len(sent) != 2 || sent[1].Channel != "sms" {
		t.Fatalf("outbox after ctrl+w on a spent code: %+v", sent)
	}
	d.shows("The code was sent by SMS to the phone of customer@example.com.", "› Code")
	find[common.MFATokenMsg](t, d.press(sent[1].BindingCode, "enter"))
}

// TestPasswordlessTooManyWrongCodes: the server's limit of wrong codes
// ends the code: the page offers a new one rather than another try.
func TestPasswordlessTooManyWrongCodes(t *testing.T) {
	d := newDemo(t)
	code := d.lastCode()
	for range 3 {
		d.press(wrong(code), "enter")
	}
	d.shows("This code is used or expired.", "ctrl+n sends a new one")
	if h := help(d.p); strings.Contains(h, "verify") {
		t.Fatalf("help offers verify: %s", h)
	}
	d.press("ctrl+n")
	d.shows("Attempts left: 3")
	find[common.MFATokenMsg](t, d.press(d.lastCode(), "enter"))
}
