// Package passwordless is the passwordless login's code screen.
package passwordless

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
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/codeinput"
)

// The passwordless login's code screen (contract §1a): the code went to
// the customer by e-mail or SMS; it is typed (or pasted) here through the
// one code field, checked, and exchanged for the token. ctrl+n sends a new
// code, ctrl+w the same code over the other connection ("send by SMS
// instead", with the login_session_id); a 429 shows its countdown.

// verificationCode is the passwordless code's field.
var verificationCode = codeinput.Spec{Label: "Code", Placeholder: "the code received", MaxLen: 12}

type plPhase int

const (
	plCode      plPhase = iota // waiting for the code
	plSending                  // a new code or a resend in flight
	plVerifying                // the token request in flight
)

// Messages of the passwordless page: its requests' answers. Each carries
// the login as the command left it (the command works on its own copy).
type (
	SentMsg struct {
		ID    int
		Login *flows.PasswordlessLogin
		Err   error
	}
	VerifyMsg struct {
		ID    int
		Login *flows.PasswordlessLogin
		Res   *flows.Result
		Err   error
	}
)

// Page is the code screen of one passwordless login.
type Page struct {
	ctx   *common.Context
	login *flows.PasswordlessLogin
	keep  func(*flows.Result) error
	phase plPhase
	code  codeinput.Model
	err   string
	// spent: the last code was used or expired; only a new one helps.
	spent bool
	// sentAt is when the last code went out.
	sentAt time.Time
	spin   spinner.Model
	req    common.Request
	width  int
	height int
}

// New is the code screen of login l; keep keeps the token it gets.
func New(ctx *common.Context, l *flows.PasswordlessLogin, keep func(*flows.Result) error) *Page {
	p := &Page{ctx: ctx, login: l, keep: keep, code: codeinput.New(verificationCode), sentAt: ctx.Now(),
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot)), width: ctx.Width - 2, height: ctx.Height}
	p.code.Focus()
	return p
}

func (*Page) IsRequestStep() {}

func (p *Page) Title() string { return "passwordless" }

// TakesText: the code field types digits.
func (p *Page) TakesText() bool { return p.phase == plCode }

// QuestionMarkIsHelp: a code is digits, so ? types nothing.
func (p *Page) QuestionMarkIsHelp() bool { return true }

// Account names the account signed in to, for the header's badge.
func (p *Page) Account() string { return p.login.Request.Account }

// Busy reports a request in flight: the log and the inspector wait.
func (p *Page) Busy() bool { return p.phase != plCode }

// Ticking reports a countdown on screen (a 429's wait).
func (p *Page) Ticking() bool { return p.code.WaitLeft(p.ctx.Now()) > 0 }

func (p *Page) SetSize(width, height int) { p.width, p.height = width, height }

// other is the connection "send by … instead" switches to.
func (p *Page) other() string {
	if p.login.Connection == client.ConnectionSMS {
		return client.ConnectionEmail
	}
	return client.ConnectionSMS
}

func connectionWord(c string) string {
	if c == client.ConnectionSMS {
		return "SMS"
	}
	return "e-mail"
}

func (p *Page) Keys() help.KeyMap {
	k := p.ctx.Keys
	only := func(bs ...key.Binding) []key.Binding {
		return slices.DeleteFunc(bs, func(b key.Binding) bool { return !b.Enabled() })
	}
	now := p.ctx.Now()
	verify := common.WithHelp(k.Select, "verify")
	newCode := k.NewCode
	switchCh := common.WithHelp(k.SwitchChannel, "send by "+connectionWord(p.other())+" instead")
	if p.code.HoldsSend(now) > 0 {
		newCode.SetEnabled(false)
		switchCh.SetEnabled(false)
	}
	if p.code.HoldsCheck(now) > 0 {
		verify = common.WithHelp(k.Select, "verify (wait)")
	}
	if p.spent {
		verify.SetEnabled(false)
	}
	if p.phase != plCode {
		return common.Bindings{Short: []key.Binding{common.WithHelp(k.Back, "cancel"), k.ForceQuit}}
	}
	short := only(verify, newCode, switchCh, k.Back, k.ForceQuit)
	return common.Bindings{Short: short, Full: [][]key.Binding{only(verify, newCode, switchCh), {k.Back, k.ForceQuit}}}
}

