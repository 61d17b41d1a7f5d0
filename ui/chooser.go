package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
)

// grantChosenMsg: the chooser picked a grant, for a request or for a new
// profile; the root opens the form.
type grantChosenMsg struct {
	grant      client.Grant
	forProfile bool
}

// chooserLeftMsg: esc on the chooser, leaving the request (or the new
// profile) on purpose; afterForm: a form was left back to it, so the root
// forgets the secrets typed there. formLeftMsg tells the chooser so.
type (
	chooserLeftMsg struct{ forProfile, afterForm bool }
	formLeftMsg    struct{}
)

// chooserPage picks a grant type, each explained in a line.
type chooserPage struct {
	ctx           *Context
	menu          menu
	forProfile    bool
	afterForm     bool // a form was left back to this chooser
	width, height int
}

func newChooserPage(ctx *Context, forProfile bool) *chooserPage {
	return &chooserPage{ctx: ctx, menu: chooserFor(forProfile), forProfile: forProfile}
}

func (p *chooserPage) Title() string    { return "choose a grant" }
func (p *chooserPage) TakesText() bool  { return false }
func (p *chooserPage) SetSize(w, h int) { p.width, p.height = w, h }

func (p *chooserPage) Keys() help.KeyMap {
	k := p.ctx.Keys
	return bindings{short: []key.Binding{k.Up, k.Down, k.Select, k.Back, k.Quit},
		full: [][]key.Binding{{k.Up, k.Down, k.Select}, {k.Back, k.Help, k.Quit, k.ForceQuit}}}
}

func (p *chooserPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	k := p.ctx.Keys
	if _, ok := msg.(formLeftMsg); ok {
		p.afterForm = true
	}
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, k.Select) && p.menu.cursor >= len(grantInfos):
			return p, func() tea.Msg { return recoveryChosenMsg{} }
		case key.Matches(msg, k.Select):
			chosen := grantChosenMsg{grant: grantInfos[p.menu.cursor].grant, forProfile: p.forProfile}
			return p, func() tea.Msg { return chosen }
		case key.Matches(msg, k.Back):
			left := chooserLeftMsg{forProfile: p.forProfile, afterForm: p.afterForm}
			return p, func() tea.Msg { return left }
		}
		p.menu.update(msg, k)
	}
	return p, nil
}

func (p *chooserPage) View() string {
	return p.menu.view(p.ctx.Styles, p.width, p.height)
}
