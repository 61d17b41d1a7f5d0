package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/session"
	"github.com/tokenbench/tokenbench/textsafe"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/confirm"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/pages/home"
	"github.com/tokenbench/tokenbench/ui/pages/mfa"
	"github.com/tokenbench/tokenbench/ui/pages/request"
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
		// asked: secrets typed into the form are asked for each time
		// instead: no keyring answers here.
		asked bool
		// left: saved, but a secret of the old name or source could not
		// be deleted (what, as the status says it).
		left string
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

// desk is the profiles side of the workbench: running, adding, editing,
// duplicating and deleting home's items, and the tokens they keep. It is a
// type of its own beside the flow: running an item asks the flow for a
// request (runFor, start), through the flow's methods, never its fields.
type desk struct {
	f        *flow
	profiles []profiles.Profile
	readOnly string // why the profiles cannot be changed
}

// setProfiles shows ps on home; the command matches them to a filter.
func (d *desk) setProfiles(ps []profiles.Profile) tea.Cmd {
	d.profiles = ps
	if d.f.home != nil {
		return d.f.home.SetProfiles(ps)
	}
	return nil
}

func (d *desk) canChangeProfiles() bool {
	switch {
	case d.f.ctx.Store == nil:
		d.f.setStatus("profiles are not saved in the demo; run tokenbench without demo to keep them", true)
		return false
	case d.readOnly != "":
		d.f.setStatus("read-only: fix the profiles file first", true)
		return false
	}
	return true
}

// runItem runs a home item, the session's PlanRun deciding what becomes
// of a token held for it: one still valid is shown as it is, an expired
// one with a refresh token is refreshed, and a new login that would text
// the user a code is asked for first. login runs the grant whatever is
// held (l, or a new login confirmed).
func (d *desk) runItem(it home.Item, id int, login bool) tea.Cmd {
	if it.Key.IsNew() {
		d.f.forOneOff()
		d.f.openChooser(false)
		return nil
	}
	base := ""
	if it.Profile != nil {
		base = it.Profile.BaseURLOrDefault()
	} else {
		base = it.Conn.BaseURL
	}
	plan := d.f.ctx.Session.PlanRun(home.ItemProfile(d.f.ctx, it))
	if login {
		plan = session.RunPlan{Action: session.RunGrant, Held: plan.Held}
	}
	switch plan.Action {
	case session.ShowHeld, session.RefreshHeld:
		runner, err := d.f.ctx.NewRunner(base)
		if err != nil {
			d.f.setStatus(common.ErrText(err), true)
			return nil
		}
		d.f.nav.reset(d.f.base()...)
		d.f.runFor(it.Key, it.Profile)
		d.f.sentWith(runner, base)
		if plan.Action == session.RefreshHeld {
			return d.refreshItem(it, plan.Held)
		}
		cmd := d.f.showToken(plan.Held)
		d.f.setStatus("token still valid, shown as held", false)
		return cmd
	case session.AskLogin:
		return d.askLogin(it, plan.Why)
	}
	d.f.runFor(it.Key, it.Profile)
	if it.Conn != nil {
		c := it.Conn
		d.f.useChannel(c.Channel)
		d.f.forms.prepareForm(c.Request.Grant, form.ValuesFor(c.Request, c.BaseURL), c.Request.ClientSecret != "" && c.Request.Grant != client.GrantClientCredentials)
		d.f.nav.reset(d.f.base()...)
		// Errors open the form, so they can be fixed there.
		return d.f.start(c.Request, c.BaseURL, true)
	}
	p := *it.Profile
	d.f.useChannel(p.Channel())
	req := p.Request()
	svc := d.f.ctx.Session
	gen := id
	d.f.setStatus("reading the secrets of "+p.Name+"…", false)
	// Secrets come from the keyring or a command: not on the UI goroutine.
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := svc.Fill(ctx, p, &req, nil)
		return needInputMsg{gen: gen, req: req, base: p.BaseURLOrDefault(), err: err}
	}
}

// askLogin asks before a new login for it, saying why one is needed and
// what it sends; nothing is sent before a y.
func (d *desk) askLogin(it home.Item, why string) tea.Cmd {
	d.f.nav.reset(d.f.base()...)
	name := textsafe.Sanitize(it.Name)
	var yes tea.Cmd
	if d.f.home != nil {
		yes = d.f.home.ActOn(home.ActLogin, it)
	}
	d.f.nav.push(confirm.New(d.f.ctx, "new login", fmt.Sprintf("%s: %s. Log in again? y/n", name, why), yes,
		"no new login: nothing was sent"))
	return nil
}

// itemRefreshedMsg is a home item's expired token refreshed (or not) by
// enter.
type itemRefreshedMsg struct {
	item home.Item
	held *flows.Result
	out  session.Outcome
	err  error
}

