// Package mfa is the MFA screen: challenge, binding code and mfa-oob for
// one MFA session.
package mfa

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/textsafe"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/codeinput"
	"github.com/tokenbench/tokenbench/ui/components/confirm"
	"github.com/tokenbench/tokenbench/ui/components/menu"
)

type mfaPhase int

const (
	mfaChoose    mfaPhase = iota // pick sms or e-mail
	mfaSending                   // challenge in flight
	mfaCode                      // waiting for the binding code
	mfaVerifying                 // mfa-oob in flight
	mfaDead                      // the mfa_token expired: start over
)

// mfaModel walks through challenge → binding code → mfa-oob.
type mfaModel struct {
	session *flows.MFASession
	phase   mfaPhase
	choice  menu.Model
	// code is the binding code's field, with a 429's wait.
	code codeinput.Model
	err  string
	// codeAt is when this screen's code was sent: the demo outbox shows
	// the message sent by then, not a later one of another screen's (a
	// recovery left with esc).
	codeAt time.Time
}

func newMFA(s *flows.MFASession, preferred client.Channel) mfaModel {
	m := mfaModel{session: s, code: codeinput.New(codeinput.BindingCode), choice: menu.New(
		menu.Item{Title: "SMS", Desc: "to the phone number on the user"},
		menu.Item{Title: "e-mail", Desc: "to the user's e-mail address"},
	)}
	if preferred == client.ChannelEmail {
		m.choice.Select(1)
	}
	return m
}

func (m *mfaModel) chosen() client.Channel {
	if m.choice.Cursor() == 1 {
		return client.ChannelEmail
	}
	return client.ChannelSMS
}

func channelName(c client.Channel) string {
	if c == client.ChannelEmail {
		return "e-mail"
	}
	return "SMS"
}

// view draws the MFA screen of a request to base in width w and height
// lines. What a
// person needs to act (the phase, the error, the demo outbox) always shows;
// blank lines, then the explanation, then the fingerprints give way, one
// at a time, when the terminal is short.
func (m *mfaModel) view(ctx *common.Context, base, spin string, w, height int) string {
	s := ctx.Styles
	sess := m.session
	type block struct {
		text string
		drop int // 0 always shown; else the order it goes in
	}
	const (
		keep = iota
		dropBlank
		dropExplain
		dropFingerprints
	)
	var blocks []block
	add := func(text string, drop int) { blocks = append(blocks, block{text, drop}) }
	add(s.Warn.Render("Multi-factor authentication required"), keep)
	who := textsafe.Sanitize(sess.Request.Username)
	if who == "" {
		who = "this user"
	}
	add(common.Wrap(s.Muted, fmt.Sprintf("The server answered 403 mfa_required for %s. A code goes to the user by SMS or e-mail; type it here to finish the sign-in.", who), w), dropExplain)
	add("", dropBlank)
	fp := s.Label.Render("mfa_token") + " " + tokeninfo.Fingerprint(sess.MFAToken)
	if sess.Challenged() {
		fp += "\n" + s.Label.Render("oob_code") + " " + tokeninfo.Fingerprint(sess.OOBCode)
	}
	add(fp, dropFingerprints)
	add("", dropBlank)
	switch m.phase {
	case mfaChoose:
		add("Send the code by:", keep)
		add("", dropBlank)
		add(m.choice.View(s, w, 6), keep)
	case mfaSending:
		add(spin+" sending a code by "+channelName(m.chosen())+"…", keep)
	case mfaCode, mfaVerifying:
		add(common.Wrap(s.Value, fmt.Sprintf("A code was sent by %s (challenge %d).  %s", channelName(sess.Channel), sess.Challenges, codeinput.Attempts(sess.AttemptsLeft())), w), keep)
		add("", dropBlank)
		add(m.code.Line(s), keep)
		if m.phase == mfaVerifying {
			add(spin+" checking the code…", keep)
		}
	case mfaDead:
		add(common.Wrap(s.Value, s.Error.Render("This MFA session has expired.")+" Press esc and send the request again.", w), keep)
	}
	if line := m.code.WaitLine(s, ctx.Now(), w); line != "" {
		add(line, keep)
	}
	if m.err != "" {
		add("", dropBlank)
		add(common.Wrap(s.Error, "✗ "+m.err, w), keep)
	}
	if box := common.DemoOutbox(ctx, base, sess.Request.Username, m.codeAt, w); box != "" && sess.Challenged() {
		add("", dropBlank)
		add(box, keep)
	}
	lines := func() int {
		n := 0
		for _, b := range blocks {
			n += strings.Count(b.text, "\n") + 1
		}
		return n
	}
	// Give way one block at a time, so a line of room is not lost.
	for drop := dropBlank; drop <= dropFingerprints; drop++ {
		for i := 0; i < len(blocks) && lines() > height; {
			if blocks[i].drop == drop {
				blocks = append(blocks[:i], blocks[i+1:]...)
				continue
			}
			i++
		}
	}
	out := make([]string, len(blocks))
	for i, b := range blocks {
		out[i] = b.text
	}
	return strings.Join(out, "\n")
}

