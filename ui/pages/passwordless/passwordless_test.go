package passwordless_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

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
	*uitest.Driver
	clk  *uitest.Clock
	srv  *dinterotest.Server
	ctx  *common.Context
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
	d := &demo{Driver: &uitest.Driver{T: t, Own: func(msg tea.Msg) bool {
		switch msg.(type) {
		case passwordless.SentMsg, passwordless.VerifyMsg:
			return true
		}
		return false
	}}, clk: clk, srv: srv, ctx: ctx}
	d.P = passwordless.New(ctx, l, func(r *flows.Result) error { d.kept = append(d.kept, r); return nil })
	return d
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

func busy(p common.Page) bool    { return p.(common.Busier).Busy() }
func ticking(p common.Page) bool { return p.(common.Ticker).Ticking() }

// TestPasswordlessRightCodeGetsTheToken: the screen says where the code
// went, when, the attempts left and the demo outbox with the code; the
// page takes digits; the right code is kept and handed to the root.
func TestPasswordlessRightCodeGetsTheToken(t *testing.T) {
	d := newDemo(t)
	code := d.lastCode()
	d.Shows("Passwordless login", "The code was sent by e-mail to customer@example.com.", "Send 1 at 12:00:00", "Attempts left: 3", "Demo outbox", code)
	if !d.P.TakesText() || busy(d.P) || ticking(d.P) {
		t.Fatal("waiting for a code: not taking text, busy or ticking")
	}
	if h := uitest.Help(d.P); h != "enter verify · ctrl+n send a new code · ctrl+w send by SMS instead · esc back · ctrl+c quit" {
		t.Fatalf("help: %s", h)
	}
	var cmd tea.Cmd
	d.P, _ = d.P.Update(uitest.Key(code))
	d.P, cmd = d.P.Update(uitest.Key("enter"))
	if !busy(d.P) || d.P.TakesText() {
		t.Fatal("checking: not busy, or takes text")
	}
	d.Shows("checking the code")
	if h := uitest.Help(d.P); h != "esc cancel · ctrl+c quit" {
		t.Fatalf("help while checking: %s", h)
	}
	tok := uitest.Find[common.MFATokenMsg](t, d.Run(cmd))
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
	root := d.Press(uitest.WrongCode(code), "enter")
	if uitest.Has[common.MFATokenMsg](root) {
		t.Fatal("a wrong code got a token")
	}
	d.Shows("wrong verification code", "check it and type it again", "Attempts left: 2")
	if strings.Contains(uitest.Flat(d.Screen()), "Code "+uitest.WrongCode(code)) {
		t.Fatal("the wrong code stays in the field")
	}
	uitest.Find[common.MFATokenMsg](t, d.Press(code, "enter"))
}

// TestPasswordlessPasteIsCleaned: a code pasted as an e-mail shows it
// ("Code: 123 456") reaches the field as digits.
func TestPasswordlessPasteIsCleaned(t *testing.T) {
	d := newDemo(t)
	code := d.lastCode()
	d.P, _ = d.P.Update(tea.PasteMsg{Content: "Code: " + code[:3] + " " + code[3:]})
	d.Shows("Code " + code)
	uitest.Find[common.MFATokenMsg](t, d.Press("enter"))
}

// TestPasswordlessEmptyCodeSendsNothing: enter with no code is refused on
// the page: no request, no attempt.
func TestPasswordlessEmptyCodeSendsNothing(t *testing.T) {
	d := newDemo(t)
	before := d.srv.Requests()
	var cmd tea.Cmd
	d.P, cmd = d.P.Update(uitest.Key("enter"))
	if cmd != nil || d.srv.Requests() != before {
		t.Fatal("enter on an empty code sent something")
	}
	d.Shows("type the code the user received", "Attempts left: 3")
}

// TestPasswordlessSpentCodeOffersANewOne: an expired code is refused as
// spent: the field gives way to "used or expired", enter is not offered
// and sends nothing, and ctrl+n's new code works.
func TestPasswordlessSpentCodeOffersANewOne(t *testing.T) {
	d := newDemo(t)
	code := d.lastCode()
	d.clk.Advance(6 * time.Minute) // past the code's five minutes
	d.Press(code, "enter")
	d.Shows("This code is used or expired.", "ctrl+n sends a new one", "has expired", "this code can no longer be used")
	d.Lacks("Attempts left") // attempts at a dead code would say it is not
	if h := uitest.Help(d.P); strings.Contains(h, "verify") {
		t.Fatalf("help offers verify on a spent code: %s", h)
	}
	before := d.srv.Requests()
	if root := d.Press("enter"); len(root) != 0 || d.srv.Requests() != before {
		t.Fatal("enter on a spent code sent something")
	}
	d.Shows("this code is used or expired: ctrl+n sends a new one")
	d.Press("ctrl+n")
	if n := len(d.codes()); n != 2 {
		t.Fatalf("%d codes sent, want 2", n)
	}
	d.Shows("Send 2 at 12:06:00", "› Code")
	d.Lacks("This code is used or expired.")
	uitest.Find[common.MFATokenMsg](t, d.Press(d.lastCode(), "enter"))
}

