package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// confirmPage asks a y/n question before something that cannot be undone:
// y goes back and runs yes; any other key goes back saying no.
type confirmPage struct {
	ctx      *Context
	title    string
	question string
	yes      tea.Cmd
	no       string // the status when the answer is not y
	width    int
}

func newConfirmPage(ctx *Context, title, question string, yes tea.Cmd, no string) *confirmPage {
	return &confirmPage{ctx: ctx, title: title, question: question, yes: yes, no: no, width: ctx.Width - 2}
}

func (p *confirmPage) Title() string { return p.title }

// TakesText: every key answers the question (? and q answer no).
func (p *confirmPage) TakesText() bool      { return true }
func (p *confirmPage) SetSize(width, _ int) { p.width = width }
func (p *confirmPage) Keys() help.KeyMap {
	return bindings{short: []key.Binding{p.ctx.Keys.Confirm, p.ctx.Keys.Deny}}
}
func (p *confirmPage) View() string { return wrap(p.ctx.Styles.Warn, p.question, p.width) }
func (p *confirmPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	if key.Matches(k, p.ctx.Keys.Confirm) {
		yes := p.yes
		return p, func() tea.Msg { return closeThenMsg{then: yes} }
	}
	no := p.no
	return p, func() tea.Msg { return closeWithStatusMsg{status: no} }
}
