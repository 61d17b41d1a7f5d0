package form

import (
	"errors"
	"strings"
	"time"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"

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
	Key, label, placeholder, hint string
	Secret                        bool
}

var Specs = map[string]fieldSpec{
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
	Spec     fieldSpec
	Input    textinput.Model
	Revealed bool
	err      string
	// Initial is a secret field's value as the form was opened with it
	// (a connection's secret): not typed, so not dropped with what was.
	Initial string
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
// Unlike client.Sanitize it keeps every other character as typed (runs of
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
	if fl.Spec.Secret {
		return
	}
	if v, changed := cleanText(fl.Input.Value()); changed {
		pos := fl.Input.Position()
		fl.Input.SetValue(v)
		fl.Input.SetCursor(min(pos, len([]rune(v))))
		fl.cleaned = true
	}
}

// Model is the request form for one grant.
type Model struct {
	// NoKeyring: there is no OS keyring here, so kept tokens would not
	// be kept (the keep-tokens line says so before saving).
	NoKeyring bool
	Grant     client.Grant
	Fields    []*field
	Chain     bool
	focus     int // index into visible()
	audEdit   bool
	// Banner is an error from the server for the request this form sent.
	Banner string
	Width  int
	// ProfileMode: the form edits a profile instead of sending a request.
	ProfileMode bool
	StorePw     bool
	ProfileToggles
	// keptHint marks secret fields left empty when editing: what is stored
	// stays.
	keptHint bool
	// Editing is the name of the profile being edited ("" when adding);
	// duplicateOf the one being duplicated.
	Editing, DuplicateOf string
	// SavedFrom is the token a profile is being saved from.
	SavedFrom *flows.Result
	// Base is the profile being edited or duplicated: what the form does
	// not show is carried over from it.
	Base profiles.Profile
	// Carried is what the form was opened with: values of fields this
	// grant lacks go on to the next grant's form (a client id and secret
	// survive a look at account_user_token).
	Carried map[string]string
}

func New(g client.Grant, values map[string]string, chain bool, width int) Model {
	return buildForm(g, values, chain, width, false)
}

// NewProfile is the same form with a name, for saving a profile.
func NewProfile(g client.Grant, values map[string]string, chain, storePw, editing bool, width int) Model {
	f := buildForm(g, values, chain, width, true)
	f.StorePw, f.keptHint = storePw, editing
	if editing {
		for _, fl := range f.Fields {
			if fl.Spec.Secret && fl.Input.Value() == "" {
				fl.Input.Placeholder = "(unchanged: kept where the profile keeps it)"
			}
		}
	}
	return f
}

func buildForm(g client.Grant, values map[string]string, chain bool, width int, profileMode bool) Model {
	f := Model{Grant: g, Chain: chain, Width: width, ProfileMode: profileMode, Carried: map[string]string{}}
	for k, v := range values {
		f.Carried[k] = v
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
		spec := Specs[k]
		in := common.NewInput(spec.placeholder, 8192)
		in.SetValue(values[k])
		if spec.Secret {
			in.EchoMode = textinput.EchoPassword
			in.EchoCharacter = '•'
		}
		fl := &field{Spec: spec, Input: in}
		if spec.Secret {
			fl.Initial = values[k]
		}
		// A profile's file may have been imported from anyone.
		fl.Clean()
		f.Fields = append(f.Fields, fl)
	}
	f.audEdit = values[fAudience] != "" && values[fAudience] != client.DefaultAudience(values[FAccount])
	if values[fAudience] == "" {
		f.syncAudience()
	}
	f.SetWidth(width)
	f.focusOn(0)
	return f
}

func (f *Model) Get(k string) *field {
	for _, fl := range f.Fields {
		if fl.Spec.Key == k {
			return fl
		}
	}
	return nil
}

func (f *Model) Value(k string) string {
	if fl := f.Get(k); fl != nil {
		return strings.TrimSpace(fl.Input.Value())
	}
	return ""
}

