// Package recovery is the guided MFA recovery for a user who lost their
// device: two codes on two channels, then a token.
package recovery

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/textsafe"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/codeinput"
)

type (
	// AnswerMsg answers a recovery step: the start, an answer or a
	// resend. The command works on its own copy of the session; Update
	// puts it in place.
	AnswerMsg struct {
		ID      int
		Session *flows.RecoverySession
		Res     *flows.Result
		Err     error
	}
	// recoveryTickMsg redraws a resend countdown.
	recoveryTickMsg struct{ id int }
	// SetupLeftMsg: esc on the setup form, which the root keeps
	// for the next time the recovery is chosen.
	SetupLeftMsg struct{ Page *Page }
)

type recoveryPhase int

const (
	recSetup     recoveryPhase = iota // who, and with which client
	recBusy                           // a request in flight
	recCode                           // waiting for the current step's code
	recStartOver                      // the recovery cannot go on: start it again
)

// recovery form fields, in order.
const (
	recBase = iota
	recAccount
	recClientID
	recSecret
	recUser
	recChannel // a toggle, not an input
	recFields
)

// Page is the guided MFA recovery for a user who lost their
// device (the contract's MFA recovery): the recovery call sends a first code, its answer sends a
// second one to the other channel, and the second answer gets the token.
type Page struct {
	ctx     *common.Context
	keep    func(*flows.Result) error
	inputs  []textinput.Model
	focus   int
	channel client.Channel // of the first code
	// bearer is a Bearer given to the sign-in (no client secret): the
	// recovery call uses it as it is.
	bearer  string
	phase   recoveryPhase
	busy    string // what is in flight
	session *flows.RecoverySession
	// sentTo is the base URL the recovery was sent to (the demo outbox
	// is shown for the demo's own only).
	sentTo string
	// code is the current step's code field, with a 429's wait (on a
	// send or on a code check, worded as the MFA screen does).
	code codeinput.Model
	id   int
	err  string
	// checking: the request in flight checks a code of step checkStep.
	checking  bool
	checkStep int
	// askLeave: esc past step 1 asks whether to throw the recovery away.
	askLeave bool
	width    int
	height   int
}

// New opens the recovery filled from req (the user and client
// of an MFA sign-in, or the form's values). keep remembers the token.
func New(ctx *common.Context, base string, req flows.Request, channel client.Channel, keep func(*flows.Result) error) *Page {
	m := &Page{ctx: ctx, keep: keep, channel: channel}
	if req.ClientSecret == "" {
		m.bearer = req.Bearer
	}
	if m.channel == "" {
		m.channel = client.ChannelSMS
	}
	values := []string{base, req.Account, req.ClientID, req.ClientSecret, req.Username}
	placeholders := []string{"e.g. https://api.dintero.com/v1", "e.g. T11223344", "the API client's id", "its secret", "e.g. user@example.com"}
	for i, v := range values {
		in := common.NewInput(placeholders[i], 4096)
		if i == recSecret {
			in.EchoMode, in.EchoCharacter = textinput.EchoPassword, '•'
		}
		in.SetValue(v)
		in.CursorEnd()
		m.inputs = append(m.inputs, in)
	}
	m.code = codeinput.New(codeinput.BindingCode)
	m.SetSize(ctx.Width-2, ctx.Height-4)
	return m
}

// ready reports whether everything needed is filled in.
func (m *Page) ready() bool {
	err := m.request().Normalized().Validate()
	return err == nil && strings.TrimSpace(m.inputs[recBase].Value()) != ""
}

// Start sends the recovery at once when everything is known; else it asks.
func (m *Page) Start() tea.Cmd {
	if m.ready() {
		return m.start()
	}
	for i := range m.inputs {
		if strings.TrimSpace(m.inputs[i].Value()) == "" {
			m.focus = i
			break
		}
	}
	return m.inputs[m.focus].Focus()
}

// Ask shows the setup form, filled in as it was opened, and sends nothing
// until enter: the grant chooser's recovery is for whoever lost a device,
// not necessarily the user of the last flow. The focus is on the first
// empty field, else on the user.
func (m *Page) Ask() tea.Cmd {
	m.focus = recUser
	for i := range m.inputs {
		if strings.TrimSpace(m.inputs[i].Value()) == "" {
			m.focus = i
			break
		}
	}
	return m.inputs[m.focus].Focus()
}

// Resume shows the setup form again as it was left.
func (m *Page) Resume() tea.Cmd {
	m.err = ""
	if m.focus < recChannel {
		return m.inputs[m.focus].Focus()
	}
	return nil
}

