package ui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

type (
	// sentMsg is the answer of a sending page's request, tagged with the
	// request's id: the root handles its inner message (a resultMsg, a
	// revokedMsg) only when the page on top accepts the id.
	sentMsg struct {
		id  int
		msg tea.Msg
	}
	// sendCancelledMsg tells the root the user cancelled the request.
	sendCancelledMsg struct{}
)

// sendingPage is the screen while a request is in flight: a spinner, what
// is being done, the time it has taken, and esc to cancel.
type sendingPage struct {
	ctx     *Context
	label   string
	account string
	spin    spinner.Model
	req     int
	cancel  context.CancelFunc
	done    bool
	started time.Time
}

func newSendingPage(ctx *Context, label, account string) *sendingPage {
	return &sendingPage{ctx: ctx, label: label, account: account, started: ctx.Now(),
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

// start runs the request: run does the work with the page's cancellable
// context and returns the message for the root. The command is a batch of
// the spinner and the request, in that order.
func (p *sendingPage) start(run func(context.Context) tea.Msg) tea.Cmd {
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.req, p.started = cancel, p.ctx.nextID(), p.ctx.Now()
	id := p.req
	return tea.Batch(p.spin.Tick, func() tea.Msg { return sentMsg{id: id, msg: run(ctx)} })
}

func (p *sendingPage) Title() string     { return "sending" }
func (p *sendingPage) TakesText() bool   { return false }
func (p *sendingPage) SetSize(_, _ int)  {}
func (p *sendingPage) Busy() bool        { return !p.done }
func (p *sendingPage) Account() string   { return p.account }
func (p *sendingPage) Keys() help.KeyMap { return p.keys() }
func (p *sendingPage) keys() bindings {
	k := p.ctx.Keys
	return bindings{short: []key.Binding{withHelp(k.Back, "cancel"), k.ForceQuit}}
}

func (p *sendingPage) View() string {
	s := p.ctx.Styles
	return fmt.Sprintf("%s %s… %s\n\n%s", p.spin.View(), p.label,
		s.Muted.Render(fmt.Sprintf("%.1fs", p.ctx.Now().Sub(p.started).Seconds())), s.Muted.Render("esc cancels the request"))
}

func (p *sendingPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if p.done {
			return p, nil
		}
		var cmd tea.Cmd
		p.spin, cmd = p.spin.Update(msg)
		return p, cmd
	case tea.KeyPressMsg:
		if key.Matches(msg, p.ctx.Keys.Back) && !p.done {
			p.abort()
			return p, func() tea.Msg { return sendCancelledMsg{} }
		}
	}
	return p, nil
}

// accept reports whether id is the page's request, still awaited; the
// page is done with it then.
func (p *sendingPage) accept(id int) bool {
	if id != p.req || p.done {
		return false
	}
	p.done, p.cancel = true, nil
	return true
}

// abort cancels the request; its answer will be dropped.
func (p *sendingPage) abort() {
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
	p.done = true
}

func (*sendingPage) IsRequestStep() {}
