package mfa_test

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
	"github.com/tokenbench/tokenbench/ui/pages/mfa"
)

// demo is an MFA page of the demo's MFA user, opened as the request
// leaves it (mfa_required, nothing sent yet), with the fake server and the
// clock behind it.
type demo struct {
	*uitest.Driver
	clk  *uitest.Clock
	srv  *dinterotest.Server
	ctx  *common.Context
	kept []*flows.Result
}

func newDemo(t *testing.T, preferred client.Channel) *demo {
	t.Helper()
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	runner, err := ctx.NewRunner(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	res, s, err := runner.Start(context.Background(), ctx.Connections[1].Request)
	if err != nil || res != nil || s == nil {
		t.Fatalf("the MFA user's sign-in: %v %v %v", res, s, err)
	}
	d := &demo{Driver: &uitest.Driver{T: t, Own: func(msg tea.Msg) bool {
		switch msg.(type) {
		case mfa.ChallengeMsg, mfa.VerifyMsg:
			return true
		}
		return false
	}}, clk: clk, srv: srv, ctx: ctx}
	keep := func(r *flows.Result) error { d.kept = append(d.kept, r); return nil }
	d.P = mfa.New(ctx, runner, srv.URL, keep, nil, s, preferred)
	return d
}

func busy(p common.Page) bool    { return p.(common.Busier).Busy() }
func ticking(p common.Page) bool { return p.(common.Ticker).Ticking() }

// TestMFAChoosesSMSAndTheRightCodeGetsTheToken: the page offers SMS and
// e-mail, enter sends by SMS (the root is told the channel), the screen
// says where the code went with the attempts left and shows the demo
// outbox, and the right code is kept and handed to the root.
func TestMFAChoosesSMSAndTheRightCodeGetsTheToken(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	d.Shows("Multi-factor authentication required", "mfa@example.com", "Send the code by:", "SMS", "e-mail", "mfa_token")
	if d.P.TakesText() || busy(d.P) || ticking(d.P) {
		t.Fatal("choosing a channel: takes text, busy or ticking")
	}
	if h := uitest.Help(d.P); !strings.Contains(h, "enter send") || !strings.Contains(h, "L lost device") || !strings.Contains(h, "u diagnose user") {
		t.Fatalf("help while choosing: %s", h)
	}
	// In flight: busy, and the screen says so.
	var cmd tea.Cmd
	d.P, cmd = d.P.Update(uitest.Key("enter"))
	if !busy(d.P) || d.P.TakesText() {
		t.Fatal("sending: not busy, or takes text")
	}
	d.Shows("sending a code by SMS")
	root := d.Run(cmd)
	if ch := uitest.Find[mfa.ChannelChosenMsg](t, root); ch.Ch != client.ChannelSMS {
		t.Fatalf("channel told to the root: %v", ch.Ch)
	}
	code := d.srv.LastBindingCode(dinterotest.DemoMFAUser)
	d.Shows("A code was sent by SMS (challenge 1)", "Attempts left: 3", "Demo outbox", "sms to +47 900 00 002 at 12:00:00", code, "oob_code")
	if !d.P.TakesText() || busy(d.P) {
		t.Fatal("waiting for the code: does not take text, or busy")
	}
	root = d.Press(code, "enter")
	tok := uitest.Find[common.MFATokenMsg](t, root)
	if tok.Res == nil || !tok.Res.ViaMFA || tok.Res.MFAChannel != client.ChannelSMS {
		t.Fatalf("the token: %+v", tok.Res)
	}
	if len(d.kept) != 1 || d.kept[0] != tok.Res {
		t.Fatalf("kept %d tokens, not the one shown", len(d.kept))
	}
}

// TestMFAChoosesEmail: ↓ then enter sends by e-mail; the outbox shows the
// e-mail, and its code gets the token.
func TestMFAChoosesEmail(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	root := d.Press("down", "enter")
	if ch := uitest.Find[mfa.ChannelChosenMsg](t, root); ch.Ch != client.ChannelEmail {
		t.Fatalf("channel told to the root: %v", ch.Ch)
	}
	d.Shows("A code was sent by e-mail (challenge 1)", "email to mfa@example.com")
	out := d.srv.Outbox()
	if len(out) != 1 || out[0].Channel != "email" {
		t.Fatalf("outbox: %+v", out)
	}
	root = d.Press(out[0].BindingCode, "enter")
	if tok := uitest.Find[common.MFATokenMsg](t, root); tok.Res.MFAChannel != client.ChannelEmail {
		t.Fatalf("the token's channel: %v", tok.Res.MFAChannel)
	}
}

// TestMFAPreferredChannelIsOfferedFirst: a page opened with e-mail
// preferred sends by e-mail on enter.
func TestMFAPreferredChannelIsOfferedFirst(t *testing.T) {
	d := newDemo(t, client.ChannelEmail)
	d.Press("enter")
	d.Shows("A code was sent by e-mail")
}

// TestMFAWrongCodeCountsDown: a wrong code is refused with the server's
// reason and the attempts left, the field is emptied, and after the last
// attempt the page goes back to the channels with ctrl+n offered, which
// sends a new code on the same channel that then works.
func TestMFAWrongCodeCountsDown(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	d.Press("enter")
	code := d.srv.LastBindingCode(dinterotest.DemoMFAUser)
	root := d.Press(uitest.WrongCode(code), "enter")
	if uitest.Has[common.MFATokenMsg](root) {
		t.Fatal("a wrong code got a token")
	}
	d.Shows("wrong binding code", "Attempts left: 2")
	if strings.Contains(uitest.Flat(d.Screen()), "Code "+uitest.WrongCode(code)) {
		t.Fatal("the refused code stays in the field")
	}
	d.Press(uitest.WrongCode(code), "enter")
	d.Shows("Attempts left: 1")
	d.Press(uitest.WrongCode(code), "enter")
	d.Shows("ctrl+n sends a new code, or choose a channel", "Send the code by:")
	if d.P.TakesText() {
		t.Fatal("after the last attempt the page still takes the code")
	}
	if h := uitest.Help(d.P); !strings.Contains(h, "ctrl+n send a new code") {
		t.Fatalf("help after the last attempt: %s", h)
	}
	d.Press("ctrl+n")
	d.Shows("A code was sent by SMS (challenge 2)", "Attempts left: 3")
	root = d.Press(d.srv.LastBindingCode(dinterotest.DemoMFAUser), "enter")
	uitest.Find[common.MFATokenMsg](t, root)
}

// TestMFAEmptyOrLetterCodeSendsNothing: enter on an empty field is refused
// on the page (no request, no attempt used), and letters type nothing.
func TestMFAEmptyOrLetterCodeSendsNothing(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	d.Press("enter")
	before := d.srv.Requests()
	var cmd tea.Cmd
	d.P, cmd = d.P.Update(uitest.Key("enter"))
	if cmd != nil || d.srv.Requests() != before {
		t.Fatal("enter on an empty code sent something")
	}
	d.Shows("type the code the user received", "Attempts left: 3")
	d.Press("a", "b", "q")
	d.P, cmd = d.P.Update(uitest.Key("enter"))
	if cmd != nil {
		t.Fatal("letters typed a code")
	}
}

// TestMFASwitchChannelAndNewCode: ctrl+w sends the next code by the other
// channel (and tells the root), ctrl+n a new one by the same; each
// replaces the last, and only the newest works.
func TestMFASwitchChannelAndNewCode(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	d.Press("enter")
	first := d.srv.LastBindingCode(dinterotest.DemoMFAUser)
	root := d.Press("ctrl+w")
	if ch := uitest.Find[mfa.ChannelChosenMsg](t, root); ch.Ch != client.ChannelEmail {
		t.Fatalf("ctrl+w told the root %v", ch.Ch)
	}
	d.Shows("A code was sent by e-mail (challenge 2)", "email to mfa@example.com")
	root = d.Press("ctrl+n")
	if ch := uitest.Find[mfa.ChannelChosenMsg](t, root); ch.Ch != client.ChannelEmail {
		t.Fatalf("ctrl+n told the root %v", ch.Ch)
	}
	d.Shows("A code was sent by e-mail (challenge 3)")
	if out := d.srv.Outbox(); len(out) != 3 || out[2].Channel != "email" {
		t.Fatalf("outbox: %+v", out)
	}
	if first != d.srv.LastBindingCode(dinterotest.DemoMFAUser) {
		root = d.Press(first, "enter")
		if uitest.Has[common.MFATokenMsg](root) {
			t.Fatal("a replaced code still works")
		}
	}
	root = d.Press(d.srv.LastBindingCode(dinterotest.DemoMFAUser), "enter")
	uitest.Find[common.MFATokenMsg](t, root)
}

// TestMFAEscBeforeAnyCodeGoesBack: esc while choosing closes the page at
// once (nothing was sent to anyone).
func TestMFAEscBeforeAnyCodeGoesBack(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	root := d.Press("esc")
	if len(root) != 1 || root[0] != (common.ClosePageMsg{}) {
		t.Fatalf("esc: %#v", root)
	}
}

// TestMFAEscWithACodeSentAsksFirst: with a code out, esc asks before
// throwing it away: y closes, anything else stays with a status.
func TestMFAEscWithACodeSentAsksFirst(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	d.Press("enter")
	root := d.Press("esc")
	ask := uitest.Find[common.OpenPageMsg](t, root)
	q := uitest.Screen(ask.Page, 200, 10)
	if !strings.Contains(q, "Leave the MFA sign-in?") || !strings.Contains(q, "mfa@example.com by SMS") {
		t.Fatalf("the question: %s", q)
	}
	_, cmds := uitest.Press(ask.Page, "y")
	then := uitest.Find[common.CloseThenMsg](t, uitest.Messages(cmds[0]))
	if got := uitest.Messages(then.Then); len(got) != 1 || got[0] != (common.ClosePageMsg{}) {
		t.Fatalf("y: %#v", got)
	}
	_, cmds = uitest.Press(ask.Page, "n")
	if no := uitest.Find[common.CloseWithStatusMsg](t, uitest.Messages(cmds[0])); !strings.Contains(no.Status, "still on the MFA screen") {
		t.Fatalf("n: %+v", no)
	}
	// The page under the question is as it was: the same code still works.
	root = d.Press(d.srv.LastBindingCode(dinterotest.DemoMFAUser), "enter")
	uitest.Find[common.MFATokenMsg](t, root)
}

// TestMFAEscWhileSendingCancels: esc while a code is in flight cancels it
// (the page stays, says so), and the late answer is dropped.
func TestMFAEscWhileSendingCancels(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	var cmd tea.Cmd
	d.P, cmd = d.P.Update(uitest.Key("enter"))
	var late []tea.Msg
	for _, m := range uitest.Messages(cmd) {
		if _, ok := m.(mfa.ChallengeMsg); ok {
			late = append(late, m)
		}
	}
	root := d.Press("esc")
	if len(root) != 0 || busy(d.P) {
		t.Fatalf("esc while sending: %#v, busy %v", root, busy(d.P))
	}
	d.Shows("cancelled", "Send the code by:")
	for _, m := range late {
		d.P.Update(m)
	}
	d.Lacks("A code was sent")
	if d.P.TakesText() {
		t.Fatal("a stale challenge answer was taken")
	}
}

// TestMFAStaleAnswersAreDropped: an answer with another request's id
// changes nothing.
func TestMFAStaleAnswersAreDropped(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	d.Press("enter")
	before := d.Screen()
	stale := uitest.LastRequestID(d.ctx) - 1
	_, cmd := d.P.Update(mfa.VerifyMsg{ID: stale, Err: errors.New("stale refusal")})
	if cmd != nil || d.Screen() != before {
		t.Fatalf("a stale verify answer changed the page:\n%s", d.Screen())
	}
	_, cmd = d.P.Update(mfa.ChallengeMsg{ID: stale, Err: errors.New("stale refusal")})
	if cmd != nil || d.Screen() != before {
		t.Fatal("a stale challenge answer changed the page")
	}
}

// TestMFARateLimitOnSendCountsDown: a 429 on a new code holds ctrl+n and
// ctrl+w back for the server's Retry-After, counted down from the clock
// (Ticking while it runs, the root asked for its tick); a key tried during
// the wait sends nothing and says so; after it, ctrl+n sends.
func TestMFARateLimitOnSendCountsDown(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	d.Press("enter")
	d.srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 30, Times: 1})
	root := d.Press("ctrl+n")
	if !uitest.Has[common.NeedTickMsg](root) {
		t.Fatalf("no tick asked for: %#v", root)
	}
	if !ticking(d.P) {
		t.Fatal("not ticking during the wait")
	}
	d.Shows("rate limited (429): a new code can be sent in 30s")
	if h := uitest.Help(d.P); strings.Contains(h, "ctrl+n") || strings.Contains(h, "ctrl+w") {
		t.Fatalf("help offers a new code during the wait: %s", h)
	}
	d.clk.Advance(12 * time.Second)
	d.Shows("a new code can be sent in 18s")
	before := d.srv.Requests()
	root = d.Press("ctrl+n")
	root = append(root, d.Press("ctrl+w")...)
	if len(root) != 0 || d.srv.Requests() != before {
		t.Fatalf("a key during the wait sent: %#v", root)
	}
	d.Shows("no new code for 18s more (429)")
	// The code already sent is still typed and checked during the wait.
	if !d.P.TakesText() {
		t.Fatal("the code field is closed during a wait on sends")
	}
	d.clk.Advance(18 * time.Second)
	if ticking(d.P) {
		t.Fatal("still ticking after the wait")
	}
	d.Lacks("rate limited")
	d.Press("ctrl+n")
	d.Shows("A code was sent by SMS (challenge 2)")
}

