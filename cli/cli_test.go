package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

var fixedNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

type run struct {
	code           int
	stdout, stderr string
}

// runCLI runs one command line in-process with the given environment and
// stdin (not a terminal).
func runCLI(t *testing.T, envVars map[string]string, stdin string, args ...string) run {
	t.Helper()
	var out, errOut bytes.Buffer
	app := NewApp(strings.NewReader(stdin), &out, &errOut)
	app.env.getenv = func(k string) string { return envVars[k] }
	app.env.isTerminal = func() bool { return false }
	app.now = func() time.Time { return fixedNow }
	code := app.Run(context.Background(), args)
	return run{code, out.String(), errOut.String()}
}

func fake(t *testing.T) *dinterotest.Server {
	t.Helper()
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

var secretEnv = map[string]string{
	"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret,
	"TOKENBENCH_PASSWORD":      dinterotest.DemoPassword,
}

// assertNoSecrets checks that no secret the user supplied shows anywhere.
func assertNoSecrets(t *testing.T, r run, secrets ...string) {
	t.Helper()
	for _, s := range append(secrets, dinterotest.DemoSecret, dinterotest.DemoPassword) {
		if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
			t.Fatalf("secret %q in output:\nstdout: %s\nstderr: %s", s, r.stdout, r.stderr)
		}
	}
}

func TestTokenClientCredentialsOutputs(t *testing.T) {
	srv := fake(t)
	base := []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}

	r := runCLI(t, secretEnv, "", base...)
	if r.code != 0 || strings.Count(r.stdout, ".") != 2 || strings.Count(r.stdout, "\n") != 1 || r.stderr != "" {
		t.Fatalf("token: %+v", r)
	}
	assertNoSecrets(t, r)

	r = runCLI(t, secretEnv, "", append(base, "-o", "header")...)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Authorization: Bearer eyJ") {
		t.Fatalf("header: %+v", r)
	}
	r = runCLI(t, secretEnv, "", append(base, "-o", "env")...)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "export DINTERO_ACCESS_TOKEN=eyJ") || strings.Contains(r.stdout, "REFRESH") {
		t.Fatalf("env: %+v", r)
	}
	r = runCLI(t, secretEnv, "", append(base, "-o", "json")...)
	var out map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 {
		t.Fatalf("json: %v %+v", err, r)
	}
	// No "scope": Dintero's answer has none (the scopes are the claims').
	for _, k := range []string{"access_token", "token_type", "expires_in", "expires_at", "header", "claims"} {
		if _, ok := out[k]; !ok {
			t.Errorf("json output lacks %q", k)
		}
	}
	if hdr := out["header"].(map[string]any); hdr["alg"] != "RS256" || hdr["kid"] != srv.KeyID() {
		t.Errorf("header %v", hdr)
	}
	if _, err := time.Parse(time.RFC3339, out["expires_at"].(string)); err != nil {
		t.Errorf("expires_at: %v", err)
	}
}

func TestTokenSecretFromFileAndStdin(t *testing.T) {
	srv := fake(t)
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte(dinterotest.DemoSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}
	if r := runCLI(t, nil, "", append(args, "--client-secret-file", secretFile)...); r.code != 0 {
		t.Fatalf("file: %+v", r)
	}
	if r := runCLI(t, nil, dinterotest.DemoSecret+"\n", append(args, "--client-secret-file", "-")...); r.code != 0 {
		t.Fatalf("stdin: %+v", r)
	}
	r := runCLI(t, nil, "", append(args, "--client-secret-file", filepath.Join(dir, "missing"))...)
	if r.code != ExitUsage {
		t.Fatalf("missing file: %+v", r)
	}
	r = runCLI(t, map[string]string{"TOKENBENCH_CLIENT_SECRET": "wrong-secret-value"}, "", args...)
	if r.code != ExitRejected || r.stderr != "error: 401 invalid_client: client authentication failed\n" {
		t.Fatalf("wrong secret: %+v", r)
	}
	assertNoSecrets(t, r, "wrong-secret-value")
}

