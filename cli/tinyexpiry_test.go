package cli

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// exp or expires_in of a fraction of a second, or so small it underflows
// (1e-400), put the expiry in 1970: flagged implausible like the other
// absurd numbers, in the warnings and in -o json.
func TestTinyExpiryIsFlaggedImplausible(t *testing.T) {
	for _, v := range []string{"0.5", "1e-400"} {
		for _, c := range []struct{ name, claims, expiresIn string }{
			{"exp " + v, `{"sub":"s","exp":` + v + `}`, "3600"},
			{"exp, iat, nbf and expires_in " + v, `{"sub":"s","exp":` + v + `,"iat":` + v + `,"nbf":` + v + `}`, v},
		} {
			body := `{"access_token":"` + unsignedJWT(c.claims) + `","token_type":"Bearer","expires_in":` + c.expiresIn + `}`
			srv := hostileTokenServer(t, http.StatusOK, body, "")
			r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", "c", "-o", "json")
			if r.code != 0 || !strings.Contains(r.stderr, "implausible") {
				t.Fatalf("%s: %+v", c.name, r)
			}
			var out map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
				t.Fatalf("%s: %v\n%s", c.name, err, r.stdout)
			}
			if out["expiry_implausible"] == nil {
				t.Errorf("%s: not flagged in JSON: %s", c.name, r.stdout)
			}
		}
	}
	// expires_in alone (an opaque token) of a fraction is flagged too.
	srv := hostileTokenServer(t, http.StatusOK, `{"access_token":"opaque-token-value","token_type":"Bearer","expires_in":0.5}`, "")
	r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", "c")
	if r.code != 0 || !strings.Contains(r.stderr, "expires_in is implausible") {
		t.Fatalf("opaque, expires_in 0.5: %+v", r)
	}
}

// A path flag given as "" (an unset variable in a script) is a usage
// error, before any request: not "not given", with nothing written and
// exit 0.
func TestEmptyPathFlagIsAUsageError(t *testing.T) {
	srv := fake(t)
	dir := t.TempDir()
	wd, _ := os.Getwd()
	t.Cleanup(func() { _ = os.Chdir(wd) })
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"har", "bundle", "ca-file", "client-secret-file", "config-dir"} {
		r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--"+flag, "")
		if r.code != 2 || !strings.Contains(r.stderr, "--"+flag+": the path is empty") || r.stdout != "" {
			t.Errorf("--%s \"\": %+v", flag, r)
		}
	}
	if r := runCLI(t, secretEnv, "", "--config-dir", "", "profile", "list"); r.code != 2 {
		t.Errorf("--config-dir \"\" profile list: %+v", r)
	}
	for _, cmd := range [][]string{{"token", "-p", ""}, {"doctor", "--profile", "", "--user", "a@example.com"}} {
		if r := runCLI(t, secretEnv, "", cmd...); r.code != 2 || !strings.Contains(r.stderr, "--profile: the profile name is empty") {
			t.Errorf("%v: %+v", cmd, r)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files written: %v", ents)
	}
}
