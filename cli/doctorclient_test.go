package cli

import (
	"archive/zip"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/doctor"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

const demoAud = "https://api.dintero.com/v1/accounts/" + dinterotest.DemoAccount

// doctorClientArgs diagnose apiClient on the demo account, read with the
// demo client's token.
func doctorClientArgs(srv *dinterotest.Server, apiClient string, more ...string) []string {
	return append([]string{"doctor", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--client", apiClient}, more...)
}

// Every finding rule of the client diagnosis, through the real CLI against
// the fake's clients and grants.
func TestDoctorClientFindings(t *testing.T) {
	srv := fake(t)
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		want   []string
		absent []string
	}{
		{"not found", doctorClientArgs(srv, "demo-p0s"), ExitRejected, []string{
			"client      demo-p0s (not found)",
			"✗ no API client demo-p0s on this account",
			"from auth/clients lists",
		}, nil},
		{"deleted", doctorClientArgs(srv, dinterotest.DemoRetiredClient), 0, []string{
			"status      DELETED ",
			"✗ client deleted on ",
			"from client demo-retired deleted_at=",
		}, []string{"no-refresh", "skip MFA"}},
		{"no grant for the audience, one deleted", doctorClientArgs(srv, dinterotest.DemoPOSClient, "--grant", "client_credentials"), 0, []string{
			"grants (3, 1 deleted)",
			"✗ client demo-pos has grants for https://api.dintero.com/v1/accounts/P99887766 and https://api.dintero.com/v1/accounts/T11223345, not " + demoAud,
			"✗ grant grant-pos-test for " + demoAud + " (type client_credentials) deleted on ",
			"it was the client's grant for the audience asked",
		}, nil},
		{"another audience asked", doctorClientArgs(srv, dinterotest.DemoPOSClient, "--audience", "https://api.dintero.com/v1/accounts/P99887766"), 0, []string{
			"! grant grant-pos-test for " + demoAud + " (type client_credentials) deleted on ",
		}, []string{"has grants for"}},
		{"grant type excluded", doctorClientArgs(srv, dinterotest.DemoBackofficeClient, "--grant", "client_credentials"), 0, []string{
			"✗ the client's grant for " + demoAud + " is of type password: grant_type client_credentials cannot use it",
			"· no grant for " + demoAud + " serves the passwordless login (grant type authorization_code)",
		}, nil},
		{"no refresh token", doctorClientArgs(srv, dinterotest.DemoWebshopClient, "--grant", "password"), 0, []string{
			"! no grant for " + demoAud + " has create:accounts:auth:refresh_token: its password and passwordless logins return no refresh token",
		}, []string{"✗"}},
		{"skips MFA", doctorClientArgs(srv, dinterotest.DemoKioskClient), 0, []string{
			"! grant grant-kiosk-test for " + demoAud + " has write:accounts:/auth/users/no-mfa: user logins through this client skip MFA",
		}, nil},
		{"healthy", doctorClientArgs(srv, dinterotest.DemoClientID, "--grant", "password"), 0, []string{
			"client      Support workbench (demo-client)",
			"› " + demoAud + "  type any",
			"nothing stands out",
		}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, secretEnv, "", c.args...)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d: %s\n%s", r.code, c.code, r.stderr, r.stdout)
			}
			for _, w := range c.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, a := range c.absent {
				if strings.Contains(r.stdout, a) {
					t.Errorf("stdout has %q:\n%s", a, r.stdout)
				}
			}
			assertNoSecrets(t, r, dinterotest.DemoPOSSecret, dinterotest.DemoRetiredSecret)
		})
	}
}