// refreshItem refreshes it's expired token held with its refresh token,
// through the session (the latest stored one, under the profile's lock).
// A refusal asks before a new login.
func (d *desk) refreshItem(it home.Item, held *flows.Result) tea.Cmd {
	svc, name := d.f.ctx.Session, it.Key.Held()
	return d.f.showSending("token expired: refreshing with the refresh token (no new login)", held.Request.Account, func(ctx context.Context) tea.Msg {
		out, err := svc.Refresh(ctx, name)
		return itemRefreshedMsg{item: it, held: held, out: out, err: err}
	})
}

func (d *desk) onItemRefreshed(msg itemRefreshedMsg) tea.Cmd {
	switch {
	case msg.out.Result != nil:
		if msg.err != nil {
			// Held, but its rotated refresh token was not stored.
			msg.out.Result.Response.Warnings = append(msg.out.Result.Response.Warnings, "the new refresh token was not saved: "+common.ErrText(msg.err))
		}
		cmd := d.f.showToken(msg.out.Result)
		d.f.setStatus("the token had expired: refreshed with its refresh token, no new login", false)
		return cmd
	case msg.out.MFA != nil:
		// The server wants MFA after all: the user chooses when a code
		// goes out.
		d.f.nav.replace(mfa.New(d.f.ctx, d.f.runner, d.f.baseURL, d.f.service(d.f.runner).Keep, d.f.active, msg.out.MFA, d.f.channel))
		return nil
	case errors.Is(msg.err, session.ErrBusy):
		// Auto-refresh is at it: its token will be there in a moment.
		d.f.leaveSending()
		d.f.setStatus("a refresh of "+textsafe.Sanitize(msg.item.Name)+" is already running: enter again in a moment", false)
		return nil
	case msg.err != nil:
		d.f.leaveSending()
		return d.askLogin(msg.item, session.RefreshRefused(msg.held, home.ItemProfile(d.f.ctx, msg.item).Channel(), msg.err))
	}
	d.f.leaveSending()
	return nil
}

func (d *desk) onNeedInput(msg needInputMsg) tea.Cmd {
	if d.f.home == nil || !d.f.home.Accept(msg.gen) || d.f.nav.top() != common.Page(d.f.home) {
		return nil
	}
	d.f.chrome.clearStatus()
	d.f.forms.prepareForm(msg.req.Grant, form.ValuesFor(msg.req, msg.base), msg.req.Grant != client.GrantClientCredentials && msg.req.ClientID != "" && msg.req.Bearer == "")
	if msg.err != nil {
		// Ask in the form: it is where the missing secret can be typed.
		// The form opens on the first empty secret, without red errors:
		// nothing was done wrong yet.
		banner, first := "this profile needs input: "+common.ErrText(msg.err), ""
		var untrusted *profiles.UntrustedFileError
		if errors.As(msg.err, &untrusted) {
			// Not input it lacks: the file it comes from, and its fix.
			banner = common.ErrText(msg.err)
		}
		if untrusted == nil && (errors.Is(msg.err, client.ErrInvalidInput) || errors.Is(msg.err, profiles.ErrNotSet)) && d.f.active != nil {
			banner, first = d.f.forms.form.MissingSecrets(*d.f.active)
		}
		d.f.forms.showForm()
		d.f.nav.update(request.SetBannerMsg{Text: banner})
		if first != "" {
			d.f.nav.update(request.FocusFieldMsg{Field: first})
		}
		return nil
	}
	return d.f.start(msg.req, msg.base, true)
}

func (d *desk) editItem(it home.Item) tea.Cmd {
	switch {
	case it.Conn != nil:
		d.f.editConnection(it.Key, it.Conn)
	case it.Profile != nil && d.canChangeProfiles():
		p := *it.Profile
		if d.f.forms.reopenDraft(draftEdit(p.Name)) {
			return nil
		}
		storePw := profiles.SourceOf(p, profiles.Password).Stored()
		d.f.forms.openFormWith(form.NewProfile(client.Grant(p.Grant), form.ValuesForProfile(p), p.ClientID != "" && p.Grant != string(client.GrantClientCredentials), storePw, true, d.f.ctx.Width-2),
			request.Setup{Draft: draftEdit(p.Name), Editing: &p})
	}
	return nil
}

