// Package chooser is the grant chooser.
package chooser

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/components/menu"
)

// GrantChosenMsg: the chooser picked a grant, for a request or for a new
// profile; the root opens the form.
type GrantChosenMsg struct {
	Grant      client.Grant
	ForProfile bool
}

// chooserLeftMsg: esc on the chooser, leaving the request (or the new
// profile) on purpose; afterForm: a form was left back to it, so the root
// forgets the secrets typed there. formLeftMsg tells the chooser so.
type (
	LeftMsg     struct{ ForProfile, AfterForm bool }
	FormLeftMsg struct{}
)

// Page picks a grant type, each explained in a line.
type Page struct {
	ctx           *common.Context
	menu          menu.Model
	forProfile    bool
	afterForm     bool // a form was left back to this chooser
	width, height int
}

// New is the grant chooser: of a request, or of a new profile.
func New(ctx *common.Context, forProfile bool) *Page {
	return &Page{ctx: ctx, menu: form.ChooserFor(forProfile), forProfile: forProfile}
}

func (p *Page) Title() string    { return "choose a grant" }
func (p *Page) TakesText() bool  { return false }
func (p *Page) SetSize(w, h int) { p.width, p.height = w, h }

func (p *Page) Keys() help.KeyMap {
	k := p.ctx.Keys
	return common.Bindings{Short: []key.Binding{k.Up, k.Down, k.Select, k.Back, k.Quit},
		Full: [][]key.Binding{{k.Up, k.Down, k.Select}, {k.Back, k.Help, k.Quit, k.ForceQuit}}}
}

func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	k := p.ctx.Keys
	if _, ok := msg.(FormLeftMsg); ok {
		p.afterForm = true
	}
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, k.Select) && p.menu.Cursor() >= form.Grants():
			return p, func() tea.Msg { return common.RecoveryChosenMsg{} }
		case key.Matches(msg, k.Select):
			g, _ := form.GrantAt(p.menu.Cursor())
			chosen := GrantChosenMsg{Grant: g, ForProfile: p.forProfile}
			return p, func() tea.Msg { return chosen }
		case key.Matches(msg, k.Back):
			left := LeftMsg{ForProfile: p.forProfile, AfterForm: p.afterForm}
			return p, func() tea.Msg { return left }
		}
		p.menu.Update(msg, k)
	}
	return p, nil
}

func (p *Page) View() string {
	return p.menu.View(p.ctx.Styles, p.width, p.height)
}