// TestMFARateLimitOnCheckKeepsTheCode: a 429 on a code check did not judge
// it: no attempt is used, the code stays, enter waits (verify (wait)),
// and after the wait the same code gets the token.
func TestMFARateLimitOnCheckKeepsTheCode(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	d.Press("enter")
	code := d.srv.LastBindingCode(dinterotest.DemoMFAUser)
	d.srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 20, Times: 1})
	root := d.Press(code, "enter")
	if !uitest.Has[common.NeedTickMsg](root) || !ticking(d.P) {
		t.Fatal("a 429 on the check does not tick")
	}
	d.Shows("the code was not checked; enter it again in 20s", "Attempts left: 3", "Code "+code)
	if h := uitest.Help(d.P); !strings.Contains(h, "verify (wait)") || !strings.Contains(h, "ctrl+n send a new code") {
		t.Fatalf("help during a wait on checks: %s", h)
	}
	before := d.srv.Requests()
	if root := d.Press("enter"); len(root) != 0 || d.srv.Requests() != before {
		t.Fatal("enter during the wait sent the code")
	}
	d.Shows("the code can be tried again in 20s")
	d.clk.Advance(20 * time.Second)
	root = d.Press("enter")
	uitest.Find[common.MFATokenMsg](t, root)
}

// TestMFARecoverAsksThenAsksTheRoot: L asks before the recovery's first
// code goes out; y asks the root for the recovery of this user, with the
// channel chosen and the page's keep.
func TestMFARecoverAsksThenAsksTheRoot(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	d.Press("down") // e-mail chosen
	before := d.srv.Requests()
	root := d.Press("L")
	if d.srv.Requests() != before {
		t.Fatal("L sent something before asking")
	}
	ask := uitest.Find[common.OpenPageMsg](t, root)
	if q := uitest.Screen(ask.Page, 200, 10); !strings.Contains(q, "Start the lost-device recovery for mfa@example.com?") || !strings.Contains(q, "by e-mail") {
		t.Fatalf("the question: %s", q)
	}
	_, cmds := uitest.Press(ask.Page, "y")
	then := uitest.Find[common.CloseThenMsg](t, uitest.Messages(cmds[0]))
	rec := uitest.Find[common.RecoveryAskedMsg](t, uitest.Messages(then.Then))
	if rec.Base != d.srv.URL || rec.Req.Username != dinterotest.DemoMFAUser || rec.Channel != client.ChannelEmail || rec.Keep == nil {
		t.Fatalf("the recovery asked for: %+v", rec)
	}
	_, cmds = uitest.Press(ask.Page, "n")
	if no := uitest.Find[common.CloseWithStatusMsg](t, uitest.Messages(cmds[0])); no.Status != "no recovery: nothing was sent" {
		t.Fatalf("n: %+v", no)
	}
}

