package ui

import (
	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/ui/pages/home"
	"github.com/tokenbench/tokenbench/ui/pages/recovery"
	"github.com/tokenbench/tokenbench/ui/pages/request"
)

// drafts are the forms left with esc, by what opened them (see
// request.Page.Draft), and the recovery's setup left with esc: re-entered,
// they show what was typed.
type drafts struct {
	forms    map[string]*request.Page
	recovery *recovery.Page
}

// Draft keys: a new profile's form, a profile's edit, a connection's.
const draftNewProfile = "new profile"

func draftEdit(name string) string    { return "edit profile:" + name }
func draftConn(k home.ItemKey) string { return "edit " + k.String() }

// keep keeps a form left with esc, to show it again when the same form is
// opened. leftOnPurpose: the user left the request (back to home), so its
// secrets go.
func (d *drafts) keep(form *request.Page, leftOnPurpose bool) {
	if form.Draft() == "" {
		return
	}
	if leftOnPurpose {
		form.ClearSecrets(true)
	}
	if d.forms == nil {
		d.forms = map[string]*request.Page{}
	}
	d.forms[form.Draft()] = form
}

// take is the form kept under key, if any, no longer kept.
func (d *drafts) take(key string) *request.Page {
	f := d.forms[key]
	delete(d.forms, key)
	return f
}

// drop forgets the form kept under key.
func (d *drafts) drop(key string) { delete(d.forms, key) }

// dropSecrets forgets the secrets typed into a new profile's form left
// with esc (forProfile), or into the recovery's setup.
func (d *drafts) dropSecrets(forProfile bool) {
	if forProfile {
		if f := d.forms[draftNewProfile]; f != nil {
			f.ClearSecrets(true)
		}
		return
	}
	if d.recovery != nil {
		d.recovery.ForgetSecret()
	}
}

// takeRecovery is the recovery's setup left with esc, if any, no longer
// kept.
func (d *drafts) takeRecovery() *recovery.Page {
	r := d.recovery
	d.recovery = nil
	return r
}

// shownTokens are the tokens shown: the last (a bundle from the log names
// it), and the latest few, oldest first (a bundle from the MFA timeline
// names the one its flow ended with).
type shownTokens struct {
	last   *flows.Result
	latest []*flows.Result
	// items are the profile or connection each of latest was shown for.
	items map[*flows.Result]runItem
}

// runItem is the home item a request ran for: a profile's or a
// connection's name (neither for a one-off request).
type runItem struct{ profile, connection string }

// name makes in name the item.
func (it runItem) name(in *bundle.Input) { in.Profile, in.Connection = it.profile, it.connection }

// maxTokens bounds shownTokens.latest.
const maxTokens = 16

// add notes res, shown for it, as the token shown last.
func (s *shownTokens) add(res *flows.Result, it runItem) {
	s.last = res
	if res == nil {
		return
	}
	s.latest = append(s.latest, res)
	if s.items == nil {
		s.items = map[*flows.Result]runItem{}
	}
	s.items[res] = it
	if len(s.latest) > maxTokens {
		for _, old := range s.latest[:len(s.latest)-maxTokens] {
			delete(s.items, old)
		}
		s.latest = append([]*flows.Result(nil), s.latest[len(s.latest)-maxTokens:]...)
	}
}
