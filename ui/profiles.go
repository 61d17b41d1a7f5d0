package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/session"
)

type (
	// needInputMsg: a profile's secrets were read; err says what is
	// missing (a secret asked for each time, a keyring that failed).
	needInputMsg struct {
		gen  int
		req  flows.Request
		base string
		err  error
	}
	profileSavedMsg struct {
		name     string
		profiles []profiles.Profile
		err      error
		// unkept: the profile keeps tokens but no keyring is here.
		unkept bool
	}
	profileDeletedMsg struct {
		name     string
		profiles []profiles.Profile
		err      error
	}
	autoRefreshMsg struct {
		name string
		out  session.Outcome
		err  error
	}
	keptTokensMsg struct{ held int }
)

// heldName is the name the session holds a home item's token under: a
// profile's own name, or the item key of a connection ("conn:N", which no
// profile name can be).
func heldName(key string) string {
	if name, ok := strings.CutPrefix(key, "profile:"); ok {
		return name
	}
	return key
}

func (m *Model) canChangeProfiles() bool {
	switch {
	case m.ctx.Store == nil:
		m.setStatus("profiles are not saved in the demo; run tokenbench without demo to keep them", true)
		return false
	case m.readOnly != "":
		m.setStatus("read-only: fix the profiles file first", true)
		return false
	}
	return true
}

// runItem runs a home item: a held, unexpired token is shown as it is.
func (m *Model) runItem(it homeItem, id int) tea.Cmd {
	if it.key == newItem.key {
		m.activeKey, m.active = "", nil
		m.openChooser(false)
		return nil
	}
	base := ""
	if it.profile != nil {
		base = it.profile.BaseURLOrDefault()
	} else {
		base = it.conn.BaseURL
	}
	if res, ok := m.ctx.Session.Held(heldName(it.key)); ok && !res.Expiry.Expired(m.ctx.Now()) {
		runner, err := m.ctx.NewRunner(base)
		if err != nil {
			m.setStatus(errText(err), true)
			return nil
		}
		m.activeKey, m.runner, m.baseURL, m.sentFrom = it.key, runner, base, scrHome
		m.stack = append(m.stack[:0], scrHome)
		if it.profile != nil {
			p := *it.profile
			m.active = &p
		}
		_, cmd := m.showToken(res)
		m.setStatus("token still valid, shown as held", false)
		return cmd
	}
	m.activeKey, m.active = it.key, nil
	if it.conn != nil {
		c := it.conn
		m.channel = c.Channel
		m.chain = c.Request.ClientSecret != "" && c.Request.Grant != client.GrantClientCredentials
		m.form = newFormPage(m.ctx, newForm(c.Request.Grant, valuesFor(c.Request, c.BaseURL), m.chain, m.ctx.Width-2))
		m.stack = append(m.stack[:0], scrHome)
		// Errors open the form, so they can be fixed there.
		return m.start(c.Request, c.BaseURL, scrForm)
	}
	p := *it.profile
	m.active = &p
	m.channel = p.Channel()
	req := p.Request()
	sec := m.ctx.Secrets
	gen := id
	m.setStatus("reading the secrets of "+p.Name+"…", false)
	// Secrets come from the keyring or a command: not on the UI goroutine.
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := sec.FillSecrets(ctx, p, &req, nil)
		return needInputMsg{gen: gen, req: req, base: p.BaseURLOrDefault(), err: err}
	}
}