// ForgetSecret empties the client secret typed into the setup form.
func (m *Page) ForgetSecret() { m.inputs[recSecret].SetValue("") }

func (m *Page) request() flows.RecoveryRequest {
	v := func(i int) string { return strings.TrimSpace(m.inputs[i].Value()) }
	r := flows.RecoveryRequest{Account: v(recAccount), ClientID: v(recClientID), ClientSecret: m.inputs[recSecret].Value(),
		Username: v(recUser), Channel: m.channel}
	if r.ClientSecret == "" {
		r.Bearer = m.bearer
	}
	return r
}

func (m *Page) SetSize(width, height int) {
	m.width, m.height = width, height
	for i := range m.inputs {
		m.inputs[i].SetWidth(max(10, width-16))
		m.inputs[i].SetValue(m.inputs[i].Value())
	}
	m.code.SetWidth(20)
}

func (m *Page) Title() string   { return "MFA recovery" }
func (m *Page) TakesText() bool { return m.phase == recSetup || m.phase == recCode }
func (m *Page) Asking() bool    { return m.askLeave }

// QuestionMarkIsHelp: past the setup form only the binding code is typed,
// and it is digits, so ? shows the full help.
func (m *Page) QuestionMarkIsHelp() bool { return m.phase != recSetup }

func (m *Page) Keys() help.KeyMap {
	k := m.ctx.Keys
	switch m.phase {
	case recSetup:
		// space switches the channel only on its line; in a field it types.
		if m.focus != recChannel {
			return common.Bindings{Short: []key.Binding{common.WithHelp(k.Select, "send the first code"), common.WithHelp(k.Next, "next"), k.Back, k.ForceQuit}}
		}
		return common.Bindings{Short: []key.Binding{common.WithHelp(k.Select, "send the first code"), common.WithHelp(k.Next, "next"), common.WithHelp(k.Toggle, "channel"), k.Back, k.ForceQuit}}
	case recCode:
		if m.askLeave {
			return common.Bindings{Short: []key.Binding{common.WithHelp(k.Confirm, "leave"), common.WithHelp(k.Deny, "stay")}}
		}
		resend, verify := common.WithHelp(k.NewCode, "resend"), common.WithHelp(k.Select, "verify")
		if m.resendWait() > 0 {
			resend = common.WithHelp(k.NewCode, "resend (wait)")
		}
		if m.checkWait() > 0 {
			verify = common.WithHelp(k.Select, "verify (wait)")
		}
		short := []key.Binding{verify, resend, k.Back, k.ForceQuit}
		return common.Bindings{Short: short, Full: [][]key.Binding{short, {k.Log}}}
	case recStartOver:
		return common.Bindings{Short: []key.Binding{common.WithHelp(k.Select, "start over"), k.Back, k.ForceQuit}}
	}
	return common.Bindings{Short: []key.Binding{common.WithHelp(k.Back, "cancel"), k.ForceQuit}}
}

// waitLeft is what is left of a 429's wait.
func (m *Page) waitLeft() time.Duration { return m.code.WaitLeft(m.ctx.Now()) }

// resendWait is how long a 429 on a send still holds resending back.
func (m *Page) resendWait() time.Duration { return m.code.HoldsSend(m.ctx.Now()) }

// checkWait is how long a 429 on a code check still holds checking back.
func (m *Page) checkWait() time.Duration { return m.code.HoldsCheck(m.ctx.Now()) }

func (m *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) { return m, m.update(msg) }

func (m *Page) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case AnswerMsg:
		if msg.ID != m.id || m.phase != recBusy {
			return nil
		}
		return m.onAnswer(msg)
	case recoveryTickMsg:
		if msg.id != m.id || m.waitLeft() <= 0 {
			return nil
		}
		return m.tick()
	case tea.KeyPressMsg:
		return m.onKey(msg)
	}
	switch m.phase {
	case recSetup:
		var cmd tea.Cmd
		m.inputs[m.focus], cmd = m.inputs[m.focus].Update(msg)
		return cmd
	case recCode:
		if _, ok := msg.(tea.PasteMsg); ok {
			// As on the MFA screen: a code pasted as an SMS shows it.
			m.err = ""
		}
		return m.code.Update(msg)
	}
	return nil
}

func (m *Page) tick() tea.Cmd {
	id := m.id
	return m.ctx.Tick(time.Second, func(time.Time) tea.Msg { return recoveryTickMsg{id: id} })
}