// View draws the code screen: what a person needs to act (where the code
// went, the field, the wait, the error, the demo outbox) always shows; the
// explanation and blank lines give way when the terminal is short.
func (p *Page) View() string {
	s, w, l := p.ctx.Styles, p.width, p.login
	type block struct {
		text string
		drop bool
	}
	var blocks []block
	add := func(text string, drop bool) { blocks = append(blocks, block{text, drop}) }
	add(s.Warn.Render("Passwordless login")+s.Muted.Render(" · authorization_code"), false)
	add(common.Wrap(s.Muted, "Dintero sent a one-time code to the customer. Type or paste it here to finish the login; a new code replaces the last one.", w), true)
	add("", true)
	add(common.Wrap(s.Value, "The code was "+l.Destination()+".", w), false)
	left := max(flows.DefaultMaxAttempts-l.Attempts, 0)
	status := codeinput.Attempts(left) + " · codes expire after a few minutes"
	if p.spent {
		// The code is dead: attempts left at it would say it is not.
		status = "this code can no longer be used"
	}
	if l.Sends > 0 {
		status = fmt.Sprintf("Send %d at %s · ", l.Sends, p.sentAt.In(p.ctx.Now().Location()).Format("15:04:05")) + status
	}
	add(common.Wrap(s.Muted, status, w), false)
	add("", true)
	switch {
	case p.spent:
		add(common.Wrap(s.Value, s.Error.Render("This code is used or expired.")+" ctrl+n sends a new one.", w), false)
	default:
		add(p.code.Line(s), false)
	}
	switch p.phase {
	case plVerifying:
		add(p.spin.View()+" checking the code…", false)
	case plSending:
		add(p.spin.View()+" sending a code…", false)
	}
	if line := p.code.WaitLine(s, p.ctx.Now(), w); line != "" {
		add(line, false)
	}
	if p.err != "" {
		add("", true)
		add(common.Wrap(s.Error, "✗ "+p.err, w), false)
	}
	if box := common.DemoOutbox(p.ctx, l.BaseURL(), l.Request.Ident, time.Time{}, w); box != "" && !l.Issued() {
		add("", true)
		add(box, false)
	}
	lines := func() int {
		n := 0
		for _, b := range blocks {
			n += strings.Count(b.text, "\n") + 1
		}
		return n
	}
	for i := 0; i < len(blocks) && lines() > p.height; {
		if blocks[i].drop {
			blocks = append(blocks[:i], blocks[i+1:]...)
			continue
		}
		i++
	}
	out := make([]string, len(blocks))
	for i, b := range blocks {
		out[i] = b.text
	}
	return strings.Join(out, "\n")
}

func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return p, p.onKey(msg)
	case SentMsg:
		if !p.req.Answers(msg.ID) {
			return p, nil
		}
		return p, p.onSent(msg)
	case VerifyMsg:
		if !p.req.Answers(msg.ID) {
			return p, nil
		}
		return p, p.onVerify(msg)
	case tea.PasteMsg:
		if p.phase != plCode || p.spent {
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
	if p.phase == plCode {
		return p, p.code.Update(msg)
	}
	return p, nil
}

