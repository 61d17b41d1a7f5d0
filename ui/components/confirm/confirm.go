// Package confirm is a y/n question as a page: yes runs a command, no
// closes it with a status.
package confirm

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/ui/common"
)

// Page asks a y/n question before something that cannot be undone:
// y goes back and runs yes; any other key goes back saying no.
type Page struct {
	ctx      *common.Context
	title    string
	question string
	yes      tea.Cmd
	no       string // the status when the answer is not y
	width    int
}

// New asks question (y/n) under title: y closes the page and runs yes,
// anything else closes it and shows no as the status.
func New(ctx *common.Context, title, question string, yes tea.Cmd, no string) *Page {
	return &Page{ctx: ctx, title: title, question: question, yes: yes, no: no, width: ctx.Width - 2}
}

func (p *Page) Title() string { return p.title }

// TakesText: every key answers the question (? and q answer no).
func (p *Page) TakesText() bool      { return true }
func (p *Page) SetSize(width, _ int) { p.width = width }
func (p *Page) Keys() help.KeyMap {
	return common.Bindings{Short: []key.Binding{p.ctx.Keys.Confirm, p.ctx.Keys.Deny}}
}
func (p *Page) View() string { return common.Wrap(p.ctx.Styles.Warn, p.question, p.width) }
func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	if key.Matches(k, p.ctx.Keys.Confirm) {
		yes := p.yes
		return p, func() tea.Msg { return common.CloseThenMsg{Then: yes} }
	}
	no := p.no
	return p, func() tea.Msg { return common.CloseWithStatusMsg{Status: no} }
}
