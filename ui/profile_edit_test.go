package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/log"
)

// everyFieldProfile is a partner profile with every Profile field set, even
// those its grant has no use for: editing must keep them all.
func everyFieldProfile(t *testing.T, base string) profiles.Profile {
	t.Helper()
	p := profiles.Profile{
		Name: "partner-m", BaseURL: base, Account: dinterotest.DemoMerchant, Audience: "https://example.com/aud",
		Grant: "client_credentials", Partner: dinterotest.DemoPartner, ClientID: dinterotest.DemoPartnerClient,
		Username: "someone@example.com", RedirectURI: "https://example.com/cb", JWKSURL: "https://example.com/jwks",
		MFAChannel: "email", Notes: "kept", Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring},
		KeepTokens: true, AutoRefresh: true, RefreshBefore: profiles.Duration(45 * time.Second),
		IdentType: "email", Ident: "customer@example.com", Connection: "sms", CustomerType: "company",
		AuthorizeURL: "https://example.com/authorize", OldCode: "old",
	}
	v := reflect.ValueOf(p)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Fatalf("Profile.%s is not set in the fixture: set it, and have the form show it or carry it over", v.Type().Field(i).Name)
		}
	}
	return p
}

// Issue (tfb 1): e, enter on a partner profile dropped its partner (and
// every other field the form did not show).
func TestEditProfileKeepsEveryField(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	dir := t.TempDir()
	ctx := profileContext(t, clk, dir)
	want := everyFieldProfile(t, srv.URL)
	if err := ctx.Store.Add(want); err != nil {
		t.Fatal(err)
	}
	m := New(ctx)
	requireShows(t, m, "partner-m")
	press(t, m, "e")
	requireShows(t, m, "Partner", dinterotest.DemoPartner)
	press(t, m, "enter")
	requireShows(t, m, "profile partner-m saved")
	got, err := ctx.Store.Get("partner-m")
	if err != nil {
		t.Fatal(err)
	}
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			t.Errorf("Profile.%s: %v after e, enter; was %v", gv.Type().Field(i).Name, gv.Field(i).Interface(), wv.Field(i).Interface())
		}
	}
}

// Issue (tfb 1): the partner connection's form, sent unchanged, ran a plain
// client_credentials grant for the partner's client.
func TestEditPartnerConnectionRunsPartnerFlow(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	for range 4 {
		press(t, m, "j")
	}
	requireShows(t, m, "› 5 Partner")
	press(t, m, "e")
	requireShows(t, m, "Partner     "+dinterotest.DemoPartner)
	press(t, m, "enter")
	requireShows(t, m, "partner T112 → merchant "+dinterotest.DemoMerchant)
}

// The form's Partner field is checked like the CLI's --partner.
func TestPartnerFieldValidated(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	for range 4 {
		press(t, m, "j")
	}
	press(t, m, "e")
	for range 5 {
		press(t, m, "tab")
	}
	requireShows(t, m, "› Partner")
	press(t, m, "backspace")
	requests := srv.Requests()
	press(t, m, "enter")
	requireShows(t, m, "is not P or T followed by 3 digits and 00000")
	if srv.Requests() != requests {
		t.Fatal("an invalid partner was sent")
	}
	if !strings.Contains(viewText(m), "T1120000") {
		t.Fatal("the typed partner was lost")
	}
}

// Issues (tfb 4, 5): without a keyring, saving says to pick "Secrets in:
// file" in the same form (which works), and a profile that keeps tokens
// says they will not be kept.
func TestNoKeyringSaveSaysWhatWorks(t *testing.T) {
	m, ctx, _, _ := noKeyringProfileForm(t)
	// The keyring asked for by name (the default here is ask: see
	// TestNoKeyringProfileFormDefaultsToAsk).
	for !strings.Contains(viewText(m), "› Secrets in") {
		press(t, m, "tab")
	}
	typeText(t, m, "keyring")
	press(t, m, "enter")
	requireShows(t, m, `Set "Secrets in" to file`)
	requireHides(t, m, "--insecure-storage")
	// Secrets in: file, and keep tokens on.
	for !strings.Contains(viewText(m), "› Secrets in") {
		press(t, m, "tab")
	}
	press(t, m, "ctrl+u")
	typeText(t, m, "file")
	for !strings.Contains(viewText(m), "› [ ] keep tokens") {
		press(t, m, "tab")
	}
	// The form says it before saving, not only after.
	requireShows(t, m, "keep tokens across restarts (no OS keyring here)", "tokens cannot be kept")
	press(t, m, "space", "enter")
	requireShows(t, m, "profile no-keyring saved", "tokens will not be kept across restarts")
	p, err := ctx.Store.Get("no-keyring")
	if err != nil || profiles.SourceOf(p, profiles.ClientSecret) != profiles.SourceFile {
		t.Fatalf("saved %+v, %v", p, err)
	}
}