func TestTokenPasswordChainingWithRefresh(t *testing.T) {
	srv := fake(t)
	r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "password", "--username", dinterotest.DemoUser, "-o", "env")
	if r.code != 0 || !strings.Contains(r.stdout, "export DINTERO_REFRESH_TOKEN=rt_") {
		t.Fatalf("%+v", r)
	}
	assertNoSecrets(t, r)
	rt := strings.TrimPrefix(strings.Split(r.stdout, "\n")[1], "export DINTERO_REFRESH_TOKEN=")
	env := map[string]string{"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret, "TOKENBENCH_REFRESH_TOKEN": rt}
	r = runCLI(t, env, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--grant", "refresh_token")
	if r.code != 0 {
		t.Fatalf("refresh: %+v", r)
	}
	assertNoSecrets(t, r, rt)
}

func TestTokenMFAFromStdin(t *testing.T) {
	srv := fake(t)
	args := []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "password", "--username", dinterotest.DemoMFAUser, "--mfa-channel", "email"}

	// No code on stdin: exit 3 with what is needed to continue.
	r := runCLI(t, secretEnv, "", args...)
	if r.code != ExitNeedCode || !strings.Contains(r.stderr, "--grant mfa-oob --mfa-token mfa_") || !strings.Contains(r.stderr, "--oob-code oob_") || r.stdout != "" {
		t.Fatalf("no code: %+v", r)
	}
	assertNoSecrets(t, r)
	if !strings.Contains(r.stderr, "sent by email") {
		t.Fatalf("channel not said: %s", r.stderr)
	}
	// Continue with the explicit mfa-oob grant.
	fields := strings.Fields(r.stderr[strings.Index(r.stderr, "tokenbench token"):])
	flag := func(name string) string {
		for i, f := range fields {
			if f == name {
				return fields[i+1]
			}
		}
		t.Fatalf("no %s in %v", name, fields)
		return ""
	}
	code := srv.LastBindingCode(dinterotest.DemoMFAUser)
	r = runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "mfa-oob", "--mfa-token", flag("--mfa-token"), "--oob-code", flag("--oob-code"), "--binding-code", code)
	if r.code != 0 || strings.Count(r.stdout, ".") != 2 {
		t.Fatalf("mfa-oob: %+v", r)
	}
}

func TestTokenMFAWrongThenRightLine(t *testing.T) {
	sent := make(chan string, 1)
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.OnMessage = func(m dinterotest.Message) { sent <- m.BindingCode }
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	pr, pw := io.Pipe()
	var out, errOut bytes.Buffer
	app := NewApp(pr, &out, &errOut)
	app.env.getenv = func(k string) string { return secretEnv[k] }
	app.env.isTerminal = func() bool { return false }
	done := make(chan int, 1)
	go func() {
		done <- app.Run(context.Background(), []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
			"--client-id", dinterotest.DemoClientID, "--grant", "password", "--username", dinterotest.DemoMFAUser})
	}()
	io.WriteString(pw, "999999\n")
	code := <-sent
	if code == "999999" {
		t.Skip("the random code happened to be the wrong one")
	}
	io.WriteString(pw, code+"\n")
	pw.Close()
	if c := <-done; c != 0 {
		t.Fatalf("exit %d: %s", c, errOut.String())
	}
	if !strings.Contains(errOut.String(), "That code was not accepted: 400 invalid_grant") {
		t.Fatalf("stderr: %s", errOut.String())
	}
}

func TestTokenMFAExpiredChallengeExits4(t *testing.T) {
	srv := fake(t)
	r := runCLI(t, secretEnv, "111111\n222222\n333333\n", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoClientID, "--grant", "password", "--username", dinterotest.DemoMFAUser)
	if r.code != ExitRejected || !strings.Contains(r.stderr, "expired") {
		t.Fatalf("%+v", r)
	}
}

func TestTokenUsageErrorsBeforeAnyRequest(t *testing.T) {
	srv := fake(t)
	cases := map[string][]string{
		"bad account":    {"token", "--base-url", srv.URL, "--account", "X123", "--client-id", "c"},
		"plain http":     {"token", "--base-url", "http://api.dintero.com/v1", "--account", dinterotest.DemoAccount, "--client-id", "c"},
		"user info":      {"token", "--base-url", "https://u:p@api.dintero.com/v1", "--account", dinterotest.DemoAccount, "--client-id", "c"},
		"unknown grant":  {"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--grant", "magic"},
		"unknown flag":   {"token", "--client-secret", "s3cr3t"},
		"no secret":      {"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", "c"},
		"bad output":     {"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", "c", "-o", "yaml"},
		"bad param":      {"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", "c", "--param", "novalue"},
		"bad channel":    {"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", "c", "--mfa-channel", "pigeon"},
		"extra argument": {"token", "surprise"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{}
			if name != "no secret" {
				env["TOKENBENCH_CLIENT_SECRET"] = "x"
			}
			r := runCLI(t, env, "", args...)
			if r.code != ExitUsage || !strings.HasPrefix(r.stderr, "error: ") || strings.Count(r.stderr, "\n") != 1 {
				t.Fatalf("%+v", r)
			}
		})
	}
	if srv.Requests() != 0 {
		t.Fatalf("%d requests sent for invalid input", srv.Requests())
	}
}

