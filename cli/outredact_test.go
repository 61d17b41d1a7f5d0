package cli

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

const (
	outAT = "ATsecretTOKENvalue777"
	outRT = "RTrefreshSECRET555"
	outVC = "864213"
	outOC = "oidcC0deABCDEF99"
)

// echoForms are a secret as a hostile server may quote it back.
func echoForms(s string) []string {
	return []string{s, base64.StdEncoding.EncodeToString([]byte(s)), hex.EncodeToString([]byte(s))}
}

// outServer is a hostile server that quotes secrets of the run back in
// the fields the CLI prints: another client's description, user_info.
func outServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		p := r.URL.Path
		body, _ := io.ReadAll(r.Body)
		var form map[string]any
		_ = json.Unmarshal(body, &form)
		switch {
		case r.Method == http.MethodGet && strings.Contains(p, "/auth/clients"):
			json.NewEncoder(w).Encode([]map[string]any{
				{"client_id": "other", "id": "other", "name": "Other", "description": "secret=" + dinterotest.DemoSecret},
				{"client_id": "target", "id": "target", "name": "Target", "description": "b64 " + base64.StdEncoding.EncodeToString([]byte(dinterotest.DemoSecret))},
			})
		case r.Method == http.MethodGet && strings.Contains(p, "/auth/client-grants"):
			json.NewEncoder(w).Encode([]map[string]any{{"client_id": "target", "audience": "aud " + dinterotest.DemoSecret, "scope": []string{"read:*"}}})
		case r.Method == http.MethodGet:
			json.NewEncoder(w).Encode([]any{})
		case strings.HasSuffix(p, "/auth/passwordless/code"):
			json.NewEncoder(w).Encode(map[string]any{"verification_code": outVC, "login_session_id": "ls1"})
		case form["grant_type"] == "client_credentials":
			json.NewEncoder(w).Encode(map[string]any{"access_token": outAT, "token_type": "Bearer", "expires_in": 3600})
		default:
			echo := append(echoForms(outVC), echoForms(outOC)...)
			json.NewEncoder(w).Encode(map[string]any{"access_token": outAT + "2", "token_type": "Bearer", "expires_in": 3600,
				"refresh_token": outRT + "2", "user_info": map[string]any{"echo": echo}})
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func assertNoneOf(t *testing.T, what, out string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, e := range echoForms(s) {
			if strings.Contains(out, e) {
				t.Fatalf("%s: %q (a form of %q) printed:\n%s", what, e, s, out)
			}
		}
	}
}

// A doctor report is server text: a secret of the run it quotes is masked
// on stdout, as -v masks it, in text and in JSON.
func TestDoctorOutputRedacted(t *testing.T) {
	srv := outServer(t)
	for _, out := range []string{"text", "json"} {
		args := []string{"doctor", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--client", "target"}
		if out == "json" {
			args = append(args, "-o", "json")
		}
		r := runCLI(t, secretEnv, "", args...)
		if !strings.Contains(r.stdout, "target") {
			t.Fatalf("%s: exit %d, no report:\n%s%s", out, r.code, r.stdout, r.stderr)
		}
		assertNoneOf(t, "doctor "+out, r.stdout+r.stderr, dinterotest.DemoSecret, outAT)
		if out == "json" && !json.Valid([]byte(r.stdout)) {
			t.Fatalf("not JSON:\n%s", r.stdout)
		}
	}
}

// token -o json prints the tokens, and masks a code the server echoes in
// user_info.
func TestTokenJSONUserInfoRedacted(t *testing.T) {
	srv := outServer(t)
	base := []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "-o", "json"}
	for _, c := range []struct {
		name, secret string
		more         []string
	}{
		{"oidc", outOC, []string{"--grant", "oidc", "--code", outOC, "--redirect-uri", "http://127.0.0.1:9/cb"}},
		{"passcode", outVC, []string{"--grant", "authorization_code", "--user-id", "u1"}},
	} {
		name, more := c.name, c.more
		r := runCLI(t, secretEnv, "", append(base, more...)...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", name, r.code, r.stderr)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("%s: not JSON: %v\n%s", name, err, r.stdout)
		}
		if got["access_token"] != outAT+"2" || got["refresh_token"] != outRT+"2" {
			t.Fatalf("%s: tokens not printed as they are: %v", name, got)
		}
		if _, ok := got["user_info"]; !ok {
			t.Fatalf("%s: user_info left out: %s", name, r.stdout)
		}
		assertNoneOf(t, name, r.stdout+r.stderr, c.secret)
	}
}