// Issue (tfb 3): a look at a grant without client fields emptied the
// client id and secret of the next grant's form.
func TestGrantSwitchKeepsClientCredentials(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "enter") // Demo API client's token
	press(t, m, "n")
	requireShows(t, m, "choose a grant")
	press(t, m, "j", "j", "j", "j", "enter")  // refresh_token
	press(t, m, "tab", "tab", "tab", "space") // chained: client id and secret show
	requireShows(t, m, "Client ID   "+dinterotest.DemoClientID)
	press(t, m, "esc", "k", "enter") // account_user_token
	requireShows(t, m, "account_user_token")
	requireHides(t, m, "Client ID")
	press(t, m, "esc", "j", "j", "enter") // mfa-oob
	requireShows(t, m, "mfa-oob", "Client ID   "+dinterotest.DemoClientID)
	press(t, m, "esc", "k", "k", "k", "k", "k", "enter") // client_credentials
	requireShows(t, m, "Client ID   "+dinterotest.DemoClientID)
	// The secret too: the form sends and gets the client's token.
	press(t, m, "enter")
	requireShows(t, m, "client:"+dinterotest.DemoClientID)
}

// Issue (tfb 2): after an MFA sign-in, the chooser's "Recover MFA (lost
// device)" sent a recovery code for that user without asking.
func TestRecoveryFromChooserAlwaysAsksFirst(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "j", "enter") // MFA user: a code goes out
	requireShows(t, m, "A code was sent by SMS")
	for range 5 {
		if strings.Contains(viewText(m), "New request") {
			break
		}
		escLeaving(t, m)
	}
	press(t, m, "end", "enter") // New request…
	for range form.Grants() {
		press(t, m, "down")
	}
	requireShows(t, m, "Recover MFA (lost device)")
	sent := len(srv.Outbox())
	press(t, m, "enter")
	requireShows(t, m, "MFA recovery", dinterotest.DemoMFAUser, "First code")
	requireHides(t, m, "step 1 of 2")
	if len(srv.Outbox()) != sent {
		t.Fatal("a recovery code was sent before the user confirmed")
	}
	press(t, m, "enter")
	requireShows(t, m, "step 1 of 2: code sent by SMS")
}

// Issue (tfb 6): after a revoke, r repeats the grant; it never sends the
// revoked refresh token (here: a token that was itself refreshed, whose
// request is the refresh_token grant with the revoked token).
func TestRefreshAfterRevokeNeverSendsTheRevokedToken(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	m := New(ctx)
	for range 2 {
		press(t, m, "j")
	}
	press(t, m, "enter") // Support user: a token with a refresh token
	requireShows(t, m, "Refresh     ✓ sha256:")
	press(t, m, "r") // refreshed: the token's request is now refresh_token
	press(t, m, "X", "y")
	requireShows(t, m, "revoked refresh token")
	before := len(log.ExchangesOf(ctx))
	press(t, m, "r")
	after := log.ExchangesOf(ctx)
	for _, ex := range after[before:] {
		if ex.Fields["grant_type"] == "refresh_token" {
			t.Fatalf("r after a revoke sent a refresh_token grant:\n%s", viewText(m))
		}
	}
	requireShows(t, m, "Grant       password")
	requireHides(t, m, "invalid_grant")
}