func TestTokenTransportFailuresExit5(t *testing.T) {
	srv := fake(t)
	args := []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--timeout", "300ms"}
	srv.SetFault(&dinterotest.Fault{Hang: true, Times: 1})
	start := time.Now()
	r := runCLI(t, secretEnv, "", args...)
	if r.code != ExitTransport || r.stderr != "error: token request to "+srv.URL+"/accounts/"+dinterotest.DemoAccount+"/auth/token: timed out after 300ms\n" {
		t.Fatalf("hang: %+v", r)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatal("did not honour --timeout")
	}
	srv.SetFault(&dinterotest.Fault{HTML: true, Times: 1})
	if r := runCLI(t, secretEnv, "", args...); r.code != ExitTransport || !strings.Contains(r.stderr, "502 Bad Gateway (text/html)") {
		t.Fatalf("html: %+v", r)
	}
	srv.SetFault(&dinterotest.Fault{Status: 500, Message: "boom\x1b[31m\x07", Times: 1})
	r = runCLI(t, secretEnv, "", args...)
	if r.code != ExitTransport || strings.ContainsAny(r.stderr, "\x1b\x07") {
		t.Fatalf("500: %q", r.stderr)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	r = runCLI(t, secretEnv, "", "token", "--base-url", "http://"+addr+"/v1", "--account", dinterotest.DemoAccount, "--client-id", "c")
	if r.code != ExitTransport || !strings.Contains(r.stderr, "connection refused") {
		t.Fatalf("refused: %+v", r)
	}
	assertNoSecrets(t, r)
}

func TestDecode(t *testing.T) {
	srv := fake(t)
	tok := strings.TrimSpace(runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID).stdout)

	r := runCLI(t, nil, tok+"\n", "decode")
	if r.code != 0 || !strings.Contains(r.stdout, "alg RS256") || !strings.Contains(r.stdout, "Subject     client:demo-client") || !strings.Contains(r.stdout, "Scopes      write:accounts:/auth/users") {
		t.Fatalf("%+v", r)
	}
	r = runCLI(t, nil, "", "decode", "--json", tok)
	var out map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || len(out) != 4 || out["expired"] != false {
		t.Fatalf("json %v %+v", err, r)
	}
	for _, bad := range []string{"garbage", "a.b", strings.Repeat("x", 70000)} {
		r = runCLI(t, nil, bad, "decode")
		if r.code != ExitUsage || strings.Count(r.stderr, "\n") != 1 {
			t.Fatalf("%.20q: %+v", bad, r)
		}
	}
}

func TestVersion(t *testing.T) {
	old := [3]string{Version, Commit, Date}
	defer func() { Version, Commit, Date = old[0], old[1], old[2] }()
	Version, Commit, Date = "v1.2.3", "abc1234", "2026-11-28T12:00:00Z"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := runCLI(t, nil, "", args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "tokenbench v1.2.3\ncommit: abc1234\nbuilt:  2026-11-28T12:00:00Z\ngo:     go1.") {
			t.Fatalf("%v: %+v", args, r)
		}
	}
}

