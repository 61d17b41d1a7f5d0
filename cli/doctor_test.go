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
	"github.com/tokenbench/tokenbench/client/record"
)

func doctorArgs(srv *dinterotest.Server, user string, more ...string) []string {
	return append([]string{"doctor", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--user", user}, more...)
}

func TestDoctorFindsTheUserAndSaysWhy(t *testing.T) {
	srv := fake(t)
	r := runCLI(t, secretEnv, "", doctorArgs(srv, "SSO@example.com")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"user        Sam Single-Sign-On <sso@example.com>",
		"signs in    external identity provider",
		"MFA         SMS off · TOTP off",
		"auth.token",
		"✗ signs in through an external identity provider: the password grant will not work for this user; use account_user_token with the provider's ID token",
		"from authentication_type=external",
		"! no MFA factor enabled",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	assertNoSecrets(t, r)
}

func TestDoctorJSON(t *testing.T) {
	srv := fake(t)
	r := runCLI(t, secretEnv, "", doctorArgs(srv, dinterotest.DemoDeletedUser, "-o", "json")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep struct {
		User struct {
			Email     string     `json:"email"`
			DeletedAt *time.Time `json:"deleted_at"`
		} `json:"user"`
		Findings []struct {
			Rule     string   `json:"rule"`
			Severity string   `json:"severity"`
			Evidence []string `json:"evidence"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if rep.User.Email != dinterotest.DemoDeletedUser || rep.User.DeletedAt == nil || len(rep.Findings) == 0 ||
		rep.Findings[0].Rule != "deleted" || rep.Findings[0].Severity != "blocker" || len(rep.Findings[0].Evidence) == 0 {
		t.Fatalf("report = %+v", rep)
	}
}

func TestDoctorNoSuchUserExits4AndNamesNearMatches(t *testing.T) {
	srv := fake(t)
	r := runCLI(t, secretEnv, "", doctorArgs(srv, "mfa")...)
	if r.code != ExitRejected || !strings.Contains(r.stderr, `no account user has the e-mail "mfa"; the search found Mia Fa <mfa@example.com>`) {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	r = runCLI(t, secretEnv, "", doctorArgs(srv, "nobody@example.com")...)
	if r.code != ExitRejected || !strings.Contains(r.stderr, `no account user matches "nobody@example.com"`) {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}

func TestDoctorMissingScopeNamesIt(t *testing.T) {
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.Clients = append(cfg.Clients, dinterotest.APIClient{ID: "checkout-only", Secret: "checkout-only-secret", Scopes: []string{"write:checkout"}})
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	r := runCLI(t, map[string]string{"TOKENBENCH_CLIENT_SECRET": "checkout-only-secret"}, "",
		"doctor", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", "checkout-only", "--user", dinterotest.DemoMFAUser)
	if r.code != ExitRejected || !strings.Contains(r.stderr, "403") || !strings.Contains(r.stderr, "needs a token with the scope read:accounts") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	assertNoSecrets(t, r, "checkout-only-secret")
}

func TestDoctorThroughAPartner(t *testing.T) {
	srv := fake(t)
	r := runCLI(t, map[string]string{"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoPartnerSecret}, "", "doctor", "--base-url", srv.URL,
		"--partner", dinterotest.DemoPartner, "--account", dinterotest.DemoMerchant, "--client-id", dinterotest.DemoPartnerClient,
		"--user", dinterotest.DemoMerchantUser, "-v") // the merchant's own user (issue 19 item 12)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"/accounts/T11200000/auth/exchange_token", "/accounts/T11200001/management/users"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("-v lacks %s:\n%s", want, r.stderr)
		}
	}
	if !strings.Contains(r.stdout, "account     T11200001 TEST") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	assertNoSecrets(t, r, dinterotest.DemoPartnerSecret)
}

func TestDoctorUsageErrors(t *testing.T) {
	srv := fake(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"doctor", "--account", dinterotest.DemoAccount, "--client-id", "x"}, "doctor needs --user EMAIL"},
		{doctorArgs(srv, "a@b.c", "-o", "yaml"), `unknown output "yaml"`},
		{[]string{"doctor", "--account", "X123", "--client-id", "x", "--user", "a@b.c"}, "is not an account id"},
		{[]string{"doctor", "--account", dinterotest.DemoAccount, "--user", "a@b.c"}, "doctor needs a token with read:accounts"},
	} {
		r := runCLI(t, nil, "", c.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, r.code, r.stderr, c.want)
		}
	}
}

func TestDoctorBundleHoldsNoSecret(t *testing.T) {
	srv := fake(t)
	path := filepath.Join(t.TempDir(), "ticket.zip")
	r := runCLI(t, secretEnv, "", doctorArgs(srv, dinterotest.DemoMFAUser, "--bundle", path)...)
	if r.code != 0 || !strings.Contains(r.stderr, "support bundle written to "+path) {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var all strings.Builder
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		all.Write(data)
	}
	for _, v := range append(record.Variants(dinterotest.DemoSecret), record.Variants(dinterotest.DemoClientID+":"+dinterotest.DemoSecret)...) {
		if strings.Contains(all.String(), v) {
			t.Fatalf("bundle holds %q", v)
		}
	}
	if !strings.Contains(all.String(), "this is the token of the API client demo-client (subject client:demo-client), which the diagnosis read the account with: that client's token, not the user's") {
		t.Errorf("the bundle does not say whose token it shows")
	}
	if !strings.Contains(all.String(), `## Diagnosis of mfa\@example.com`) || !strings.Contains(all.String(), "management/users") {
		t.Fatalf("bundle lacks the diagnosis or the exchanges")
	}
	// A failed lookup still leaves a bundle: that is what the ticket needs.
	path2 := filepath.Join(t.TempDir(), "failed.zip")
	r = runCLI(t, secretEnv, "", doctorArgs(srv, "nobody@example.com", "--bundle", path2)...)
	if r.code != ExitRejected || !strings.Contains(r.stderr, "support bundle written to "+path2) {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}

func TestTokenBundleAfterTwoWrongCodes(t *testing.T) {
	srv, sent := fakeWithOutbox(t)
	path := filepath.Join(t.TempDir(), "mfa.zip")
	it := startInteractive(secretEnv, "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "password", "--username", dinterotest.DemoMFAUser, "--bundle", path)
	msg := <-sent
	io.WriteString(it.stdin, wrongFor(msg.BindingCode)+"\n"+wrongFor(wrongFor(msg.BindingCode))+"\n"+msg.BindingCode+"\n")
	it.stdin.Close()
	if c := <-it.done; c != 0 {
		t.Fatalf("exit %d: %s", c, it.errOut.String())
	}
	if !strings.Contains(it.errOut.String(), "support bundle written to "+path) {
		t.Fatalf("stderr: %s", it.errOut.String())
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(data)
	}
	token := strings.TrimSpace(it.out.String())
	secrets := []string{dinterotest.DemoSecret, dinterotest.DemoPassword, msg.BindingCode, token, dinterotest.DemoClientID + ":" + dinterotest.DemoSecret}
	for name, text := range files {
		for _, sec := range secrets {
			for _, v := range record.Variants(sec) {
				if strings.Contains(text, v) {
					t.Errorf("%s holds a form of %.6q…", name, sec)
				}
			}
		}
	}
	sum := files["summary.md"]
	for _, want := range []string{"MFA completed: token issued after binding code #3", "| binding code #2 | 400 invalid_grant |", "- signature: verified (kid "} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary.md lacks %q:\n%s", want, sum)
		}
	}
}
