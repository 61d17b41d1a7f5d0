// Package form is the request form's fields for one grant (and a
// profile's): focus, toggles, validation, drawing, and the request or
// profile they make. The request page holds one.
package form

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/textsafe"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/codeinput"
)

// Field keys. They match flows.Problem.Field so errors land on their field.
const (
	FBaseURL      = "base-url"
	FAccount      = "account"
	fPartner      = "partner"
	fAudience     = "audience"
	fChain        = "chain"
	FClientID     = "client-id"
	FClientSecret = "client-secret"
	FBearer       = "bearer"
	FUsername     = "username"
	FPassword     = "password"
	fCode         = "code"
	fRedirectURI  = "redirect-uri"
	FRefreshToken = "refresh-token"
	fMFAToken     = "mfa-token"
	fOOBCode      = "oob-code"
	FBindingCode  = "binding-code"
	// The passwordless login and the OIDC exchange (§1a, §1b).
	fIdent        = "ident"
	fUserID       = "user-id"
	fConnection   = "connection"
	fCustomerType = "customer-type"
	fAuthorizeURL = "authorize-url"
	FName         = "name"
	fStorePw      = "store-password"
	// Profile settings, as the CLI's profile add/edit flags.
	fJWKSURL       = "jwks-url"
	fNotes         = "notes"
	FSource        = "secret-source"
	fMFAChannel    = "mfa-channel"
	fKeepTokens    = "keep-tokens"
	fAutoRefresh   = "auto-refresh"
	fRefreshBefore = "refresh-before"
)

// toggles are the fields space switches; the form holds their state.
var toggles = map[string]bool{fChain: true, fStorePw: true, fMFAChannel: true, fKeepTokens: true, fAutoRefresh: true}

type fieldSpec struct {
	key, label, placeholder, hint string
	secret                        bool
}

var specs = map[string]fieldSpec{
	FBaseURL:       {FBaseURL, "Base URL", "e.g. https://api.dintero.com/v1", "The API base: Dintero's, a proxy, or a local fake server.", false},
	FAccount:       {FAccount, "Account", "e.g. T11223344", "T or P and 8 digits (or 3 for a partner). T is test, P is production.", false},
	fPartner:       {fPartner, "Partner", "optional: e.g. T11200000", "Partner access: the partner's id (T or P, 3 digits, 00000); its client gets a token for the merchant Account. Empty: none.", false},
	fAudience:      {fAudience, "Audience", "", "Filled in from the account id unless you change it.", false},
	fChain:         {fChain, "", "", "Space toggles. On: a client_credentials token is fetched first and used as Bearer.", false},
	FClientID:      {FClientID, "Client ID", "", "The API client's id.", false},
	FClientSecret:  {FClientSecret, "Secret", "", "The API client's secret. ctrl+r shows it while you check it.", true},
	FBearer:        {FBearer, "Bearer", "a JWT: eyJ…", "A JWT sent as Authorization: Bearer.", true},
	FUsername:      {FUsername, "Username", "e.g. user@example.com", "The account user's username (usually the e-mail).", false},
	FPassword:      {FPassword, "Password", "", "The user's password; kept in memory only.", true},
	fCode:          {fCode, "IdP code", "optional: empty for a browser login", "A code the identity provider redirected back with (one-time); empty: the browser login with the authorize URL.", false},
	fRedirectURI:   {fRedirectURI, "Redirect", "optional", "The redirect_uri the code was issued for; for a browser login a loopback http://127.0.0.1:PORT/… (empty: a free port).", false},
	fAuthorizeURL:  {fAuthorizeURL, "Authorize", "e.g. https://idp.example.com/authorize", "The identity provider's login page: opened in your browser, which comes back to tokenbench with a code.", false},
	fIdent:         {fIdent, "E-mail", "the customer's e-mail", "Passwordless: a code is sent to this customer by e-mail or SMS. Fill this or User id.", false},
	fUserID:        {fUserID, "User id", "or: a user id", "Passwordless: a code issued by the server for this user id, no one is asked (acts as the user).", false},
	fConnection:    {fConnection, "Send by", "email (or sms)", "Where the code goes first: email or sms (ctrl+w on the code screen switches).", false},
	fCustomerType:  {fCustomerType, "Customer", "customer (or company)", "The customer type: customer or company.", false},
	FRefreshToken:  {FRefreshToken, "Refresh tk", "", "A refresh token from a password or authorization_code grant.", true},
	fMFAToken:      {fMFAToken, "MFA token", "", "The mfa_token of the mfa_required answer.", true},
	fOOBCode:       {fOOBCode, "OOB code", "", "The oob_code of the challenge answer.", true},
	FBindingCode:   {FBindingCode, "Bind code", "digits", "The code the user received by SMS or e-mail.", false},
	FName:          {FName, "Name", "e.g. merchant-x-test", "The profile's name: letters, digits, '.', '_' and '-'.", false},
	fStorePw:       {fStorePw, "", "", "Space toggles. Off: the password is asked for each time and never stored.", false},
	fJWKSURL:       {fJWKSURL, "JWKS URL", "optional: the keys that verify its tokens", "Where the token's signing keys are; empty: the base URL's JWKS for the account.", false},
	fNotes:         {fNotes, "Notes", "optional", "Free text shown nowhere but the profile and the home filter.", false},
	FSource:        {FSource, "Secrets in", "keyring", "Where the secrets typed here are kept: keyring, or file (PLAIN TEXT 0600 file); or read each time: env:NAME, cmd:COMMAND, ask.", false},
	fMFAChannel:    {fMFAChannel, "", "", "Space toggles. The channel the MFA code goes out on as soon as the server asks.", false},
	fKeepTokens:    {fKeepTokens, "", "", "Space toggles. On: tokens are kept in the keyring across restarts.", false},
	fAutoRefresh:   {fAutoRefresh, "", "", "Space toggles. On: the token is refreshed before it expires while the workbench runs.", false},
	fRefreshBefore: {fRefreshBefore, "Refresh at", "30s", "How long before expiry auto-refresh runs, like 30s or 2m.", false},
}

