package recovery_test

import (
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
	"github.com/tokenbench/tokenbench/ui/pages/recovery"
)

// demo is the recovery of the demo's lost-device user with the demo API
// client, against the fake server on a hand-moved clock.
type demo struct {
	*uitest.Driver
	clk  *uitest.Clock
	srv  *dinterotest.Server
	ctx  *common.Context
	kept []*flows.Result
}

func newDemo(t *testing.T, req flows.Request, ch client.Channel) *demo {
	t.Helper()
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	d := &demo{Driver: &uitest.Driver{T: t, Own: func(msg tea.Msg) bool {
		switch msg.(type) {
		case recovery.AnswerMsg:
			return true
		}
		return false
	}}, clk: clk, srv: srv, ctx: ctx}
	d.P = recovery.New(ctx, srv.URL, req, ch, func(r *flows.Result) error { d.kept = append(d.kept, r); return nil })
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
	start := d.P.(*recovery.Page).Start()
	if d.P.TakesText() {
		t.Fatal("takes text while the recovery call is in flight")
	}
	d.Shows("sending the recovery call (first code by " + flows.ChannelName(ch) + ")")
	d.Run(start)
	return d
}

func (d *demo) code() string { return d.srv.LastBindingCode(dinterotest.DemoLostDeviceUser) }

func asking(p common.Page) bool { return p.(common.Asker).Asking() }

var leftUnfinished = common.CloseWithStatusMsg{Status: "MFA recovery left unfinished"}

// TestRecoveryBothStepsGetTheToken: the recovery call sends the first code
// by SMS; its answer moves to step 2, whose code goes by e-mail; the
// second answer's token is kept and handed to the root with the base URL.
// Each step's state, where the code went and the outbox show.
func TestRecoveryBothStepsGetTheToken(t *testing.T) {
	d := started(t, client.ChannelSMS)
	d.Shows("MFA recovery: the user lost their device", "User lost-device@example.com on T11223344",
		"› step 1 of 2 code by SMS code sent", "· step 2 of 2 code by e-mail waiting",
		"step 1 of 2: code sent by SMS Attempts left: 3", "Demo outbox", "MFA recovery code (1 of 2)", d.code())
	if !d.P.TakesText() || asking(d.P) {
		t.Fatal("step 1: does not take the code, or asks")
	}
	if h := uitest.Help(d.P); h != "enter verify · ctrl+n resend · esc back · ctrl+c quit" {
		t.Fatalf("help at step 1: %s", h)
	}
	if root := d.Press(d.code(), "enter"); len(root) != 0 {
		t.Fatalf("step 1's answer: %#v", root)
	}
	d.Shows("✓ step 1 of 2 code by SMS confirmed", "› step 2 of 2 code by e-mail code sent", "step 2 of 2: code sent by e-mail", "email to lost-device@example.com", "(2 of 2)")
	tok := uitest.Find[common.NavTokenMsg](t, d.Press(d.code(), "enter"))
	if tok.Res == nil || !tok.Res.ViaRecovery || tok.Base != d.srv.URL || len(d.kept) != 1 || d.kept[0] != tok.Res {
		t.Fatalf("the token: %+v (kept %d)", tok, len(d.kept))
	}
}

// TestRecoveryFirstCodeByEmail: started by e-mail, the second code goes by
// SMS.
func TestRecoveryFirstCodeByEmail(t *testing.T) {
	d := started(t, client.ChannelEmail)
	d.Shows("› step 1 of 2 code by e-mail code sent", "· step 2 of 2 code by SMS waiting")
	d.Press(d.code(), "enter")
	d.Shows("step 2 of 2: code sent by SMS", "sms to +47 900 00 003")
}

// TestRecoveryWrongCode: a wrong code is refused with the attempts left
// and counted on its step; the field is emptied; the right one still
// moves on.
func TestRecoveryWrongCode(t *testing.T) {
	d := started(t, client.ChannelSMS)
	code := d.code()
	d.Press(uitest.WrongCode(code), "enter")
	d.Shows("wrong binding code", "code sent, 1 wrong", "Attempts left: 2")
	if strings.Contains(uitest.Flat(d.Screen()), "Code "+uitest.WrongCode(code)) {
		t.Fatal("the wrong code stays in the field")
	}
	d.Press(code, "enter")
	d.Shows("✓ step 1 of 2")
	d.Press(uitest.WrongCode(d.code()), "enter")
	d.Shows("step 2 of 2 code by e-mail code sent, 1 wrong", "Attempts left: 2")
}

