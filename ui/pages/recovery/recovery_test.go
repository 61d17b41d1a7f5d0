package recovery_test

import (
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
	"github.com/tokenbench/tokenbench/ui/pages/recovery"
)

// demo is the recovery of the demo's lost-device user with the demo API
// client, against the fake server on a hand-moved clock.
type demo struct {
	t    *testing.T
	clk  *uitest.Clock
	srv  *dinterotest.Server
	ctx  *common.Context
	p    common.Page
	kept []*flows.Result
}

func newDemo(t *testing.T, req flows.Request, ch client.Channel) *demo {
	t.Helper()
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	d := &demo{t: t, clk: clk, srv: srv, ctx: ctx}
	d.p = recovery.New(ctx, srv.URL, req, ch, func(r *flows.Result) error { d.kept = append(d.kept, r); return nil })
	return d
}

// lostDevice is the request of an MFA sign-in of the lost-device user.
func lostDevice() flows.Request {
	return flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantPassword, ClientID: dinterotest.DemoClientID,
		ClientSecret: dinterotest.DemoSecret, Username: dinterotest.DemoLostDeviceUser, Password: dinterotest.DemoPassword}
}

// started is a recovery sent at once (everything is known), its first
// code out.
func started(t *testing.T, ch client.Channel) *demo {
	t.Helper()
	d := newDemo(t, lostDevice(), ch)
	start := d.p.(*recovery.Page).Start()
	if d.p.TakesText() {
		t.Fatal("takes text while the recovery call is in flight")
	}
	d.shows("sending the recovery call (first code by " + flows.ChannelName(ch) + ")")
	d.run(start)
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
			case recovery.AnswerMsg:
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

func (d *demo) code() string { return d.srv.LastBindingCode(dinterotest.DemoLostDeviceUser) }

func help(p common.Page) string {
	var out []string
	for _, b := range p.Keys().ShortHelp() {
		out = append(out, b.Help().Key+" "+b.Help().Desc)
	}
	return strings.Join(out, " · ")
}

func asking(p common.Page) bool { return p.(common.Asker).Asking() }

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

func wrong(code string) string {
	if code[0] == '9' {
		return "1" + code[1:]
	}
	return string(code[0]+1) + code[1:]
}

var leftUnfinished = common.CloseWithStatusMsg{Status: "MFA recovery left unfinished"}

// TestRecoveryBothStepsGetTheToken: the recovery call sends the first code
// by SMS; its answer moves to step 2, whose code goes by e-mail; the
// second answer's token is kept and handed to the root with the base URL.
// Each step's state, where the code went and the outbox show.
func TestRecoveryBothStepsGetTheToken(t *testing.T) {
	d := started(t, client.ChannelSMS)
	d.shows("MFA recovery: the user lost their device", "User lost-device@example.com on T11223344",
		"› step 1 of 2 code by SMS code sent", "· step 2 of 2 code by e-mail waiting",
		"step 1 of 2: code sent by SMS Attempts left: 3", "Demo outbox", "MFA recovery code (1 of 2)", d.code())
	if !d.p.TakesText() || asking(d.p) {
		t.Fatal("step 1: does not take the code, or asks")
	}
	if h := help(d.p); h != "enter verify · ctrl+n resend · esc back · ctrl+c quit" {
		t.Fatalf("help at step 1: %s", h)
	}
	if root := d.press(d.code(), "enter"); len(root) != 0 {
		t.Fatalf("step 1's answer: %#v", root)
	}
	d.shows("✓ step 1 of 2 code by SMS confirmed", "› step 2 of 2 code by e-mail code sent", "step 2 of 2: code sent by e-mail", "email to lost-device@example.com", "(2 of 2)")
	tok := find[common.NavTokenMsg](t, d.press(d.code(), "enter"))
	if tok.Res == nil || !tok.Res.ViaRecovery || tok.Base != d.srv.URL || len(d.kept) != 1 || d.kept[0] != tok.Res {
		t.Fatalf("the token: %+v (kept %d)", tok, len(d.kept))
	}
}

// TestRecoveryFirstCodeByEmail: started by e-mail, the second code goes by
// SMS.
func TestRecoveryFirstCodeByEmail(t *testing.T) {
	d := started(t, client.ChannelEmail)
	d.shows("› step 1 of 2 code by e-mail code sent", "· step 2 of 2 code by SMS waiting")
	d.press(d.code(), "enter")
	d.shows("step 2 of 2: code sent by SMS", "sms to +47 900 00 003")
}

// TestRecoveryWrongCode: a wrong code is refused with the attempts left
// and counted on its step; the field is emptied; the right one still
// moves on.
func TestRecoveryWrongCode(t *testing.T) {
	d := started(t, client.ChannelSMS)
	code := d.code()
	d.press(wrong(code), "enter")
	d.shows("wrong binding code", "code sent, 1 wrong", "Attempts left: 2")
	if strings.Contains(flat(d.screen()), "Code "+wrong(code)) {
		t.Fatal("the wrong code stays in the field")
	}
	d.press(code, "enter")
	d.shows("✓ step 1 of 2")
	d.press(wrong(d.code()), "enter")
	d.shows("step 2 of 2 code by e-mail code sent, 1 wrong", "Attempts left: 2")
}

// TestRecoveryEmptyCodeSendsNothing: enter with no code sends nothing.
func TestRecoveryEmptyCodeSendsNothing(t *testing.T) {
	d := started(t, client.ChannelSMS)
	before := d.srv.Requests()
	if _, cmd := d.p.Update(uitest.Key("enter")); cmd != nil || d.srv.Requests() != before {
		t.Fatal("enter on an empty code sent something")
	}
	d.shows("type the code the user received")
}

// TestRecoveryResend: ctrl+n at step 1 makes a new recovery call (a new
// first code, the old one dead); at step 2 it sends a new second code by
// the other channel.
func TestRecoveryResend(t *testing.T) {
	d := started(t, client.ChannelSMS)
	first := d.code()
	d.press("ctrl+n")
	if n := len(d.srv.Outbox()); n != 2 {
		t.Fatalf("%d messages after a resend, want 2", n)
	}
	d.shows("step 1 of 2: code sent by SMS", "Attempts left: 3")
	if d.code() != first {
		d.press(first, "enter")
		d.shows("✗")
		d.lacks("✓ step 1")
	}
	d.press(d.code(), "enter")
	d.shows("step 2 of 2: code sent by e-mail")
	second := d.code()
	d.press("ctrl+n")
	out := d.srv.Outbox()
	if last := out[len(out)-1]; last.Channel != "email" || !strings.Contains(last.Text, "(2 of 2)") {
		t.Fatalf("the resent second code: %+v", last)
	}
	if d.code() != second {
		d.shows("step 2 of 2: code sent by e-mail")
	}
	find[common.NavTokenMsg](t, d.press(d.code(), "enter"))
}

// TestRecoveryEscAtStep1GoesBack: at step 1 nothing is confirmed: esc
// goes back at once with a status.
func TestRecoveryEscAtStep1GoesBack(t *testing.T) {
	d := started(t, client.ChannelSMS)
	root := d.press("esc")
	if len(root) != 1 || root[0] != leftUnfinished {
		t.Fatalf("esc at step 1: %#v", root)
	}
}

// TestRecoveryEscPastStep1Asks: past step 1, esc asks first (Asking, the
// question over the steps, y/n help); any key but y stays (the code field
// back in use); y goes back.
func TestRecoveryEscPastStep1Asks(t *testing.T) {
	d := started(t, client.ChannelSMS)
	d.press(d.code(), "enter")
	if root := d.press("esc"); len(root) != 0 {
		t.Fatalf("esc past step 1 did not ask: %#v", root)
	}
	if !asking(d.p) {
		t.Fatal("not Asking")
	}
	d.shows("Leave the MFA recovery? Step 1 (SMS) is confirmed; leaving throws it away")
	if h := help(d.p); h != "y leave · n/esc stay" {
		t.Fatalf("help while asking: %s", h)
	}
	if root := d.press("n"); len(root) != 0 || asking(d.p) {
		t.Fatalf("n: %#v", root)
	}
	d.lacks("Leave the MFA recovery?")
	d.press("esc")
	if root := d.press("esc"); len(root) != 0 || asking(d.p) {
		t.Fatal("esc on the question does not stay")
	}
	d.press("esc")
	root := d.press("y")
	if len(root) != 1 || root[0] != leftUnfinished {
		t.Fatalf("y: %#v", root)
	}
}

// TestRecoveryEscWhileBusyCancels: esc while a check is in flight cancels
// it (the page stays, says so) and the late answer is dropped.
func TestRecoveryEscWhileBusyCancels(t *testing.T) {
	d := started(t, client.ChannelSMS)
	d.p, _ = d.p.Update(uitest.Key(d.code()))
	var cmd tea.Cmd
	d.p, cmd = d.p.Update(uitest.Key("enter"))
	d.shows("checking the step 1 code")
	if h := help(d.p); h != "esc cancel · ctrl+c quit" {
		t.Fatalf("help in flight: %s", h)
	}
	late := uitest.Messages(cmd)
	if root := d.press("esc"); len(root) != 0 {
		t.Fatalf("esc in flight: %#v", root)
	}
	d.shows("cancelled", "step 1 of 2: code sent by SMS")
	for _, m := range late {
		d.p.Update(m)
	}
	d.lacks("✓ step 1")
}

// TestRecoveryStaleAnswerDropped: an answer with another id changes
// nothing.
func TestRecoveryStaleAnswerDropped(t *testing.T) {
	d := started(t, client.ChannelSMS)
	before := d.screen()
	if _, cmd := d.p.Update(recovery.AnswerMsg{ID: uitest.LastRequestID(d.ctx) - 1, Err: errors.New("stale")}); cmd != nil || d.screen() != before {
		t.Fatalf("a stale answer changed the page:\n%s", d.screen())
	}
}

// TestRecoveryRateLimitOnResend: a 429 on a resend counts the server's
// wait down from the clock, holds ctrl+n back (resend (wait), nothing
// sent, the line says so), and goes when it ends.
func TestRecoveryRateLimitOnResend(t *testing.T) {
	d := started(t, client.ChannelSMS)
	d.srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 25, Times: 1})
	d.press("ctrl+n")
	d.shows("rate limited (429): a new code can be sent in 25s")
	if h := help(d.p); !strings.Contains(h, "ctrl+n resend (wait)") {
		t.Fatalf("help during the wait: %s", h)
	}
	d.clk.Advance(5 * time.Second)
	before := d.srv.Requests()
	if root := d.press("ctrl+n"); len(root) != 0 || d.srv.Requests() != before {
		t.Fatal("ctrl+n during the wait sent something")
	}
	d.shows("no new code for 20s more (429)")
	// The code already out still checks during the wait.
	d.press(d.code(), "enter")
	d.shows("✓ step 1 of 2")
	d.clk.Advance(20 * time.Second)
	d.lacks("rate limited")
}