// TestPasswordlessSwitchConnection: ctrl+w sends the same code by SMS
// (the login session), the screen and help follow the connection, and
// ctrl+w again goes back to e-mail.
func TestPasswordlessSwitchConnection(t *testing.T) {
	d := newDemo(t)
	first := d.lastCode()
	d.Press("ctrl+w")
	sent := d.codes()
	if len(sent) != 2 || sent[1].Channel != "sms" || sent[1].BindingCode != first {
		t.Fatalf("outbox after ctrl+w: %+v", sent)
	}
	d.Shows("The code was sent by SMS to the phone of customer@example.com.", "Send 2 at", "sms to +47 900 00 010")
	if h := uitest.Help(d.P); !strings.Contains(h, "ctrl+w send by e-mail instead") {
		t.Fatalf("help after ctrl+w: %s", h)
	}
	d.Press("ctrl+w")
	d.Shows("The code was sent by e-mail to customer@example.com.", "Send 3 at")
	uitest.Find[common.MFATokenMsg](t, d.Press(first, "enter"))
}

// TestPasswordlessNewCode: ctrl+n sends a new code that replaces the last.
func TestPasswordlessNewCode(t *testing.T) {
	d := newDemo(t)
	first := d.lastCode()
	d.clk.Advance(10 * time.Second)
	d.Press("ctrl+n")
	d.Shows("Send 2 at 12:00:10", "Attempts left: 3")
	if d.lastCode() == first {
		t.Skip("the fake drew the same code twice")
	}
	uitest.Find[common.MFATokenMsg](t, d.Press(d.lastCode(), "enter"))
}

// TestPasswordlessRateLimitOnSend: a 429 on a new code counts the
// server's wait down from the clock (Ticking, the root's tick asked for),
// holds ctrl+n and ctrl+w back (not offered, nothing sent, the line says
// so), and ends with its line gone and sending back.
func TestPasswordlessRateLimitOnSend(t *testing.T) {
	d := newDemo(t)
	d.srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 45, Times: 1})
	root := d.Press("ctrl+n")
	if !uitest.Has[common.NeedTickMsg](root) || !ticking(d.P) {
		t.Fatalf("a 429 does not tick: %#v", root)
	}
	d.Shows("rate limited (429): a new code can be sent in 45s")
	if h := uitest.Help(d.P); strings.Contains(h, "ctrl+n") || strings.Contains(h, "ctrl+w") {
		t.Fatalf("help during the wait: %s", h)
	}
	d.clk.Advance(15 * time.Second)
	before := d.srv.Requests()
	if root := d.Press("ctrl+n", "ctrl+w"); len(root) != 0 || d.srv.Requests() != before {
		t.Fatal("a key during the wait sent something")
	}
	d.Shows("no new code for 30s more (429)")
	// The code already sent still works during the wait: the field is open.
	if !d.P.TakesText() {
		t.Fatal("the field is closed during a wait on sends")
	}
	d.clk.Advance(30 * time.Second)
	if ticking(d.P) {
		t.Fatal("ticking after the wait")
	}
	d.Lacks("rate limited")
	d.Press("ctrl+n")
	d.Shows("Send 2 at 12:00:45")
}

// TestPasswordlessRealRateLimit: the fake's own limit (five codes a
// minute) answers the sixth with 429 and a Retry-After the page counts.
func TestPasswordlessRealRateLimit(t *testing.T) {
	d := newDemo(t)
	for range 4 {
		d.Press("ctrl+n")
	}
	d.Press("ctrl+n")
	d.Shows("rate limited (429): a new code can be sent in 1m 00s")
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
	root := d.Press(code, "enter")
	if !uitest.Has[common.NeedTickMsg](root) || !ticking(d.P) {
		t.Fatal("a 429 on the check does not tick")
	}
	d.Shows("the code was not checked; enter it again in 10s", "Attempts left: 3", "Code "+code)
	if h := uitest.Help(d.P); !strings.Contains(h, "enter verify (wait)") {
		t.Fatalf("help: %s", h)
	}
	before := d.srv.Requests()
	if root := d.Press("enter"); len(root) != 0 || d.srv.Requests() != before {
		t.Fatal("enter during the wait sent the code")
	}
	d.clk.Advance(10 * time.Second)
	uitest.Find[common.MFATokenMsg](t, d.Press("enter"))
}