// Issue (tfb 6): r on a recovery token says why it cannot be refreshed.
func TestRefreshOnRecoveryTokenSaysWhy(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	m := New(ctx)
	press(t, m, "end", "enter") // New request…
	for range form.Grants() {
		press(t, m, "down")
	}
	press(t, m, "enter")
	for _, v := range []string{dinterotest.DemoAccount, dinterotest.DemoClientID, dinterotest.DemoSecret, dinterotest.DemoLostDeviceUser} {
		press(t, m, "ctrl+u")
		typeText(t, m, v)
		press(t, m, "tab")
	}
	press(t, m, "enter")
	requireShows(t, m, "step 1 of 2")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoLostDeviceUser))
	press(t, m, "enter")
	requireShows(t, m, "step 2 of 2")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoLostDeviceUser))
	press(t, m, "enter")
	requireShows(t, m, "Refresh")
	before := len(log.ExchangesOf(ctx))
	press(t, m, "r")
	if flat := strings.Join(strings.Fields(viewText(m)), " "); !strings.Contains(flat, "this token came from an MFA recovery; run the recovery again or sign in with the password") {
		t.Fatalf("r on a recovery token:\n%s", viewText(m))
	}
	requireHides(t, m, "mfa_token is required")
	if len(log.ExchangesOf(ctx)) != before {
		t.Fatal("r on a recovery token sent a request")
	}
}

// Issue (sess 1): without a keyring, renaming a profile whose secrets are
// in the file and that "keeps tokens" (which then are not kept) said
// nothing was saved, while the files had been renamed. It renames: the
// screen says so, home lists the new name, and both files agree.
func TestRenameWithoutKeyringKeepingTokens(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	dir := t.TempDir()
	ctx := profileContext(t, clk, dir)
	ctx.Secrets.Keyring = keyringtest.Failing(fmt.Errorf("%w: no Secret Service", profiles.ErrNoKeyring))
	p := profiles.Profile{Name: "mfa2", BaseURL: srv.URL, Account: dinterotest.DemoAccount, Grant: "password", ClientID: dinterotest.DemoClientID,
		Username: dinterotest.DemoMFAUser, KeepTokens: true,
		Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceFile, profiles.Password: profiles.SourceAsk}}
	if err := ctx.Secrets.Put(p, profiles.ClientSecret, dinterotest.DemoSecret); err != nil {
		t.Fatal(err)
	}
	if err := ctx.Store.Add(p); err != nil {
		t.Fatal(err)
	}
	m := New(ctx)
	requireShows(t, m, "› 1 mfa2")
	press(t, m, "e")
	requireShows(t, m, "› Name        mfa2")
	press(t, m, "backspace")
	typeText(t, m, "3")
	press(t, m, "enter")
	wantScreen(t, m, "home")
	requireShows(t, m, "profile mfa3 saved", "› 1 mfa3")
	requireHides(t, m, "mfa2", "✗")
	profilesFile, _ := os.ReadFile(filepath.Join(dir, profiles.FileName))
	secretsFile, _ := os.ReadFile(filepath.Join(dir, profiles.SecretsFileName))
	if !strings.Contains(string(profilesFile), "name: mfa3") || strings.Contains(string(profilesFile), "mfa2") ||
		!strings.Contains(string(secretsFile), "mfa3:") || strings.Contains(string(secretsFile), "mfa2") {
		t.Fatalf("the files disagree with the screen:\n%s\n%s", profilesFile, secretsFile)
	}
	// Keep tokens off and a new name at once: the same.
	press(t, m, "e")
	for !strings.Contains(viewText(m), "› [x] keep tokens") {
		press(t, m, "tab")
	}
	press(t, m, "space")
	for !strings.Contains(viewText(m), "› Name") {
		press(t, m, "shift+tab")
	}
	press(t, m, "backspace")
	typeText(t, m, "4")
	press(t, m, "enter")
	wantScreen(t, m, "home")
	requireShows(t, m, "profile mfa4 saved", "› 1 mfa4")
	requireHides(t, m, "mfa3", "✗")
	profilesFile, _ = os.ReadFile(filepath.Join(dir, profiles.FileName))
	secretsFile, _ = os.ReadFile(filepath.Join(dir, profiles.SecretsFileName))
	if !strings.Contains(string(profilesFile), "name: mfa4") || strings.Contains(string(profilesFile), "mfa3") ||
		strings.Contains(string(profilesFile), "keep_tokens") ||
		!strings.Contains(string(secretsFile), "mfa4:") || strings.Contains(string(secretsFile), "mfa3") {
		t.Fatalf("the files disagree with the screen:\n%s\n%s", profilesFile, secretsFile)
	}
	// The renamed profile finds its secret.
	renamed, err := ctx.Store.Get("mfa4")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ctx.Secrets.Get(t.Context(), renamed, profiles.ClientSecret); err != nil || got != dinterotest.DemoSecret {
		t.Fatalf("client secret of mfa4: %v", err)
	}
}