// TestRecoveryEmptyCodeSendsNothing: enter with no code sends nothing.
func TestRecoveryEmptyCodeSendsNothing(t *testing.T) {
	d := started(t, client.ChannelSMS)
	before := d.srv.Requests()
	if _, cmd := d.P.Update(uitest.Key("enter")); cmd != nil || d.srv.Requests() != before {
		t.Fatal("enter on an empty code sent something")
	}
	d.Shows("type the code the user received")
}

// TestRecoveryResend: ctrl+n at step 1 makes a new recovery call (a new
// first code, the old one dead); at step 2 it sends a new second code by
// the other channel.
func TestRecoveryResend(t *testing.T) {
	d := started(t, client.ChannelSMS)
	first := d.code()
	d.Press("ctrl+n")
	if n := len(d.srv.Outbox()); n != 2 {
		t.Fatalf("%d messages after a resend, want 2", n)
	}
	d.Shows("step 1 of 2: code sent by SMS", "Attempts left: 3")
	if d.code() != first {
		d.Press(first, "enter")
		d.Shows("✗")
		d.Lacks("✓ step 1")
	}
	d.Press(d.code(), "enter")
	d.Shows("step 2 of 2: code sent by e-mail")
	second := d.code()
	d.Press("ctrl+n")
	out := d.srv.Outbox()
	if last := out[len(out)-1]; last.Channel != "email" || !strings.Contains(last.Text, "(2 of 2)") {
		t.Fatalf("the resent second code: %+v", last)
	}
	if d.code() != second {
		d.Shows("step 2 of 2: code sent by e-mail")
	}
	uitest.Find[common.NavTokenMsg](t, d.Press(d.code(), "enter"))
}

// TestRecoveryEscAtStep1GoesBack: at step 1 nothing is confirmed: esc
// goes back at once with a status.
func TestRecoveryEscAtStep1GoesBack(t *testing.T) {
	d := started(t, client.ChannelSMS)
	root := d.Press("esc")
	if len(root) != 1 || root[0] != leftUnfinished {
		t.Fatalf("esc at step 1: %#v", root)
	}
}

// TestRecoveryEscPastStep1Asks: past step 1, esc asks first (Asking, the
// question over the steps, y/n help); any key but y stays (the code field
// back in use); y goes back.
func TestRecoveryEscPastStep1Asks(t *testing.T) {
	d := started(t, client.ChannelSMS)
	d.Press(d.code(), "enter")
	if root := d.Press("esc"); len(root) != 0 {
		t.Fatalf("esc past step 1 did not ask: %#v", root)
	}
	if !asking(d.P) {
		t.Fatal("not Asking")
	}
	d.Shows("Leave the MFA recovery? Step 1 (SMS) is confirmed; leaving throws it away")
	if h := uitest.Help(d.P); h != "y leave · n/esc stay" {
		t.Fatalf("help while asking: %s", h)
	}
	if root := d.Press("n"); len(root) != 0 || asking(d.P) {
		t.Fatalf("n: %#v", root)
	}
	d.Lacks("Leave the MFA recovery?")
	d.Press("esc")
	if root := d.Press("esc"); len(root) != 0 || asking(d.P) {
		t.Fatal("esc on the question does not stay")
	}
	d.Press("esc")
	root := d.Press("y")
	if len(root) != 1 || root[0] != leftUnfinished {
		t.Fatalf("y: %#v", root)
	}
}

// TestRecoveryEscWhileBusyCancels: esc while a check is in flight cancels
// it (the page stays, says so) and the late answer is dropped.
func TestRecoveryEscWhileBusyCancels(t *testing.T) {
	d := started(t, client.ChannelSMS)
	d.P, _ = d.P.Update(uitest.Key(d.code()))
	var cmd tea.Cmd
	d.P, cmd = d.P.Update(uitest.Key("enter"))
	d.Shows("checking the step 1 code")
	if h := uitest.Help(d.P); h != "esc cancel · ctrl+c quit" {
		t.Fatalf("help in flight: %s", h)
	}
	late := uitest.Messages(cmd)
	if root := d.Press("esc"); len(root) != 0 {
		t.Fatalf("esc in flight: %#v", root)
	}
	d.Shows("cancelled", "step 1 of 2: code sent by SMS")
	for _, m := range late {
		d.P.Update(m)
	}
	d.Lacks("✓ step 1")
}

