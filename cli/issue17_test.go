package cli

import (
	"archive/zip"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// readSummary is a bundle's summary.md.
func readSummary(t *testing.T, path string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != "summary.md" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		return string(data)
	}
	t.Fatal("no summary.md in the bundle")
	return ""
}

// Issue 17 item 1: Dintero's error details. The one-line error names the
// first; -v and the bundle's summary.md show all of them.
func TestErrorDetailsEverywhere(t *testing.T) {
	srv := fake(t)
	base := []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}

	// One detail: the line is the contract's example, word for word.
	r := runCLI(t, secretEnv, "", append(base, "--audience", "https://api.dintero.com/v1/accounts/T99999999")...)
	// (It ends with the doctor command that explains it: item 5.)
	if r.code != ExitRejected || !strings.HasPrefix(r.stderr, "error: 400 Validation failed: audience must be a grant associated with the client; ") ||
		strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, " tokenbench doctor ") {
		t.Fatalf("one detail: %+v", r)
	}

	// Two details: the line names the first and says there are more; -v
	// shows both, each as its human text; the bundle lists both.
	bundlePath := filepath.Join(t.TempDir(), "ticket.zip")
	args := append(base, "--param", "drift=yes", "--param", "scope=admin:accounts", "-v", "--bundle", bundlePath)
	r = runCLI(t, secretEnv, "", args...)
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	last := lines[len(lines)-1]
	if r.code != ExitRejected || last != "error: 400 Validation failed: drift is not allowed (and 1 more)" {
		t.Fatalf("two details, error line %q: %+v", last, r)
	}
	for _, want := range []string{"* error detail 1 of 2: drift is not allowed\n", "* error detail 2 of 2: scope is not allowed\n"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("-v lacks %q:\n%s", want, r.stderr)
		}
	}
	assertNoSecrets(t, r)
	summary := readSummary(t, bundlePath)
	for _, want := range []string{
		"failed: 400 Validation failed: drift is not allowed (and 1 more)",
		"The server's details (2):\n\n- drift is not allowed\n- scope is not allowed\n",
		"| 400 | Validation failed (2 details below) |",
		"Error details of #1 (POST /v1/accounts/T11223344/auth/token, 400):\n\n- drift is not allowed\n- scope is not allowed\n",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary.md lacks %q:\n%s", want, summary)
		}
	}
}