// deleteFailing is a keyring that reads and writes but cannot delete (one
// that locked on the way).
type deleteFailing struct{ *keyringtest.Keyring }

func (deleteFailing) Delete(string, string) error {
	return fmt.Errorf("%w: the keyring locked", profiles.ErrNoKeyring)
}

// Issue (sess 1): a rename whose old secret could not be deleted is saved
// (a *session.CleanupError), yet the form said nothing was saved and home
// kept the old name. The screen says it was renamed, and what was left.
func TestRenameLeavingASecretSaysRenamed(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	dir := t.TempDir()
	ctx := profileContext(t, clk, dir)
	kr := keyringOf(ctx)
	ctx.Secrets.Keyring = deleteFailing{kr}
	p := profiles.Profile{Name: "cc1", BaseURL: srv.URL, Account: dinterotest.DemoAccount, Grant: "client_credentials", ClientID: dinterotest.DemoClientID,
		Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}}
	if err := ctx.Secrets.Put(p, profiles.ClientSecret, dinterotest.DemoSecret); err != nil {
		t.Fatal(err)
	}
	if err := ctx.Store.Add(p); err != nil {
		t.Fatal(err)
	}
	m := New(ctx)
	press(t, m, "e")
	requireShows(t, m, "› Name        cc1")
	press(t, m, "backspace")
	typeText(t, m, "2")
	press(t, m, "enter")
	wantScreen(t, m, "home")
	requireShows(t, m, "profile cc1 renamed to cc2, but secrets it left behind", "› 1 cc2")
	requireHides(t, m, "neither was the profile")
	data, _ := os.ReadFile(filepath.Join(dir, profiles.FileName))
	if !strings.Contains(string(data), "name: cc2") || strings.Contains(string(data), "cc1") {
		t.Fatalf("profiles file:\n%s", data)
	}
}

func TestSaveAsProfileModeDoesNotStick(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(storeWith(t, clk))
	press(t, m, "esc") // the first-run chooser sits over home
	press(t, m, "enter")
	requireShows(t, m, "choose a grant")
	press(t, m, "enter")
	fillClientCredentials(t, m, srv.URL)
	press(t, m, "enter")
	requireShows(t, m, "expires in")
	press(t, m, "s")
	requireShows(t, m, "Name")
	press(t, m, "esc", "n", "enter")
	requireShows(t, m, "request · client_credentials")
	requireHides(t, m, "profile ·", "Name ")
}

// shopProfile is a store holding profile "shop", the demo client, with
// its secret in the keyring, over a demo server.
func shopProfile(t *testing.T) (*common.Context, []profiles.Profile) {
	t.Helper()
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := storeWith(t, clk, profiles.Profile{Name: "shop", BaseURL: srv.URL, Account: dinterotest.DemoAccount,
		Grant: "client_credentials", ClientID: dinterotest.DemoClientID,
		Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}})
	p, _ := ctx.Store.Load()
	if err := ctx.Secrets.Put(p[0], profiles.ClientSecret, dinterotest.DemoSecret); err != nil {
		t.Fatal(err)
	}
	return ctx, p
}

func TestDuplicatedProfileWithoutSecretSaysWhatIsMissing(t *testing.T) {
	ctx, p := shopProfile(t)
	m := New(ctx)
	press(t, m, "d", "enter") // duplicate as shop-copy, save
	requireShows(t, m, "shop-copy")
	// The copy has the original's secret: it runs at once.
	press(t, m, "enter") // saving selects the new profile; run it
	requireShows(t, m, "expires in", "client:"+dinterotest.DemoClientID)

	// A profile whose secret is not saved says which and how to save it.
	if err := ctx.Secrets.Delete(p[0], profiles.ClientSecret); err != nil {
		t.Fatal(err)
	}
	press(t, m, "esc", "up", "enter")
	requireShows(t, m, "client secret of shop is not saved", "e on home to save it")
	requireHides(t, m, "asks for each time")
}

func TestAuthorizationCodeRunAgainShowsHeldTokenAndEditSendsAgain(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	// authorization_code is Dintero's passwordless login (issue 16): a code
	// issued for a user id needs no prompt; a second run gets a new code.
	code := flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantAuthorizationCode, ClientID: dinterotest.DemoClientID,
		ClientSecret: dinterotest.DemoSecret, IdentType: flows.IdentUserID, Ident: srv.UserID(dinterotest.DemoUser)}
	ctx.Connections = []common.Connection{{Name: "Code issued for a user", Description: "code", BaseURL: srv.URL, Request: code}}
	m := New(ctx)
	press(t, m, "enter")
	requireShows(t, m, "authorization_code")
	press(t, m, "esc", "e", "enter")
	requireShows(t, m, "authorization_code")
}

