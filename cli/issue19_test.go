package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// runAt is runCLI with the app's clock at now.
func runAt(t *testing.T, now time.Time, envVars map[string]string, stdin string, args ...string) run {
	t.Helper()
	var out, errOut bytes.Buffer
	app := NewApp(strings.NewReader(stdin), &out, &errOut)
	app.env.getenv = func(k string) string { return envVars[k] }
	app.env.isTerminal = func() bool { return false }
	app.now = func() time.Time { return now }
	code := app.Run(context.Background(), args)
	return run{code, out.String(), errOut.String()}
}

// Issue 19 item 3: an expired token cannot read its keys, so
// $TOKENBENCH_BEARER does; without one, the reason is the expiry, not a
// scope.
func TestDecodeVerifyExpiredTokenUsesTheOtherBearer(t *testing.T) {
	srv := fake(t)
	now := time.Now()
	expired, _ := srv.IssueToken(map[string]any{"sub": "user:x", "aid": dinterotest.DemoAccount, "scope": "read:accounts",
		"iat": now.Add(-2 * time.Hour).Unix(), "nbf": now.Add(-2 * time.Hour).Unix(), "exp": now.Add(-time.Hour).Unix()})
	reader, _ := srv.IssueToken(map[string]any{"sub": "client:reader", "aid": dinterotest.DemoAccount, "scope": "read:accounts"})
	// The app's clock now (the token is seen as expired, and not sent),
	// and a clock that does not know it (the server refuses it, and the
	// other Bearer is tried).
	for _, at := range []time.Time{now, fixedNow} {
		r := runAt(t, at, map[string]string{"TOKENBENCH_BEARER": reader}, expired, "decode", "--verify", "--base-url", srv.URL)
		if r.code != 0 || !strings.Contains(r.stdout, "Signature   verified") {
			t.Fatalf("at %s, with $TOKENBENCH_BEARER: %+v", at, r)
		}
	}
	r := runAt(t, now, nil, expired, "decode", "--verify", "--base-url", srv.URL)
	if r.code != ExitRejected || !strings.Contains(r.stdout, "this token expired 1h 0m ago, so it cannot read the keys of T11223344") ||
		!strings.Contains(r.stdout, "(give one in $TOKENBENCH_BEARER)") || strings.Contains(r.stdout, "keys refused") {
		t.Fatalf("no other Bearer: %+v", r)
	}
	// A clock that does not know: the server's refusal, to whom.
	r = runAt(t, fixedNow, nil, expired, "decode", "--verify", "--base-url", srv.URL)
	if r.code != ExitRejected || !strings.Contains(r.stdout, "keys refused (401 invalid_token: the Bearer token is not valid: expired) to this token") {
		t.Fatalf("refused, no other Bearer: %+v", r)
	}
	// The other Bearer expired too: both refusals are named.
	r = runAt(t, fixedNow, map[string]string{"TOKENBENCH_BEARER": expired}, expired, "decode", "--verify", "--base-url", srv.URL)
	if r.code != ExitRejected || !strings.Contains(r.stdout, "expired") || !strings.Contains(r.stdout, "to this token") {
		t.Fatalf("same expired Bearer: %+v", r)
	}
	stale, _ := srv.IssueToken(map[string]any{"sub": "client:old", "aid": dinterotest.DemoAccount, "scope": "read:accounts", "exp": now.Add(-time.Minute).Unix()})
	r = runAt(t, now, map[string]string{"TOKENBENCH_BEARER": stale}, expired, "decode", "--verify", "--base-url", srv.URL)
	if r.code != ExitRejected || !strings.Contains(r.stdout, "to $TOKENBENCH_BEARER: reading them needs a valid Bearer") {
		t.Fatalf("expired $TOKENBENCH_BEARER: %+v", r)
	}
}

// Issue 19 item 4: revoke names where a refresh token it cannot remove
// came from: never "It comes from , which…".
func TestRevokeNamesWhereTheRefreshTokenCameFrom(t *testing.T) {
	kr := keyringtest.New()
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret, "TOKENBENCH_PASSWORD": dinterotest.DemoPassword}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "support", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoClientID, "--grant", "password", "--username", dinterotest.DemoUser); r.code != 0 {
		t.Fatalf("profile add: %+v", r)
	}
	refresh := func() string {
		t.Helper()
		r := runWithKeyring(t, kr, env, "", "token", "-p", "support", "-o", "json")
		var out struct {
			RefreshToken string `json:"refresh_token"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &out); r.code != 0 || out.RefreshToken == "" {
			t.Fatalf("token -p: %v %+v", err, r)
		}
		return out.RefreshToken
	}
	withRT := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret, "TOKENBENCH_REFRESH_TOKEN": refresh()}
	r := runWithKeyring(t, kr, withRT, "", "revoke", "-p", "support")
	if r.code != 0 || !strings.Contains(r.stderr, "It came from $TOKENBENCH_REFRESH_TOKEN, which tokenbench does not write: unset it there.") {
		t.Fatalf("from the environment: %+v", r)
	}
	file := filepath.Join(t.TempDir(), "rt.txt")
	if err := os.WriteFile(file, []byte(refresh()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	noRT := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret}
	r = runWithKeyring(t, kr, noRT, "", "revoke", "-p", "support", "--refresh-token-file", file)
	if r.code != 0 || !strings.Contains(r.stderr, "It came from the file "+file+", which tokenbench does not write: remove it there.") {
		t.Fatalf("from a file: %+v", r)
	}
	// A profile that reads its refresh token from the environment.
	if r := runWithKeyring(t, kr, noRT, "", "profile", "edit", "support", "--secret-source", "refresh_token=env:SUPPORT_RT"); r.code != 0 {
		t.Fatalf("profile edit: %+v", r)
	}
	r = runWithKeyring(t, kr, map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret, "SUPPORT_RT": refresh()}, "", "revoke", "-p", "support")
	if r.code != 0 || !strings.Contains(r.stderr, "It came from $SUPPORT_RT, which tokenbench does not write: unset it there.") {
		t.Fatalf("from the profile's env: %+v", r)
	}
}