// waitRequests waits until the fake has begun n requests.
func waitRequests(t *testing.T, srv *dinterotest.Server, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for srv.Requests() < n {
		if time.Now().After(deadline) {
			t.Fatalf("the fake saw %d requests, want %d", srv.Requests(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// feed writes s to the CLI's stdin without blocking the test when the CLI
// no longer reads.
func feed(it *interactive, s string) {
	go io.WriteString(it.stdin, s)
}

// exitOf is the CLI's exit code, or a failure when it has not ended.
func exitOf(t *testing.T, it *interactive) int {
	t.Helper()
	select {
	case c := <-it.done:
		return c
	case <-time.After(10 * time.Second):
		t.Fatalf("the CLI has not ended:\n%s", it.errOut.String())
	}
	return 0
}

// Issue 17 item 2 in the CLI: a 503 on the code check costs no attempt and
// the same code is asked again; a scope 403 ends the run saying which
// scopes the token endpoint needs. A wrong code still counts.
func TestCLIMFAAnswersThatAreNotAWrongCode(t *testing.T) {
	args := func(srv *dinterotest.Server) []string {
		return []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
			"--grant", "password", "--username", dinterotest.DemoMFAUser}
	}
	// Requests: client_credentials, password (mfa_required), challenge,
	// then one per code.
	const beforeCodes = 3

	srv, sent := fakeWithOutbox(t)
	it := startInteractive(secretEnv, args(srv)...)
	code := (<-sent).BindingCode
	feed(it, wrongFor(code)+"\n")
	waitRequests(t, srv, beforeCodes+1)
	srv.SetFault(&dinterotest.Fault{Status: 503, Times: 1})
	feed(it, code+"\n")
	waitRequests(t, srv, beforeCodes+2)
	feed(it, code+"\n")
	if c := exitOf(t, it); c != 0 {
		t.Fatalf("exit %d: %s", c, it.errOut.String())
	}
	stderr := it.errOut.String()
	for _, want := range []string{
		"That code was not accepted: 400 invalid_grant: the binding code is not correct (2 attempt(s) left)\n",
		"That code was not checked (no attempt used; 2 left): 503 server_error: Service Unavailable\n",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	srv, sent = fakeWithOutbox(t)
	it = startInteractive(secretEnv, args(srv)...)
	code = (<-sent).BindingCode
	srv.SetFault(&dinterotest.Fault{Status: 403, Code: "insufficient_scope", Message: "Forbidden", Times: 1})
	feed(it, code+"\n")
	c := exitOf(t, it)
	want := "error: the binding code was not checked (no attempt used): the Bearer token lacks the scope for the token endpoint, which needs admin:accounts, write:accounts, write:accounts:/auth/users or write:accounts:/auth/users/no-mfa (the API client's grant, not the user): 403 insufficient_scope: Forbidden\n"
	if c != ExitRejected || !strings.HasSuffix(it.errOut.String(), want) {
		t.Fatalf("scope 403: exit %d:\n%s", c, it.errOut.String())
	}
}

// The challenge and the recovery refused for the Bearer's scope name the
// scopes they need.
func TestCLIMFAScopeRefusals(t *testing.T) {
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.Clients = append(cfg.Clients, dinterotest.APIClient{ID: "no-mfa-scope", Secret: "s3cret-no-mfa", Scopes: []string{dinterotest.ScopeAuthUsers}})
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	env := map[string]string{"TOKENBENCH_CLIENT_SECRET": "s3cret-no-mfa", "TOKENBENCH_PASSWORD": dinterotest.DemoPassword}
	base := []string{"--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", "no-mfa-scope"}
	needs := "which needs admin:accounts, write:accounts or write:accounts:/auth/mfa (the API client's grant, not the user): 403 insufficient_scope"
	r := runCLI(t, env, "", append([]string{"token", "--grant", "password", "--username", dinterotest.DemoMFAUser}, base...)...)
	if r.code != ExitRejected || !strings.Contains(r.stderr, "the Bearer token lacks the scope for the MFA challenge, "+needs) {
		t.Errorf("token: %+v", r)
	}
	r = runCLI(t, env, "", append([]string{"recover", "--username", dinterotest.DemoLostDeviceUser}, base...)...)
	if r.code != ExitRejected || !strings.Contains(r.stderr, "the Bearer token lacks the scope for the MFA recovery, "+needs) {
		t.Errorf("recover: %+v", r)
	}
}

// Issue 17 item 3: -o json says why no refresh token came back, text output
// says it on stderr, and both agree with what the fake did.
func TestNoRefreshTokenExplained(t *testing.T) {
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.Clients = append(cfg.Clients, dinterotest.APIClient{ID: "no-refresh", Secret: "s3cret-no-refresh",
		Scopes: []string{dinterotest.ScopeAuthUsers, dinterotest.ScopeAuthMFA}})
	sent := make(chan dinterotest.Message, 16)
	cfg.OnMessage = func(m dinterotest.Message) { sent <- m }
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	noRefreshEnv := map[string]string{"TOKENBENCH_CLIENT_SECRET": "s3cret-no-refresh", "TOKENBENCH_PASSWORD": dinterotest.DemoPassword}
	base := func(clientID string, rest ...string) []string {
		return append([]string{"--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", clientID}, rest...)
	}
	reasonOf := func(t *testing.T, stdout string) (string, bool) {
		t.Helper()
		var out map[string]any
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("json: %v: %s", err, stdout)
		}
		_, hasRT := out["refresh_token"]
		why, _ := out["no_refresh_token"].(map[string]any)
		if hasRT == (why != nil) {
			t.Fatalf("refresh_token %v and no_refresh_token %v", hasRT, why)
		}
		if why == nil {
			return "", true
		}
		if msg, _ := why["message"].(string); msg == "" {
			t.Fatalf("no message: %v", why)
		}
		return why["reason"].(string), false
	}
	const lacksScope = "note: no refresh token: the Bearer token sent lacks the scope create:accounts:auth:refresh_token\n"

	// A client's token: the grant never returns one; text output stays quiet.
	r := runCLI(t, secretEnv, "", append([]string{"token", "-o", "json"}, base(dinterotest.DemoClientID)...)...)
	if why, _ := reasonOf(t, r.stdout); r.code != 0 || why != "grant_type" {
		t.Errorf("client_credentials: %q %+v", why, r)
	}
	// A password login through a client without the scope: the Bearer's
	// reason, in the JSON and on stderr.
	r = runCLI(t, noRefreshEnv, "", append([]string{"token", "-o", "json", "--grant", "password", "--username", dinterotest.DemoUser}, base("no-refresh")...)...)
	if why, _ := reasonOf(t, r.stdout); r.code != 0 || why != "bearer_scope" || r.stderr != "" {
		t.Errorf("password -o json: %q %+v", why, r)
	}
	r = runCLI(t, noRefreshEnv, "", append([]string{"token", "--grant", "password", "--username", dinterotest.DemoUser}, base("no-refresh")...)...)
	if r.code != 0 || r.stderr != lacksScope {
		t.Errorf("password, text: %+v", r)
	}
	// An MFA-completed password login follows the password rule: with the
	// scope it brings one, without it the Bearer is why.
	for _, c := range []struct {
		client string
		env    map[string]string
		want   string
	}{{dinterotest.DemoClientID, secretEnv, ""}, {"no-refresh", noRefreshEnv, "bearer_scope"}} {
		it := startInteractive(c.env, append([]string{"token", "-o", "json", "--grant", "password", "--username", dinterotest.DemoMFAUser}, base(c.client)...)...)
		feed(it, (<-sent).BindingCode+"\n")
		if code := exitOf(t, it); code != 0 {
			t.Fatalf("MFA login: exit %d: %s", code, it.errOut.String())
		}
		if why, has := reasonOf(t, it.out.String()); why != c.want || has != (c.want == "") {
			t.Errorf("MFA login with %s: reason %q, refresh token %v", c.client, why, has)
		}
	}
	// The lost-device recovery: its own reason, not a contradiction of the
	// password rule (the demo client has the scope).
	it := startInteractive(secretEnv, append([]string{"recover", "--username", dinterotest.DemoLostDeviceUser}, base(dinterotest.DemoClientID)...)...)
	feed(it, (<-sent).BindingCode+"\n")
	feed(it, (<-sent).BindingCode+"\n")
	if code := exitOf(t, it); code != 0 || !strings.Contains(it.errOut.String(), "note: no refresh token: an MFA recovery returns no refresh token") {
		t.Fatalf("recover: exit %d: %s", code, it.errOut.String())
	}
}