// keys are the MFA screen's keys. While a 429's wait runs (waiting), the
// keys that would ask for a new code are left out.
func (m *mfaModel) keys(k common.KeyMap, now time.Time) common.Bindings {
	// only keeps the bindings that work now.
	only := func(bs ...key.Binding) []key.Binding {
		return slices.DeleteFunc(bs, func(b key.Binding) bool { return !b.Enabled() })
	}
	newCode, switchCh, send, verify := k.NewCode, k.SwitchChannel, common.WithHelp(k.Select, "send"), common.WithHelp(k.Select, "verify")
	if m.code.HoldsSend(now) > 0 {
		newCode.SetEnabled(false)
		switchCh.SetEnabled(false)
		send.SetEnabled(false)
	}
	if m.code.HoldsCheck(now) > 0 {
		verify = common.WithHelp(k.Select, "verify (wait)")
	}
	switch m.phase {
	case mfaChoose:
		short := only(send, k.Up, k.Down, k.Back, k.Recover, k.Diagnose, k.ForceQuit)
		if m.session.Challenged() || m.session.Challenges > 0 {
			short = append(only(newCode), short...)
		}
		return common.Bindings{Short: short, Full: [][]key.Binding{only(send, k.Up, k.Down, newCode), {k.Recover, k.Diagnose}, {k.Back, k.ForceQuit}}}
	case mfaCode:
		short := only(verify, newCode, switchCh, k.Back, k.Recover, k.Diagnose, k.ForceQuit)
		return common.Bindings{Short: short, Full: [][]key.Binding{only(verify, newCode, switchCh), {k.Recover, k.Diagnose}, {k.Back, k.ForceQuit}}}
	case mfaDead:
		return common.Bindings{Short: []key.Binding{k.Back, k.Recover, k.Diagnose, k.ForceQuit}}
	}
	return common.Bindings{Short: []key.Binding{common.WithHelp(k.Back, "cancel"), k.ForceQuit}}
}

// Messages of the MFA page: its own results, and what it asks the root.
type (
	// ChallengeMsg and VerifyMsg carry the MFA session as the command
	// left it: the command works on its own copy, and only Update puts
	// the new one in place (View reads the session while commands run).
	ChallengeMsg struct {
		ID      int
		Session *flows.MFASession
		Err     error
	}
	VerifyMsg struct {
		ID      int
		Session *flows.MFASession
		Res     *flows.Result
		Err     error
	}
	// ChannelChosenMsg tells the root the channel last used, the default
	// of the next MFA screen and of a recovery.
	ChannelChosenMsg struct{ Ch client.Channel }
)

// Page is the MFA screen: challenge → binding code → mfa-oob for one
// MFA session, with its own requests.
type Page struct {
	mfaModel
	ctx     *common.Context
	runner  *flows.Runner
	base    string
	keep    func(*flows.Result) error
	profile *profiles.Profile // the profile the request runs for, if any
	spin    spinner.Model
	req     common.Request // the latest request
	width   int
	height  int
}

// New is the MFA screen of session s, run with runner against base; keep
// keeps the token it gets, for profile (nil for none); preferred is the
// channel offered first.
func New(ctx *common.Context, runner *flows.Runner, base string, keep func(*flows.Result) error, profile *profiles.Profile,
	s *flows.MFASession, preferred client.Channel) *Page {
	p := &Page{mfaModel: newMFA(s, preferred), ctx: ctx, runner: runner, base: base, keep: keep, profile: profile,
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot)), width: ctx.Width - 2, height: ctx.Height}
	if s.Challenged() {
		p.codeAt = ctx.Now() // the code went out before the screen opened
	}
	return p
}

func (p *Page) Title() string { return "MFA" }

// TakesText: the code field types digits.
func (p *Page) TakesText() bool { return p.phase == mfaCode }

// QuestionMarkIsHelp: a binding code is digits, so ? types nothing.
func (p *Page) QuestionMarkIsHelp() bool { return true }