func (m *Model) onNeedInput(msg needInputMsg) (tea.Model, tea.Cmd) {
	if !m.home.accept(msg.gen) || m.scr != scrHome {
		return m, nil
	}
	m.status = status{}
	m.chain = msg.req.Grant != client.GrantClientCredentials && msg.req.ClientID != "" && msg.req.Bearer == ""
	m.form = newFormPage(m.ctx, newForm(msg.req.Grant, valuesFor(msg.req, msg.base), m.chain, m.ctx.Width-2))
	m.stack = append(m.stack[:0], scrHome)
	if msg.err != nil {
		// Ask in the form: it is where the missing secret can be typed.
		// The form opens on the first empty secret, without red errors:
		// nothing was done wrong yet.
		m.form.banner = "this profile needs input: " + errText(msg.err)
		if (errors.Is(msg.err, client.ErrInvalidInput) || errors.Is(msg.err, profiles.ErrNotSet)) && m.active != nil {
			banner, first := missingSecrets(*m.active, &m.form.formModel)
			m.form.banner = banner
			m.form.focusField(first)
		}
		m.showForm()
		return m, nil
	}
	return m, m.start(msg.req, msg.base, scrForm)
}

func (m *Model) editItem(it homeItem) tea.Cmd {
	switch {
	case it.conn != nil:
		c := it.conn
		m.activeKey = it.key
		m.chain = c.Request.ClientSecret != "" && c.Request.Grant != client.GrantClientCredentials
		m.openFormPage(newForm(c.Request.Grant, valuesFor(c.Request, c.BaseURL), m.chain, m.ctx.Width-2))
	case it.profile != nil && m.canChangeProfiles():
		p := *it.profile
		storePw := profiles.SourceOf(p, profiles.Password).Stored()
		m.openFormPage(newProfileForm(client.Grant(p.Grant), valuesForProfile(p), p.ClientID != "" && p.Grant != string(client.GrantClientCredentials), storePw, true, m.ctx.Width-2))
		m.form.editing, m.form.base = p.Name, p
		m.form.setProfileToggles(p)
	}
	return nil
}

// openSaveAs opens the profile form on a token's request.
func (m *Model) openSaveAs(res *flows.Result) tea.Cmd {
	if !m.canChangeProfiles() {
		return nil
	}
	values := valuesFor(res.Request, m.baseURL)
	m.openFormPage(newProfileForm(res.Request.Grant, values, res.BearerChained, false, false, m.ctx.Width-2))
	m.form.savedFrom = res
	return nil
}

// saveProfile saves the profile form: secrets typed into it go to where the
// profile keeps them (the keyring by default) before the profile is saved,
// so a secret that cannot be kept saves nothing.
func (m *Model) saveProfile() tea.Cmd {
	p, typed := m.form.profile()
	oldName, dupOf := m.form.editing, m.form.duplicateOf
	if dupOf != "" {
		oldName = dupOf // its secrets' sources carry over
	}
	var old *profiles.Profile
	for i := range m.profiles {
		if m.profiles[i].Name == oldName {
			old = &m.profiles[i]
		}
	}
	p.Secrets = map[profiles.Kind]profiles.Source{}
	if old != nil {
		for k, v := range old.Secrets {
			p.Secrets[k] = v
		}
	}
	// The form's "Secrets in" says where the client secret comes from,
	// and where typed secrets are kept; empty keeps what the profile had
	// (the keyring for new ones).
	chosen := profiles.Source(m.form.value(fSource))
	if chosen != "" && p.ClientID != "" {
		p.Secrets[profiles.ClientSecret] = chosen
	}
	for k, v := range typed {
		if v == "" {
			continue
		}
		switch src := p.Secrets[k]; {
		case chosen != "":
			p.Secrets[k] = chosen
		case src == "" || src == profiles.SourceAsk:
			p.Secrets[k] = profiles.SourceKeyring
		}
		if !p.Secrets[k].Stored() {
			delete(typed, k) // read from elsewhere each time
		}
	}
	if p.Grant == string(client.GrantPassword) && !m.form.storePw {
		// Asked for each time: the session deletes a stored one.
		p.Secrets[profiles.Password] = profiles.SourceAsk
	}
	if err := p.Validate(); err != nil {
		m.form.banner = errText(err)
		return nil
	}
	values := session.Values{}
	for k, v := range typed {
		if v != "" {
			values[k] = v
		}
	}
	svc, store, savedFrom, sec := m.ctx.Session, m.ctx.Store, m.form.savedFrom, m.ctx.Secrets
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var err error
		switch {
		case dupOf != "":
			// The copy gets the original's stored secrets, then the
			// form's changes.
			if err = svc.Duplicate(ctx, dupOf, p.Name); err == nil {
				err = svc.Update(ctx, p.Name, p, values)
			}
		case old != nil:
			err = svc.Update(ctx, old.Name, p, values)
		default:
			err = svc.Create(ctx, p, values)
		}
		if err == nil && savedFrom != nil {
			// Saved from a token: hold that token under the new profile.
			_, err = svc.Remember(p, savedFrom)
		}
		ps, lerr := store.Load()
		return profileSavedMsg{name: p.Name, profiles: ps, err: errors.Join(err, lerr), unkept: err == nil && p.KeepTokens && !keyringUsable(sec)}
	}
}