// The profile form offers every setting the CLI's profile add has, and
// saving writes them.
func TestProfileFormHasEveryProfileSetting(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	ctx := storeWith(t, clk)
	m := New(ctx)
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	press(t, m, "esc", "a", "j", "enter") // a password profile
	typeText(t, m, "support-mfa")
	press(t, m, "tab", "tab")
	typeText(t, m, dinterotest.DemoAccount)
	press(t, m, "tab", "tab", "tab")
	typeText(t, m, dinterotest.DemoClientID)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoSecret)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoMFAUser)
	press(t, m, "tab", "tab", "tab") // password left to be asked; on to the channel
	press(t, m, "space")
	requireShows(t, m, "by e-mail  (space")
	press(t, m, "tab")
	typeText(t, m, "file")
	press(t, m, "tab")
	typeText(t, m, "https://keys.example.com/jwks.json")
	press(t, m, "tab")
	typeText(t, m, "ticket 4711")
	press(t, m, "tab", "space", "tab", "space", "tab")
	typeText(t, m, "2m")
	requireFits(t, m, 60, 20)
	press(t, m, "enter")
	requireShows(t, m, "profile support-mfa saved", "PLAIN TEXT")
	ps, err := ctx.Store.Load()
	if err != nil || len(ps) != 1 {
		t.Fatalf("%v %+v", err, ps)
	}
	p := ps[0]
	if p.MFAChannel != "email" || p.JWKSURL != "https://keys.example.com/jwks.json" || p.Notes != "ticket 4711" || !p.KeepTokens || !p.AutoRefresh ||
		time.Duration(p.RefreshBefore) != 2*time.Minute || p.Secrets[profiles.ClientSecret] != profiles.SourceFile || p.Secrets[profiles.Password] != profiles.SourceAsk {
		t.Fatalf("saved %+v", p)
	}
	// Editing shows them again.
	press(t, m, "e")
	for range 12 {
		press(t, m, "tab")
	}
	requireShows(t, m, "by e-mail  (space", "[x] keep tokens", "[x] auto-refresh", "ticket 4711")
}

// TestDuplicateOfALongNameOffersAValidName: d on a 63-character profile
// offered NAME-copy, then refused it as longer than 64.
func TestDuplicateOfALongNameOffersAValidName(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	name := strings.Repeat("a", 58) + "-shop"
	ctx := storeWith(t, clk, profiles.Profile{Name: name, Account: dinterotest.DemoAccount, Grant: "client_credentials", ClientID: "c"})
	m := New(ctx)
	press(t, m, "d", "enter")
	wantStatus(t, m, "saved")
	ps, err := ctx.Store.Load()
	if err != nil || len(ps) != 2 {
		t.Fatalf("profiles after the duplicate: %v %v", ps, err)
	}
	for _, p := range ps {
		if p.Name != name && (!strings.HasSuffix(p.Name, "-copy") || len(p.Name) > profiles.MaxNameLen) {
			t.Fatalf("the copy is called %q", p.Name)
		}
	}
}

// TestSaveARecoveryTokenAsTheUsersPasswordProfile: s on a token from an
// MFA recovery opened an mfa-oob profile form with empty one-time fields,
// a profile that could never run; it is the user's password profile.
func TestSaveARecoveryTokenAsTheUsersPasswordProfile(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	m := New(profileContext(t, clk, t.TempDir()))
	res := syntheticResult(t, fixedNow)
	res.Request = flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantMFAOOB, ClientID: dinterotest.DemoClientID,
		Username: dinterotest.DemoLostDeviceUser, MFAToken: "mfa-token-x", OOBCode: "oob-y", BindingCode: "123456"}
	showTokenPage(m, res)
	press(t, m, "s")
	requireShows(t, m, "profile · password")
	wantFieldValue(t, m, "Username", dinterotest.DemoLostDeviceUser)
	requireHides(t, m, "MFA token", "OOB code", "123456")
}