// Values returns every field's value, to carry into another grant's form,
// with the values it carried for fields it does not have.
func (f *Model) Values() map[string]string {
	out := map[string]string{}
	for k, v := range f.Carried {
		out[k] = v
	}
	for _, fl := range f.Fields {
		out[fl.Spec.Key] = fl.Input.Value()
	}
	return out
}

// visible is the fields shown now: with chaining on, the Bearer field
// hides; with it off, the client credentials hide.
func (f *Model) visible() []*field {
	hasChain := f.Get(fChain) != nil
	var out []*field
	for _, fl := range f.Fields {
		switch k := fl.Spec.Key; {
		case hasChain && f.Chain && k == FBearer:
		case hasChain && !f.Chain && (k == FClientID || k == FClientSecret):
		default:
			out = append(out, fl)
		}
	}
	return out
}

// Shown reports whether the field with key k is visible now.
func (f *Model) Shown(k string) bool {
	for _, fl := range f.visible() {
		if fl.Spec.Key == k {
			return true
		}
	}
	return false
}

func (f *Model) Focused() *field {
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
			fl.Input.Focus()
		} else {
			fl.Input.Blur()
		}
	}
}

// FocusField moves the focus to the field with key k, if shown.
func (f *Model) FocusField(k string) {
	for i, fl := range f.visible() {
		if fl.Spec.Key == k {
			f.focusOn(i)
			return
		}
	}
}

func (f *Model) SetWidth(w int) {
	f.Width = w
	for _, fl := range f.Fields {
		fl.Input.SetWidth(max(10, w-18))
	}
}

func (f *Model) syncAudience() {
	if f.audEdit {
		return
	}
	acct := f.Value(FAccount)
	aud := f.Get(fAudience)
	if acct == "" {
		aud.Input.SetValue("")
		return
	}
	aud.Input.SetValue(client.DefaultAudience(acct))
}

// Update handles a key; submit reports that the user asked to send.
func (f *Model) Update(msg tea.KeyPressMsg, keys common.KeyMap) (cmd tea.Cmd, submit bool) {
	cur := f.Focused()
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
		if cur != nil && cur.Spec.Secret {
			cur.Revealed = !cur.Revealed
			if cur.Revealed {
				cur.Input.EchoMode = textinput.EchoNormal
			} else {
				cur.Input.EchoMode = textinput.EchoPassword
			}
		}
		return nil, false
	}
	if cur == nil {
		return nil, false
	}
	switch cur.Spec.Key {
	case fChain:
		if key.Matches(msg, keys.Toggle) {
			f.Chain = !f.Chain
			f.FocusField(fChain)
		}
		return nil, false
	case fStorePw, fMFAChannel, fKeepTokens, fAutoRefresh:
		if key.Matches(msg, keys.Toggle) {
			*f.toggle(cur.Spec.Key) = !*f.toggle(cur.Spec.Key)
		}
		return nil, false
	}
	before := cur.Input.Value()
	cur.Input, cmd = cur.Input.Update(msg)
	cur.Clean()
	if cur.Input.Value() != before {
		cur.err = ""
		switch cur.Spec.Key {
		case FAccount:
			f.syncAudience()
		case fAudience:
			f.audEdit = cur.Input.Value() != ""
		}
	}
	return cmd, false
}

// Request builds the flow request and the base URL from the fields.
func (f *Model) Request() (flows.Request, string) {
	r := flows.Request{
		Account: f.Value(FAccount), Audience: f.Value(fAudience), Grant: f.Grant, Partner: f.Value(fPartner),
		Username: f.Value(FUsername), Password: f.get2(FPassword), Code: f.Value(fCode),
		RedirectURI: f.Value(fRedirectURI), RefreshToken: f.Value(FRefreshToken),
		MFAToken: f.Value(fMFAToken), OOBCode: f.Value(fOOBCode), BindingCode: f.Value(FBindingCode),
		AuthorizeURL: f.Value(fAuthorizeURL), Connection: strings.ToLower(f.Value(fConnection)), CustomerType: strings.ToLower(f.Value(fCustomerType)),
	}
	if f.Grant == client.GrantAuthorizationCode {
		// An e-mail gets a code sent; else a user id gets one issued.
		r.Code, r.RedirectURI = "", ""
		switch {
		case f.Value(fIdent) != "":
			r.IdentType, r.Ident = flows.IdentEmail, f.Value(fIdent)
		case f.Value(fUserID) != "":
			r.IdentType, r.Ident = flows.IdentUserID, f.Value(fUserID)
		}
	}
	hasChain := f.Get(fChain) != nil
	if !hasChain || f.Chain {
		r.ClientID, r.ClientSecret = f.Value(FClientID), f.Value(FClientSecret)
	}
	if !hasChain || !f.Chain {
		r.Bearer = f.Value(FBearer)
	}
	return r, f.Value(FBaseURL)
}