func (m *Page) onAnswer(msg AnswerMsg) tea.Cmd {
	// A code check that is answered without moving to the next step.
	checked := m.checking && msg.Session != nil && msg.Session.Step == m.checkStep
	m.checking = false
	if msg.Session != nil {
		m.session = msg.Session
	}
	if msg.Err == nil && msg.Res != nil {
		res, base := msg.Res, strings.TrimSpace(m.inputs[recBase].Value())
		return func() tea.Msg { return common.NavTokenMsg{Res: res, Base: base} }
	}
	m.phase = recCode
	if m.session == nil {
		m.phase = recSetup
	}
	limited, rateLimited := flows.RateLimited(msg.Err)
	if msg.Err == nil && m.code.WaitOnCheck() {
		m.code.EndWait() // a new code came: the wait was the old one's
	}
	if !(rateLimited && checked) && !(checked && codeinput.Unjudged(msg.Err)) {
		// A 429 on a check, or any answer that did not judge the code
		// (a 5xx, a scope or validation refusal), leaves it: it stays,
		// to be entered again.
		m.code.Reset()
	}
	if msg.Err != nil {
		m.err = common.ErrText(msg.Err)
		if rateLimited {
			// The wait's one line below says it, and goes when the wait ends.
			m.code.Limit(limited, m.ctx.Now(), checked)
			m.err = ""
			cmds := []tea.Cmd{m.tick()}
			if m.phase == recSetup {
				cmds = append(cmds, m.inputs[m.focus].Focus())
			} else {
				cmds = append(cmds, m.code.Focus())
			}
			return tea.Batch(cmds...)
		}
		switch {
		case m.phase == recSetup:
			return m.inputs[m.focus].Focus()
		case errors.Is(msg.Err, flows.ErrChallengeExpired) && m.session.Step == 1, errors.Is(msg.Err, flows.ErrMFAExpired):
			m.phase = recStartOver
			m.err += " — press enter to start the recovery over (new codes)"
			return nil
		case errors.Is(msg.Err, flows.ErrTooManyAttempts), errors.Is(msg.Err, flows.ErrChallengeExpired):
			m.err += " — press ctrl+n for a new code"
		}
	}
	return m.code.Focus()
}

func (m *Page) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.ctx.Keys
	switch m.phase {
	case recBusy:
		if key.Matches(msg, k.Back) {
			m.id = m.ctx.NextID() // its answer is dropped
			m.phase = recCode
			if m.session == nil {
				m.phase = recSetup
				m.err = "cancelled"
				return m.inputs[m.focus].Focus()
			}
			m.err = "cancelled"
			return m.code.Focus()
		}
		return nil
	case recSetup:
		return m.onSetupKey(msg)
	case recStartOver:
		switch {
		case key.Matches(msg, k.Select):
			return m.start()
		case key.Matches(msg, k.Back):
			return common.NavBack("MFA recovery left unfinished", false)
		}
		return nil
	}
	// recCode
	if m.askLeave {
		m.askLeave = false
		if key.Matches(msg, k.Confirm) {
			m.id = m.ctx.NextID()
			return common.NavBack("MFA recovery left unfinished", false)
		}
		return m.code.Focus() // any other key: stay
	}
	switch {
	case key.Matches(msg, k.Back) && m.session.Step > 1:
		// Step 1 is confirmed: leaving throws it away, and a new
		// recovery sends the user two new codes. Ask first, over the
		// steps it would throw away.
		m.askLeave = true
		m.code.Blur()
		return nil
	case key.Matches(msg, k.Back):
		m.id = m.ctx.NextID()
		return common.NavBack("MFA recovery left unfinished", false)
	case key.Matches(msg, k.Select):
		code, why := m.code.Submit()
		if why != "" {
			m.err = why // refused here: no attempt is used
			return nil
		}
		if m.checkWait() > 0 {
			m.code.Nudge()
			return nil
		}
		return m.answer(code)
	case key.Matches(msg, k.NewCode):
		if m.resendWait() > 0 {
			m.code.Nudge()
			return nil
		}
		return m.resend()
	}
	// A binding code is digits: other keys do not type.
	return m.code.Update(msg)
}