// TestMFADiagnoseAsksTheRoot: u asks the root for the diagnosis of the
// user, with the page's client, whether or not a code is out.
func TestMFADiagnoseAsksTheRoot(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	for _, phase := range []string{"choosing", "code sent"} {
		if phase == "code sent" {
			d.Press("enter")
		}
		diag := uitest.Find[common.DiagnoseAskedMsg](t, d.Press("u"))
		if diag.User != dinterotest.DemoMFAUser || diag.Src.BaseURL != d.srv.URL || diag.Src.Request.ClientID != dinterotest.DemoClientID {
			t.Fatalf("%s: the diagnosis asked for: %+v", phase, diag)
		}
	}
}

// TestMFAKeysNotOfferedDoNothing: while a request is in flight, L, u,
// ctrl+n and letters do nothing; the help offers only cancel.
func TestMFAKeysNotOfferedDoNothing(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	var cmd tea.Cmd
	d.P, cmd = d.P.Update(uitest.Key("enter"))
	_ = cmd // never run: the request stays in flight
	if h := uitest.Help(d.P); h != "esc cancel · ctrl+c quit" {
		t.Fatalf("help in flight: %s", h)
	}
	for _, k := range []string{"L", "u", "ctrl+n", "ctrl+w", "enter", "x", "1"} {
		if _, c := d.P.Update(uitest.Key(k)); c != nil {
			t.Fatalf("%s in flight returned a command", k)
		}
	}
	d.Shows("sending a code by SMS")
}