// Account names the account signed in to, for the header's badge.
func (p *Page) Account() string { return p.session.Request.Account }

// Busy reports a request in flight: the log and the inspector wait.
func (p *Page) Busy() bool { return p.phase == mfaSending || p.phase == mfaVerifying }

// Ticking reports a countdown on screen (a 429's wait).
func (p *Page) Ticking() bool { return p.code.WaitLeft(p.ctx.Now()) > 0 }

func (p *Page) SetSize(width, height int) { p.width, p.height = width, height }

func (p *Page) Keys() help.KeyMap { return p.keys(p.ctx.Keys, p.ctx.Now()) }

func (p *Page) View() string { return p.view(p.ctx, p.base, p.spin.View(), p.width, p.height) }

func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return p, p.onKey(msg)
	case ChallengeMsg:
		if !p.req.Answers(msg.ID) {
			return p, nil
		}
		return p, p.onChallenge(msg)
	case VerifyMsg:
		if !p.req.Answers(msg.ID) {
			return p, nil
		}
		return p, p.onVerify(msg)
	case tea.PasteMsg:
		// A code pasted as an SMS shows it ("731 735", "Code: 731735"):
		// what cannot be part of a code goes before it reaches the field.
		if p.phase != mfaCode {
			return p, nil
		}
		p.err = ""
		return p, p.code.Update(msg)
	case spinner.TickMsg:
		if !p.Busy() {
			return p, nil
		}
		var cmd tea.Cmd
		p.spin, cmd = p.spin.Update(msg)
		return p, cmd
	}
	if p.phase == mfaCode {
		return p, p.code.Update(msg)
	}
	return p, nil
}

func (p *Page) onChallenge(msg ChallengeMsg) tea.Cmd {
	p.req.Done()
	p.session = msg.Session
	if limited, ok := flows.RateLimited(msg.Err); ok {
		return p.rateLimited(limited)
	}
	if msg.Err != nil {
		p.phase = mfaChoose
		if errors.Is(msg.Err, flows.ErrMFAExpired) {
			p.phase = mfaDead
		}
		p.err = common.ErrText(msg.Err)
		return nil
	}
	// A new code came: a wait on the old one's check is over.
	p.phase, p.err = mfaCode, ""
	p.code.EndWait()
	p.codeAt = p.ctx.Now()
	p.code.Reset()
	return p.code.Focus()
}

func (p *Page) onVerify(msg VerifyMsg) tea.Cmd {
	p.req.Done()
	p.session = msg.Session
	if msg.Err != nil {
		p.phase = mfaCode
		if limited, ok := flows.RateLimited(msg.Err); ok {
			// A 429 did not check the code: it stays, to send again
			// after the wait, which its one line says.
			p.code.Limit(limited, p.ctx.Now(), true)
			p.err = ""
			return tea.Batch(func() tea.Msg { return common.NeedTickMsg{} }, p.code.Focus())
		}
		if !codeinput.Unjudged(msg.Err) {
			p.code.Reset()
		}
		p.err = common.ErrText(msg.Err)
		switch {
		case errors.Is(msg.Err, flows.ErrChallengeExpired), errors.Is(msg.Err, flows.ErrTooManyAttempts):
			p.phase = mfaChoose
			p.err += " — ctrl+n sends a new code, or choose a channel"
		case errors.Is(msg.Err, flows.ErrMFAExpired):
			p.phase = mfaDead
		}
		return nil
	}
	res := msg.Res
	return func() tea.Msg { return common.MFATokenMsg{Res: res} }
}

// rateLimited is a 429 on a new code: resend waits for the server's
// Retry-After (a minute when it names none), with a countdown.
func (p *Page) rateLimited(limited *client.RateLimitError) tea.Cmd {
	// The wait's line says it all, and goes when the wait ends.
	p.code.Limit(limited, p.ctx.Now(), false)
	p.err = ""
	tick := func() tea.Msg { return common.NeedTickMsg{} }
	p.phase = mfaChoose
	if p.session.Challenged() {
		p.phase = mfaCode
		return tea.Batch(tick, p.code.Focus())
	}
	return tick
}

