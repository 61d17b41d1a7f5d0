package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// fakeWithOutbox is a fake whose messages (binding codes) the test reads
// as they are sent.
func fakeWithOutbox(t *testing.T) (*dinterotest.Server, chan dinterotest.Message) {
	t.Helper()
	sent := make(chan dinterotest.Message, 16)
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.OnMessage = func(m dinterotest.Message) { sent <- m }
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, sent
}

// interactive is a command running in-process whose stdin the test writes.
type interactive struct {
	stdin       *io.PipeWriter
	out, errOut bytes.Buffer
	done        chan int
}

func startInteractive(env map[string]string, args ...string) *interactive {
	return startInteractiveWith(nil, env, args...)
}

// startInteractiveWith is startInteractive on a keyring of the test's own
// (nil: the app's default).
func startInteractiveWith(kr profiles.Keyring, env map[string]string, args ...string) *interactive {
	it := &interactive{done: make(chan int, 1)}
	pr, pw := io.Pipe()
	it.stdin = pw
	app := NewApp(pr, &it.out, &it.errOut)
	app.env.getenv = func(k string) string { return env[k] }
	app.env.isTerminal = func() bool { return false }
	if kr != nil {
		app.env.keyring = kr
	}
	go func() { it.done <- app.Run(context.Background(), args) }()
	return it
}

func wrongFor(code string) string {
	if code == "999999" {
		return "888888"
	}
	return "999999"
}

