package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// TestWireConformance runs every flow the product has — each grant, MFA on
// both channels and continued by hand, the recovery, refresh, revoke,
// partner access, the keys, the doctor — through the real CLI against the
// strict fake, which refuses what Dintero refuses (§10). Each flow must
// succeed, and the fake must have refused no request as invalid.
func TestWireConformance(t *testing.T) {
	sent := make(chan dinterotest.Message, 32)
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.OnMessage = func(m dinterotest.Message) { sent <- m }
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	acct := []string{"--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}
	with := func(extra map[string]string) map[string]string {
		env := map[string]string{}
		for k, v := range secretEnv {
			env[k] = v
		}
		for k, v := range extra {
			env[k] = v
		}
		return env
	}
	ok := func(name string, r run) run {
		t.Helper()
		if r.code != 0 {
			t.Errorf("%s: exit %d\n%s", name, r.code, r.stderr)
		}
		return r
	}
	field := func(r run, k string) string {
		var out map[string]any
		_ = json.Unmarshal([]byte(r.stdout), &out)
		s, _ := out[k].(string)
		return s
	}

	ok("client_credentials", runCLI(t, secretEnv, "", append([]string{"token"}, acct...)...))
	pw := ok("password", runCLI(t, secretEnv, "", append([]string{"token", "-o", "json", "--grant", "password", "--username", dinterotest.DemoUser}, acct...)...))
	rt, userToken := field(pw, "refresh_token"), field(pw, "access_token")
	if rt == "" || userToken == "" {
		t.Fatalf("password gave no refresh token: %s", pw.stdout)
	}
	ok("refresh_token", runCLI(t, with(map[string]string{"TOKENBENCH_REFRESH_TOKEN": rt}), "", append([]string{"token", "--grant", "refresh_token"}, acct...)...))
	ok("account_user_token", runCLI(t, with(map[string]string{"TOKENBENCH_BEARER": userToken}), "",
		"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--grant", "account_user_token"))
	// The passwordless login: a code sent by e-mail (exit 3, then the
	// command that continues), and a code issued for a user id.
	pl := append([]string{"token", "--grant", "authorization_code", "--ident", dinterotest.DemoCustomer}, acct...)
	if r := runCLI(t, secretEnv, "", pl...); r.code != ExitNeedCode {
		t.Fatalf("passwordless without a code: exit %d, want %d: %s", r.code, ExitNeedCode, r.stderr)
	}
	ok("authorization_code (e-mail)", runCLI(t, secretEnv, "", append(pl, "--verification-code", (<-sent).BindingCode)...))
	ok("authorization_code (user id)", runCLI(t, secretEnv, "", append([]string{"token", "--grant", "authorization_code", "--user-id", dinterotest.UserIDOf(dinterotest.DemoUser)}, acct...)...))
	idp, err := srv.IssueOIDCCode(dinterotest.DemoUser, "")
	if err != nil {
		t.Fatal(err)
	}
	ok("oidc", runCLI(t, secretEnv, "", append([]string{"token", "--grant", "oidc", "--code", idp}, acct...)...))
	ok("revoke", runCLI(t, with(map[string]string{"TOKENBENCH_REFRESH_TOKEN": rt}), "", append([]string{"revoke"}, acct...)...))
	if srv.RefreshTokenLive(rt) {
		t.Error("revoke left the refresh token live")
	}

	// MFA, by SMS and by e-mail, a wrong code first.
	for _, ch := range []string{"sms", "email"} {
		it := startInteractive(secretEnv, append([]string{"token", "--grant", "password", "--username", dinterotest.DemoMFAUser, "--mfa-channel", ch}, acct...)...)
		c := (<-sent).BindingCode
		feed(it, wrongFor(c)+"\n"+c+"\n")
		if code := exitOf(t, it); code != 0 {
			t.Errorf("MFA by %s: exit %d\n%s", ch, code, it.errOut.String())
		}
	}
	// MFA continued by hand: exit 3, then the printed mfa-oob command.
	r := runCLI(t, secretEnv, "", append([]string{"token", "--grant", "password", "--username", dinterotest.DemoMFAUser}, acct...)...)
	c := (<-sent).BindingCode
	if r.code != ExitNeedCode {
		t.Fatalf("MFA without a code: %+v", r)
	}
	ok("mfa-oob by hand", runCLI(t, secretEnv, "", continueArgs(t, r.stderr, c)...))

	// The lost-device recovery, both steps.
	it := startInteractive(secretEnv, append([]string{"recover", "--username", dinterotest.DemoLostDeviceUser}, acct...)...)
	feed(it, (<-sent).BindingCode+"\n")
	feed(it, (<-sent).BindingCode+"\n")
	if code := exitOf(t, it); code != 0 {
		t.Errorf("recover: exit %d\n%s", code, it.errOut.String())
	}

	// Partner access to a merchant.
	ok("partner", runCLI(t, map[string]string{"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoPartnerSecret}, "",
		"token", "--base-url", srv.URL, "--account", dinterotest.DemoMerchant, "--partner", dinterotest.DemoPartner, "--client-id", dinterotest.DemoPartnerClient))

	// The keys: a token verified against the account's keys endpoint.
	cc := ok("client token", runCLI(t, secretEnv, "", append([]string{"token"}, acct...)...))
	ok("decode --verify", runCLI(t, nil, strings.TrimSpace(cc.stdout)+"\n", "decode", "--verify", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "-"))

	// The doctor: users and their activity.
	ok("doctor", runCLI(t, secretEnv, "", append([]string{"doctor", "--user", dinterotest.DemoMFAUser}, acct...)...))
	// The client diagnosis: clients and grants, with a user in one report.
	ok("doctor --client", runCLI(t, secretEnv, "", append([]string{"doctor", "--client", dinterotest.DemoClientID, "--user", dinterotest.DemoMFAUser, "-o", "json"}, acct...)...))

	if bad := srv.ValidationFailures(); len(bad) > 0 {
		t.Errorf("requests Dintero would refuse:\n%s", strings.Join(bad, "\n"))
	}
}

// continueArgs is the mfa-oob command a run that needed a code printed,
// with the code in place of CODE.
func continueArgs(t *testing.T, stderr, code string) []string {
	t.Helper()
	i := strings.Index(stderr, "tokenbench token")
	if i < 0 {
		t.Fatalf("no command to continue with:\n%s", stderr)
	}
	line := stderr[i:]
	line = line[:strings.IndexAny(line, "\n")]
	if j := strings.Index(line, " (with"); j > 0 {
		line = line[:j]
	}
	args := strings.Fields(strings.TrimPrefix(line, "tokenbench "))
	for i, a := range args {
		args[i] = strings.Trim(a, "'")
		if a == "CODE" {
			args[i] = code
		}
	}
	return args
}