func (p *Page) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.ctx.Keys
	if key.Matches(msg, k.Back) {
		if p.Busy() {
			p.req.Abort(p.ctx)
			p.phase = mfaCode
			if !p.session.Challenged() {
				p.phase = mfaChoose
			}
			p.err = "cancelled"
			return nil
		}
		p.req.Abort(p.ctx)
		if p.phase == mfaCode && p.session.Challenged() {
			// A code went to a real user: leaving throws it away.
			return common.OpenPage(confirm.New(p.ctx, "leave MFA", fmt.Sprintf("Leave the MFA sign-in? A code was sent to %s by %s; leaving throws it away, and running the request again sends a new code. y/n",
				p.user(), flows.ChannelName(p.session.Channel)), common.ClosePage, "still on the MFA screen: the code sent is the one to type"))
		}
		return common.ClosePage
	}
	idle := p.phase == mfaChoose || p.phase == mfaCode || p.phase == mfaDead
	switch {
	case key.Matches(msg, k.Recover) && idle:
		rec := common.AskPage(common.RecoveryAskedMsg{Base: p.base, Req: p.session.Request, Channel: p.chosen(), Keep: p.keep})
		// The recovery's first code goes to a real user: asked first.
		return common.OpenPage(confirm.New(p.ctx, "MFA recovery", fmt.Sprintf("Start the lost-device recovery for %s? It sends them a code by %s now. y/n",
			p.user(), flows.ChannelName(p.chosen())), rec, "no recovery: nothing was sent"))
	case key.Matches(msg, k.Diagnose) && idle:
		return common.AskPage(common.DiagnoseAskedMsg{Src: common.DiagnoseSource{BaseURL: p.base, Request: p.session.Request, Profile: p.profile}, User: p.session.Request.Username})
	case p.code.HoldsSend(p.ctx.Now()) > 0 && (key.Matches(msg, k.NewCode) || key.Matches(msg, k.SwitchChannel) ||
		p.phase == mfaChoose && key.Matches(msg, k.Select)),
		p.code.HoldsCheck(p.ctx.Now()) > 0 && p.phase == mfaCode && key.Matches(msg, k.Select):
		p.code.Nudge()
		return nil
	}
	switch p.phase {
	case mfaChoose:
		switch {
		case key.Matches(msg, k.Select):
			return p.SendChallenge(p.chosen())
		case key.Matches(msg, k.NewCode):
			// After a lockout or an expired code, ctrl+n (as the hint
			// says) sends a new code on the same channel.
			ch := p.chosen()
			if p.session.Channel != "" {
				ch = p.session.Channel
			}
			return p.SendChallenge(ch)
		}
		p.choice.Update(msg, k)
	case mfaCode:
		switch {
		case key.Matches(msg, k.Select):
			code, why := p.code.Submit()
			if why != "" {
				p.err = why // refused here: no attempt is used
				return nil
			}
			return p.verify(code)
		case key.Matches(msg, k.NewCode):
			return p.SendChallenge(p.session.Channel)
		case key.Matches(msg, k.SwitchChannel):
			other := p.session.Channel.Other()
			p.choice.Select(map[client.Channel]int{client.ChannelSMS: 0, client.ChannelEmail: 1}[other])
			return p.SendChallenge(other)
		}
		// A binding code is digits: other keys do not type.
		return p.code.Update(msg)
	}
	return nil
}

// user is who the codes go to.
func (p *Page) user() string {
	if u := textsafe.Sanitize(p.session.Request.Username); u != "" {
		return u
	}
	return "the user"
}

// SendChallenge sends a code by ch.
func (p *Page) SendChallenge(ch client.Channel) tea.Cmd {
	p.phase, p.err = mfaSending, ""
	ctx, id := p.req.Begin(p.ctx)
	runner, s := p.runner, *p.session
	return tea.Batch(p.spin.Tick, func() tea.Msg { return ChannelChosenMsg{Ch: ch} }, func() tea.Msg {
		err := runner.Challenge(ctx, &s, ch)
		return ChallengeMsg{ID: id, Session: &s, Err: err}
	})
}

func (p *Page) verify(code string) tea.Cmd {
	p.phase, p.err = mfaVerifying, ""
	ctx, id := p.req.Begin(p.ctx)
	runner, s, keep := p.runner, *p.session, p.keep
	return tea.Batch(p.spin.Tick, func() tea.Msg {
		res, err := runner.Verify(ctx, &s, code)
		if err == nil {
			err = keep(res)
		}
		return VerifyMsg{ID: id, Session: &s, Res: res, Err: err}
	})
}

func (*Page) IsRequestStep() {}

// Owns: the answers to the page's requests are its own wherever it is in
// the back stack.
func (p *Page) Owns(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case ChallengeMsg:
		return p.req.Answers(msg.ID)
	case VerifyMsg:
		return p.req.Answers(msg.ID)
	}
	return false
}