func TestRecoverWrongFirstThenWrongSecondCode(t *testing.T) {
	srv, sent := fakeWithOutbox(t)
	har := filepath.Join(t.TempDir(), "recover.har")
	it := startInteractive(secretEnv, "recover", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--username", dinterotest.DemoLostDeviceUser, "-o", "json", "-v", "--har", har)
	first := <-sent
	io.WriteString(it.stdin, wrongFor(first.BindingCode)+"\n"+first.BindingCode+"\n")
	second := <-sent
	io.WriteString(it.stdin, wrongFor(second.BindingCode)+"\n"+second.BindingCode+"\n")
	it.stdin.Close()
	if c := <-it.done; c != 0 {
		t.Fatalf("exit %d: %s", c, it.errOut.String())
	}
	if first.Channel != "sms" || second.Channel != "email" {
		t.Fatalf("channels %s, %s", first.Channel, second.Channel)
	}
	stderr := it.errOut.String()
	for _, want := range []string{
		"MFA recovery for lost-device@example.com, step 1 of 2: code sent by SMS.",
		"MFA recovery for lost-device@example.com, step 2 of 2: code sent by e-mail.",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if n := strings.Count(stderr, "That code was not accepted: 400 invalid_grant"); n != 2 {
		t.Errorf("%d refusals in stderr:\n%s", n, stderr)
	}
	if !strings.Contains(it.out.String(), `"sub": "user:lost-device@example.com"`) {
		t.Fatalf("stdout: %s", it.out.String())
	}
	assertNoSecrets(t, run{0, it.out.String(), stderr}, first.BindingCode, second.BindingCode)
	// -v and the HAR show the four mfa-oob attempts and the recovery call,
	// with no code, mfa_token or oob_code in them.
	data, err := os.ReadFile(har)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "/auth/mfa/recovery") || strings.Count(stderr, `"grant_type": "mfa-oob"`) != 4 {
		t.Fatalf("-v:\n%s", stderr)
	}
	for _, text := range []string{stderr, string(data)} {
		for _, code := range []string{first.BindingCode, second.BindingCode} {
			if strings.Contains(text, code) {
				t.Errorf("binding code %s in -v or HAR", code)
			}
		}
		if m := regexp.MustCompile(`(mfa|oob)_[A-Za-z0-9]{16,}`).FindString(text); m != "" {
			t.Errorf("%s… in -v or HAR", m[:8])
		}
	}
}

func TestRecoverWithoutCodeExits3AndSaysHowToContinue(t *testing.T) {
	srv, sent := fakeWithOutbox(t)
	r := runCLI(t, secretEnv, "", "recover", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--username", dinterotest.DemoLostDeviceUser, "--mfa-channel", "email")
	if r.code != ExitNeedCode || !strings.Contains(r.stderr, "step 1 of 2 needs the code sent by e-mail") ||
		!strings.Contains(r.stderr, "--grant mfa-oob") || !strings.Contains(r.stderr, "--mfa-channel sms") {
		t.Fatalf("%+v", r)
	}
	first := <-sent
	// The printed command does continue the recovery: step 1's answer is an
	// mfa_required whose challenge goes by SMS, and that code ends it.
	line := r.stderr[strings.Index(r.stderr, "tokenbench token"):]
	line = line[:strings.Index(line, " (with")]
	args := strings.Fields(strings.TrimPrefix(line, "tokenbench "))
	for i, a := range args {
		args[i] = strings.Trim(a, "'")
		if a == "CODE" {
			args[i] = first.BindingCode
		}
	}
	it := startInteractive(secretEnv, args...)
	second := <-sent
	if second.Channel != "sms" {
		t.Fatalf("second code by %s", second.Channel)
	}
	io.WriteString(it.stdin, second.BindingCode+"\n")
	it.stdin.Close()
	if c := <-it.done; c != 0 || strings.Count(it.out.String(), ".") != 2 {
		t.Fatalf("continue %v: exit %d\n%s\n%s", args, c, it.out.String(), it.errOut.String())
	}
}

func TestRevoke(t *testing.T) {
	// A keyring of this test's own, not go-keyring's global mock.
	kr := keyringtest.New()
	runCLI := func(t *testing.T, env map[string]string, stdin string, args ...string) run {
		t.Helper()
		return runWithKeyring(t, kr, env, stdin, args...)
	}
	srv := fake(t)
	// Without a profile: the refresh token from the environment.
	r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "password", "--username", dinterotest.DemoUser, "-o", "env")
	rt := r.stdout[strings.Index(r.stdout, "DINTERO_REFRESH_TOKEN=")+len("DINTERO_REFRESH_TOKEN="):]
	rt = strings.TrimSpace(rt)
	if r.code != 0 || rt == "" {
		t.Fatalf("password grant: %+v", r)
	}
	env := map[string]string{"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret, "TOKENBENCH_REFRESH_TOKEN": rt}
	r = runCLI(t, env, "", "revoke", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID)
	if r.code != 0 || !strings.Contains(r.stderr, "Revoked refresh token") {
		t.Fatalf("revoke: %+v", r)
	}
	assertNoSecrets(t, r, rt)
	r = runCLI(t, env, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--grant", "refresh_token")
	if r.code != ExitRejected || !strings.Contains(r.stderr, "invalid or revoked") {
		t.Fatalf("refresh after revoke: %+v", r)
	}
	if r := runCLI(t, secretEnv, "", "revoke", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID); r.code != ExitUsage {
		t.Fatalf("nothing to revoke: %+v", r)
	}

	// With a profile: its kept refresh token, removed from the store after.
	dir := filepath.Join(t.TempDir(), "cfg")
	penv := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret, "TOKENBENCH_PASSWORD": dinterotest.DemoPassword}
	if r := runCLI(t, penv, "", "profile", "add", "support", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "password", "--username", dinterotest.DemoUser, "--keep-tokens"); r.code != 0 {
		t.Fatalf("profile add: %+v", r)
	}
	if r := runCLI(t, penv, "", "token", "-p", "support"); r.code != 0 {
		t.Fatalf("token -p: %+v", r)
	}
	noSecret := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	r = runCLI(t, noSecret, "", "revoke", "-p", "support")
	if r.code != 0 || !strings.Contains(r.stderr, "of profile support and removed it from the store") {
		t.Fatalf("revoke -p: %+v", r)
	}
	if r := runCLI(t, noSecret, "", "revoke", "-p", "support"); r.code != ExitUsage || !strings.Contains(r.stderr, "profile support holds no refresh token to revoke") {
		t.Fatalf("revoke -p again: %+v", r)
	}
}

func TestTokenPartner(t *testing.T) {
	srv := fake(t)
	env := map[string]string{"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoPartnerSecret}
	args := []string{"token", "--base-url", srv.URL, "--partner", dinterotest.DemoPartner, "--account", dinterotest.DemoMerchant, "--client-id", dinterotest.DemoPartnerClient}
	r := runCLI(t, env, "", append(args, "-v", "-o", "json")...)
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	for _, want := range []string{"/accounts/T11200000/auth/token", "/accounts/T11200000/auth/exchange_token", "/accounts/T11200001/auth/token"} {
		if strings.Count(r.stderr, want) < 1 {
			t.Errorf("-v lacks %s:\n%s", want, r.stderr)
		}
	}
	if !strings.Contains(r.stdout, `"audience": "https://api.dintero.com/v1/accounts/T11200001"`) || !strings.Contains(r.stdout, `"partner": "T11200000"`) ||
		!strings.Contains(r.stdout, `"aid": "T11200001"`) {
		t.Fatalf("json: %s", r.stdout)
	}
	assertNoSecrets(t, r, dinterotest.DemoPartnerSecret)
	// A merchant that is not the partner's.
	args[6] = dinterotest.DemoAccount
	r = runCLI(t, env, "", args...)
	if r.code != ExitRejected || !strings.Contains(r.stderr, "not a merchant of partner T11200000") {
		t.Fatalf("foreign account: %+v", r)
	}
}

func TestRateLimitedExits4WithTheWait(t *testing.T) {
	srv := fake(t)
	srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 30})
	r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID)
	if r.code != ExitRejected || r.stderr != "error: 429 rate limited: retry after 30 s\n" {
		t.Fatalf("%+v", r)
	}
	// Met at the challenge by an engineer resending codes: the fake's real
	// limit of five codes a minute per user. Same line, and no retry.
	srv.SetFault(nil)
	args := []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "password", "--username", dinterotest.DemoMFAUser}
	for i := 0; i < 5; i++ {
		if r := runCLI(t, secretEnv, "", args...); r.code != ExitNeedCode {
			t.Fatalf("run %d: %+v", i+1, r)
		}
	}
	before := srv.Requests()
	r = runCLI(t, secretEnv, "", args...)
	if r.code != ExitRejected || !regexp.MustCompile(`^error: 429 rate limited: retry after [1-9][0-9]? s\n$`).MatchString(r.stderr) || srv.Requests()-before != 3 {
		t.Fatalf("%+v (%d requests)", r, srv.Requests()-before)
	}
}