func (m *Page) onSetupKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.ctx.Keys
	switch {
	case key.Matches(msg, k.Back):
		// The root keeps the form, to show it again as it was typed.
		return func() tea.Msg { return SetupLeftMsg{Page: m} }
	case key.Matches(msg, k.Select):
		if err := m.request().Normalized().Validate(); err != nil {
			m.err = common.ErrText(err)
			return nil
		}
		if strings.TrimSpace(m.inputs[recBase].Value()) == "" {
			m.err = "the base URL is required"
			return nil
		}
		if m.resendWait() > 0 {
			m.code.Nudge() // its one line says how long
			return nil
		}
		return m.start()
	case key.Matches(msg, k.Next), key.Matches(msg, k.Prev):
		if m.focus < recFields-1 {
			m.inputs[m.focus].Blur()
		}
		if key.Matches(msg, k.Next) {
			m.focus = (m.focus + 1) % recFields
		} else {
			m.focus = (m.focus + recFields - 1) % recFields
		}
		if m.focus < recChannel {
			return m.inputs[m.focus].Focus()
		}
		return nil
	case m.focus == recChannel && key.Matches(msg, k.Toggle):
		m.channel = m.channel.Other()
		return nil
	case key.Matches(msg, k.ClearInput) && m.focus < recChannel:
		m.inputs[m.focus].SetValue("")
		return nil
	}
	if m.focus == recChannel {
		return nil
	}
	var cmd tea.Cmd
	m.inputs[m.focus], cmd = m.inputs[m.focus].Update(msg)
	return cmd
}

// begin numbers a new request and marks the screen busy.
func (m *Page) begin(what string) (int, *flows.Runner, error) {
	runner, err := m.ctx.NewRunner(strings.TrimSpace(m.inputs[recBase].Value()))
	if err != nil {
		return 0, nil, err
	}
	m.id = m.ctx.NextID()
	m.phase, m.busy, m.err = recBusy, what, ""
	m.checking = false
	m.code.Blur()
	for i := range m.inputs {
		m.inputs[i].Blur()
	}
	return m.id, runner, nil
}

func (m *Page) start() tea.Cmd {
	req := m.request()
	id, runner, err := m.begin("sending the recovery call (first code by " + flows.ChannelName(m.channel) + ")")
	if err != nil {
		m.err = common.ErrText(err)
		return nil
	}
	if m.ctx.Redactor != nil {
		m.ctx.Redactor.AddBasic(req.ClientID, req.ClientSecret)
		m.ctx.Redactor.AddToken(req.Bearer)
	}
	m.session, m.sentTo = nil, strings.TrimSpace(m.inputs[recBase].Value())
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		s, err := runner.StartRecovery(ctx, req)
		return AnswerMsg{ID: id, Session: s, Err: err}
	}
}

// copySession is a copy the command may change while View reads the one
// in place.
func copySession(s *flows.RecoverySession) *flows.RecoverySession {
	c := *s
	if s.First != nil {
		f := *s.First
		c.First = &f
	}
	if s.Second != nil {
		sec := *s.Second
		c.Second = &sec
	}
	return &c
}

func (m *Page) answer(code string) tea.Cmd {
	id, runner, err := m.begin(fmt.Sprintf("checking the step %d code", m.session.Step))
	if err != nil {
		m.err = common.ErrText(err)
		return nil
	}
	if m.ctx.Redactor != nil {
		m.ctx.Redactor.Add(code)
	}
	m.checking, m.checkStep = true, m.session.Step
	s, keep := copySession(m.session), m.keep
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		res, err := runner.Answer(ctx, s, code)
		if err == nil && res != nil && keep != nil {
			err = keep(res)
		}
		return AnswerMsg{ID: id, Session: s, Res: res, Err: err}
	}
}

func (m *Page) resend() tea.Cmd {
	ch := m.session.Channel()
	id, runner, err := m.begin("sending a new code by " + flows.ChannelName(ch))
	if err != nil {
		m.err = common.ErrText(err)
		return nil
	}
	s := copySession(m.session)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		err := runner.Resend(ctx, s, ch)
		return AnswerMsg{ID: id, Session: s, Err: err}
	}
}