// grantFields lists a grant's own fields after the common ones.
func grantFields(g client.Grant) []string {
	bearer := []string{fChain, FClientID, FClientSecret, FBearer}
	switch g {
	case client.GrantClientCredentials:
		return []string{FClientID, FClientSecret, fPartner}
	case client.GrantPassword:
		return append(bearer, FUsername, FPassword)
	case client.GrantAuthorizationCode:
		return append(bearer, fIdent, fConnection, fCustomerType, fUserID)
	case client.GrantOIDC:
		return append(bearer, fAuthorizeURL, fRedirectURI, fCode)
	case client.GrantAccountUserToken:
		return []string{FBearer}
	case client.GrantRefreshToken:
		return append(bearer, FRefreshToken)
	case client.GrantMFAOOB:
		return append(bearer, fMFAToken, fOOBCode, FBindingCode)
	}
	return nil
}

type field struct {
	spec     fieldSpec
	input    textinput.Model
	revealed bool
	err      string
	// initial is a secret field's value as the form was opened with it
	// (a connection's secret): not typed, so not dropped with what was.
	initial string
	// cleaned says control or bidi characters were taken out of the
	// value (loaded from a profile's file, carried, or pasted): the field
	// shows the text without them and says so; saving stores it so.
	cleaned bool
}

// cleanedNote is said under a field whose value had control or bidi
// characters taken out.
const cleanedNote = "control or bidi characters removed: shown and saved without them"

// cleanText takes out of s what would drive the terminal or reorder the
// text on it: C0 and C1 controls and DEL (a tab or line break becomes a
// space) and bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE and the rest).
// Unlike textsafe.Sanitize it keeps every other character as typed (runs of
// spaces, trailing spaces). changed is false when nothing was taken out.
func cleanText(s string) (clean string, changed bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
			b.WriteByte(' ')
			changed = true
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r):
			changed = true
		default:
			b.WriteRune(r)
		}
	}
	if !changed {
		return s, false
	}
	return b.String(), true
}

// Clean takes control and bidi characters out of a text field's value,
// marking the field; a secret is left alone (it is masked, and changing
// it would break it).
func (fl *field) Clean() {
	if fl.spec.secret {
		return
	}
	if v, changed := cleanText(fl.input.Value()); changed {
		pos := fl.input.Position()
		fl.input.SetValue(v)
		fl.input.SetCursor(min(pos, len([]rune(v))))
		fl.cleaned = true
	}
}

// Model is the request form for one grant.
type Model struct {
	// noKeyring: there is no OS keyring here, so kept tokens would not
	// be kept (the keep-tokens line says so before saving).
	noKeyring bool
	grant     client.Grant
	fields    []*field
	chain     bool
	focus     int // index into visible()
	audEdit   bool
	// banner is an error from the server for the request this form sent.
	banner string
	width  int
	// profileMode: the form edits a profile instead of sending a request.
	profileMode bool
	storePw     bool
	toggles     ProfileToggles
	// keptHint marks secret fields left empty when editing: what is stored
	// stays.
	keptHint bool
	// editing is the name of the profile being edited ("" when adding);
	// duplicateOf the one being duplicated.
	editing, duplicateOf string
	// savedFrom is the token a profile is being saved from.
	savedFrom *flows.Result
	// base is the profile being edited or duplicated: what the form does
	// not show is carried over from it.
	base profiles.Profile
	// carried is what the form was opened with: values of fields this
	// grant lacks go on to the next grant's form (a client id and secret
	// survive a look at account_user_token).
	carried map[string]string
}

