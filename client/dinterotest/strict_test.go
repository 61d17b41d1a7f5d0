package dinterotest_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// details is the "errors" list of a Dintero error answer, each re-encoded
// as compact JSON (keys sorted) for comparing.
func details(t *testing.T, out any) (string, []string) {
	t.Helper()
	m, _ := out.(map[string]any)
	e, _ := m["error"].(map[string]any)
	msg, _ := e["message"].(string)
	var got []string
	list, _ := e["errors"].([]any)
	for _, d := range list {
		b, _ := json.Marshal(d)
		got = append(got, string(b))
	}
	return msg, got
}

func TestStrictBodies(t *testing.T) {
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	bearer := clientBearer(t, srv, dinterotest.DemoClientID, dinterotest.DemoSecret)
	tokenURL := srv.URL + "/accounts/" + dinterotest.DemoAccount + "/auth/token"
	aud := "https://api.dintero.com/v1/accounts/" + dinterotest.DemoAccount
	for _, c := range []struct {
		name, url, auth string
		body            map[string]any
		want            []string
	}{
		{"unknown field", tokenURL, basic(dinterotest.DemoClientID, dinterotest.DemoSecret),
			map[string]any{"grant_type": "client_credentials", "audience": aud, "scope": "admin:accounts"},
			[]string{`{"field":"scope","message":"scope is not allowed","type":"unknown_field"}`}},
		{"missing fields, all named", tokenURL, bearer,
			map[string]any{"grant_type": "password", "username": "", "password": nil},
			[]string{
				`{"field":"username","message":"username is required","type":"required"}`,
				`{"field":"password","message":"password is required","type":"required"}`,
				`{"field":"audience","message":"audience is required","type":"required"}`,
			}},
		{"value outside the enum", srv.URL + "/accounts/" + dinterotest.DemoAccount + "/auth/mfa/challenge", bearer,
			map[string]any{"challenge_type": "oob", "mfa_token": "x", "oob_channel": "pigeon"},
			[]string{`{"allowed":["sms","email"],"field":"oob_channel","message":"oob_channel must be one of sms, email","type":"enum"}`}},
		{"wrong type", srv.URL + "/accounts/" + dinterotest.DemoAccount + "/auth/revoke", bearer,
			map[string]any{"token": 42},
			[]string{`{"field":"token","message":"token must be a string","type":"type"}`}},
		{"audience without a grant", tokenURL, basic(dinterotest.DemoClientID, dinterotest.DemoSecret),
			map[string]any{"grant_type": "client_credentials", "audience": "https://api.dintero.com/v1/accounts/T99999999"},
			[]string{`{"field":"audience","message":"audience must be a grant associated with the client"}`}},
	} {
		status, out := call(t, "POST", c.url, c.auth, "", c.body)
		msg, got := details(t, out)
		if status != 400 || msg != "Validation failed" || !slices.Equal(got, c.want) {
			t.Errorf("%s: %d %q %v, want 400 Validation failed %v", c.name, status, msg, got, c.want)
		}
	}
}

func TestEveryEndpointChecksItsScopes(t *testing.T) {
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// The read-only client's token: read:accounts only.
	limited := clientBearer(t, srv, dinterotest.DemoLimitedClientID, dinterotest.DemoLimitedSecret)
	acct := srv.URL + "/accounts/" + dinterotest.DemoAccount
	aud := "https://api.dintero.com/v1/accounts/" + dinterotest.DemoAccount
	for _, c := range []struct {
		name, url string
		body      map[string]any
		scopes    []string
	}{
		{"challenge", acct + "/auth/mfa/challenge", map[string]any{"challenge_type": "oob", "mfa_token": "mfa_x"},
			[]string{"admin:accounts", "write:accounts", "write:accounts:/auth/mfa"}},
		{"recovery", acct + "/auth/mfa/recovery", map[string]any{"challenge_type": "oob", "username": dinterotest.DemoMFAUser, "audience": aud},
			[]string{"admin:accounts", "write:accounts", "write:accounts:/auth/mfa"}},
		{"password grant", acct + "/auth/token", map[string]any{"grant_type": "password", "username": dinterotest.DemoUser, "password": dinterotest.DemoPassword, "audience": aud},
			[]string{"admin:accounts", "write:accounts", "write:accounts:/auth/users", "write:accounts:/auth/users/no-mfa"}},
	} {
		status, out := call(t, "POST", c.url, limited, "", c.body)
		m, _ := out.(map[string]any)
		e, _ := m["error"].(map[string]any)
		list, _ := e["errors"].([]any)
		var named []any
		if len(list) == 1 {
			d, _ := list[0].(map[string]any)
			named, _ = d["scopes"].([]any)
		}
		if status != 403 || e["code"] != "insufficient_scope" || len(named) != len(c.scopes) {
			t.Errorf("%s: %d %v, want 403 naming %v", c.name, status, out, c.scopes)
			continue
		}
		for i, s := range c.scopes {
			if named[i] != s {
				t.Errorf("%s: names %v, want %v", c.name, named, c.scopes)
			}
		}
	}
	// Reading users, activity and keys needs read:accounts or admin:accounts;
	// the full client has read:accounts, a user token of the no-read user none.
	status, out := call(t, "GET", srv.URL+"/accounts/"+dinterotest.DemoAccount+"/auth/keys", limited, "", nil)
	if status != 200 {
		t.Errorf("keys with read:accounts: %d %v", status, out)
	}
}

func TestTokenAnswersCarryTheFourDocumentedFields(t *testing.T) {
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	bearer := clientBearer(t, srv, dinterotest.DemoClientID, dinterotest.DemoSecret)
	status, out := token(t, srv, bearer, map[string]any{"grant_type": "password", "username": dinterotest.DemoUser, "password": dinterotest.DemoPassword})
	if status != 200 {
		t.Fatalf("password: %d %v", status, out)
	}
	var keys []string
	for k := range out {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"access_token", "expires_in", "refresh_token", "token_type"}; !slices.Equal(keys, want) {
		t.Fatalf("token answer fields %v, want %v", keys, want)
	}
}
