package form_test

import (
	"testing"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/ui/components/form"
)

// With the Bearer typed (chaining off), the grants whose endpoints name
// the client keep the Client ID on the form and in the request; the secret
// goes. Others drop both, and a profile's form keeps its chaining choice as
// the client id, so it drops it too.
func TestTypedBearerKeepsTheClientIDWhereTheGrantNamesIt(t *testing.T) {
	values := map[string]string{form.FClientID: "cid", form.FClientSecret: "sec", form.FBearer: "abc"}
	for _, g := range []client.Grant{client.GrantAuthorizationCode, client.GrantOIDC} {
		f := form.New(g, values, false, 78)
		req, _ := f.Request()
		if !f.Shown(form.FClientID) || f.Shown(form.FClientSecret) || req.ClientID != "cid" || req.ClientSecret != "" || req.Bearer != "abc" {
			t.Fatalf("%s: client id shown %v, secret shown %v, request %+v", g, f.Shown(form.FClientID), f.Shown(form.FClientSecret), req)
		}
	}
	pw := form.New(client.GrantPassword, values, false, 78)
	if req, _ := pw.Request(); pw.Shown(form.FClientID) || req.ClientID != "" {
		t.Fatalf("password: %+v", req)
	}
	prof := form.NewProfile(client.GrantAuthorizationCode, values, false, false, false, 78)
	if prof.Shown(form.FClientID) {
		t.Fatal("a profile's authorization_code form shows the client id with the Bearer typed")
	}
}