// TestRecoveryStaleAnswerDropped: an answer with another id changes
// nothing.
func TestRecoveryStaleAnswerDropped(t *testing.T) {
	d := started(t, client.ChannelSMS)
	before := d.Screen()
	if _, cmd := d.P.Update(recovery.AnswerMsg{ID: uitest.LastRequestID(d.ctx) - 1, Err: errors.New("stale")}); cmd != nil || d.Screen() != before {
		t.Fatalf("a stale answer changed the page:\n%s", d.Screen())
	}
}

// TestRecoveryRateLimitOnResend: a 429 on a resend counts the server's
// wait down from the clock, holds ctrl+n back (resend (wait), nothing
// sent, the line says so), and goes when it ends.
func TestRecoveryRateLimitOnResend(t *testing.T) {
	d := started(t, client.ChannelSMS)
	d.srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 25, Times: 1})
	d.Press("ctrl+n")
	d.Shows("rate limited (429): a new code can be sent in 25s")
	if h := uitest.Help(d.P); !strings.Contains(h, "ctrl+n resend (wait)") {
		t.Fatalf("help during the wait: %s", h)
	}
	d.clk.Advance(5 * time.Second)
	before := d.srv.Requests()
	if root := d.Press("ctrl+n"); len(root) != 0 || d.srv.Requests() != before {
		t.Fatal("ctrl+n during the wait sent something")
	}
	d.Shows("no new code for 20s more (429)")
	// The code already out still checks during the wait.
	d.Press(d.code(), "enter")
	d.Shows("✓ step 1 of 2")
	d.clk.Advance(20 * time.Second)
	d.Lacks("rate limited")
}

// TestRecoverySetupAsksWhatIsMissing: opened without a user (the grant
// chooser's recovery), the form asks; esc hands the form to the root; enter
// with the user missing says so and sends nothing; space on the channel
// line switches it; enter with all filled sends.
func TestRecoverySetupAsksWhatIsMissing(t *testing.T) {
	req := lostDevice()
	req.Username = ""
	d := newDemo(t, req, client.ChannelSMS)
	d.Run(d.P.(*recovery.Page).Start()) // not ready: nothing sent
	if d.srv.Requests() != 0 {
		t.Fatal("Start sent an incomplete recovery")
	}
	d.Shows("Base URL", "Account T11223344", "Client ID demo-client", "Username", "First code SMS", "the second goes by e-mail")
	if strings.Contains(d.Screen(), dinterotest.DemoSecret) {
		t.Fatal("the client secret is on screen")
	}
	if !d.P.TakesText() {
		t.Fatal("the form does not take text")
	}
	root := d.Press("esc")
	if left := uitest.Find[recovery.SetupLeftMsg](t, root); left.Page != d.P {
		t.Fatalf("esc on the form: %#v", root)
	}
	if root := d.Press("enter"); len(root) != 0 || d.srv.Requests() != 0 {
		t.Fatal("enter without a user sent something")
	}
	d.Shows("the username (the user's e-mail) is required")
	d.Press(dinterotest.DemoLostDeviceUser, "tab")
	if h := uitest.Help(d.P); !strings.Contains(h, "space channel") {
		t.Fatalf("help on the channel line: %s", h)
	}
	d.Press("space")
	d.Shows("First code e-mail", "the second goes by SMS")
	d.Press("enter")
	d.Shows("step 1 of 2: code sent by e-mail")
}

// TestRecoveryServerTextSanitised: a refusal's text with escape sequences
// reaches the screen without them.
func TestRecoveryServerTextSanitised(t *testing.T) {
	d := started(t, client.ChannelSMS)
	d.srv.SetFault(&dinterotest.Fault{Status: 400, Code: "invalid_grant", Message: "no \x1b]0;x\x07luck\x1b[2J", Times: 1})
	d.Press("123456", "enter")
	if v := d.P.View(); strings.Contains(v, "\x1b]0;") || strings.Contains(v, "\x07") || strings.Contains(v, "\x1b[2J") {
		t.Fatalf("escape sequences reached the screen: %q", v)
	}
	d.Shows("luck")
}

