package form_test

import (
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/components/form"
)

// TestRequestSendsOnlyWhatTheChainChoiceShows: with chaining on, the
// client id and secret go (the Bearer is obtained with them); off, only the
// Bearer typed goes, whatever the hidden fields hold.
func TestRequestSendsOnlyWhatTheChainChoiceShows(t *testing.T) {
	values := map[string]string{form.FClientID: "cid", form.FClientSecret: "sec", form.FBearer: "eyJ.bearer", form.FUsername: "u", form.FPassword: " pw "}
	on := form.New(client.GrantPassword, values, true, 78)
	if req, _ := on.Request(); req.ClientID != "cid" || req.ClientSecret != "sec" || req.Bearer != "" || !on.Chained() {
		t.Fatalf("chained: %+v", req)
	}
	off := form.New(client.GrantPassword, values, false, 78)
	req, _ := off.Request()
	if req.ClientID != "" || req.ClientSecret != "" || req.Bearer != "eyJ.bearer" || off.Chained() {
		t.Fatalf("not chained: %+v", req)
	}
	if req.Password != " pw " {
		t.Fatalf("the password was trimmed: %q", req.Password)
	}
	// client_credentials has no toggle: its credentials always go.
	cc := form.New(client.GrantClientCredentials, values, false, 78)
	if req, _ := cc.Request(); req.ClientID != "cid" || req.Bearer != "" || cc.Chained() {
		t.Fatalf("client_credentials: %+v", req)
	}
}

// TestPasswordlessFormSendsTheEmailOrTheUserID: the authorization_code
// form sends a code to the e-mail when there is one, else asks one issued
// for the user id; the connection and customer type go in lower case.
func TestPasswordlessFormSendsTheEmailOrTheUserID(t *testing.T) {
	f := form.New(client.GrantAuthorizationCode, map[string]string{"ident": "a@example.com", "user-id": "u-1", "connection": "SMS", "customer-type": "Company"}, false, 78)
	req, _ := f.Request()
	if req.IdentType != flows.IdentEmail || req.Ident != "a@example.com" || req.Connection != "sms" || req.CustomerType != "company" || req.Code != "" {
		t.Fatalf("with an e-mail: %+v", req)
	}
	g := form.New(client.GrantAuthorizationCode, map[string]string{"user-id": "u-1"}, false, 78)
	if req, _ := g.Request(); req.IdentType != flows.IdentUserID || req.Ident != "u-1" {
		t.Fatalf("with a user id: %+v", req)
	}
}

// TestValuesCarryToAnotherGrantButNotClearedSecrets: what a form does not
// show is carried to the next grant's form (a client id and secret survive
// a look at account_user_token); ClearSecrets drops the carried secrets.
func TestValuesCarryToAnotherGrantButNotClearedSecrets(t *testing.T) {
	cc := form.New(client.GrantClientCredentials, map[string]string{form.FClientID: "cid", form.FClientSecret: "sec"}, false, 78)
	aut := form.New(client.GrantAccountUserToken, cc.Values(), false, 78)
	if aut.Shown(form.FClientID) {
		t.Fatal("account_user_token shows a client id")
	}
	back := form.New(client.GrantClientCredentials, aut.Values(), false, 78)
	if back.Value(form.FClientID) != "cid" || back.Values()[form.FClientSecret] != "sec" {
		t.Fatalf("carried back: %v", back.Values())
	}
	aut.ClearSecrets(false)
	if v := aut.Values(); v[form.FClientSecret] != "" || v[form.FClientID] != "cid" {
		t.Fatalf("after ClearSecrets: %v", v)
	}
	if !form.IsSecret(form.FClientSecret) || !form.IsSecret(form.FPassword) || form.IsSecret(form.FClientID) {
		t.Fatal("IsSecret")
	}
}

// TestValuesForProfileRoundTrips: a profile's form starts from the
// profile (no secrets) and gives the same profile back.
func TestValuesForProfileRoundTrips(t *testing.T) {
	p := profiles.Profile{Name: "m", Grant: "password", Account: "T11223344", ClientID: "cid", Username: "u@example.com",
		BaseURL: "https://proxy.example/v1", JWKSURL: "https://keys.example/jwks", Notes: "n", RefreshBefore: profiles.Duration(90e9)}
	v := form.ValuesForProfile(p)
	if v[form.FClientSecret] != "" || v[form.FPassword] != "" {
		t.Fatalf("secrets in a profile's values: %v", v)
	}
	f := form.NewProfile(client.GrantPassword, v, true, false, true, 78)
	f.StartFrom(&p, nil, nil, nil)
	got, secrets := f.Profile()
	if got.Name != p.Name || got.ClientID != p.ClientID || got.Username != p.Username || got.BaseURL != p.BaseURL ||
		got.JWKSURL != p.JWKSURL || got.Notes != p.Notes || got.RefreshBefore != p.RefreshBefore || got.Grant != p.Grant {
		t.Fatalf("round trip: %+v, want %+v", got, p)
	}
	if _, ok := secrets[profiles.Password]; ok {
		t.Fatal("the password is kept though store the password is off")
	}
}

// TestMissingSecretsSaysWhatToType: a profile run without its stored
// secret: the banner names it and the field to type it in comes first.
func TestMissingSecretsSaysWhatToType(t *testing.T) {
	p := profiles.Profile{Name: "m", Grant: "client_credentials", Account: "T11223344", ClientID: "cid"}
	f := form.New(client.GrantClientCredentials, form.ValuesForProfile(p), false, 78)
	banner, first := f.MissingSecrets(p)
	if first != form.FClientSecret || !strings.Contains(banner, "client secret of m is not saved") {
		t.Fatalf("%q, %q", banner, first)
	}
	p.Secrets = map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceAsk}
	if banner, _ := f.MissingSecrets(p); !strings.Contains(banner, "type the client secret (m asks for it each time)") {
		t.Fatalf("asked each time: %q", banner)
	}
}

// TestChooserGrants: the chooser's grants in order, the recovery line only
// for a request.
func TestChooserGrants(t *testing.T) {
	if form.Grants() != 7 {
		t.Fatalf("%d grants", form.Grants())
	}
	if g, ok := form.GrantAt(0); !ok || g != client.GrantClientCredentials {
		t.Fatalf("GrantAt(0) = %q", g)
	}
	if _, ok := form.GrantAt(form.Grants()); ok {
		t.Fatal("a grant past the grants")
	}
	req, prof := form.ChooserFor(false), form.ChooserFor(true)
	if !strings.Contains(req.View(styles, 78, 40), "Recover MFA") || strings.Contains(prof.View(styles, 78, 40), "Recover MFA") {
		t.Fatal("the recovery line is offered for the wrong chooser")
	}
}