// New is the request form for grant g, filled from values (by field key),
// with the chaining toggle as chain, width cells wide.
func New(g client.Grant, values map[string]string, chain bool, width int) Model {
	return buildForm(g, values, chain, width, false)
}

// NewProfile is the same form with a name, for saving a profile.
func NewProfile(g client.Grant, values map[string]string, chain, storePw, editing bool, width int) Model {
	f := buildForm(g, values, chain, width, true)
	f.storePw, f.keptHint = storePw, editing
	if editing {
		for _, fl := range f.fields {
			if fl.spec.secret && fl.input.Value() == "" {
				fl.input.Placeholder = "(unchanged: kept where the profile keeps it)"
			}
		}
	}
	return f
}

func buildForm(g client.Grant, values map[string]string, chain bool, width int, profileMode bool) Model {
	f := Model{grant: g, chain: chain, width: width, profileMode: profileMode, carried: map[string]string{}}
	for k, v := range values {
		f.carried[k] = v
	}
	keys := append([]string{FBaseURL, FAccount, fAudience}, grantFields(g)...)
	if profileMode {
		keys = append([]string{FName}, keys...)
		// An mfa-oob profile makes no sense: its inputs are one-time.
		if g == client.GrantPassword {
			keys = append(keys, fStorePw, fMFAChannel)
		}
		keys = append(keys, FSource, fJWKSURL, fNotes, fKeepTokens, fAutoRefresh, fRefreshBefore)
	}
	for _, k := range keys {
		spec := specs[k]
		in := common.NewInput(spec.placeholder, 8192)
		in.SetValue(values[k])
		if spec.secret {
			in.EchoMode = textinput.EchoPassword
			in.EchoCharacter = '•'
		}
		fl := &field{spec: spec, input: in}
		if spec.secret {
			fl.initial = values[k]
		}
		// A profile's file may have been imported from anyone.
		fl.Clean()
		f.fields = append(f.fields, fl)
	}
	f.audEdit = values[fAudience] != "" && values[fAudience] != client.DefaultAudience(values[FAccount])
	if values[fAudience] == "" {
		f.syncAudience()
	}
	f.SetWidth(width)
	f.focusOn(0)
	return f
}

// get is field k, or nil when the grant has none.
func (f *Model) get(k string) *field {
	for _, fl := range f.fields {
		if fl.spec.key == k {
			return fl
		}
	}
	return nil
}

func (f *Model) Value(k string) string {
	if fl := f.get(k); fl != nil {
		return strings.TrimSpace(fl.input.Value())
	}
	return ""
}

// Values returns every field's value, to carry into another grant's form,
// with the values it carried for fields it does not have.
func (f *Model) Values() map[string]string {
	out := map[string]string{}
	for k, v := range f.carried {
		out[k] = v
	}
	for _, fl := range f.fields {
		out[fl.spec.key] = fl.input.Value()
	}
	return out
}

// namesClient reports a request form whose grant sends the client id
// whatever the Bearer (the passwordless endpoints and auth/oidc/token name
// the client): with the Bearer typed, its Client ID stays. A profile's form
// keeps the chaining choice as the client id, so there it goes with the
// secret.
func (f *Model) namesClient() bool {
	return !f.profileMode && (f.grant == client.GrantAuthorizationCode || f.grant == client.GrantOIDC)
}

// visible is the fields shown now: with chaining on, the Bearer field
// hides; with it off, the client credentials hide (but the client id of a
// grant that names the client).
func (f *Model) visible() []*field {
	hasChain := f.get(fChain) != nil
	var out []*field
	for _, fl := range f.fields {
		switch k := fl.spec.key; {
		case hasChain && f.chain && k == FBearer:
		case hasChain && !f.chain && k == FClientID && f.namesClient():
			out = append(out, fl)
		case hasChain && !f.chain && (k == FClientID || k == FClientSecret):
		default:
			out = append(out, fl)
		}
	}
	return out
}

// Shown reports whether the field with key k is visible now.
func (f *Model) Shown(k string) bool {
	for _, fl := range f.visible() {
		if fl.spec.key == k {
			return true
		}
	}
	return false
}

