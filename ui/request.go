package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
)

// formSetup is what a form page is opened for, beyond its fields: the
// form applies it itself (nobody else writes its fields).
type formSetup struct {
	// draft and oneOff: see formPage.
	draft  string
	oneOff bool
	// editing is the profile edited, duplicateOf the one duplicated: the
	// form starts from it (what it does not show is carried over).
	editing, duplicateOf *profiles.Profile
	// savedFrom is the token a profile is saved from.
	savedFrom *flows.Result
	// toggles, when set, are the profile toggles to start with.
	toggles *profileToggles
}

// Messages the root sends the form.
type (
	// setBannerMsg shows text (an error, what is needed) above the form.
	setBannerMsg struct{ text string }
	// focusFieldMsg moves the focus to a field.
	focusFieldMsg struct{ field string }
)

type (
	// formBackMsg: esc on the form; the root keeps what was typed for
	// the next form.
	formBackMsg struct {
		values map[string]string
		chain  bool
		form   *formPage
	}
	// formSubmitMsg: the form validated and asks to be sent or saved.
	formSubmitMsg struct{ form *formPage }
)

// formPage is the request form (or the profile form) as a Page: its
// fields, focus, banner and size are its own; sending and saving, which
// need the session, it asks the root for.
type formPage struct {
	ctx *Context
	formModel
	height int
	// oneOff: a new request of its own (n, the chooser), not a home
	// item's: its token belongs to no profile.
	oneOff bool
	// draft names the form for the drafts kept when it is left with esc
	// (see flow.keepDraft); "" for the chooser's request form, whose
	// values the flow carries.
	draft string
}

// clearSecrets drops the secrets typed into the form: a secret field
// shows what it was opened with again (keepGiven: a connection's secret),
// or nothing; what the form carried for other grants goes.
func (p *formPage) clearSecrets(keepGiven bool) {
	for _, fl := range p.fields {
		if fl.spec.secret {
			v := ""
			if keepGiven {
				v = fl.initial
			}
			fl.input.SetValue(v)
			fl.revealed, fl.input.EchoMode = false, textinput.EchoPassword
		}
	}
	for k := range p.carried {
		if specs[k].secret {
			delete(p.carried, k)
		}
	}
}

func newFormPage(ctx *Context, f formModel, s formSetup) *formPage {
	p := &formPage{ctx: ctx, formModel: f, draft: s.draft, oneOff: s.oneOff}
	p.savedFrom = s.savedFrom
	for _, base := range []*profiles.Profile{s.editing, s.duplicateOf} {
		if base != nil {
			p.base = *base
			p.profileToggles = togglesOf(*base)
		}
	}
	if s.editing != nil {
		p.editing = s.editing.Name
	}
	if s.duplicateOf != nil {
		p.duplicateOf = s.duplicateOf.Name
	}
	if s.toggles != nil {
		p.profileToggles = *s.toggles
	}
	return p
}

// Title is the breadcrumb: the form, and the grant (and profile) it is for.
func (p *formPage) Title() string {
	what := " · "
	if p.profileMode {
		what = " · profile · "
	}
	return "request" + what + string(p.grant)
}

func (p *formPage) TakesText() bool { return true }
func (p *formPage) SetSize(width, height int) {
	p.setWidth(width)
	p.height = height
	// The keyring's answer may come after the form opened.
	p.noKeyring = p.ctx.keyringMissing
	if fl := p.get(fSource); fl != nil && p.newProfile() {
		fl.input.Placeholder = string(p.defaultSource())
	}
}
func (p *formPage) Keys() help.KeyMap { return p.keys(p.ctx.Keys) }
func (p *formPage) Account() string   { return p.value(fAccount) }
func (p *formPage) View() string      { return p.view(p.ctx.Styles, p.width, p.height) }

func (p *formPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case setBannerMsg:
		p.banner = msg.text
		return p, nil
	case focusFieldMsg:
		p.focusField(msg.field)
		return p, nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		// A paste, a cursor blink: the focused field's.
		if f := p.focused(); f != nil {
			if paste, ok := msg.(tea.PasteMsg); ok && f.spec.key == fBindingCode {
				// The binding code's field cleans a paste as codeInput does.
				msg = cleanCodePaste(paste)
			}
			var cmd tea.Cmd
			f.input, cmd = f.input.Update(msg)
			f.clean()
			return p, cmd
		}
		return p, nil
	}
	if key.Matches(km, p.ctx.Keys.Back) {
		values, chain := p.values(), p.chain
		return p, func() tea.Msg { return formBackMsg{values: values, chain: chain, form: p} }
	}
	cmd, submit := p.update(km, p.ctx.Keys)
	if !submit {
		return p, cmd
	}
	p.banner = ""
	// The keyring's answer decides where typed secrets go.
	p.noKeyring = p.ctx.keyringMissing
	if !p.validate() {
		return p, nil
	}
	return p, func() tea.Msg { return formSubmitMsg{form: p} }
}

func (*formPage) IsRequestForm() {}