// View draws the guided flow: where it stands, the code prompt, the
// countdown of a 429, the error, and the demo outbox.
func (m *Page) View() string {
	height := m.height
	s := m.ctx.Styles
	w := m.width // the body's, from SetSize
	var top, bottom []string
	if m.askLeave && m.phase == recCode {
		top = append(top, common.Wrap(s.Warn, fmt.Sprintf("Leave the MFA recovery? Step 1 (%s) is confirmed; leaving throws it away, and a new recovery sends the user new codes. y/n",
			flows.ChannelName(m.session.First.Channel)), w))
	}
	top = append(top, s.Warn.Render("MFA recovery: the user lost their device"))
	if m.phase == recSetup {
		top = append(top, common.Wrap(s.Muted, "Two codes: the first by the channel chosen here, the second, once the first is confirmed, by the other one. The recovery call needs the API client's token (admin:accounts, write:accounts or write:accounts:/auth/mfa).", w), "")
		labels := []string{"Base URL", "Account", "Client ID", "Secret", "Username"}
		for i, l := range labels {
			mark := "  "
			if m.focus == i {
				mark = s.Cursor.Render("› ")
			}
			top = append(top, mark+s.Label.Render(l)+" "+m.inputs[i].View())
		}
		mark := "  "
		if m.focus == recChannel {
			mark = s.Cursor.Render("› ")
		}
		if m.bearer != "" {
			top = append(top, "  "+s.Label.Render("Bearer")+" "+tokeninfo.Fingerprint(m.bearer)+s.Muted.Render("  (the sign-in's; a secret above replaces it)"))
		}
		first := mark + s.Label.Render("First code") + " " + flows.ChannelName(m.channel)
		why := "(space switches; the second goes by " + flows.ChannelName(m.channel.Other()) + ")"
		if ansi.StringWidth(first)+2+ansi.StringWidth(why) <= w {
			top = append(top, first+s.Muted.Render("  "+why))
		} else {
			// Narrow: the explanation under it, whole.
			top = append(top, first, s.Muted.PaddingLeft(4).Render(common.Wrap(s.Muted, why, w-4)))
		}
	} else {
		req := m.request()
		top = append(top, s.Label.Render("User")+" "+textsafe.Sanitize(req.Username)+s.Muted.Render(" on "+req.Account), "")
		if m.session != nil {
			top = append(top, m.stepLines()...)
			top = append(top, "")
		}
		switch m.phase {
		case recBusy:
			top = append(top, s.Muted.Render(m.busy+"…"))
		case recCode:
			cur := m.session.Current()
			top = append(top, s.Value.Render(m.session.Status())+"  "+codeinput.Attempts(cur.AttemptsLeft()))
			top = append(top, m.code.Line(s))
		case recStartOver:
			top = append(top, s.Value.Render(m.session.Status()))
		}
	}
	if line := m.code.WaitLine(s, m.ctx.Now(), w); line != "" {
		top = append(top, line)
	}
	if m.err != "" {
		top = append(top, common.Wrap(s.Error, "✗ "+m.err, w))
	}
	if box := common.DemoOutbox(m.ctx, m.sentTo, m.request().Username, time.Time{}, w); box != "" && m.session != nil {
		bottom = append(bottom, box)
	}
	lines := strings.Split(strings.Join(top, "\n"), "\n")
	if len(bottom) > 0 {
		box := strings.Split(strings.Join(bottom, "\n"), "\n")
		if len(lines)+1+len(box) <= height {
			lines = append(lines, "")
		}
		// The outbox holds the code: it stays; the top gives way, keeping
		// its first lines and the prompt.
		for len(lines)+len(box) > height && len(lines) > 1 {
			lines = append(lines[:1], lines[2:]...)
		}
		lines = append(lines, box...)
	}
	return strings.Join(lines, "\n")
}

// stepLines is the two steps with their state.
func (m *Page) stepLines() []string {
	s := m.ctx.Styles
	sess := m.session
	var out []string
	for step := 1; step <= flows.RecoverySteps; step++ {
		ch := sess.First.Channel
		if step == 2 {
			ch = ch.Other()
		}
		state, mark := "waiting", s.Muted.Render("·")
		switch {
		case step < sess.Step:
			state, mark = "confirmed", s.OK.Render("✓")
		case step == sess.Step && sess.Current() != nil && sess.Current().Challenged():
			state, mark = "code sent", s.Warn.Render("›")
			if n := sess.Current().Attempts; n > 0 {
				state += fmt.Sprintf(", %d wrong", n)
			}
		}
		out = append(out, fmt.Sprintf("%s step %d of %d  code by %-6s  %s", mark, step, flows.RecoverySteps, flows.ChannelName(ch), state))
	}
	return out
}

// Account is the account the header's badge names.
func (m *Page) Account() string { return m.request().Account }

// Owns: the recovery's answers and its countdown's ticks are the page's
// wherever it is in the back stack.
func (m *Page) Owns(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case AnswerMsg:
		return msg.ID == m.id
	case recoveryTickMsg:
		return msg.id == m.id
	}
	return false
}