// focused is the field with the focus, or nil.
func (f *Model) focused() *field {
	v := f.visible()
	if f.focus < 0 || f.focus >= len(v) {
		return nil
	}
	return v[f.focus]
}

func (f *Model) focusOn(i int) {
	v := f.visible()
	f.focus = (i + len(v)) % len(v)
	for j, fl := range v {
		if j == f.focus {
			fl.input.Focus()
		} else {
			fl.input.Blur()
		}
	}
}

// FocusField moves the focus to the field with key k, if shown.
func (f *Model) FocusField(k string) {
	for i, fl := range f.visible() {
		if fl.spec.key == k {
			f.focusOn(i)
			return
		}
	}
}

func (f *Model) SetWidth(w int) {
	f.width = w
	for _, fl := range f.fields {
		fl.input.SetWidth(max(10, w-18))
	}
}

func (f *Model) syncAudience() {
	if f.audEdit {
		return
	}
	acct := f.Value(FAccount)
	aud := f.get(fAudience)
	if acct == "" {
		aud.input.SetValue("")
		return
	}
	aud.input.SetValue(client.DefaultAudience(acct))
}

// Update handles a key; submit reports that the user asked to send.
func (f *Model) Update(msg tea.KeyPressMsg, keys common.KeyMap) (cmd tea.Cmd, submit bool) {
	cur := f.focused()
	switch {
	case key.Matches(msg, keys.Select):
		return nil, true
	case key.Matches(msg, keys.Next):
		f.focusOn(f.focus + 1)
		return nil, false
	case key.Matches(msg, keys.Prev):
		f.focusOn(f.focus - 1)
		return nil, false
	case key.Matches(msg, keys.Reveal):
		if cur != nil && cur.spec.secret {
			cur.revealed = !cur.revealed
			if cur.revealed {
				cur.input.EchoMode = textinput.EchoNormal
			} else {
				cur.input.EchoMode = textinput.EchoPassword
			}
		}
		return nil, false
	}
	if cur == nil {
		return nil, false
	}
	switch cur.spec.key {
	case fChain:
		if key.Matches(msg, keys.Toggle) {
			f.chain = !f.chain
			f.FocusField(fChain)
		}
		return nil, false
	case fStorePw, fMFAChannel, fKeepTokens, fAutoRefresh:
		if key.Matches(msg, keys.Toggle) {
			*f.toggle(cur.spec.key) = !*f.toggle(cur.spec.key)
		}
		return nil, false
	}
	before := cur.input.Value()
	cur.input, cmd = cur.input.Update(msg)
	cur.Clean()
	if cur.input.Value() != before {
		cur.err = ""
		switch cur.spec.key {
		case FAccount:
			f.syncAudience()
		case fAudience:
			f.audEdit = cur.input.Value() != ""
		}
	}
	return cmd, false
}

// Request builds the flow request and the base URL from the fields.
func (f *Model) Request() (flows.Request, string) {
	r := flows.Request{
		Account: f.Value(FAccount), Audience: f.Value(fAudience), Grant: f.grant, Partner: f.Value(fPartner),
		Username: f.Value(FUsername), Password: f.get2(FPassword), Code: f.Value(fCode),
		RedirectURI: f.Value(fRedirectURI), RefreshToken: f.Value(FRefreshToken),
		MFAToken: f.Value(fMFAToken), OOBCode: f.Value(fOOBCode), BindingCode: f.Value(FBindingCode),
		AuthorizeURL: f.Value(fAuthorizeURL), Connection: strings.ToLower(f.Value(fConnection)), CustomerType: strings.ToLower(f.Value(fCustomerType)),
	}
	if f.grant == client.GrantAuthorizationCode {
		// An e-mail gets a code sent; else a user id gets one issued.
		r.Code, r.RedirectURI = "", ""
		switch {
		case f.Value(fIdent) != "":
			r.IdentType, r.Ident = flows.IdentEmail, f.Value(fIdent)
		case f.Value(fUserID) != "":
			r.IdentType, r.Ident = flows.IdentUserID, f.Value(fUserID)
		}
	}
	hasChain := f.get(fChain) != nil
	if !hasChain || f.chain {
		r.ClientID, r.ClientSecret = f.Value(FClientID), f.Value(FClientSecret)
	} else if f.namesClient() {
		r.ClientID = f.Value(FClientID)
	}
	if !hasChain || !f.chain {
		r.Bearer = f.Value(FBearer)
	}
	return r, f.Value(FBaseURL)
}

