// Package request is the request form (or a profile's form) as a page.
package request

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/form"
)

// Setup is what a form page is opened for, beyond its fields: the
// form applies it itself (nobody else writes its fields).
type Setup struct {
	// Draft and OneOff: see Page.Draft and Page.OneOff.
	Draft  string
	OneOff bool
	// Editing is the profile edited, duplicateOf the one duplicated: the
	// form starts from it (what it does not show is carried over).
	Editing, DuplicateOf *profiles.Profile
	// SavedFrom is the token a profile is saved from.
	SavedFrom *flows.Result
	// Toggles, when set, are the profile toggles to start with.
	Toggles *form.ProfileToggles
}

// Messages the root sends the form.
type (
	// SetBannerMsg shows text (an error, what is needed) above the form.
	SetBannerMsg struct{ Text string }
	// FocusFieldMsg moves the focus to a field.
	FocusFieldMsg struct{ Field string }
)

type (
	// FormBackMsg: esc on the form; the root keeps what was typed for
	// the next form.
	FormBackMsg struct {
		Values map[string]string
		Chain  bool
		Form   *Page
	}
	// FormSubmitMsg: the form validated and asks to be sent or saved.
	FormSubmitMsg struct{ Form *Page }
)

// Page is the request form (or the profile form) as a Page: its
// fields, focus, banner and size are its own; sending and saving, which
// need the session, it asks the root for.
type Page struct {
	ctx *common.Context
	form.Model
	height int
	width  int
	// oneOff: a new request of its own (n, the chooser), not a home
	// item's: its token belongs to no profile.
	oneOff bool
	// draft names the form for the drafts kept when it is left with esc
	// (see the root's drafts); "" for the chooser's request form, whose
	// values the flow carries.
	draft string
}

// OneOff reports a new request of its own (n, the chooser), not a home
// item's: its token belongs to no profile.
func (p *Page) OneOff() bool { return p.oneOff }

// Draft names the form for the drafts kept when it is left with esc; ""
// for the chooser's request form, whose values the flow carries.
func (p *Page) Draft() string { return p.draft }

// New is the form page of f, opened for s.
func New(ctx *common.Context, f form.Model, s Setup) *Page {
	p := &Page{ctx: ctx, Model: f, draft: s.Draft, oneOff: s.OneOff}
	p.StartFrom(s.Editing, s.DuplicateOf, s.SavedFrom, s.Toggles)
	return p
}

// Title is the breadcrumb: the form, and the grant (and profile) it is for.
func (p *Page) Title() string {
	what := " · "
	if p.ProfileMode() {
		what = " · profile · "
	}
	return "request" + what + string(p.Grant())
}

func (p *Page) TakesText() bool { return true }
func (p *Page) SetSize(width, height int) {
	p.SetWidth(width)
	p.width, p.height = width, height
	// The keyring's answer may come after the form opened.
	p.SetNoKeyring(p.ctx.KeyringMissing)
}
func (p *Page) Keys() help.KeyMap { return p.Model.Keys(p.ctx.Keys) }
func (p *Page) Account() string   { return p.Value(form.FAccount) }
func (p *Page) View() string      { return p.Model.View(p.ctx.Styles, p.width, p.height) }

func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case SetBannerMsg:
		p.SetBanner(msg.Text)
		return p, nil
	case FocusFieldMsg:
		p.FocusField(msg.Field)
		return p, nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		// A paste, a cursor blink: the focused field's.
		return p, p.TypeInto(msg)
	}
	if key.Matches(km, p.ctx.Keys.Back) {
		values, chain := p.Values(), p.Chain()
		return p, func() tea.Msg { return FormBackMsg{Values: values, Chain: chain, Form: p} }
	}
	cmd, submit := p.Model.Update(km, p.ctx.Keys)
	if !submit {
		return p, cmd
	}
	p.SetBanner("")
	// The keyring's answer decides where typed secrets go.
	p.SetNoKeyring(p.ctx.KeyringMissing)
	if !p.Validate() {
		return p, nil
	}
	return p, func() tea.Msg { return FormSubmitMsg{Form: p} }
}

func (*Page) IsRequestForm() {}