func TestDecodeVerifyAccount(t *testing.T) {
	srv := fake(t)
	tok := strings.TrimSpace(runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID).stdout)
	// The client token has read:accounts: it reads its own keys.
	r := runCLI(t, nil, tok, "decode", "--verify", "--account", dinterotest.DemoAccount, "--base-url", srv.URL)
	if r.code != 0 || !strings.Contains(r.stdout, "Signature   verified (kid "+srv.KeyID()+", RS256)") {
		t.Fatalf("verify: %+v", r)
	}
	// The account defaults to the token's aid claim.
	if r := runCLI(t, nil, tok, "decode", "--verify", "--base-url", srv.URL); r.code != 0 {
		t.Fatalf("aid: %+v", r)
	}
	// A token without read:accounts: the claims, then why, exit 4 ...
	plain, _ := srv.IssueToken(map[string]any{"sub": "user:x", "aid": dinterotest.DemoAccount, "scope": "read:checkout"})
	r = runCLI(t, nil, plain, "decode", "--verify", "--base-url", srv.URL)
	if r.code != ExitRejected || !strings.Contains(r.stdout, "Subject     user:x") || !strings.Contains(r.stdout, "needs a token with read:accounts or admin:accounts") {
		t.Fatalf("no scope: %+v", r)
	}
	// ... unless $TOKENBENCH_BEARER has the scope.
	if r := runCLI(t, map[string]string{"TOKENBENCH_BEARER": tok}, plain, "decode", "--verify", "--base-url", srv.URL, "--json"); r.code != 0 || !strings.Contains(r.stdout, `"verified": true`) {
		t.Fatalf("bearer: %+v", r)
	}
	// A Bearer without the scope: the server's refusal names it.
	r = runCLI(t, map[string]string{"TOKENBENCH_BEARER": plain}, plain, "decode", "--verify", "--base-url", srv.URL)
	if r.code != ExitRejected || !strings.Contains(r.stdout, "keys refused (403 insufficient_scope") {
		t.Fatalf("bearer without scope: %+v", r)
	}
	if r := runCLI(t, nil, tok, "decode", "--verify", "--account", "nope", "--base-url", srv.URL); r.code != ExitUsage {
		t.Fatalf("bad account: %+v", r)
	}
}

func TestProfileWithPartner(t *testing.T) {
	// A keyring of this test's own, not go-keyring's global mock.
	kr := keyringtest.New()
	runCLI := func(t *testing.T, env map[string]string, stdin string, args ...string) run {
		t.Helper()
		return runWithKeyring(t, kr, env, stdin, args...)
	}
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoPartnerSecret}
	r := runCLI(t, env, "", "profile", "add", "t112", "--base-url", srv.URL, "--partner", dinterotest.DemoPartner, "--account", dinterotest.DemoMerchant2,
		"--client-id", dinterotest.DemoPartnerClient)
	if r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	noSecret := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	if r := runCLI(t, noSecret, "", "profile", "show", "t112"); !strings.Contains(r.stdout, "partner T112 → merchant T11200002") {
		t.Fatalf("show: %+v", r)
	}
	r = runCLI(t, noSecret, "", "token", "-p", "t112", "-o", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"aid": "T11200002"`) || !strings.Contains(r.stdout, `"partner": "T11200000"`) {
		t.Fatalf("token -p: %+v", r)
	}
	if r := runCLI(t, env, "", "profile", "add", "bad", "--partner", dinterotest.DemoPartner, "--account", dinterotest.DemoMerchant,
		"--client-id", "x", "--grant", "password"); r.code != ExitUsage {
		t.Fatalf("partner with password grant: %+v", r)
	}
}

func TestRecoverFromProfile(t *testing.T) {
	kr := keyringtest.New()
	srv, sent := fakeWithOutbox(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "support", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoClientID, "--mfa-channel", "email"); r.code != 0 {
		t.Fatalf("profile add: %+v", r)
	}
	// No secret in the environment: the profile's keyring has it.
	it := startInteractiveWith(kr, map[string]string{"TOKENBENCH_CONFIG_DIR": dir}, "recover", "-p", "support", "--username", dinterotest.DemoLostDeviceUser, "-o", "header")
	first := <-sent
	io.WriteString(it.stdin, first.BindingCode+"\n")
	second := <-sent
	io.WriteString(it.stdin, second.BindingCode+"\n")
	it.stdin.Close()
	if c := <-it.done; c != 0 || !strings.HasPrefix(it.out.String(), "Authorization: Bearer ey") {
		t.Fatalf("exit %d\n%s\n%s", c, it.out.String(), it.errOut.String())
	}
	if first.Channel != "email" || second.Channel != "sms" {
		t.Fatalf("channels %s, %s (the profile says email first)", first.Channel, second.Channel)
	}
}