// TestRecoverySetupAsksWhatIsMissing: opened without a user (the grant
// chooser's recovery), the form asks; esc hands the form to the root; enter
// with the user missing says so and sends nothing; space on the channel
// line switches it; enter with all filled sends.
func TestRecoverySetupAsksWhatIsMissing(t *testing.T) {
	req := lostDevice()
	req.Username = ""
	d := newDemo(t, req, client.ChannelSMS)
	d.run(d.p.(*recovery.Page).Start()) // not ready: nothing sent
	if d.srv.Requests() != 0 {
		t.Fatal("Start sent an incomplete recovery")
	}
	d.shows("Base URL", "Account T11223344", "Client ID demo-client", "Username", "First code SMS", "the second goes by e-mail")
	if strings.Contains(d.screen(), dinterotest.DemoSecret) {
		t.Fatal("the client secret is on screen")
	}
	if !d.p.TakesText() {
		t.Fatal("the form does not take text")
	}
	root := d.press("esc")
	if left := find[recovery.SetupLeftMsg](t, root); left.Page != d.p {
		t.Fatalf("esc on the form: %#v", root)
	}
	if root := d.press("enter"); len(root) != 0 || d.srv.Requests() != 0 {
		t.Fatal("enter without a user sent something")
	}
	d.shows("the username (the user's e-mail) is required")
	d.press(dinterotest.DemoLostDeviceUser, "tab")
	if h := help(d.p); !strings.Contains(h, "space channel") {
		t.Fatalf("help on the channel line: %s", h)
	}
	d.press("space")
	d.shows("First code e-mail", "the second goes by SMS")
	d.press("enter")
	d.shows("step 1 of 2: code sent by e-mail")
}

