package dinterotest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// call sends one request to the fake and decodes its JSON answer.
func call(t *testing.T, method, url, auth, ua string, body any) (int, any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if ua != "" {
		req.Header.Set("User-Agent", ua)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

func token(t *testing.T, srv *dinterotest.Server, auth string, body map[string]any) (int, map[string]any) {
	t.Helper()
	body["audience"] = "https://api.dintero.com/v1/accounts/" + dinterotest.DemoAccount
	status, out := call(t, "POST", srv.URL+"/accounts/"+dinterotest.DemoAccount+"/auth/token", auth, "tokenbench-test/1", body)
	m, _ := out.(map[string]any)
	return status, m
}

func clientBearer(t *testing.T, srv *dinterotest.Server, id, secret string) string {
	t.Helper()
	status, out := token(t, srv, basic(id, secret), map[string]any{"grant_type": "client_credentials"})
	if status != 200 {
		t.Fatalf("client_credentials: %d %v", status, out)
	}
	return "Bearer " + out["access_token"].(string)
}

func listUsers(t *testing.T, srv *dinterotest.Server, bearer, search string) (int, []any) {
	t.Helper()
	status, out := call(t, "GET", srv.URL+"/accounts/"+dinterotest.DemoAccount+"/management/users?expand=roles&search="+search, bearer, "", nil)
	list, _ := out.([]any)
	return status, list
}

func TestManagementUsersAndActivity(t *testing.T) {
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	bearer := clientBearer(t, srv, dinterotest.DemoClientID, dinterotest.DemoSecret)

	// The search is a substring search; the answer is a bare array.
	status, list := listUsers(t, srv, bearer, "example.com")
	if status != 200 || len(list) != 5 {
		t.Fatalf("search example.com: %d, %d users", status, len(list))
	}
	status, list = listUsers(t, srv, bearer, "MFA@")
	if status != 200 || len(list) != 1 {
		t.Fatalf("search MFA@: %d %v", status, list)
	}
	mfa := list[0].(map[string]any)
	sms := mfa["configuration"].(map[string]any)["mfa"].(map[string]any)["sms"].(map[string]any)
	if mfa["email"] != dinterotest.DemoMFAUser || sms["enabled"] != true || sms["updated_at"] == nil || mfa["authentication_type"] != "password" {
		t.Fatalf("mfa user = %v", mfa)
	}
	_, list = listUsers(t, srv, bearer, "sso@")
	if u := list[0].(map[string]any); u["authentication_type"] != "external" {
		t.Fatalf("external user = %v", u)
	}
	_, list = listUsers(t, srv, bearer, "gone@")
	if u := list[0].(map[string]any); u["deleted_at"] == nil {
		t.Fatalf("deleted user = %v", u)
	}

	// A password grant is recorded as auth.token with the caller's IP and
	// User-Agent, newest first, and moves last_seen_at.
	status, out := token(t, srv, bearer, map[string]any{"grant_type": "password", "username": dinterotest.DemoUser, "password": dinterotest.DemoPassword})
	if status != 200 {
		t.Fatalf("password grant: %d %v", status, out)
	}
	_, list = listUsers(t, srv, bearer, "support@")
	u := list[0].(map[string]any)
	if u["last_seen_at"] == nil {
		t.Fatalf("last_seen_at not moved: %v", u)
	}
	status, acts := call(t, "GET", fmt.Sprintf("%s/accounts/%s/management/users/%s/activities", srv.URL, dinterotest.DemoAccount, u["id"]), bearer, "", nil)
	got, _ := acts.([]any)
	if status != 200 || len(got) != 1 {
		t.Fatalf("activities: %d %v", status, acts)
	}
	ev := got[0].(map[string]any)
	ctx := ev["context"].(map[string]any)
	if ev["action"] != "auth.token" || ctx["ip"] != "127.0.0.1" || ctx["user_agent"] != "tokenbench-test/1" {
		t.Fatalf("activity = %v", ev)
	}
	// Seeded activity comes back newest first.
	_, list = listUsers(t, srv, bearer, "mfa@")
	_, acts = call(t, "GET", fmt.Sprintf("%s/accounts/%s/management/users/%s/activities", srv.URL, dinterotest.DemoAccount, list[0].(map[string]any)["id"]), bearer, "", nil)
	seeded := acts.([]any)
	first, last := seeded[0].(map[string]any)["created_at"].(string), seeded[len(seeded)-1].(map[string]any)["created_at"].(string)
	if len(seeded) != 4 || first < last {
		t.Fatalf("seeded activity not newest first: %v", seeded)
	}
	status, _ = call(t, "GET", srv.URL+"/accounts/"+dinterotest.DemoAccount+"/management/users/usr_nobody/activities", bearer, "", nil)
	if status != 404 {
		t.Fatalf("unknown user: %d", status)
	}
}

func TestManagementNeedsReadAccounts(t *testing.T) {
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.Clients = append(cfg.Clients, dinterotest.APIClient{ID: "no-read", Secret: "no-read-secret", Scopes: []string{"write:checkout"}})
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	status, out := call(t, "GET", srv.URL+"/accounts/"+dinterotest.DemoAccount+"/management/users?search=a", clientBearer(t, srv, "no-read", "no-read-secret"), "", nil)
	if status != 403 || !strings.Contains(fmt.Sprint(out), "read:accounts") {
		t.Fatalf("without read:accounts: %d %v", status, out)
	}
	status, _ = call(t, "GET", srv.URL+"/accounts/"+dinterotest.DemoAccount+"/management/users", basic(dinterotest.DemoClientID, dinterotest.DemoSecret), "", nil)
	if status != 401 {
		t.Fatalf("with Basic: %d", status)
	}
	status, _ = call(t, "GET", srv.URL+"/accounts/"+dinterotest.DemoAccount+"/management/users", "", "", nil)
	if status != 401 {
		t.Fatalf("without Authorization: %d", status)
	}
}

func TestExternalAndDeletedUsersGetNoToken(t *testing.T) {
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	bearer := clientBearer(t, srv, dinterotest.DemoClientID, dinterotest.DemoSecret)
	for _, c := range []struct{ user, password string }{
		{dinterotest.DemoExternalUser, ""},
		{dinterotest.DemoExternalUser, "anything"},
		{dinterotest.DemoDeletedUser, dinterotest.DemoPassword},
	} {
		status, out := token(t, srv, bearer, map[string]any{"grant_type": "password", "username": c.user, "password": c.password})
		// An empty password is refused before the user is looked at, as a
		// validation failure.
		want := "invalid_grant"
		if c.password == "" {
			want = "password is required"
		}
		if status != 400 || !strings.Contains(fmt.Sprint(out), want) {
			t.Errorf("%s/%q: %d %v", c.user, c.password, status, out)
		}
	}
}