// Chained reports that the form obtains the Bearer with client
// credentials first (its chaining toggle is shown and on).
func (f *Model) Chained() bool { return f.get(fChain) != nil && f.chain }

// get2 returns a value untrimmed: a password may start or end with a space.
func (f *Model) get2(k string) string {
	if fl := f.get(k); fl != nil {
		return fl.input.Value()
	}
	return ""
}

// Validate checks everything that can be checked before sending and marks
// the fields; it reports whether the request may go.
func (f *Model) Validate() bool {
	for _, fl := range f.fields {
		fl.err = ""
	}
	req, base := f.Request()
	ok := true
	stray := "" // an error for no field of this form
	mark := func(k, msg string) {
		ok = false
		switch fl := f.get(k); {
		case fl == nil && stray == "":
			stray = msg
		case fl != nil && fl.err == "":
			fl.err = msg
		}
	}
	if _, err := client.ValidateBaseURL(base); err != nil {
		mark(FBaseURL, err.Error())
	}
	if f.profileMode {
		p, _ := f.Profile()
		err := p.ValidateNew(f.Chained())
		var fe *profiles.FieldError
		switch {
		case errors.As(err, &fe):
			mark(fe.Field, fe.Msg)
		case err != nil && strings.Contains(err.Error(), "profile name"):
			mark(FName, "use letters, digits, '.', '_' and '-' (at most 64)")
		}
		if src := f.Value(FSource); src != "" {
			if err := profiles.Source(src).Validate(); err != nil {
				mark(FSource, "keyring, file, env:NAME, cmd:COMMAND or ask")
			}
		}
		if v := f.Value(fRefreshBefore); v != "" {
			if d, err := time.ParseDuration(v); err != nil || d <= 0 {
				mark(fRefreshBefore, "a duration like 30s or 2m")
			}
		}
	}
	for _, p := range req.Normalized().Check() {
		// A profile may leave its secrets to be asked for later.
		if f.profileMode && p.Field != FAccount && p.Field != fPartner {
			continue
		}
		k, msg := p.Field, p.Message
		if k == FBearer && f.chain && f.get(fChain) != nil {
			k, msg = FClientID, "client id and secret are needed to obtain the Bearer"
		}
		mark(k, msg)
	}
	if code := f.Value(FBindingCode); code != "" && f.Shown(FBindingCode) {
		if codeinput.CheckCode(code) != "" {
			mark(FBindingCode, "digits only, as the user received it")
		}
	}
	if !ok {
		f.focusFirstError(stray)
	}
	return ok
}

// focusFirstError puts the focus on the first field shown with an error.
// An error on a field not shown, or on none (stray), would refuse enter
// without a word: it is said in the banner, with the field's name.
func (f *Model) focusFirstError(stray string) {
	for i, fl := range f.visible() {
		if fl.err != "" {
			f.focusOn(i)
			return
		}
	}
	for _, fl := range f.fields {
		if fl.err != "" {
			name := fl.spec.label
			if name == "" {
				name = fl.spec.key
			}
			f.SetBanner(name + ": " + fl.err)
			return
		}
	}
	if stray != "" {
		f.SetBanner(stray)
	}
}