// Chained reports that the form obtains the Bearer with client
// credentials first (its chaining toggle is shown and on).
func (f *Model) Chained() bool { return f.Get(fChain) != nil && f.Chain }

// get2 returns a value untrimmed: a password may start or end with a space.
func (f *Model) get2(k string) string {
	if fl := f.Get(k); fl != nil {
		return fl.Input.Value()
	}
	return ""
}

// Validate checks everything that can be checked before sending and marks
// the fields; it reports whether the request may go.
func (f *Model) Validate() bool {
	for _, fl := range f.Fields {
		fl.err = ""
	}
	req, base := f.Request()
	ok := true
	mark := func(k, msg string) {
		ok = false
		if fl := f.Get(k); fl != nil && fl.err == "" {
			fl.err = msg
		}
	}
	if _, err := client.ValidateBaseURL(base); err != nil {
		mark(FBaseURL, err.Error())
	}
	if f.ProfileMode {
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
		if f.ProfileMode && p.Field != FAccount && p.Field != fPartner {
			continue
		}
		k, msg := p.Field, p.Message
		if k == FBearer && f.Chain && f.Get(fChain) != nil {
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
		for i, fl := range f.visible() {
			if fl.err != "" {
				f.focusOn(i)
				break
			}
		}
	}
	return ok
}

// View draws the form in width and height: the grant's line on top, the
// banner and the focused field's hint below, and the fields between,
// scrolled to keep the focused one (and its error) in sight.
func (f *Model) View(s common.Styles, width, height int) string {
	info := grantInfoFor(f.Grant)
	top := []string{s.Muted.Render(common.Truncate(info.needs, f.Width)), ""}
	var fields []string
	focusFrom, focusTo := 0, 0
	for i, fl := range f.visible() {
		marker := "  "
		if i == f.focus {
			marker = s.Cursor.Render("› ")
			focusFrom = len(fields)
		}
		switch fl.Spec.Key {
		case fChain:
			fields = append(fields, marker+checkbox(f.Chain)+" obtain the Bearer with client credentials first")
		case fStorePw:
			fields = append(fields, marker+checkbox(f.StorePw)+" store the password (otherwise asked each time)")
		case fMFAChannel:
			ch := "SMS"
			if f.MFAEmail {
				ch = "e-mail"
			}
			fields = append(fields, marker+s.Label.Render("MFA code")+" by "+ch+s.Muted.Render("  (space: SMS/e-mail)"))
		case fKeepTokens:
			where := " (keyring)"
			if f.NoKeyring {
				where = s.Warn.Render(" (no OS keyring here)")
			}
			fields = append(fields, marker+checkbox(f.keepTokens)+" keep tokens across restarts"+where)
		case fAutoRefresh:
			fields = append(fields, marker+checkbox(f.autoRefresh)+" auto-refresh before expiry")
		default:
			fields = append(fields, marker+s.Label.Render(fl.Spec.label)+" "+fl.Input.View())
			if fl.err != "" {
				fields = append(fields, strings.Split(s.Error.PaddingLeft(4).Render(common.Wrap(s.Error, "↳ "+fl.err, width-4)), "\n")...)
			} else if fl.cleaned {
				fields = append(fields, strings.Split(s.Warn.PaddingLeft(4).Render(common.Wrap(s.Warn, "↳ "+cleanedNote, width-4)), "\n")...)
			} else if fl.Spec.Key == FSource && f.NoKeyring && fl.Input.Value() == "" && f.NewProfile() {
				fields = append(fields, strings.Split(s.Warn.PaddingLeft(4).Render(common.Wrap(s.Warn, "↳ "+noKeyringNote, width-4)), "\n")...)
			}
		}
		if i == f.focus {
			focusTo = len(fields)
		}
	}
	var bottom []string
	if f.Banner != "" {
		bottom = append(bottom, "")
		bottom = append(bottom, strings.Split(common.Wrap(s.Error, "✗ "+f.Banner, width), "\n")...)
	}
	if cur := f.Focused(); cur != nil {
		hint := cur.Spec.hint
		if cur.Spec.Key == fKeepTokens && f.NoKeyring {
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
	for _, gi := range GrantInfos {
		if gi.Grant == g {
			return gi
		}
	}
	return grantInfo{Grant: g, title: string(g)}
}

func (f *Model) Keys(k common.KeyMap) common.Bindings {
	short := []key.Binding{common.WithHelp(k.Select, "send"), k.Next, k.Back}
	if cur := f.Focused(); cur != nil && cur.Spec.Secret {
		short = append(short, k.Reveal)
	}
	if cur := f.Focused(); cur != nil && toggles[cur.Spec.Key] {
		short = append(short, k.Toggle)
	}
	if f.ProfileMode {
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
	return f.ProfileMode && f.Editing == "" && f.DuplicateOf == ""
}

// DefaultSource is where typed secrets go when "Secrets in" is left
// empty: the keyring, or, where no keyring answers, nowhere: they are
// asked for each time (never a plain-text file the user did not ask for).
func (f *Model) DefaultSource() profiles.Source {
	if f.NoKeyring {
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
		return &f.StorePw
	case fMFAChannel:
		return &f.MFAEmail
	case fKeepTokens:
		return &f.keepTokens
	case fAutoRefresh:
		return &f.autoRefresh
	}
	return &f.Chain
}

// Profile is the form as a profile, with the secrets typed into it. It
// starts from the profile being edited (f.base), so that what the form does
// not show is kept.
func (f *Model) Profile() (profiles.Profile, map[profiles.Kind]string) {
	req, base := f.Request()
	p := f.Base
	p.Name, p.BaseURL, p.Account, p.Audience, p.Grant = f.Value(FName), base, req.Account, req.Audience, string(f.Grant)
	p.JWKSURL, p.Notes, p.KeepTokens, p.AutoRefresh = f.Value(fJWKSURL), f.Value(fNotes), f.keepTokens, f.autoRefresh
	// The grant's own fields, where the form has them; the client id goes
	// with the chaining toggle (request leaves it empty when off).
	if f.Get(fPartner) != nil {
		p.Partner = req.Partner
	}
	if f.Get(FClientID) != nil {
		p.ClientID = req.ClientID
	}
	if f.Get(FUsername) != nil {
		p.Username = req.Username
	}
	if f.Get(fRedirectURI) != nil {
		p.RedirectURI = req.RedirectURI
	}
	if f.Get(fAuthorizeURL) != nil {
		p.AuthorizeURL = req.AuthorizeURL
	}
	if f.Grant == client.GrantAuthorizationCode {
		// Never a code, and never the old code/redirect_uri shape.
		p.IdentType, p.Ident, p.Connection, p.CustomerType = req.IdentType, req.Ident, req.Connection, req.CustomerType
		p.OldCode, p.RedirectURI = "", ""
	}
	if f.Get(fMFAChannel) != nil {
		p.MFAChannel = ""
		if f.MFAEmail {
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
	if f.StorePw {
		secrets[profiles.Password] = req.Password
	}
	return p, secrets
}

// ProfileToggles are a profile form's space-toggled lines (see toggle).
type ProfileToggles struct{ MFAEmail, keepTokens, autoRefresh bool }

// TogglesOf are a saved profile's toggles.
func TogglesOf(p profiles.Profile) ProfileToggles {
	return ProfileToggles{MFAEmail: p.Channel() == client.ChannelEmail, keepTokens: p.KeepTokens, autoRefresh: p.AutoRefresh}
}