// TestRecoveryServerTextSanitised: a refusal's text with escape sequences
// reaches the screen without them.
func TestRecoveryServerTextSanitised(t *testing.T) {
	d := started(t, client.ChannelSMS)
	d.srv.SetFault(&dinterotest.Fault{Status: 400, Code: "invalid_grant", Message: "no \x1b]0;x\x07luck\x1b[2J", Times: 1})
	d.press("123456", "enter")
	if v := d.p.View(); strings.Contains(v, "\x1b]0;") || strings.Contains(v, "\x07") || strings.Contains(v, "\x1b[2J") {
		t.Fatalf("escape sequences reached the screen: %q", v)
	}
	d.shows("luck")
}

// TestRecoveryFitsSixtyByTwenty: at 60×20 the steps' prompt, the error and
// the outbox with the code show, nothing wider than the body the page was
// given (SetSize, not the Context's width).
func TestRecoveryFitsSixtyByTwenty(t *testing.T) {
	d := started(t, client.ChannelSMS)
	code := d.code()
	d.press(wrong(code), "enter")
	view := uitest.Screen(d.p, 58, 16) // the body under the chrome
	lines := strings.Split(view, "\n")
	if len(lines) > 16 {
		t.Fatalf("%d lines in a body of 16:\n%s", len(lines), view)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 58 {
			t.Fatalf("a line of %d cells: %q", w, l)
		}
	}
	for _, want := range []string{"step 1 of 2: code sent by SMS", "› Code", "wrong binding code", "Demo outbox", code} {
		if !strings.Contains(flat(view), want) {
			t.Fatalf("60×20 lacks %q:\n%s", want, view)
		}
	}
}