// View draws the form in width and height: the grant's line on top, the
// banner and the focused field's hint below, and the fields between,
// scrolled to keep the focused one (and its error) in sight.
func (f *Model) View(s common.Styles, width, height int) string {
	info := grantInfoFor(f.grant)
	top := []string{s.Muted.Render(common.Truncate(info.needs, f.width)), ""}
	var fields []string
	focusFrom, focusTo := 0, 0
	for i, fl := range f.visible() {
		marker := "  "
		if i == f.focus {
			marker = s.Cursor.Render("› ")
			focusFrom = len(fields)
		}
		switch fl.spec.key {
		case fChain:
			fields = append(fields, marker+checkbox(f.chain)+" obtain the Bearer with client credentials first")
		case fStorePw:
			fields = append(fields, marker+checkbox(f.storePw)+" store the password (otherwise asked each time)")
		case fMFAChannel:
			ch := "SMS"
			if f.toggles.MFAEmail {
				ch = "e-mail"
			}
			fields = append(fields, marker+s.Label.Render("MFA code")+" by "+ch+s.Muted.Render("  (space: SMS/e-mail)"))
		case fKeepTokens:
			where := " (keyring)"
			if f.noKeyring {
				where = s.Warn.Render(" (no OS keyring here)")
			}
			fields = append(fields, marker+checkbox(f.toggles.keepTokens)+" keep tokens across restarts"+where)
		case fAutoRefresh:
			fields = append(fields, marker+checkbox(f.toggles.autoRefresh)+" auto-refresh before expiry")
		default:
			fields = append(fields, marker+s.Label.Render(fl.spec.label)+" "+fl.input.View())
			if fl.err != "" {
				fields = append(fields, strings.Split(s.Error.PaddingLeft(4).Render(common.Wrap(s.Error, "↳ "+fl.err, width-4)), "\n")...)
			} else if fl.cleaned {
				fields = append(fields, strings.Split(s.Warn.PaddingLeft(4).Render(common.Wrap(s.Warn, "↳ "+cleanedNote, width-4)), "\n")...)
			} else if fl.spec.key == FSource && f.noKeyring && fl.input.Value() == "" && f.NewProfile() {
				fields = append(fields, strings.Split(s.Warn.PaddingLeft(4).Render(common.Wrap(s.Warn, "↳ "+noKeyringNote, width-4)), "\n")...)
			}
		}
		if i == f.focus {
			focusTo = len(fields)
		}
	}
	var bottom []string
	if f.banner != "" {
		bottom = append(bottom, "")
		bottom = append(bottom, strings.Split(common.Wrap(s.Error, "✗ "+f.banner, width), "\n")...)
	}
	if cur := f.focused(); cur != nil {
		hint := cur.spec.hint
		if cur.spec.key == fKeepTokens && f.noKeyring {
			hint = "Space toggles. There is no OS keyring here, so tokens cannot be kept across restarts: they are held while tokenbench runs."
		}
		bottom = append(bottom, "")
		bottom = append(bottom, strings.Split(common.Wrap(s.Muted, hint, width), "\n")...)
	}
	room := height - len(top) - len(bottom)
	if len(fields) > room {
		// Fields that scroll get the blank lines around them first.
		top = top[:1]
		if len(bottom) > 0 && bottom[0] == "" {
			bottom = bottom[1:]
		}
		room = height - len(top) - len(bottom)
	}
	if room < 3 {
		// Too short for all of it: the fields first.
		top, bottom, room = nil, nil, height
	}
	if len(fields) > room && room > 0 {
		start := min(max(0, focusFrom-1), len(fields)-room)
		if focusTo-start > room-1 {
			start = min(focusTo-room+1, len(fields)-room)
		}
		window := append([]string{}, fields[start:start+room]...)
		if start > 0 && focusFrom > start {
			window[0] = s.Muted.Render("  ↑ more fields")
		}
		if start+room < len(fields) && focusTo < start+room {
			window[room-1] = s.Muted.Render("  ↓ more fields")
		}
		fields = window
	}
	return strings.Join(append(append(top, fields...), bottom...), "\n")
}

func grantInfoFor(g client.Grant) grantInfo {
	for _, gi := range grantInfos {
		if gi.grant == g {
			return gi
		}
	}
	return grantInfo{grant: g, title: string(g)}
}

func (f *Model) Keys(k common.KeyMap) common.Bindings {
	short := []key.Binding{common.WithHelp(k.Select, "send"), k.Next, k.Back}
	if cur := f.focused(); cur != nil && cur.spec.secret {
		short = append(short, k.Reveal)
	}
	if cur := f.focused(); cur != nil && toggles[cur.spec.key] {
		short = append(short, k.Toggle)
	}
	if f.profileMode {
		short[0] = common.WithHelp(k.Select, "save profile")
	}
	short = append(short, k.ForceQuit)
	return common.Bindings{Short: short, Full: [][]key.Binding{{k.Select, k.Next, k.Prev}, {k.Reveal, k.Toggle}, {k.Back, k.ForceQuit}}}
}

// ValuesFor fills form values from a request and base URL.
func ValuesFor(r flows.Request, baseURL string) map[string]string {
	return map[string]string{
		FBaseURL: baseURL, FAccount: r.Account, fAudience: r.Audience, fPartner: r.Partner,
		FClientID: r.ClientID, FClientSecret: r.ClientSecret, FBearer: r.Bearer,
		FUsername: r.Username, FPassword: r.Password, fCode: r.Code, fRedirectURI: r.RedirectURI,
		FRefreshToken: r.RefreshToken, fMFAToken: r.MFAToken, fOOBCode: r.OOBCode, FBindingCode: r.BindingCode,
		fAuthorizeURL: r.AuthorizeURL, fIdent: identIf(r, flows.IdentEmail), fUserID: identIf(r, flows.IdentUserID),
		fConnection: r.Connection, fCustomerType: r.CustomerType,
	}
}

// identIf is r's ident when its ident type is t.
func identIf(r flows.Request, t string) string {
	if r.IdentType == t {
		return r.Ident
	}
	return ""
}