func (m *Model) onProfileSaved(msg profileSavedMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		text := errText(msg.err)
		if errors.Is(msg.err, profiles.ErrNoKeyring) {
			text = "no OS keyring here, so the secrets were not saved and neither was the profile. Set \"Secrets in\" to file (a plain-text 0600 file) in this form, or clear the secret fields to have them asked for each time"
		}
		m.form.banner = text
		return m, nil
	}
	m.profiles = msg.profiles
	m.home.setProfiles(msg.profiles)
	m.home.selectKey("profile:" + msg.name)
	m.form = nil
	m.stack = m.stack[:0]
	m.scr = scrHome
	if msg.unkept {
		m.setStatus("profile "+msg.name+" saved, but its tokens will not be kept across restarts: there is no OS keyring here", true)
		return m, nil
	}
	m.setStatus("profile "+msg.name+" saved", false)
	return m, nil
}

// keyringUsable reports whether the OS keyring answers: a missing item is
// an answer, ErrNoKeyring is not. Kept tokens live only there.
func keyringUsable(sec *profiles.Secrets) bool {
	if sec == nil || sec.Keyring == nil {
		return false
	}
	_, err := sec.Keyring.Get(profiles.KeyringService, "keyring-probe")
	return !errors.Is(err, profiles.ErrNoKeyring)
}

func (m *Model) deleteProfile(name string) tea.Cmd {
	svc, store := m.ctx.Session, m.ctx.Store
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		err := svc.Delete(ctx, name)
		ps, lerr := store.Load()
		return profileDeletedMsg{name: name, profiles: ps, err: errors.Join(err, lerr)}
	}
}

func (m *Model) onProfileDeleted(msg profileDeletedMsg) (tea.Model, tea.Cmd) {
	m.profiles = msg.profiles
	m.home.setProfiles(msg.profiles)
	if msg.err != nil {
		m.setStatus("delete "+msg.name+": "+errText(msg.err), true)
		return m, nil
	}
	m.setStatus("profile "+msg.name+" and its secrets deleted", false)
	return m, nil
}

// keeper returns what to do with a new token of a home item before it is
// shown: the session remembers it (a rotated refresh token stored first,
// then kept tokens) and holds it. Problems become warnings on the token.
// A one-off request's token is not held.
func (m *Model) keeper() func(*flows.Result) error {
	if m.activeKey == "" {
		return func(*flows.Result) error { return nil }
	}
	svc := m.ctx.Session
	p := profiles.Profile{Name: heldName(m.activeKey), BaseURL: m.baseURL}
	if m.active != nil {
		p = *m.active
	}
	return func(res *flows.Result) error {
		warnings, err := svc.Remember(p, res)
		if err != nil {
			warnings = append(warnings, "the new refresh token was not saved: "+client.Sanitize(err.Error()))
		}
		res.Response.Warnings = append(res.Response.Warnings, warnings...)
		return nil
	}
}

// autoRefreshDue starts the refreshes the session says are due, each in a
// command of its own.
func (m *Model) autoRefreshDue() []tea.Cmd {
	var cmds []tea.Cmd
	svc := m.ctx.Session
	for _, name := range svc.Due() {
		cmds = append(cmds, func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			out, err := svc.AutoRefresh(ctx, name)
			return autoRefreshMsg{name: name, out: out, err: err}
		})
	}
	return cmds
}

