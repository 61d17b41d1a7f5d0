package request

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"

	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/codeinput"
	"github.com/tokenbench/tokenbench/ui/components/form"
)

// Setup is what a form page is opened for, beyond its fields: the
// form applies it itself (nobody else writes its fields).
type Setup struct {
	// Draft and oneOff: see formPage.
	Draft  string
	OneOff bool
	// Editing is the profile edited, duplicateOf the one duplicated: the
	// form starts from it (what it does not show is carried over).
	Editing, DuplicateOf *profiles.Profile
	// SavedFrom is the token a profile is saved from.
	SavedFrom *flows.Result
	// toggles, when set, are the profile toggles to start with.
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
	// OneOff: a new request of its own (n, the chooser), not a home
	// item's: its token belongs to no profile.
	OneOff bool
	// Draft names the form for the drafts kept when it is left with esc
	// (see flow.keepDraft); "" for the chooser's request form, whose
	// values the flow carries.
	Draft string
}

// ClearSecrets drops the secrets typed into the form: a secret field
// shows what it was opened with again (keepGiven: a connection's secret),
// or nothing; what the form carried for other grants goes.
func (p *Page) ClearSecrets(keepGiven bool) {
	for _, fl := range p.Fields {
		if fl.Spec.Secret {
			v := ""
			if keepGiven {
				v = fl.Initial
			}
			fl.Input.SetValue(v)
			fl.Revealed, fl.Input.EchoMode = false, textinput.EchoPassword
		}
	}
	for k := range p.Carried {
		if form.Specs[k].Secret {
			delete(p.Carried, k)
		}
	}
}

func New(ctx *common.Context, f form.Model, s Setup) *Page {
	p := &Page{ctx: ctx, Model: f, Draft: s.Draft, OneOff: s.OneOff}
	p.SavedFrom = s.SavedFrom
	for _, base := range []*profiles.Profile{s.Editing, s.DuplicateOf} {
		if base != nil {
			p.Base = *base
			p.ProfileToggles = form.TogglesOf(*base)
		}
	}
	if s.Editing != nil {
		p.Editing = s.Editing.Name
	}
	if s.DuplicateOf != nil {
		p.DuplicateOf = s.DuplicateOf.Name
	}
	if s.Toggles != nil {
		p.ProfileToggles = *s.Toggles
	}
	return p
}

// Title is the breadcrumb: the form, and the grant (and profile) it is for.
func (p *Page) Title() string {
	what := " · "
	if p.ProfileMode {
		what = " · profile · "
	}
	return "request" + what + string(p.Grant)
}

func (p *Page) TakesText() bool { return true }
func (p *Page) SetSize(width, height int) {
	p.SetWidth(width)
	p.height = height
	// The keyring's answer may come after the form opened.
	p.NoKeyring = p.ctx.KeyringMissing
	if fl := p.Get(form.FSource); fl != nil && p.NewProfile() {
		fl.Input.Placeholder = string(p.DefaultSource())
	}
}
func (p *Page) Keys() help.KeyMap { return p.Model.Keys(p.ctx.Keys) }
func (p *Page) Account() string   { return p.Value(form.FAccount) }
func (p *Page) View() string      { return p.Model.View(p.ctx.Styles, p.Width, p.height) }

func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case SetBannerMsg:
		p.Banner = msg.Text
		return p, nil
	case FocusFieldMsg:
		p.FocusField(msg.Field)
		return p, nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		// A paste, a cursor blink: the focused field's.
		if f := p.Focused(); f != nil {
			if paste, ok := msg.(tea.PasteMsg); ok && f.Spec.Key == form.FBindingCode {
				// The binding code's field cleans a paste as codeInput does.
				msg = codeinput.CleanCodePaste(paste)
			}
			var cmd tea.Cmd
			f.Input, cmd = f.Input.Update(msg)
			f.Clean()
			return p, cmd
		}
		return p, nil
	}
	if key.Matches(km, p.ctx.Keys.Back) {
		values, chain := p.Values(), p.Chain
		return p, func() tea.Msg { return FormBackMsg{Values: values, Chain: chain, Form: p} }
	}
	cmd, submit := p.Model.Update(km, p.ctx.Keys)
	if !submit {
		return p, cmd
	}
	p.Banner = ""
	// The keyring's answer decides where typed secrets go.
	p.NoKeyring = p.ctx.KeyringMissing
	if !p.Validate() {
		return p, nil
	}
	return p, func() tea.Msg { return FormSubmitMsg{Form: p} }
}

func (*Page) IsRequestForm() {}
