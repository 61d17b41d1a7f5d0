package dinterotest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

func demoServer(t *testing.T) *dinterotest.Server {
	t.Helper()
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func errorMessage(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	msg, _ := e["message"].(string)
	for _, d := range anyList(e["errors"]) {
		if m, ok := d.(map[string]any); ok {
			s, _ := m["message"].(string)
			msg += " | " + s
		}
	}
	return msg
}

func anyList(v any) []any { l, _ := v.([]any); return l }

func TestClientsAndGrantsNeedReadAccounts(t *testing.T) {
	srv := demoServer(t)
	base := srv.URL + "/accounts/" + dinterotest.DemoAccount
	for _, path := range []string{"/auth/clients", "/auth/client-grants"} {
		if status, _ := call(t, "GET", base+path, basic(dinterotest.DemoClientID, dinterotest.DemoSecret), "", nil); status != 401 {
			t.Errorf("%s with Basic: %d, want 401", path, status)
		}
		// The POS client's token carries only checkout scopes.
		status, out := call(t, "GET", base+path, "", "", nil)
		if status != 401 {
			t.Errorf("%s without Authorization: %d %v", path, status, out)
		}
	}
	readonly := clientBearer(t, srv, dinterotest.DemoLimitedClientID, dinterotest.DemoLimitedSecret)
	status, out := call(t, "GET", base+"/auth/clients", readonly, "", nil)
	if status != 200 {
		t.Fatalf("clients with read:accounts: %d %v", status, out)
	}
	for _, c := range anyList(out) {
		if _, ok := c.(map[string]any)["client_secret"]; ok {
			t.Fatalf("a client's secret is listed: %v", c)
		}
	}
	kiosk := clientBearer(t, srv, dinterotest.DemoKioskClient, dinterotest.DemoKioskSecret)
	if status, _ := call(t, "GET", base+"/auth/client-grants", kiosk, "", nil); status != 200 {
		t.Fatalf("grants: %d", status)
	}
}

func TestTokenEndpointHonoursGrants(t *testing.T) {
	srv := demoServer(t)
	// No live grant for the audience: Dintero's validation 400.
	status, out := token(t, srv, basic(dinterotest.DemoPOSClient, dinterotest.DemoPOSSecret), map[string]any{"grant_type": "client_credentials"})
	if status != 400 || !strings.Contains(errorMessage(out), "audience must be a grant associated with the client") {
		t.Fatalf("POS client on the test account: %d %v", status, out)
	}
	// A grant of type password refuses client_credentials.
	status, out = token(t, srv, basic(dinterotest.DemoBackofficeClient, dinterotest.DemoBackofficeSecret), map[string]any{"grant_type": "client_credentials"})
	if status != 400 || !strings.Contains(errorMessage(out), "grant_type client_credentials is not allowed by the client's grant for this audience (type password)") {
		t.Fatalf("password-only client: %d %v", status, out)
	}
	// A deleted client authenticates no more.
	status, out = token(t, srv, basic(dinterotest.DemoRetiredClient, dinterotest.DemoRetiredSecret), map[string]any{"grant_type": "client_credentials"})
	if status != 401 {
		t.Fatalf("deleted client: %d %v", status, out)
	}
	// The scopes come from the grant: the webshop's carry no refresh
	// scope, so its password login returns no refresh token.
	web := clientBearer(t, srv, dinterotest.DemoWebshopClient, dinterotest.DemoWebshopSecret)
	status, out = token(t, srv, web, map[string]any{"grant_type": "password", "username": dinterotest.DemoUser, "password": dinterotest.DemoPassword})
	if status != 200 || out["refresh_token"] != nil {
		t.Fatalf("webshop password login: %d %v", status, out)
	}
	// The kiosk's grant has no-mfa: the MFA user gets a token at once.
	kiosk := clientBearer(t, srv, dinterotest.DemoKioskClient, dinterotest.DemoKioskSecret)
	status, out = token(t, srv, kiosk, map[string]any{"grant_type": "password", "username": dinterotest.DemoMFAUser, "password": dinterotest.DemoPassword})
	if status != 200 {
		t.Fatalf("kiosk MFA login: %d %v", status, out)
	}
}

func TestGrantsListTheClientsResourceID(t *testing.T) {
	srv := demoServer(t)
	base := srv.URL + "/accounts/" + dinterotest.DemoAccount
	bearer := clientBearer(t, srv, dinterotest.DemoClientID, dinterotest.DemoSecret)
	_, clients := call(t, "GET", base+"/auth/clients", bearer, "", nil)
	var posID string
	for _, c := range anyList(clients) {
		m := c.(map[string]any)
		if m["client_id"] == dinterotest.DemoPOSClient {
			posID, _ = m["id"].(string)
		}
	}
	if posID == "" {
		t.Fatalf("no POS client listed: %v", clients)
	}
	status, one := call(t, "GET", base+"/auth/clients/"+posID, bearer, "", nil)
	if status != 200 || one.(map[string]any)["client_id"] != dinterotest.DemoPOSClient {
		t.Fatalf("one client: %d %v", status, one)
	}
	_, grants := call(t, "GET", base+"/auth/client-grants?client_id="+posID, bearer, "", nil)
	var deleted int
	for _, g := range anyList(grants) {
		m := g.(map[string]any)
		if m["client_id"] != posID {
			t.Fatalf("filter by client_id let through %v", m)
		}
		if m["deleted_at"] != nil {
			deleted++
		}
	}
	if len(anyList(grants)) != 3 || deleted != 1 {
		t.Fatalf("POS grants = %v", grants)
	}
}