// TestRecoveryStartsOverWhenExpired: once the recovery's mfa_token has
// expired the page says to start over; enter sends a new recovery call
// (new codes), esc leaves.
func TestRecoveryStartsOverWhenExpired(t *testing.T) {
	d := started(t, client.ChannelSMS)
	d.clk.Advance(11 * time.Minute) // past the fake's ten minutes
	d.press(d.code(), "enter")
	d.shows("press enter to start the recovery over (new codes)")
	if d.p.TakesText() {
		t.Fatal("takes a code after it expired")
	}
	if h := help(d.p); h != "enter start over · esc back · ctrl+c quit" {
		t.Fatalf("help: %s", h)
	}
	before := len(d.srv.Outbox())
	d.press("enter")
	if len(d.srv.Outbox()) != before+1 {
		t.Fatal("enter did not start the recovery over")
	}
	d.shows("step 1 of 2: code sent by SMS", "Attempts left: 3")
	d.lacks("start the recovery over")
	d.clk.Advance(11 * time.Minute)
	d.press(d.code(), "enter")
	if root := d.press("esc"); len(root) != 1 || root[0] != leftUnfinished {
		t.Fatalf("esc after expiry: %#v", root)
	}
}

// TestRecoveryRateLimitOnCheck: a 429 on a code check keeps the code (not
// judged), verify waits, and after the wait the same code moves on.
func TestRecoveryRateLimitOnCheck(t *testing.T) {
	d := started(t, client.ChannelSMS)
	code := d.code()
	d.srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 15, Times: 1})
	d.press(code, "enter")
	d.shows("the code was not checked; enter it again in 15s", "Code "+code, "Attempts left: 3")
	if h := help(d.p); !strings.Contains(h, "enter verify (wait)") {
		t.Fatalf("help: %s", h)
	}
	before := d.srv.Requests()
	if root := d.press("enter"); len(root) != 0 || d.srv.Requests() != before {
		t.Fatal("enter during the wait sent the code")
	}
	d.shows("the code can be tried again in 15s")
	d.clk.Advance(15 * time.Second)
	d.press("enter")
	d.shows("✓ step 1 of 2")
}

// TestRecoveryQuestionMarkAndBearer: ? types into the setup form but is
// help past it (a code is digits); a sign-in's Bearer without a secret
// shows as a fingerprint only.
func TestRecoveryQuestionMarkAndBearer(t *testing.T) {
	req := lostDevice()
	req.ClientSecret, req.Bearer = "", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjbGllbnQifQ.SecretBearerSignature"
	d := newDemo(t, req, client.ChannelSMS)
	d.p.(*recovery.Page).Ask()
	qm := d.p.(common.QuestionMarker)
	if qm.QuestionMarkIsHelp() {
		t.Fatal("? is help on the setup form")
	}
	d.shows("Bearer sha256:", "(the sign-in's; a secret above replaces it)")
	if strings.Contains(d.screen(), "SecretBearerSignature") {
		t.Fatal("the Bearer is shown whole")
	}
	d = started(t, client.ChannelSMS)
	if !d.p.(common.QuestionMarker).QuestionMarkIsHelp() {
		t.Fatal("? is not help at a code")
	}
}

// TestRecoverySetupFitsSixtyByTwenty: the setup form at 60×20: every
// field and the channel line with its explanation show, nothing wider
// than the body.
func TestRecoverySetupFitsSixtyByTwenty(t *testing.T) {
	req := lostDevice()
	req.Username = ""
	d := newDemo(t, req, client.ChannelSMS)
	d.p.(*recovery.Page).Ask()
	view := uitest.Screen(d.p, 58, 16)
	lines := strings.Split(view, "\n")
	if len(lines) > 16 {
		t.Fatalf("%d lines:\n%s", len(lines), view)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 58 {
			t.Fatalf("a line of %d cells: %q", w, l)
		}
	}
	for _, want := range []string{"Base URL", "Account", "Client ID", "Secret", "Username", "First code SMS", "(space switches; the second goes by e-mail)"} {
		if !strings.Contains(flat(view), want) {
			t.Fatalf("60×20 lacks %q:\n%s", want, view)
		}
	}
}