// TestPasswordlessEsc: esc goes back; esc while a request is in flight
// cancels it (the page stays, says so) and its late answer is dropped.
func TestPasswordlessEsc(t *testing.T) {
	d := newDemo(t)
	var cmd tea.Cmd
	d.P, cmd = d.P.Update(uitest.Key("ctrl+n"))
	late := uitest.Messages(cmd)
	if root := d.Press("esc"); len(root) != 0 {
		t.Fatalf("esc in flight: %#v", root)
	}
	if busy(d.P) {
		t.Fatal("busy after esc")
	}
	d.Shows("cancelled", "Send 1 at")
	for _, m := range late {
		d.P.Update(m)
	}
	d.Lacks("Send 2 at")
	root := d.Press("esc")
	if len(root) != 1 || root[0] != (common.ClosePageMsg{}) {
		t.Fatalf("esc: %#v", root)
	}
}

// TestPasswordlessStaleAnswerDropped: an answer with an old id changes
// nothing.
func TestPasswordlessStaleAnswerDropped(t *testing.T) {
	d := newDemo(t)
	before := d.Screen()
	_, cmd := d.P.Update(passwordless.VerifyMsg{ID: uitest.LastRequestID(d.ctx) + 7, Err: errors.New("stale")})
	_, cmd2 := d.P.Update(passwordless.SentMsg{ID: -1, Err: errors.New("stale")})
	if cmd != nil || cmd2 != nil || d.Screen() != before {
		t.Fatalf("a stale answer changed the page:\n%s", d.Screen())
	}
}

// TestPasswordlessServerTextSanitised: a server's message with escape
// sequences reaches the screen without them.
func TestPasswordlessServerTextSanitised(t *testing.T) {
	d := newDemo(t)
	d.srv.SetFault(&dinterotest.Fault{Status: 400, Code: "invalid_grant", Message: "nope \x1b]52;c;ZXZpbA==\x07\x1b[31mred", Times: 1})
	d.Press("123456", "enter")
	if v := d.P.View(); strings.Contains(v, "\x1b]52") || strings.Contains(v, "\x07") || strings.Contains(v, "\x1b[31mred") {
		t.Fatalf("escape sequences reached the screen: %q", v)
	}
	d.Shows("nope", "red")
}

// TestPasswordlessFitsSixtyByTwenty: at 60×20 nothing is wider than the
// body and what a person acts on shows.
func TestPasswordlessFitsSixtyByTwenty(t *testing.T) {
	d := newDemo(t)
	code := d.lastCode()
	d.Press(uitest.WrongCode(code), "enter")
	view := uitest.Screen(d.P, 58, 20)
	uitest.RequireFits(t, view, 58, 20)
	for _, want := range []string{"The code was sent by e-mail", "Attempts left: 2", "› Code", "wrong verification code", "Demo outbox", code} {
		if !strings.Contains(uitest.Flat(view), want) {
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
	d.Press(code, "enter")
	d.Shows("This code is used or expired.")
	d.Press("ctrl+w")
	sent := d.codes()
	if len(sent) != 2 || sent[1].Channel != "sms" {
		t.Fatalf("outbox after ctrl+w on a spent code: %+v", sent)
	}
	d.Shows("The code was sent by SMS to the phone of customer@example.com.", "› Code")
	uitest.Find[common.MFATokenMsg](t, d.Press(sent[1].BindingCode, "enter"))
}

// TestPasswordlessTooManyWrongCodes: the server's limit of wrong codes
// ends the code: the page offers a new one rather than another try.
func TestPasswordlessTooManyWrongCodes(t *testing.T) {
	d := newDemo(t)
	code := d.lastCode()
	for range 3 {
		d.Press(uitest.WrongCode(code), "enter")
	}
	d.Shows("This code is used or expired.", "ctrl+n sends a new one")
	if h := uitest.Help(d.P); strings.Contains(h, "verify") {
		t.Fatalf("help offers verify: %s", h)
	}
	d.Press("ctrl+n")
	d.Shows("Attempts left: 3")
	uitest.Find[common.MFATokenMsg](t, d.Press(d.lastCode(), "enter"))
}

// Issue (new user 4): the demo outbox is the demo server's: a code sent
// by another server shows none (the demo's holds an older, wrong one).
func TestPasswordlessOnAnotherServerShowsNoDemoOutbox(t *testing.T) {
	d := newDemo(t)
	old := d.lastCode()
	other := uitest.DemoServer(t, d.clk)
	runner, err := d.ctx.NewRunner(other.URL)
	if err != nil {
		t.Fatal(err)
	}
	req := d.ctx.Connections[0].Request
	req.Grant, req.IdentType, req.Ident, req.Connection = client.GrantAuthorizationCode, flows.IdentEmail, dinterotest.DemoCustomer, client.ConnectionEmail
	l, err := runner.StartPasswordless(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	d.P = passwordless.New(d.ctx, l, func(*flows.Result) error { return nil })
	d.Shows("The code was sent by e-mail to customer@example.com.")
	d.Lacks("Demo outbox", old)
}