func (p *Page) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.ctx.Keys
	now := p.ctx.Now()
	if key.Matches(msg, k.Back) {
		if p.Busy() {
			p.req.Abort(p.ctx)
			p.phase, p.err = plCode, "cancelled"
			return nil
		}
		p.req.Abort(p.ctx)
		return common.ClosePage
	}
	if p.phase != plCode {
		return nil
	}
	switch {
	case p.code.HoldsSend(now) > 0 && (key.Matches(msg, k.NewCode) || key.Matches(msg, k.SwitchChannel)),
		p.code.HoldsCheck(now) > 0 && key.Matches(msg, k.Select):
		p.code.Nudge()
		return nil
	case key.Matches(msg, k.NewCode):
		return p.send(false)
	case key.Matches(msg, k.SwitchChannel):
		return p.send(true)
	case key.Matches(msg, k.Select):
		if p.spent {
			p.err = "this code is used or expired: ctrl+n sends a new one"
			return nil
		}
		code, why := p.code.Submit()
		if why != "" {
			p.err = why // refused here: no attempt is used
			return nil
		}
		return p.verify(code)
	}
	return p.code.Update(msg)
}

// send sends a new code (ctrl+n), or the same code over the other
// connection (ctrl+w: with the login session; a new code when there is
// none, or the last one is spent).
func (p *Page) send(switchConn bool) tea.Cmd {
	p.phase, p.err = plSending, ""
	ctx, id := p.req.Begin(p.ctx)
	l := *p.login
	other, spent := p.other(), p.spent
	return tea.Batch(p.spin.Tick, func() tea.Msg {
		var err error
		switch {
		case switchConn && !spent:
			err = l.Resend(ctx, other)
		case switchConn:
			err = l.SendNew(ctx, other)
		default:
			err = l.SendNew(ctx, "")
		}
		return SentMsg{ID: id, Login: &l, Err: err}
	})
}

func (p *Page) onSent(msg SentMsg) tea.Cmd {
	p.req.Done()
	p.phase = plCode
	if limited, ok := flows.RateLimited(msg.Err); ok {
		// The wait's line says it all, and goes when the wait ends.
		p.code.Limit(limited, p.ctx.Now(), false)
		p.err = ""
		return tea.Batch(func() tea.Msg { return common.NeedTickMsg{} }, p.code.Focus())
	}
	if msg.Err != nil {
		p.err = common.ErrText(msg.Err)
		return p.code.Focus()
	}
	p.login, p.spent, p.err, p.sentAt = msg.Login, false, "", p.ctx.Now()
	p.code.EndWait()
	p.code.Reset()
	return p.code.Focus()
}

func (p *Page) verify(code string) tea.Cmd {
	p.phase, p.err = plVerifying, ""
	ctx, id := p.req.Begin(p.ctx)
	l, keep := *p.login, p.keep
	return tea.Batch(p.spin.Tick, func() tea.Msg {
		res, err := l.Verify(ctx, code)
		if err == nil {
			err = keep(res)
		}
		return VerifyMsg{ID: id, Login: &l, Res: res, Err: err}
	})
}

func (p *Page) onVerify(msg VerifyMsg) tea.Cmd {
	p.req.Done()
	p.phase = plCode
	p.login = msg.Login
	if msg.Err == nil {
		res := msg.Res
		return func() tea.Msg { return common.MFATokenMsg{Res: res} }
	}
	if limited, ok := flows.RateLimited(msg.Err); ok {
		// A 429 did not check the code: it stays, to enter again after
		// the wait.
		p.code.Limit(limited, p.ctx.Now(), true)
		p.err = ""
		return tea.Batch(func() tea.Msg { return common.NeedTickMsg{} }, p.code.Focus())
	}
	p.code.Reset()
	p.err = common.ErrText(msg.Err)
	switch {
	case errors.Is(msg.Err, flows.ErrCodeSpent):
		p.spent = true // the line above the error offers a new one
	case errors.Is(msg.Err, flows.ErrWrongVerificationCode):
		p.err += " — check it and type it again"
	}
	return p.code.Focus()
}

// Owns: the answers to the page's requests are its own wherever it is in
// the back stack.
func (p *Page) Owns(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case SentMsg:
		return p.req.Answers(msg.ID)
	case VerifyMsg:
		return p.req.Answers(msg.ID)
	}
	return false
}