func TestShellQuote(t *testing.T) {
	cases := map[string]string{"abc.DEF-1_2": "abc.DEF-1_2", "": "''", "a b": "'a b'", "it's": `'it'\''s'`, "$(rm)": "'$(rm)'"}
	for in, want := range cases {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsRelease(t *testing.T) {
	cases := map[string]bool{
		"v1.2.3": true, "v0.4.0-rc.1": true, "": false, "(devel)": false,
		"v0.0.0-20261128140556-9fb2a6fbec8e": false, "v1.2.4-0.20261128140556-9fb2a6fbec8e": false, "v1.2.3+dirty": false,
	}
	for v, want := range cases {
		if got := isRelease(v); got != want {
			t.Errorf("isRelease(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestVerboseAndHARHoldNoSecrets(t *testing.T) {
	srv := fake(t)
	har := filepath.Join(t.TempDir(), "s.har")
	var code string
	cfgOut := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "password", "--username", dinterotest.DemoMFAUser, "-v", "--har", har)
	if cfgOut.code != ExitNeedCode {
		t.Fatalf("%+v", cfgOut)
	}
	code = srv.LastBindingCode(dinterotest.DemoMFAUser)
	// The verbose log shows every exchange, redacted.
	for _, want := range []string{"> POST " + srv.URL + "/accounts/T11223344/auth/token", "Basic [demo-client:secret redacted]", "< 403 Forbidden", "mfa_required", `"password": "[•••• (13 chars)]"`} {
		if !strings.Contains(cfgOut.stderr, want) {
			t.Errorf("verbose output lacks %q", want)
		}
	}
	data, err := os.ReadFile(har)
	if err != nil {
		t.Fatalf("HAR not written on a failed flow: %v", err)
	}
	// The continuation command on stderr carries mfa_token and oob_code on
	// purpose; the log lines above it must not.
	logPart := cfgOut.stderr[:strings.Index(cfgOut.stderr, "error: MFA needs")]
	for _, s := range []string{dinterotest.DemoSecret, dinterotest.DemoPassword, code} {
		if strings.Contains(logPart, s) || strings.Contains(string(data), s) {
			t.Errorf("secret %q in the verbose log or HAR", s)
		}
	}
	for _, f := range strings.Fields(cfgOut.stderr) {
		if strings.HasPrefix(f, "mfa_") || strings.HasPrefix(f, "oob_") {
			if strings.Contains(logPart, f) || strings.Contains(string(data), f) {
				t.Errorf("%s… in the verbose log or HAR", f[:6])
			}
		}
	}
}

func TestDecodeJWKS(t *testing.T) {
	srv := fake(t)
	tok := strings.TrimSpace(runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID).stdout)
	keySet := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(srv.KeySetJSON())
	}))
	defer keySet.Close()
	jwks := keySet.URL + "/jwks.json"
	r := runCLI(t, nil, tok, "decode", "--jwks", jwks)
	if r.code != 0 || !strings.Contains(r.stdout, "Signature   verified (kid "+srv.KeyID()+", RS256)") {
		t.Fatalf("good: %+v", r)
	}
	parts := strings.Split(tok, ".")
	parts[2] = strings.Repeat("A", len(parts[2]))
	r = runCLI(t, nil, strings.Join(parts, "."), "decode", "--jwks", jwks, "--json")
	if r.code != ExitRejected || !strings.Contains(r.stdout, `"verified": false`) || !strings.Contains(r.stderr, "bad signature") {
		t.Fatalf("bad: %+v", r)
	}
	if r := runCLI(t, nil, tok, "decode", "--jwks", "http://127.0.0.1:1/jwks.json"); r.code != ExitRejected || !strings.Contains(r.stderr, "keys unreachable") || !strings.Contains(r.stdout, "Subject") {
		t.Fatalf("unreachable: %+v", r)
	}
}

// TestBindingCodeIsDigits: a binding code pasted as the SMS shows it
// ("731 735") is sent as its digits; one that is not digits is refused
// (exit 2) before it uses up an attempt, from the flag and from stdin.
func TestBindingCodeIsDigits(t *testing.T) {
	srv := fake(t)
	base := []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}
	args := append(append([]string{}, base...), "--grant", "password", "--username", dinterotest.DemoMFAUser)
	// Not a code on stdin: refused, nothing sent.
	r := runCLI(t, secretEnv, "Code: 12ab34\n", args...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "digits only; nothing was sent") {
		t.Fatalf("stdin: %+v", r)
	}
	if srv.Requests() == 0 {
		t.Fatal("no request at all: the MFA step was not reached")
	}
	// The challenge of a second run, continued by flag.
	r = runCLI(t, secretEnv, "", args...)
	fields := strings.Fields(r.stderr[strings.Index(r.stderr, "tokenbench token"):])
	flag := func(name string) string {
		for i, f := range fields {
			if f == name {
				return fields[i+1]
			}
		}
		t.Fatalf("no %s in %v", name, fields)
		return ""
	}
	oob := append(append([]string{}, base...), "--grant", "mfa-oob", "--mfa-token", flag("--mfa-token"), "--oob-code", flag("--oob-code"))
	before := srv.Requests()
	r = runCLI(t, secretEnv, "", append(oob, "--binding-code", "12ab34")...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--binding-code: a binding code is digits only; nothing was sent") || srv.Requests() != before {
		t.Fatalf("--binding-code 12ab34: %+v (%d requests)", r, srv.Requests()-before)
	}
	code := srv.LastBindingCode(dinterotest.DemoMFAUser)
	r = runCLI(t, secretEnv, "", append(oob, "--binding-code", code[:3]+" "+code[3:])...)
	if r.code != 0 || strings.Count(r.stdout, ".") != 2 {
		t.Fatalf("a pasted code with its space: %+v", r)
	}
}
