package dinterotest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

func aud() string { return "https://api.dintero.com/v1/accounts/" + dinterotest.DemoAccount }

func send(t *testing.T, srv *dinterotest.Server, bearer string, body map[string]any) (int, map[string]any) {
	t.Helper()
	status, out := call(t, "POST", srv.URL+"/accounts/"+dinterotest.DemoAccount+"/auth/passwordless", bearer, "", body)
	m, _ := out.(map[string]any)
	return status, m
}

func errorsOf(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	return fmt.Sprint(e["message"], e["errors"])
}

// The OAuth redirect body Dintero refuses since 2021-02-01 is refused
// here too: 400 with error details naming the fields.
func TestOldAuthorizationCodeBodyRefused(t *testing.T) {
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	bearer := clientBearer(t, srv, dinterotest.DemoClientID, dinterotest.DemoSecret)
	status, out := token(t, srv, bearer, map[string]any{"grant_type": "authorization_code", "code": "abc", "redirect_uri": "http://localhost/cb"})
	text := errorsOf(out)
	if status != 400 || !strings.Contains(text, "code") || !strings.Contains(text, "ident_type") {
		t.Fatalf("%d %v", status, out)
	}
}

func TestPasswordlessSendResendExpiryAndLimit(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.Now = func() time.Time { return now }
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	bearer := clientBearer(t, srv, dinterotest.DemoClientID, dinterotest.DemoSecret)
	body := func(conn string) map[string]any {
		return map[string]any{"audience": aud(), "client_id": dinterotest.DemoClientID, "connection": conn, "email": dinterotest.DemoCustomer}
	}
	status, out := send(t, srv, bearer, body("email"))
	if status != 200 || out["login_session_id"] == nil {
		t.Fatalf("%d %v", status, out)
	}
	first := srv.Outbox()[0]
	// The same code, over SMS.
	resend := body("sms")
	resend["login_session_id"] = out["login_session_id"]
	if status, out := send(t, srv, bearer, resend); status != 200 {
		t.Fatalf("resend: %d %v", status, out)
	}
	second := srv.Outbox()[1]
	if second.Channel != "sms" || second.BindingCode != first.BindingCode {
		t.Fatalf("resend: %+v after %+v", second, first)
	}
	// An unknown field, a value outside the enum: 400 with details.
	bad := body("pigeon")
	bad["password"] = "x"
	if status, out := send(t, srv, bearer, bad); status != 400 || !strings.Contains(errorsOf(out), "pigeon") && !strings.Contains(errorsOf(out), "connection") {
		t.Fatalf("bad body: %d %v", status, out)
	}
	// Expired after BindingCodeTTL (5 minutes).
	now = now.Add(6 * time.Minute)
	status, out = token(t, srv, bearer, map[string]any{"grant_type": "authorization_code", "ident_type": "email", "ident": dinterotest.DemoCustomer, "verification_code": first.BindingCode})
	if status != 400 || !strings.Contains(errorsOf(out), "expired") {
		t.Fatalf("late code: %d %v", status, out)
	}
	// 5 sends a minute per ident, then 429 with Retry-After.
	for i := range 5 {
		if status, out := send(t, srv, bearer, body("email")); status != 200 {
			t.Fatalf("send %d: %d %v", i, status, out)
		}
	}
	if status, out := send(t, srv, bearer, body("email")); status != 429 {
		t.Fatalf("sixth send: %d %v", status, out)
	}
}

func TestPasswordlessNeedsScopeAndGrant(t *testing.T) {
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.Clients = append(cfg.Clients,
		dinterotest.APIClient{ID: "pw-only", Secret: "s", Scopes: []string{dinterotest.ScopePasswordless}})
	// Its grants serve its own token and the password grant, not the
	// passwordless login.
	for _, typ := range []string{"client_credentials", "password"} {
		cfg.Grants = append(cfg.Grants, dinterotest.ClientGrant{ID: "grant-pw-only-" + typ, Client: "pw-only",
			Audience: aud(), Type: typ, Scopes: []string{dinterotest.ScopePasswordless}})
	}
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	limited := clientBearer(t, srv, dinterotest.DemoLimitedClientID, dinterotest.DemoLimitedSecret)
	body := map[string]any{"audience": aud(), "client_id": dinterotest.DemoLimitedClientID, "connection": "email", "email": dinterotest.DemoCustomer}
	if status, out := send(t, srv, limited, body); status != 403 || !strings.Contains(errorsOf(out), dinterotest.ScopePasswordless) {
		t.Fatalf("no scope: %d %v", status, out)
	}
	pwOnly := clientBearer(t, srv, "pw-only", "s")
	body["client_id"] = "pw-only"
	if status, out := send(t, srv, pwOnly, body); status != 400 || !strings.Contains(errorsOf(out), "not allowed by the client's grant") {
		t.Fatalf("grant of type password: %d %v", status, out)
	}
}