// Issue 19.10: without a keyring, the profile form defaulted to "Secrets
// in: keyring" and its first save failed. It defaults to asking each
// time, says why on the form, and the first save works; nothing goes to
// a plain-text file the user did not ask for.
func TestNoKeyringProfileFormDefaultsToAsk(t *testing.T) {
	m, ctx, clk, dir := noKeyringProfileForm(t)
	for !strings.Contains(viewText(m), "› Secrets in") {
		press(t, m, "tab")
	}
	wantFieldValue(t, m, "Secrets in", "ask")
	requireShows(t, m, "no OS keyring here: asked for each time (file: a plain-text 0600 file)")
	press(t, m, "enter")
	wantScreen(t, m, "home")
	wantStatus(t, m, "profile no-keyring saved; no OS keyring here, so its secrets are asked for each time")
	p, err := ctx.Store.Get("no-keyring")
	if err != nil || profiles.SourceOf(p, profiles.ClientSecret) != profiles.SourceAsk {
		t.Fatalf("saved %+v, %v", p, err)
	}
	if _, err := os.Stat(filepath.Join(dir, profiles.SecretsFileName)); err == nil {
		t.Fatal("a plain-text secrets file was written")
	}
	// With a keyring, the default stays the keyring, and says nothing.
	ctx2 := profileContext(t, clk, t.TempDir())
	m2 := New(ctx2)
	drive(t, m2, m2.Init())
	press(t, m2, "esc", "a", "enter")
	for !strings.Contains(viewText(m2), "› Secrets in") {
		press(t, m2, "tab")
	}
	wantFieldValue(t, m2, "Secrets in", "keyring")
	requireHides(t, m2, "no OS keyring")
}

// Issue 19.10: without a keyring, a new profile saved with no secret typed
// says where the secret will come from (ask), not the keyring that is not
// there; running it asks for the secret in the form.
func TestNoKeyringProfileWithoutSecretAsks(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := profileContext(t, clk, t.TempDir())
	ctx.Secrets.Keyring = keyringtest.Failing(fmt.Errorf("%w: no Secret Service", profiles.ErrNoKeyring))
	m := New(ctx)
	drive(t, m, m.Init())
	press(t, m, "esc", "a", "enter")
	typeText(t, m, "later")
	press(t, m, "tab")
	for range len(srv.URL) + 40 {
		press(t, m, "backspace")
	}
	typeText(t, m, srv.URL)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoAccount)
	press(t, m, "tab", "tab")
	typeText(t, m, dinterotest.DemoClientID)
	press(t, m, "enter")
	wantScreen(t, m, "home")
	wantStatus(t, m, "profile later saved; no OS keyring here, so its secrets are asked for each time")
	p, err := ctx.Store.Get("later")
	if err != nil || profiles.SourceOf(p, profiles.ClientSecret) != profiles.SourceAsk {
		t.Fatalf("saved %+v, %v", p, err)
	}
	press(t, m, "enter")
	wantScreen(t, m, "request · client_credentials")
	requireShows(t, m, "type the client secret (later asks for it each time), then enter")
	requireHides(t, m, "keyring")
	for focusedField(m) != "Secret" {
		press(t, m, "tab")
	}
	typeText(t, m, dinterotest.DemoSecret)
	press(t, m, "enter")
	wantScreen(t, m, "token")
}

// noKeyringProfileForm is the workbench where the OS keyring does not
// answer, on a new client_credentials profile's form, "no-keyring", filled
// in for the demo's API client (its secret typed); dir is the config
// directory.
func noKeyringProfileForm(t *testing.T) (m *Model, ctx *common.Context, clk *testClock, dir string) {
	t.Helper()
	clk = uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	dir = t.TempDir()
	ctx = profileContext(t, clk, dir)
	ctx.Secrets.Keyring = keyringtest.Failing(fmt.Errorf("%w: no Secret Service", profiles.ErrNoKeyring))
	m = New(ctx)
	drive(t, m, m.Init())            // asks the keyring whether it is there
	press(t, m, "esc", "a", "enter") // a client_credentials profile
	typeText(t, m, "no-keyring")
	press(t, m, "tab")
	for range len(srv.URL) + 40 {
		press(t, m, "backspace")
	}
	typeText(t, m, srv.URL)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoAccount)
	press(t, m, "tab", "tab")
	typeText(t, m, dinterotest.DemoClientID)
	press(t, m, "tab")
	typeText(t, m, dinterotest.DemoSecret)
	return m, ctx, clk, dir
}