// openSaveAs opens the profile form on a token's request.
func (d *desk) openSaveAs(res *flows.Result) tea.Cmd {
	if !d.canChangeProfiles() {
		return nil
	}
	req, chained := res.Request, res.BearerChained
	if req.Grant == client.GrantMFAOOB {
		// A recovery's or an MFA answer's one-time codes make no
		// profile that could run again: the user's sign-in does.
		req.Grant, req.MFAToken, req.OOBCode, req.BindingCode = client.GrantPassword, "", "", ""
		chained = req.ClientID != "" && req.Bearer == ""
	}
	values := form.ValuesFor(req, d.f.baseURL)
	// The profile sends its code where the flow that got the token did.
	toggles := form.ProfileToggles{MFAEmail: res.MFAChannel == client.ChannelEmail}
	d.f.forms.openFormWith(form.NewProfile(req.Grant, values, chained, false, false, d.f.ctx.Width-2), request.Setup{SavedFrom: res, Toggles: &toggles})
	return nil
}

// saveProfile saves the profile form: secrets typed into it go to where the
// profile keeps them (the keyring by default) before the profile is saved,
// so a secret that cannot be kept saves nothing.
func (d *desk) saveProfile() tea.Cmd {
	p, typed := d.f.forms.form.Profile()
	oldName, dupOf := d.f.forms.form.Editing(), d.f.forms.form.DuplicateOf()
	if dupOf != "" {
		oldName = dupOf // its secrets' sources carry over
	}
	var old *profiles.Profile
	for i := range d.profiles {
		if d.profiles[i].Name == oldName {
			old = &d.profiles[i]
		}
	}
	p.Secrets = map[profiles.Kind]profiles.Source{}
	asked := false // typed secrets that will be asked for instead (no keyring)
	if old != nil {
		for k, v := range old.Secrets {
			p.Secrets[k] = v
		}
	}
	// The form's "Secrets in" says where the client secret comes from,
	// and where typed secrets are kept; empty keeps what the profile had
	// (for new ones the keyring, or ask where no keyring answers).
	chosen := profiles.Source(d.f.forms.form.Value(form.FSource))
	fallback := d.f.forms.form.DefaultSource()
	switch {
	case chosen != "" && p.ClientID != "":
		p.Secrets[profiles.ClientSecret] = chosen
	case p.ClientID != "" && p.Secrets[profiles.ClientSecret] == "" && fallback == profiles.SourceAsk:
		// No keyring, and no secret typed: say where it will come from
		// (the keyring, the default, would fail the first run).
		p.Secrets[profiles.ClientSecret], asked = profiles.SourceAsk, true
	}
	for k, v := range typed {
		if v == "" {
			continue
		}
		switch src := p.Secrets[k]; {
		case chosen != "":
			p.Secrets[k] = chosen
		case src == "" || src == profiles.SourceAsk:
			p.Secrets[k] = profiles.StoreFor(p, k)
			if p.Secrets[k] == profiles.SourceKeyring && fallback == profiles.SourceAsk {
				p.Secrets[k] = profiles.SourceAsk // no keyring answers here
			}
		}
		if p.Secrets[k] == profiles.SourceAsk && chosen == "" {
			asked = true
		}
		if !p.Secrets[k].Stored() {
			delete(typed, k) // read from elsewhere each time
		}
	}
	if p.Grant == string(client.GrantPassword) && !d.f.forms.form.StorePw() {
		// Asked for each time: the session deletes a stored one.
		p.Secrets[profiles.Password] = profiles.SourceAsk
	}
	if err := p.ValidateNew(d.f.forms.form.Chained()); err != nil {
		d.f.forms.form.Update(request.SetBannerMsg{Text: common.ErrText(err)})
		if fe := (*profiles.FieldError)(nil); errors.As(err, &fe) {
			d.f.forms.form.Update(request.FocusFieldMsg{Field: fe.Field})
		}
		return nil
	}
	values := session.Values{}
	for k, v := range typed {
		if v != "" {
			values[k] = v
		}
	}
	svc, savedFrom, sec := d.f.ctx.Session, d.f.forms.form.SavedFrom(), d.f.ctx.Secrets
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
		// Saved, though the old name (or source) kept a secret that
		// could not be deleted: the profile is saved, and the status
		// says what was left.
		var left string
		if cleanup := (*session.CleanupError)(nil); errors.As(err, &cleanup) {
			err, left = nil, common.ErrText(cleanup)
		}
		if err == nil && savedFrom != nil {
			// Saved from a token: hold that token under the new profile.
			_, err = svc.Remember(p, savedFrom)
		}
		ps, lerr := svc.Profiles()
		return profileSavedMsg{name: p.Name, profiles: ps, err: errors.Join(err, lerr), left: left, unkept: err == nil && p.KeepTokens && !keyringUsable(sec), asked: asked}
	}
}