// ValuesForProfile fills form values from a profile (without secrets).
func ValuesForProfile(p profiles.Profile) map[string]string {
	v := ValuesFor(p.Request(), p.BaseURLOrDefault())
	v[FName] = p.Name
	v[fJWKSURL], v[fNotes] = p.JWKSURL, p.Notes
	if p.RefreshBefore != 0 {
		v[fRefreshBefore] = time.Duration(p.RefreshBefore).String()
	}
	if src := profiles.SourceOf(p, profiles.ClientSecret); src != "" && src != profiles.SourceKeyring {
		v[FSource] = string(src)
	}
	return v
}

func checkbox(on bool) string {
	if on {
		return "[x]"
	}
	return "[ ]"
}

// NewProfile reports whether the form adds a profile (not an edit or a
// duplicate, whose secrets stay where they were).
func (f *Model) NewProfile() bool {
	return f.profileMode && f.editing == "" && f.duplicateOf == ""
}

// DefaultSource is where typed secrets go when "Secrets in" is left
// empty: the keyring, or, where no keyring answers, nowhere: they are
// asked for each time (never a plain-text file the user did not ask for).
func (f *Model) DefaultSource() profiles.Source {
	if f.noKeyring {
		return profiles.SourceAsk
	}
	return profiles.SourceKeyring
}

// noKeyringNote says under an empty "Secrets in" why its default is ask.
const noKeyringNote = "no OS keyring here: asked for each time (file: a plain-text 0600 file)"

// toggle is the state of a space-toggled field.
func (f *Model) toggle(k string) *bool {
	switch k {
	case fStorePw:
		return &f.storePw
	case fMFAChannel:
		return &f.toggles.MFAEmail
	case fKeepTokens:
		return &f.toggles.keepTokens
	case fAutoRefresh:
		return &f.toggles.autoRefresh
	}
	return &f.chain
}

// Profile is the form as a profile, with the secrets typed into it. It
// starts from the profile being edited (f.base), so that what the form does
// not show is kept.
func (f *Model) Profile() (profiles.Profile, map[profiles.Kind]string) {
	req, base := f.Request()
	p := f.base
	p.Name, p.BaseURL, p.Account, p.Audience, p.Grant = f.Value(FName), base, req.Account, req.Audience, string(f.grant)
	p.JWKSURL, p.Notes, p.KeepTokens, p.AutoRefresh = f.Value(fJWKSURL), f.Value(fNotes), f.toggles.keepTokens, f.toggles.autoRefresh
	// The grant's own fields, where the form has them; the client id goes
	// with the chaining toggle (request leaves it empty when off).
	if f.get(fPartner) != nil {
		p.Partner = req.Partner
	}
	if f.get(FClientID) != nil {
		p.ClientID = req.ClientID
	}
	if f.get(FUsername) != nil {
		p.Username = req.Username
	}
	if f.get(fRedirectURI) != nil {
		p.RedirectURI = req.RedirectURI
	}
	if f.get(fAuthorizeURL) != nil {
		p.AuthorizeURL = req.AuthorizeURL
	}
	if f.grant == client.GrantAuthorizationCode {
		// Never a code, and never the old code/redirect_uri shape.
		p.IdentType, p.Ident, p.Connection, p.CustomerType = req.IdentType, req.Ident, req.Connection, req.CustomerType
		p.OldCode, p.RedirectURI = "", ""
	}
	if f.get(fMFAChannel) != nil {
		p.MFAChannel = ""
		if f.toggles.MFAEmail {
			p.MFAChannel = string(client.ChannelEmail)
		}
	}
	p.RefreshBefore = 0
	if d, err := time.ParseDuration(f.Value(fRefreshBefore)); err == nil && f.Value(fRefreshBefore) != "" {
		p.RefreshBefore = profiles.Duration(d)
	}
	if p.BaseURL == client.DefaultBaseURL {
		p.BaseURL = ""
	}
	if p.Audience == client.DefaultAudience(p.Account) {
		p.Audience = ""
	}
	secrets := map[profiles.Kind]string{
		profiles.ClientSecret: req.ClientSecret, profiles.Bearer: req.Bearer, profiles.RefreshToken: req.RefreshToken,
	}
	if f.storePw {
		secrets[profiles.Password] = req.Password
	}
	return p, secrets
}

// ProfileToggles are a profile form's space-toggled lines (see toggle).
type ProfileToggles struct{ MFAEmail, keepTokens, autoRefresh bool }

