package ui

import (
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/pages/home"
	"github.com/tokenbench/tokenbench/ui/pages/request"
	"github.com/tokenbench/tokenbench/ui/pages/sending"
)

// forms are the forms of the requests being worked on: the last request or
// profile form made (a request's errors go back to it), the values and
// chaining toggle the next form starts from, and the drafts left with esc.
// The flow and the desk open forms through it.
type forms struct {
	ctx *common.Context
	nav *router
	// form is the last request or profile form made: a request from home
	// shows it on an error, and the next form starts from its values.
	form   *request.Page
	values map[string]string
	chain  bool
	// drafts are the forms left with esc.
	drafts drafts
}

// openNewProfileForm opens a new profile's form for grant g: the one left
// with esc, or one built from it for another grant (what was typed
// carries over), or an empty one.
func (fs *forms) openNewProfileForm(g client.Grant) {
	d := fs.drafts.take(draftNewProfile)
	switch {
	case d != nil && d.Grant() == g:
		fs.form = d
		fs.nav.push(d)
	case d != nil:
		toggles := d.Toggles()
		fs.openFormWith(form.NewProfile(g, d.Values(), d.Chain(), d.StorePw(), false, fs.ctx.Width-2), request.Setup{Draft: draftNewProfile, Toggles: &toggles})
	default:
		fs.openFormWith(form.NewProfile(g, map[string]string{form.FBaseURL: fs.ctx.DefaultBaseURL}, true, false, false, fs.ctx.Width-2), request.Setup{Draft: draftNewProfile})
	}
}

// reopenDraft shows the form kept under key, if any, and reports whether
// it did.
func (fs *forms) reopenDraft(key string) bool {
	d := fs.drafts.take(key)
	if d == nil {
		return false
	}
	fs.form = d
	fs.nav.push(d)
	return true
}

// editConnection opens the form of connection c (home item key), or its
// draft left with esc.
func (fs *forms) editConnection(key home.ItemKey, c *common.Connection) {
	if fs.reopenDraft(draftConn(key)) {
		fs.chain = fs.form.Chain()
		return
	}
	fs.chain = c.Request.ClientSecret != "" && c.Request.Grant != client.GrantClientCredentials
	fs.openFormWith(form.New(c.Request.Grant, form.ValuesFor(c.Request, c.BaseURL), fs.chain, fs.ctx.Width-2), request.Setup{Draft: draftConn(key)})
}

// dropSecrets forgets the secrets typed into the request form and a new
// profile's form: the user left them for home, on purpose.
func (fs *forms) dropSecrets(forProfile bool) {
	fs.drafts.dropSecrets(forProfile)
	if forProfile {
		return
	}
	for k := range fs.values {
		if form.IsSecret(k) {
			delete(fs.values, k)
		}
	}
	if fs.form != nil && fs.form.Draft() == "" && !fs.form.ProfileMode() {
		fs.form.ClearSecrets(false) // the next form starts from its values
	}
}

// prepareForm makes a form for g with values the one the request's errors
// go back to, without showing it; chain is its chaining toggle.
func (fs *forms) prepareForm(g client.Grant, values map[string]string, chain bool) {
	fs.chain = chain
	fs.form = request.New(fs.ctx, form.New(g, values, chain, fs.ctx.Width-2), request.Setup{})
}

// formDone forgets the form: it was saved.
func (fs *forms) formDone() { fs.form = nil }

// currentValues are what the next form starts from: the last form's
// values, or those kept.
func (fs *forms) currentValues() map[string]string {
	if fs.form != nil {
		return fs.form.Values()
	}
	return fs.values
}

// openOneOffForm opens the form of a request of its own for grant g.
func (fs *forms) openOneOffForm(g client.Grant, values map[string]string) {
	fs.openFormWith(form.New(g, values, fs.chain, fs.ctx.Width-2), request.Setup{OneOff: true})
}

// openFormWith opens fm, set up for s, on top of the current screen as the
// form.
func (fs *forms) openFormWith(fm form.Model, s request.Setup) {
	fs.form = request.New(fs.ctx, fm, s)
	fs.nav.push(fs.form)
}

// showForm shows the form in place of the sending page, or over the
// screen showing.
func (fs *forms) showForm() {
	if fs.form == nil {
		fs.form = request.New(fs.ctx, form.New(client.GrantClientCredentials, fs.values, fs.chain, fs.ctx.Width-2), request.Setup{})
	}
	if _, sending := topIs[*sending.Page](fs.nav); sending {
		fs.nav.pop()
	}
	if fs.nav.top() != common.Page(fs.form) {
		fs.nav.push(fs.form)
	}
}