// TestMFAExpiredSessionIsDead: an expired mfa_token ends the page's
// requests: it says to start over, and offers only esc, L and u.
func TestMFAExpiredSessionIsDead(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	d.Press("enter")
	d.clk.Advance(11 * time.Minute) // past the fake's mfa_token lifetime
	d.Press("ctrl+n")
	d.Shows("This MFA session has expired.", "Press esc and send the request again.")
	if d.P.TakesText() {
		t.Fatal("a dead session takes a code")
	}
	if h := uitest.Help(d.P); strings.Contains(h, "enter") || strings.Contains(h, "ctrl+n") {
		t.Fatalf("help of a dead session: %s", h)
	}
	root := d.Press("esc")
	if len(root) != 1 || root[0] != (common.ClosePageMsg{}) {
		t.Fatalf("esc on a dead session: %#v", root)
	}
}

// TestMFAServerTextIsSanitised: a server's message with escape sequences
// reaches the screen without them.
func TestMFAServerTextIsSanitised(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	d.Press("enter")
	d.srv.SetFault(&dinterotest.Fault{Status: 400, Code: "invalid_grant", Message: "bad \x1b]0;owned\x07code\x1b[2J here", Times: 1})
	d.Press("111111", "enter")
	view := d.P.View()
	if strings.Contains(view, "\x1b]0;") || strings.Contains(view, "\x07") || strings.Contains(view, "\x1b[2J") {
		t.Fatalf("a server's escape sequence reached the screen: %q", view)
	}
	d.Shows("bad", "here")
}

