package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
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

// Issue 19 item 10 (first half): every command that needs a secret says
// where it can come from, as token does.
func TestEveryCommandSaysWhereAMissingSecretComesFrom(t *testing.T) {
	srv := fake(t)
	base := []string{"--base-url", srv.URL, "--account", dinterotest.DemoAccount}
	clientHint := "client secret is required (give it with $TOKENBENCH_CLIENT_SECRET or --client-secret-file)"
	bearerHint := "(give it with $TOKENBENCH_BEARER or --bearer-file, or --client-id with $TOKENBENCH_CLIENT_SECRET)"
	rtEnv := map[string]string{"TOKENBENCH_REFRESH_TOKEN": "rt-0123456789"}
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"token", "--client-id", dinterotest.DemoClientID}, nil, clientHint},
		{[]string{"doctor", "--client-id", dinterotest.DemoClientID, "--user", dinterotest.DemoMFAUser}, nil, clientHint},
		{[]string{"doctor", "--user", dinterotest.DemoMFAUser}, nil, "$TOKENBENCH_BEARER or --bearer-file, or --client-id with $TOKENBENCH_CLIENT_SECRET"},
		{[]string{"recover", "--client-id", dinterotest.DemoClientID, "--username", dinterotest.DemoLostDeviceUser}, nil, clientHint},
		{[]string{"recover", "--username", dinterotest.DemoLostDeviceUser}, nil, bearerHint},
		{[]string{"revoke", "--client-id", dinterotest.DemoClientID}, rtEnv, clientHint},
		{[]string{"revoke"}, rtEnv, bearerHint},
		{[]string{"token", "--grant", "password", "--username", dinterotest.DemoUser, "--client-id", dinterotest.DemoClientID}, map[string]string{"TOKENBENCH_PASSWORD": dinterotest.DemoPassword}, bearerHint},
	} {
		r := runCLI(t, c.env, "", append(c.args, base...)...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, c.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: want %q\n%+v", c.args, c.want, r)
		}
		if srv.Requests() != 0 {
			t.Fatalf("%v: %d requests sent before the secret was there", c.args, srv.Requests())
		}
	}
}

// doctor -p takes the secret given to the run before the profile's, as
// token -p does: a profile that asks is answered by
// $TOKENBENCH_CLIENT_SECRET where nobody can be asked.
func TestDoctorProfileTakesTheSecretGivenToTheRun(t *testing.T) {
	kr := keyringtest.New()
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "asks", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoClientID, "--secret-source", "ask"); r.code != 0 {
		t.Fatalf("profile add: %+v", r)
	}
	env["TOKENBENCH_CLIENT_SECRET"] = dinterotest.DemoSecret
	for _, args := range [][]string{{"token", "-p", "asks"}, {"doctor", "-p", "asks", "--user", dinterotest.DemoMFAUser}} {
		if r := runWithKeyring(t, kr, env, "", args...); r.code != 0 {
			t.Errorf("%v: %+v", args, r)
		}
	}
}

// Issue 19 item 11: a mistyped command is refused with the one meant.
func TestMistypedCommandSuggestsTheRightOne(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"tokn"}, `error: unknown command "tokn" for tokenbench; did you mean token?` + "\n"},
		{[]string{"doctr", "--user", "x"}, `error: unknown command "doctr" for tokenbench; did you mean doctor?` + "\n"},
		{[]string{"profil", "list"}, `error: unknown command "profil" for tokenbench; did you mean profile?` + "\n"},
		{[]string{"profile", "lst"}, `error: unknown command "lst" for tokenbench profile; did you mean list?` + "\n"},
		{[]string{"nothing-like-it"}, `error: unknown command "nothing-like-it" for tokenbench (tokenbench --help lists them)` + "\n"},
	} {
		r := runCLI(t, nil, "", c.args...)
		if r.code != ExitUsage || r.stderr != c.want || r.stdout != "" {
			t.Errorf("%v: %+v", c.args, r)
		}
	}
	// A command with commands of its own, given none, shows its help.
	if r := runCLI(t, nil, "", "profile"); r.code != 0 || !strings.Contains(r.stdout, "Available Commands:") {
		t.Errorf("profile: %+v", r)
	}
}