func (d *desk) onProfileSaved(msg profileSavedMsg) tea.Cmd {
	if msg.err != nil {
		text := common.ErrText(msg.err)
		if errors.Is(msg.err, profiles.ErrNoKeyring) {
			text = "no OS keyring here, so the secrets were not saved and neither was the profile. Set \"Secrets in\" to file (a plain-text 0600 file) in this form, or clear the secret fields to have them asked for each time"
		}
		d.f.forms.form.Update(request.SetBannerMsg{Text: text})
		return nil
	}
	filter := d.setProfiles(msg.profiles)
	if d.f.home != nil {
		d.f.home.SelectKey(home.ProfileKey(msg.name))
	}
	d.f.forms.formDone()
	d.f.nav.reset(d.f.base()...)
	switch {
	case msg.left != "":
		d.f.setStatus(msg.left, true)
	case msg.asked:
		text := "profile " + msg.name + " saved; no OS keyring here, so its secrets are asked for each time"
		if msg.unkept {
			text += " and its tokens are not kept across restarts"
		}
		d.f.setStatus(text, false)
	case msg.unkept:
		d.f.setStatus("profile "+msg.name+" saved, but its tokens will not be kept across restarts: there is no OS keyring here", true)
	default:
		d.f.setStatus("profile "+msg.name+" saved", false)
	}
	return filter
}

// keyringProbedMsg says whether the OS keyring answered.
type keyringProbedMsg struct{ missing bool }

// probeKeyring asks the OS keyring whether it is there, off the UI
// goroutine (a Secret Service may take its time to answer).
func (d *desk) probeKeyring() tea.Cmd {
	sec := d.f.ctx.Secrets
	if sec == nil {
		return nil
	}
	return func() tea.Msg { return keyringProbedMsg{missing: !keyringUsable(sec)} }
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

func (d *desk) deleteProfile(name string) tea.Cmd {
	svc := d.f.ctx.Session
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		err := svc.Delete(ctx, name)
		ps, lerr := svc.Profiles()
		return profileDeletedMsg{name: name, profiles: ps, err: errors.Join(err, lerr)}
	}
}

func (d *desk) onProfileDeleted(msg profileDeletedMsg) tea.Cmd {
	filter := d.setProfiles(msg.profiles)
	if msg.err != nil {
		d.f.setStatus("delete "+msg.name+": "+common.ErrText(msg.err), true)
		return filter
	}
	d.f.forms.drafts.drop(draftEdit(msg.name))
	d.f.setStatus("profile "+msg.name+" and its secrets deleted", false)
	return filter
}

// autoRefreshPending reports a held token of a home item that will be
// auto-refreshed.
func (d *desk) autoRefreshPending() bool {
	svc := d.f.ctx.Session
	for _, p := range d.profiles {
		if _, ok := svc.NextRefresh(p.Name); ok {
			return true
		}
	}
	for i := range d.f.ctx.Connections {
		if _, ok := svc.NextRefresh(home.ConnKey(i).Held()); ok {
			return true
		}
	}
	return false
}

// autoRefreshDue starts the refreshes the session says are due, each in a
// command of its own.
func (d *desk) autoRefreshDue() []tea.Cmd {
	var cmds []tea.Cmd
	svc := d.f.ctx.Session
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

// loadKeptTokens has the session hold the tokens keep_tokens profiles
// kept, off the UI goroutine.
func (d *desk) loadKeptTokens() tea.Cmd {
	if len(d.profiles) == 0 || d.f.ctx.Secrets == nil {
		return nil
	}
	svc, ps := d.f.ctx.Session, d.profiles
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return keptTokensMsg{held: svc.LoadKept(ctx, ps)}
	}
}

// onHomeAct does what home asks with its selected item.
func (d *desk) onHomeAct(msg home.ActMsg) tea.Cmd {
	it := msg.Item
	switch msg.Act {
	case home.ActRun:
		return d.runItem(it, msg.ID, false)
	case home.ActLogin:
		return d.runItem(it, msg.ID, true)
	case home.ActDiagnoseItem:
		return d.f.diagnoseFromHome(it)
	case home.ActEdit:
		return d.editItem(it)
	case home.ActAdd:
		if d.canChangeProfiles() {
			d.f.openChooser(true)
		}
	case home.ActDuplicate:
		if d.canChangeProfiles() {
			p := *it.Profile
			values := form.ValuesForProfile(p)
			values[form.FName] = profiles.CopyName(p.Name)
			storePw := profiles.SourceOf(p, profiles.Password).Stored()
			d.f.forms.openFormWith(form.NewProfile(client.Grant(p.Grant), values, p.ClientID != "" && p.Grant != string(client.GrantClientCredentials), storePw, true, d.f.ctx.Width-2),
				request.Setup{DuplicateOf: &p})
		}
	case home.ActDelete:
		if d.canChangeProfiles() {
			name := it.Profile.Name
			d.f.nav.push(confirm.New(d.f.ctx, "delete profile", fmt.Sprintf("Delete profile %s and its secrets? y/n", name),
				d.deleteProfile(name), "not deleted"))
		}
	}
	return nil
}