// TestMFAFitsSixtyByTwenty: at 60×20 no line is wider than 60 and what a
// person acts on (where the code went, the field, the error, the outbox
// with the code) shows.
func TestMFAFitsSixtyByTwenty(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	d.Press("enter")
	code := d.srv.LastBindingCode(dinterotest.DemoMFAUser)
	d.Press(uitest.WrongCode(code), "enter")
	view := uitest.Screen(d.P, 58, 20)
	uitest.RequireFits(t, view, 58, 20)
	for _, want := range []string{"A code was sent by SMS", "Attempts left: 2", "› Code", "wrong binding code", "Demo outbox", code} {
		if !strings.Contains(uitest.Flat(view), want) {
			t.Fatalf("60×20 lacks %q:\n%s", want, view)
		}
	}
}

// TestMFASecretsAreFingerprinted: the mfa_token and oob_code show only as
// fingerprints.
func TestMFASecretsAreFingerprinted(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	ctx := uitest.Context(clk)
	s := &flows.MFASession{Request: flows.Request{Account: "T11223344", Username: "mfa@example.com"}, MFAToken: "mfa_SecretTokenValue0001",
		Channel: client.ChannelSMS, OOBCode: "oob_SecretOOBValue0001", Challenges: 1, MaxAttempts: 3}
	p := mfa.New(ctx, nil, "http://127.0.0.1:1/v1", nil, nil, s, client.ChannelSMS)
	view := uitest.Screen(p, 78, 24)
	if strings.Contains(view, "SecretTokenValue") || strings.Contains(view, "SecretOOBValue") || !strings.Contains(view, "sha256:") {
		t.Fatalf("secrets on screen:\n%s", view)
	}
	if got := p.Account(); got != "T11223344" {
		t.Fatalf("Account: %q", got)
	}
}