// syncBuffer is a buffer a command writes while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Issue 19 item 11: demo --serve prints how to use the fault switch, as
// the README says, and what it prints works.
func TestDemoServePrintsTheFaultSwitch(t *testing.T) {
	var out syncBuffer
	app := NewApp(strings.NewReader(""), &out, &bytes.Buffer{})
	app.env.getenv = func(string) string { return "" }
	app.env.isTerminal = func() bool { return false }
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- app.Run(ctx, []string{"demo", "--serve"}) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "Ctrl+C stops the server") {
		if time.Now().After(deadline) {
			t.Fatalf("demo --serve printed:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	printed := out.String()
	post := regexp.MustCompile(`curl -X POST (\S+/_fake/fault) -d '(\{[^']*\})'`).FindStringSubmatch(printed)
	del := regexp.MustCompile(`curl -X DELETE (\S+/_fake/fault)`).FindStringSubmatch(printed)
	base := regexp.MustCompile(`base URL\s+(\S+)`).FindStringSubmatch(printed)
	if post == nil || del == nil || base == nil || !strings.Contains(printed, "fault switch") {
		t.Fatalf("no fault switch in:\n%s", printed)
	}
	send := func(method, url, body string) {
		t.Helper()
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != http.StatusNoContent {
			t.Fatalf("%s %s: %v %v", method, url, res, err)
		}
		res.Body.Close()
	}
	token := []string{"token", "--base-url", base[1], "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}
	send(http.MethodPost, post[1], post[2])
	if r := runCLI(t, secretEnv, "", token...); r.code != ExitRejected || !strings.Contains(r.stderr, "429 rate limited: retry after 30 s") {
		t.Fatalf("with the fault: %+v", r)
	}
	send(http.MethodDelete, del[1], "")
	if r := runCLI(t, secretEnv, "", token...); r.code != 0 {
		t.Fatalf("fault cleared: %+v", r)
	}
	stop()
	if code := <-done; code != 0 {
		t.Fatalf("demo --serve ended with %d", code)
	}
}

// Issue 19 item 12 (first half): doctor on the partner's merchant finds
// the merchant's own users, not T11223344's.
func TestDoctorOnAPartnerMerchantFindsItsOwnUsers(t *testing.T) {
	srv := fake(t)
	partnerEnv := map[string]string{"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoPartnerSecret}
	merchant := func(account, user string) run {
		return runCLI(t, partnerEnv, "", "doctor", "--base-url", srv.URL, "--partner", dinterotest.DemoPartner, "--account", account,
			"--client-id", dinterotest.DemoPartnerClient, "--user", user)
	}
	r := merchant(dinterotest.DemoMerchant, dinterotest.DemoMerchantUser)
	if r.code != 0 || !strings.Contains(r.stdout, "Sofie Shop <shop@example.com>") || !strings.Contains(r.stdout, "account     T11200001") {
		t.Fatalf("the merchant's user: %+v", r)
	}
	for _, c := range []struct{ account, user string }{
		{dinterotest.DemoMerchant, dinterotest.DemoMFAUser},       // T11223344's
		{dinterotest.DemoMerchant, dinterotest.DemoMerchant2User}, // the other merchant's
		{dinterotest.DemoMerchant2, dinterotest.DemoMerchantUser},
	} {
		if r := merchant(c.account, c.user); r.code != ExitRejected || strings.Contains(r.stdout, c.user) {
			t.Errorf("%s on %s: %+v", c.user, c.account, r)
		}
	}
	if r := merchant(dinterotest.DemoMerchant2, dinterotest.DemoMerchant2User); r.code != 0 || !strings.Contains(r.stdout, "Kim Kiosk") {
		t.Errorf("the other merchant's user: %+v", r)
	}
	// T11223344 keeps its own, and lists no merchant's.
	r = runCLI(t, secretEnv, "", "doctor", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--user", dinterotest.DemoMFAUser)
	if r.code != 0 || !strings.Contains(r.stdout, "Mia Fa") {
		t.Fatalf("T11223344's user: %+v", r)
	}
	r = runCLI(t, secretEnv, "", "doctor", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--user", dinterotest.DemoMerchantUser)
	if r.code != ExitRejected {
		t.Fatalf("a merchant's user on T11223344: %+v", r)
	}
}

// Where nobody can be asked for a profile's secret, the error says where
// it can come from, naming only what the command takes.
func TestProfileSecretNobodyCanBeAskedForSaysWhereItComesFrom(t *testing.T) {
	kr := keyringtest.New()
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "asks", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoClientID, "--secret-source", "ask"); r.code != 0 {
		t.Fatalf("profile add: %+v", r)
	}
	for _, c := range []struct {
		args []string
		how  string
	}{
		{[]string{"token", "-p", "asks"}, "give it with $TOKENBENCH_CLIENT_SECRET or --client-secret-file\n"},
		{[]string{"doctor", "-p", "asks", "--user", dinterotest.DemoMFAUser}, "give it with $TOKENBENCH_CLIENT_SECRET or --client-secret-file\n"},
		{[]string{"exec", "-p", "asks", "--", "true"}, "give it with $TOKENBENCH_CLIENT_SECRET\n"}, // exec takes no --client-secret-file
	} {
		r := runWithKeyring(t, kr, env, "", c.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "profile asks keeps no client secret to use here") || !strings.HasSuffix(r.stderr, c.how) {
			t.Errorf("%v: %+v", c.args, r)
		}
	}
}
