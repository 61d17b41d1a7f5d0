// Package sending is the screen of a request in flight, which esc
// cancels.
package sending

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/ui/common"
)

type (
	// SentMsg is the answer of a sending page's request, tagged with the
	// request's id: the root handles its inner message (a resultMsg, a
	// revokedMsg) only when the page on top accepts the id.
	SentMsg struct {
		ID  int
		Msg tea.Msg
	}
	// SendCancelledMsg tells the root the user cancelled the request.
	SendCancelledMsg struct{}
)

// Page is the screen while a request is in flight: a spinner, what
// is being done, the time it has taken, and esc to cancel.
type Page struct {
	ctx     *common.Context
	label   string
	account string
	spin    spinner.Model
	req     common.Request
	done    bool
	started time.Time
}

// New is the "sending…" screen of a request labelled label, for account.
func New(ctx *common.Context, label, account string) *Page {
	return &Page{ctx: ctx, label: label, account: account, started: ctx.Now(),
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

// Start runs the request: run does the work with the page's cancellable
// context and returns the message for the root. The command is a batch of
// the spinner and the request, in that order.
func (p *Page) Start(run func(context.Context) tea.Msg) tea.Cmd {
	ctx, id := p.req.Begin(p.ctx)
	p.started = p.ctx.Now()
	return tea.Batch(p.spin.Tick, func() tea.Msg { return SentMsg{ID: id, Msg: run(ctx)} })
}

func (p *Page) Title() string     { return "sending" }
func (p *Page) TakesText() bool   { return false }
func (p *Page) SetSize(_, _ int)  {}
func (p *Page) Busy() bool        { return !p.done }
func (p *Page) Account() string   { return p.account }
func (p *Page) Keys() help.KeyMap { return p.keys() }
func (p *Page) keys() common.Bindings {
	k := p.ctx.Keys
	return common.Bindings{Short: []key.Binding{common.WithHelp(k.Back, "cancel"), k.ForceQuit}}
}

func (p *Page) View() string {
	s := p.ctx.Styles
	return fmt.Sprintf("%s %s… %s\n\n%s", p.spin.View(), p.label,
		s.Muted.Render(fmt.Sprintf("%.1fs", p.ctx.Now().Sub(p.started).Seconds())), s.Muted.Render("esc cancels the request"))
}

func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
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
			return p, func() tea.Msg { return SendCancelledMsg{} }
		}
	}
	return p, nil
}

// Accept reports whether id is the page's request, still awaited; the
// page is done with it then.
func (p *Page) Accept(id int) bool {
	if !p.req.Answers(id) || p.done {
		return false
	}
	p.done = true
	p.req.Done() // the request is over: its context is released
	return true
}

// abort cancels the request; its answer will be dropped.
func (p *Page) abort() {
	p.req.Done()
	p.done = true
}

func (*Page) IsRequestStep() {}