func TestDoctorClientJSONAndBoth(t *testing.T) {
	srv := fake(t)
	r := runCLI(t, secretEnv, "", doctorClientArgs(srv, dinterotest.DemoPOSClient, "-o", "json")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep struct {
		Query  struct{ ClientID, Audience string } `json:"query"`
		Client struct {
			ClientID string `json:"client_id"`
		} `json:"client"`
		Grants []struct {
			ID       string   `json:"id"`
			Audience string   `json:"audience"`
			Type     string   `json:"type"`
			Scope    []string `json:"scope"`
		} `json:"grants"`
		Findings []struct{ Rule, Severity string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if rep.Client.ClientID != dinterotest.DemoPOSClient || rep.Query.Audience != demoAud || len(rep.Grants) != 3 ||
		len(rep.Findings) == 0 || rep.Findings[0].Rule != "no-grant-for-audience" || rep.Findings[0].Severity != "blocker" {
		t.Fatalf("report = %+v", rep)
	}

	// --user and --client: one report with both.
	r = runCLI(t, secretEnv, "", doctorClientArgs(srv, dinterotest.DemoKioskClient, "--user", dinterotest.DemoMFAUser, "-o", "json")...)
	var both struct {
		User struct {
			User struct{ Email string } `json:"user"`
		} `json:"user"`
		Client struct {
			Client struct {
				ClientID string `json:"client_id"`
			} `json:"client"`
		} `json:"client"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &both); err != nil || r.code != 0 {
		t.Fatalf("exit %d, %v: %s%s", r.code, err, r.stdout, r.stderr)
	}
	if both.User.User.Email != dinterotest.DemoMFAUser || both.Client.Client.ClientID != dinterotest.DemoKioskClient {
		t.Fatalf("report = %+v", both)
	}
	r = runCLI(t, secretEnv, "", doctorClientArgs(srv, dinterotest.DemoKioskClient, "--user", dinterotest.DemoMFAUser)...)
	if r.code != 0 || !strings.Contains(r.stdout, "user        Mia Fa <mfa@example.com>") || !strings.Contains(r.stdout, "client      Legacy kiosk (demo-kiosk)") ||
		strings.Index(r.stdout, "Mia Fa") > strings.Index(r.stdout, "Legacy kiosk") {
		t.Fatalf("exit %d: %s", r.code, r.stdout)
	}
}

func TestDoctorClientNeedsReadAccounts(t *testing.T) {
	srv := fake(t)
	tok, err := srv.IssueToken(map[string]any{"sub": "client:demo-pos", "client_id": dinterotest.DemoPOSClient, "aid": dinterotest.DemoAccount, "scope": "read:checkout write:checkout"})
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, map[string]string{"TOKENBENCH_BEARER": tok}, "", "doctor", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client", dinterotest.DemoPOSClient)
	if r.code != ExitRejected || !strings.Contains(r.stderr, "403") ||
		!strings.Contains(r.stderr, "(reading API clients and their grants needs a token with the scope read:accounts or admin:accounts)") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	assertNoSecrets(t, r, tok)
}

func TestDoctorClientUsage(t *testing.T) {
	srv := fake(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{doctorClientArgs(srv, "x", "--grant", "implicit"), `--grant "implicit" is not a grant type`},
		{doctorArgs(srv, "a@b.c", "--grant", "password"), "--audience and --grant are about an API client: give --client CLIENT_ID"},
	} {
		r := runCLI(t, secretEnv, "", c.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, c.want) || srv.Requests() != 0 {
			t.Errorf("%v: exit %d, stderr %q, %d requests; want 2, %q and none", c.args, r.code, r.stderr, srv.Requests(), c.want)
		}
	}
}

// From the failure to the answer: a token error about grants ends with the
// doctor command, and that command, run as printed, explains it.
func TestTokenGrantErrorEndsWithDoctorCommand(t *testing.T) {
	srv := fake(t)
	for _, c := range []struct {
		name, clientID, secret string
		more                   []string
		wantErr, wantCmd       string
		finding                string
	}{
		{"audience", dinterotest.DemoPOSClient, dinterotest.DemoPOSSecret, nil,
			"400 Validation failed: audience must be a grant associated with the client",
			"tokenbench doctor --base-url " + srv.URL + " --account T11223344 --client-id demo-pos --client demo-pos --grant client_credentials",
			"✗ client demo-pos has grants for"},
		{"grant type, in the chained client_credentials", dinterotest.DemoBackofficeClient, dinterotest.DemoBackofficeSecret,
			[]string{"--grant", "password", "--username", dinterotest.DemoUser},
			"grant_type client_credentials is not allowed by the client's grant for this audience (type password)",
			"tokenbench doctor --base-url " + srv.URL + " --account T11223344 --client-id demo-backoffice --client demo-backoffice --grant client_credentials",
			"✗ the client's grant for " + demoAud + " is of type password"},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{"TOKENBENCH_CLIENT_SECRET": c.secret, "TOKENBENCH_PASSWORD": dinterotest.DemoPassword}
			args := append([]string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", c.clientID}, c.more...)
			r := runCLI(t, env, "", args...)
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			last := lines[len(lines)-1]
			if r.code != ExitRejected || !strings.HasPrefix(last, "error: ") || !strings.Contains(last, c.wantErr) ||
				!strings.HasSuffix(last, "; the client's grants say why: "+c.wantCmd) {
				t.Fatalf("exit %d, last line:\n%s\nwant it to end with %s", r.code, last, c.wantCmd)
			}
			// The command as printed reads with the client that failed.
			// Here that client gets no token at all, and the doctor says
			// what to read with instead; with the demo's support client, as
			// a support engineer would, it explains the failure.
			cmd := strings.Fields(c.wantCmd)[1:]
			asPrinted := runCLI(t, map[string]string{"TOKENBENCH_CLIENT_SECRET": c.secret}, "", cmd...)
			if asPrinted.code != ExitRejected || !strings.HasSuffix(asPrinted.stderr, "; "+c.clientID+" gets no token on T11223344, so read with another API client or a Bearer that has read:accounts (-p NAME, --client-id ID, or $TOKENBENCH_BEARER)\n") {
				t.Fatalf("as printed: exit %d: %s", asPrinted.code, asPrinted.stderr)
			}
			for i, a := range cmd {
				if a == "--client-id" {
					cmd[i+1] = dinterotest.DemoClientID
				}
			}
			d := runCLI(t, secretEnv, "", cmd...)
			if d.code != 0 || !strings.Contains(d.stdout, c.finding) {
				t.Fatalf("%v: exit %d\n%s%s", cmd, d.code, d.stdout, d.stderr)
			}
		})
	}
	// An error that is not about grants gets no such line.
	r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "password", "--username", dinterotest.DemoUser, "--password-file", "/dev/null")
	if strings.Contains(r.stderr, "doctor --client") {
		t.Fatalf("unrelated error hinted: %s", r.stderr)
	}
}

func TestDoctorClientBundleIsScopedToTheClient(t *testing.T) {
	srv := fake(t)
	path := filepath.Join(t.TempDir(), "pos.zip")
	r := runCLI(t, secretEnv, "", doctorClientArgs(srv, dinterotest.DemoPOSClient, "--grant", "client_credentials", "--bundle", path)...)
	if r.code != 0 || !strings.Contains(r.stderr, "support bundle written to "+path) {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
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
	sum, har := files["summary.md"], files["session.har"]
	for _, want := range []string{
		"| diagnosed API client | demo-pos |",
		"## Diagnosis of API client demo-pos",
		"by grant type client_credentials",
		"client demo-pos has grants for",
		"| grant-pos-test | https\\://api.dintero.com/v1/accounts/T11223344 | client_credentials |",
		"other API client(s) or grant(s) were cut",
		"this is the token of the API client demo-client (subject client:demo-client), which the diagnosis read the account with, not a token of the client diagnosed (demo-pos)",
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary.md lacks %q:\n%s", want, sum)
		}
	}
	if !strings.Contains(har, "/auth/client-grants") || !strings.Contains(har, "grant-pos-typo") {
		t.Errorf("session.har lacks the grants read")
	}
	// Other clients of the merchant are not this ticket's.
	for _, other := range []string{"Legacy kiosk", "grant-kiosk-test", "demo-webshop", "Backoffice login"} {
		if strings.Contains(sum+har, other) {
			t.Errorf("bundle holds another client's %q", other)
		}
	}
	for _, s := range []string{dinterotest.DemoSecret, dinterotest.DemoPOSSecret} {
		if strings.Contains(sum+har, s) {
			t.Fatalf("bundle holds a secret")
		}
	}
}

// The demo has a connection that fails for a reason its grants explain:
// run as the TUI would (the flow, against the demo's server), its error is
// one doctor.AboutGrants recognises, and the client diagnosis puts the
// reason first.
func TestDemoHasAConnectionTheGrantsExplain(t *testing.T) {
	srv := fake(t)
	var found bool
	for _, c := range demoConnections(srv.URL, srv.OIDCAuthorizeURL()) {
		if !strings.Contains(c.Name, "grants") {
			continue
		}
		found = true
		cl, err := client.New(client.Options{BaseURL: c.BaseURL})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = flows.NewRunner(cl).Start(context.Background(), c.Request.Normalized())
		if err == nil || !doctor.AboutGrants(err) || !strings.Contains(err.Error(), "audience must be a grant associated with the client") {
			t.Fatalf("%s: err = %v; want a refusal the grants explain", c.Name, err)
		}
		r := runCLI(t, secretEnv, "", doctorClientArgs(srv, c.Request.ClientID, "--grant", string(c.Request.Grant))...)
		first := strings.SplitN(strings.SplitN(r.stdout, "findings\n", 2)[1], "\n", 2)[0]
		if r.code != 0 || !strings.Contains(first, "✗ client "+c.Request.ClientID+" has grants for") {
			t.Fatalf("%s: exit %d, first finding %q\n%s", c.Name, r.code, first, r.stdout)
		}
	}
	if !found {
		t.Fatal("no demo connection fails for its grants")
	}
}

// Through a partner: the merchant's clients, read with the exchange token.
func TestDoctorClientThroughAPartner(t *testing.T) {
	srv := fake(t)
	r := runCLI(t, map[string]string{"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoPartnerSecret}, "", "doctor", "--base-url", srv.URL,
		"--partner", dinterotest.DemoPartner, "--account", dinterotest.DemoMerchant, "--client-id", dinterotest.DemoPartnerClient,
		"--client", dinterotest.DemoPartnerClient, "-v")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"/accounts/T11200000/auth/exchange_token", "/accounts/T11200001/auth/clients", "/accounts/T11200001/auth/client-grants"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("-v lacks %s", want)
		}
	}
	if !strings.Contains(r.stdout, "account     T11200001 TEST") || !strings.Contains(r.stdout, "› https://api.dintero.com/v1/accounts/T11200001  type any") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	assertNoSecrets(t, r, dinterotest.DemoPartnerSecret)
}

// With -p, the profile's audience and grant type are what is asked, and a
// grant error's command names the profile.
func TestDoctorClientWithAProfile(t *testing.T) {
	kr := keyringtest.New()
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoWebshopSecret, "TOKENBENCH_PASSWORD": dinterotest.DemoPassword}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "webshop", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoWebshopClient, "--grant", "password", "--username", dinterotest.DemoUser); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	noSecret := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	r := runWithKeyring(t, kr, noSecret, "", "doctor", "-p", "webshop", "--client", dinterotest.DemoWebshopClient)
	if r.code != 0 || !strings.Contains(r.stdout, "asked       audience "+demoAud+" · grant_type password") ||
		!strings.Contains(r.stdout, "! no grant for "+demoAud+" has create:accounts:auth:refresh_token") {
		t.Fatalf("exit %d: %s\n%s", r.code, r.stderr, r.stdout)
	}

	env["TOKENBENCH_CLIENT_SECRET"] = dinterotest.DemoPOSSecret
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "pos", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoPOSClient); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	r = runWithKeyring(t, kr, noSecret, "", "token", "-p", "pos")
	if r.code != ExitRejected || !strings.HasSuffix(r.stderr, "; the client's grants say why: tokenbench doctor -p pos --client demo-pos --grant client_credentials\n") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	assertNoSecrets(t, r, dinterotest.DemoPOSSecret, dinterotest.DemoWebshopSecret)
}