// togglesOf are a saved profile's toggles.
func togglesOf(p profiles.Profile) ProfileToggles {
	return ProfileToggles{MFAEmail: p.Channel() == client.ChannelEmail, keepTokens: p.KeepTokens, autoRefresh: p.AutoRefresh}
}

// secretFields are the secrets a form can hold, in the order asked.
var secretFields = []struct {
	kind  profiles.Kind
	field string
	name  string
}{
	{profiles.ClientSecret, FClientSecret, "client secret"},
	{profiles.Bearer, FBearer, "Bearer token"},
	{profiles.Password, FPassword, "password"},
	{profiles.RefreshToken, FRefreshToken, "refresh token"},
}

// MissingSecrets says which secrets a profile's form still needs, and
// whether they are asked for each time (by the profile's choice) or simply
// not saved (a duplicate, a lost keyring entry); first is the field of the
// first one.
func (f *Model) MissingSecrets(p profiles.Profile) (banner, first string) {
	var asked, unsaved []string
	for _, sf := range secretFields {
		fl := f.get(sf.field)
		if fl == nil || fl.input.Value() != "" || !f.Shown(sf.field) {
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

// Grant is the grant the form is for.
func (f *Model) Grant() client.Grant { return f.grant }

// Chain is the chaining toggle (a client_credentials token first, as the
// Bearer), as it stands.
func (f *Model) Chain() bool { return f.chain }

// ProfileMode reports a profile's form (saved, not sent).
func (f *Model) ProfileMode() bool { return f.profileMode }

// StorePw reports the "store the password" toggle.
func (f *Model) StorePw() bool { return f.storePw }

// Toggles are the profile toggles as they stand.
func (f *Model) Toggles() ProfileToggles { return f.toggles }

// Editing is the name of the profile edited, "" when adding.
func (f *Model) Editing() string { return f.editing }

// DuplicateOf is the name of the profile duplicated, "".
func (f *Model) DuplicateOf() string { return f.duplicateOf }

// SavedFrom is the token a profile is saved from, or nil.
func (f *Model) SavedFrom() *flows.Result { return f.savedFrom }

// SetBanner shows text (an error, what is needed) above the fields; ""
// clears it. The text is often a server's: it is shown sanitised, whoever
// sends it.
func (f *Model) SetBanner(text string) { f.banner = textsafe.Sanitize(text) }

// SetNoKeyring says whether the OS keyring answered: where typed secrets
// go, and what the keep-tokens line says, follow it.
func (f *Model) SetNoKeyring(missing bool) {
	f.noKeyring = missing
	if fl := f.get(FSource); fl != nil && f.NewProfile() {
		fl.input.Placeholder = string(f.DefaultSource())
	}
}

// StartFrom starts a profile's form from the profile edited or duplicated
// (what the form does not show is carried over), the token it is saved
// from, and the toggles to start with; nil is none.
func (f *Model) StartFrom(editing, duplicateOf *profiles.Profile, savedFrom *flows.Result, toggles *ProfileToggles) {
	f.savedFrom = savedFrom
	for _, base := range []*profiles.Profile{editing, duplicateOf} {
		if base != nil {
			f.base = *base
			f.toggles = togglesOf(*base)
		}
	}
	if editing != nil {
		f.editing = editing.Name
	}
	if duplicateOf != nil {
		f.duplicateOf = duplicateOf.Name
	}
	if toggles != nil {
		f.toggles = *toggles
	}
}

// ClearSecrets drops the secrets typed into the form: a secret field
// shows what it was opened with again (keepGiven: a connection's secret),
// or nothing; what the form carried for other grants goes.
func (f *Model) ClearSecrets(keepGiven bool) {
	for _, fl := range f.fields {
		if fl.spec.secret {
			v := ""
			if keepGiven {
				v = fl.initial
			}
			fl.input.SetValue(v)
			fl.revealed, fl.input.EchoMode = false, textinput.EchoPassword
		}
	}
	for k := range f.carried {
		if specs[k].secret {
			delete(f.carried, k)
		}
	}
}

// IsSecret reports whether the field k holds a secret.
func IsSecret(k string) bool { return specs[k].secret }

// TypeInto hands the focused field what is not a key (a paste, a cursor
// blink). The binding code's field cleans a paste as codeinput does.
func (f *Model) TypeInto(msg tea.Msg) tea.Cmd {
	fl := f.focused()
	if fl == nil {
		return nil
	}
	if paste, ok := msg.(tea.PasteMsg); ok && fl.spec.key == FBindingCode {
		msg = codeinput.CleanCodePaste(paste)
	}
	var cmd tea.Cmd
	fl.input, cmd = fl.input.Update(msg)
	fl.Clean()
	return cmd
}