// TestMFASendChallengeSendsAtOnce: the root's SendChallenge (a connection
// that knows its channel) sends the code as the page opens: the page waits
// for the code.
func TestMFASendChallengeSendsAtOnce(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	root := d.Run(d.P.(*mfa.Page).SendChallenge(client.ChannelEmail))
	if ch := uitest.Find[mfa.ChannelChosenMsg](t, root); ch.Ch != client.ChannelEmail {
		t.Fatalf("channel told to the root: %v", ch.Ch)
	}
	d.Shows("A code was sent by e-mail (challenge 1)")
	if !d.P.TakesText() {
		t.Fatal("the page does not take the code")
	}
}

// TestMFAPasteIsCleaned: a code pasted as an SMS shows it ("Code: 123
// 456") reaches the field as digits, and gets the token.
func TestMFAPasteIsCleaned(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	d.Press("enter")
	code := d.srv.LastBindingCode(dinterotest.DemoMFAUser)
	d.P, _ = d.P.Update(tea.PasteMsg{Content: "Code: " + code[:3] + " " + code[3:]})
	d.Shows("Code " + code)
	uitest.Find[common.MFATokenMsg](t, d.Press("enter"))
}

// TestMFAOutboxShowsThisScreensCode: a later message to the same user
// (another screen's: a recovery started elsewhere) does not replace the
// code this screen sent in its demo outbox.
func TestMFAOutboxShowsThisScreensCode(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	d.Press("enter")
	code := d.srv.LastBindingCode(dinterotest.DemoMFAUser)
	d.clk.Advance(30 * time.Second)
	runner, err := d.ctx.NewRunner(d.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runner.StartRecovery(context.Background(), flows.RecoveryRequest{Account: dinterotest.DemoAccount, ClientID: dinterotest.DemoClientID,
		ClientSecret: dinterotest.DemoSecret, Username: dinterotest.DemoMFAUser, Channel: client.ChannelEmail}); err != nil {
		t.Fatal(err)
	}
	if later := d.srv.LastBindingCode(dinterotest.DemoMFAUser); later == code {
		t.Skip("the fake drew the same code twice")
	}
	d.Shows("sms to +47 900 00 002 at 12:00:00", code)
	d.Lacks("MFA recovery code")
}

// Issue (new user 4): the demo outbox is the demo server's: an MFA
// challenge from another server shows none (its codes are not there).
func TestMFAOnAnotherServerShowsNoDemoOutbox(t *testing.T) {
	d := newDemo(t, client.ChannelSMS)
	d.Press("enter") // a code on the demo's server
	d.Shows("Demo outbox", d.srv.LastBindingCode(dinterotest.DemoMFAUser))
	old := d.srv.LastBindingCode(dinterotest.DemoMFAUser)
	other := uitest.DemoServer(t, d.clk)
	runner, err := d.ctx.NewRunner(other.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, s, err := runner.Start(context.Background(), d.ctx.Connections[1].Request)
	if err != nil || s == nil {
		t.Fatalf("the MFA user's sign-in on the other server: %v %v", s, err)
	}
	d.P = mfa.New(d.ctx, runner, other.URL, func(*flows.Result) error { return nil }, nil, s, client.ChannelSMS)
	d.Press("enter")
	d.Shows("A code was sent by SMS (challenge 1).")
	d.Lacks("Demo outbox", old)
}