// TestRecoveryFitsSixtyByTwenty: at 60×20 the steps' prompt, the error and
// the outbox with the code show, nothing wider than the body the page was
// given (SetSize, not the Context's width).
func TestRecoveryFitsSixtyByTwenty(t *testing.T) {
	d := started(t, client.ChannelSMS)
	code := d.code()
	d.Press(uitest.WrongCode(code), "enter")
	view := uitest.Screen(d.P, 58, 16) // the body under the chrome
	uitest.RequireFits(t, view, 58, 16)
	for _, want := range []string{"step 1 of 2: code sent by SMS", "› Code", "wrong binding code", "Demo outbox", code} {
		if !strings.Contains(uitest.Flat(view), want) {
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
	d.Press(d.code(), "enter")
	d.Shows("press enter to start the recovery over (new codes)")
	if d.P.TakesText() {
		t.Fatal("takes a code after it expired")
	}
	if h := uitest.Help(d.P); h != "enter start over · esc back · ctrl+c quit" {
		t.Fatalf("help: %s", h)
	}
	before := len(d.srv.Outbox())
	d.Press("enter")
	if len(d.srv.Outbox()) != before+1 {
		t.Fatal("enter did not start the recovery over")
	}
	d.Shows("step 1 of 2: code sent by SMS", "Attempts left: 3")
	d.Lacks("start the recovery over")
	d.clk.Advance(11 * time.Minute)
	d.Press(d.code(), "enter")
	if root := d.Press("esc"); len(root) != 1 || root[0] != leftUnfinished {
		t.Fatalf("esc after expiry: %#v", root)
	}
}

// TestRecoveryRateLimitOnCheck: a 429 on a code check keeps the code (not
// judged), verify waits, and after the wait the same code moves on.
func TestRecoveryRateLimitOnCheck(t *testing.T) {
	d := started(t, client.ChannelSMS)
	code := d.code()
	d.srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 15, Times: 1})
	d.Press(code, "enter")
	d.Shows("the code was not checked; enter it again in 15s", "Code "+code, "Attempts left: 3")
	if h := uitest.Help(d.P); !strings.Contains(h, "enter verify (wait)") {
		t.Fatalf("help: %s", h)
	}
	before := d.srv.Requests()
	if root := d.Press("enter"); len(root) != 0 || d.srv.Requests() != before {
		t.Fatal("enter during the wait sent the code")
	}
	d.Shows("the code can be tried again in 15s")
	d.clk.Advance(15 * time.Second)
	d.Press("enter")
	d.Shows("✓ step 1 of 2")
}

// TestRecoveryQuestionMarkAndBearer: ? types into the setup form but is
// help past it (a code is digits); a sign-in's Bearer without a secret
// shows as a fingerprint only.
func TestRecoveryQuestionMarkAndBearer(t *testing.T) {
	req := lostDevice()
	req.ClientSecret, req.Bearer = "", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjbGllbnQifQ.SecretBearerSignature"
	d := newDemo(t, req, client.ChannelSMS)
	d.P.(*recovery.Page).Ask()
	qm := d.P.(common.QuestionMarker)
	if qm.QuestionMarkIsHelp() {
		t.Fatal("? is help on the setup form")
	}
	d.Shows("Bearer sha256:", "(the sign-in's; a secret above replaces it)")
	if strings.Contains(d.Screen(), "SecretBearerSignature") {
		t.Fatal("the Bearer is shown whole")
	}
	d = started(t, client.ChannelSMS)
	if !d.P.(common.QuestionMarker).QuestionMarkIsHelp() {
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
	d.P.(*recovery.Page).Ask()
	view := uitest.Screen(d.P, 58, 16)
	uitest.RequireFits(t, view, 58, 16)
	for _, want := range []string{"Base URL", "Account", "Client ID", "Secret", "Username", "First code SMS", "(space switches; the second goes by e-mail)"} {
		if !strings.Contains(uitest.Flat(view), want) {
			t.Fatalf("60×20 lacks %q:\n%s", want, view)
		}
	}
}

// Issue (new user 4): a recovery sent to another server than the demo's
// showed the demo server's outbox, with an older code that is wrong for
// this recovery. The demo outbox is the demo server's: shown only for
// requests to its base URL.
func TestRecoveryOnAnotherServerShowsNoDemoOutbox(t *testing.T) {
	d := started(t, client.ChannelSMS)
	old := d.code()
	other := uitest.DemoServer(t, d.clk) // a second `demo --serve`
	p := recovery.New(d.ctx, other.URL, lostDevice(), client.ChannelSMS, func(*flows.Result) error { return nil })
	d.P = p
	d.Run(p.Start())
	d.Shows("step 1 of 2: code sent by SMS")
	d.Lacks("Demo outbox", old)
	// The demo's own server, written with a slash at the end: its outbox.
	p = recovery.New(d.ctx, d.srv.URL+"/", lostDevice(), client.ChannelSMS, func(*flows.Result) error { return nil })
	d.P = p
	d.Run(p.Start())
	d.Shows("step 1 of 2: code sent by SMS", "Demo outbox", d.code())
}