// onAutoRefresh shows a refreshed token in place of the one it replaces;
// the home screen reads the outcome from the session.
func (m *Model) onAutoRefresh(msg autoRefreshMsg) (tea.Model, tea.Cmd) {
	if msg.err == nil && msg.out.Result != nil && m.tokenOnTop() != nil && m.activeKey != "" && heldName(m.activeKey) == msg.name {
		m.tokenOnTop().setResult(msg.out.Result)
		m.shown = msg.out.Result
	}
	return m, nil
}

// loadKeptTokens has the session hold the tokens keep_tokens profiles
// kept, off the UI goroutine.
func (m *Model) loadKeptTokens() tea.Cmd {
	if len(m.profiles) == 0 || m.ctx.Secrets == nil {
		return nil
	}
	svc, ps := m.ctx.Session, m.profiles
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return keptTokensMsg{held: svc.LoadKept(ctx, ps)}
	}
}

// secretFields are the secrets a form can hold, in the order asked.
var secretFields = []struct {
	kind  profiles.Kind
	field string
	name  string
}{
	{profiles.ClientSecret, fClientSecret, "client secret"},
	{profiles.Bearer, fBearer, "Bearer token"},
	{profiles.Password, fPassword, "password"},
	{profiles.RefreshToken, fRefreshToken, "refresh token"},
}

// missingSecrets says which secrets a profile's form still needs, and
// whether they are asked for each time (by the profile's choice) or simply
// not saved (a duplicate, a lost keyring entry); first is the field of the
// first one.
func missingSecrets(p profiles.Profile, f *formModel) (banner, first string) {
	var asked, unsaved []string
	for _, sf := range secretFields {
		fl := f.get(sf.field)
		if fl == nil || fl.input.Value() != "" || !f.shown(sf.field) {
			continue
		}
		if first == "" {
			first = sf.field
		}
		if profiles.SourceOf(p, sf.kind) == profiles.SourceAsk {
			asked = append(asked, sf.name)
		} else {
			unsaved = append(unsaved, sf.name)
		}
	}
	switch {
	case len(unsaved) > 0:
		return fmt.Sprintf("the %s of %s is not saved: type it here to send once, or press esc and e on home to save it with the profile", strings.Join(unsaved, " and "), p.Name), first
	case len(asked) > 0:
		return fmt.Sprintf("type the %s (%s asks for it each time), then enter", strings.Join(asked, " and "), p.Name), first
	}
	return "this profile needs input: fill in the empty fields, then enter", first
}

// onHomeAct does what home asks with its selected item.
func (m *Model) onHomeAct(msg homeActMsg) tea.Cmd {
	it := msg.item
	switch msg.act {
	case actRun:
		return m.runItem(it, msg.id)
	case actDiagnoseItem:
		return m.diagnoseFromHome(it)
	case actEdit:
		return m.editItem(it)
	case actAdd:
		if m.canChangeProfiles() {
			m.openChooser(true)
		}
	case actDuplicate:
		if m.canChangeProfiles() {
			p := *it.profile
			values := valuesForProfile(p)
			values[fName] = p.Name + "-copy"
			storePw := profiles.SourceOf(p, profiles.Password).Stored()
			m.openFormPage(newProfileForm(client.Grant(p.Grant), values, p.ClientID != "" && p.Grant != string(client.GrantClientCredentials), storePw, true, m.ctx.Width-2))
			m.form.setProfileToggles(p)
			m.form.duplicateOf, m.form.base = p.Name, p
		}
	case actDelete:
		if m.canChangeProfiles() {
			name := it.profile.Name
			m.openPage(newConfirmPage(m.ctx, "delete profile", fmt.Sprintf("Delete profile %s and its secrets? y/n", name),
				m.deleteProfile(name), "not deleted"))
		}
	}
	return nil
}
