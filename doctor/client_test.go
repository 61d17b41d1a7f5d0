package doctor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/tokenbench/tokenbench/client"
)

const (
	testAud = "https://api.dintero.com/v1/accounts/T11223344"
	prodAud = "https://api.dintero.com/v1/accounts/P99887766"
	typoAud = "https://api.dintero.com/v1/accounts/T11223345"
)

var allScopes = Scopes{"write:accounts:/auth/users", ScopeRefreshToken, "read:accounts"}

type fakeClients struct {
	clients   []APIClient
	grants    []Grant
	clientErr error
	grantErr  error
}

func (f *fakeClients) Clients(context.Context) ([]APIClient, error) { return f.clients, f.clientErr }
func (f *fakeClients) Grants(context.Context) ([]Grant, error)      { return f.grants, f.grantErr }

func posClient() APIClient {
	return APIClient{ID: "0b5e-pos", ClientID: "demo-pos", Name: "POS integration", Description: "in-store terminals",
		Callbacks: []string{"https://pos.example.com/cb"}, CreatedAt: ago(90 * 24 * time.Hour), CreatedBy: "usr_admin", UpdatedAt: ago(72 * time.Hour)}
}

func posGrants() []Grant {
	return []Grant{
		{ID: "grant-pos-prod", ClientID: "0b5e-pos", Audience: prodAud, Type: "client_credentials", Scope: Scopes{"read:checkout"}, CreatedAt: ago(90 * 24 * time.Hour)},
		{ID: "grant-pos-typo", ClientID: "0b5e-pos", Audience: typoAud, Type: "client_credentials", Scope: Scopes{"read:checkout"}, CreatedAt: ago(72 * time.Hour)},
		{ID: "grant-pos-test", ClientID: "0b5e-pos", Audience: testAud, Type: "client_credentials", Scope: Scopes{"read:checkout"},
			CreatedAt: ago(90 * 24 * time.Hour), DeletedAt: ago(72 * time.Hour)},
	}
}

func findingOf(fs []Finding, rule string) (Finding, bool) {
	i := slices.IndexFunc(fs, func(f Finding) bool { return f.Rule == rule })
	if i < 0 {
		return Finding{}, false
	}
	return fs[i], true
}

func TestClientRuleNotFound(t *testing.T) {
	dir := &fakeClients{clients: []APIClient{{ID: "1", ClientID: "demo-client"}}}
	r, err := RunClient(context.Background(), dir, "T11223344", ClientQuery{ClientID: "demo-cleint", Audience: testAud}, now)
	if err != nil {
		t.Fatal(err)
	}
	if r.Client != nil || len(r.Findings) != 1 || r.Findings[0].Rule != "client-not-found" || r.Findings[0].Severity != Blocker ||
		!strings.Contains(r.Findings[0].Evidence[0], "none with client_id or id demo-cleint: demo-client") {
		t.Fatalf("report = %+v", r)
	}
}

func TestClientFoundByResourceID(t *testing.T) {
	dir := &fakeClients{clients: []APIClient{posClient()}, grants: posGrants()}
	r, err := RunClient(context.Background(), dir, "T11223344", ClientQuery{ClientID: "0b5e-pos", Audience: prodAud}, now)
	if err != nil || r.Client == nil || len(r.Grants) != 3 {
		t.Fatalf("report = %+v, %v", r, err)
	}
}

func TestClientRuleDeleted(t *testing.T) {
	c := posClient()
	c.DeletedAt = ago(240 * time.Hour)
	fs := DiagnoseClient(c, posGrants()[:1], ClientQuery{ClientID: "demo-pos", Audience: prodAud}, now)
	if got := rulesOf(fs); !slices.Equal(got, []string{"client-deleted"}) {
		t.Fatalf("rules = %v", got)
	}
	if !strings.Contains(fs[0].Text, "client deleted on 2026-11-19 14:00 UTC (10d 0h ago)") || fs[0].Evidence[0] != "client demo-pos deleted_at=2026-11-19T14:00:00Z" {
		t.Fatalf("finding = %+v", fs[0])
	}
}

func TestClientRuleNoGrantForAudience(t *testing.T) {
	fs := DiagnoseClient(posClient(), posGrants(), ClientQuery{ClientID: "demo-pos", Audience: testAud, Grant: "client_credentials"}, now)
	f, ok := findingOf(fs, "no-grant-for-audience")
	if !ok || f.Severity != Blocker || fs[0].Rule != "no-grant-for-audience" {
		t.Fatalf("findings = %v", rulesOf(fs))
	}
	want := "client demo-pos has grants for " + prodAud + " and " + typoAud + ", not " + testAud + `: a token request for that audience fails with "audience must be a grant associated with the client"`
	if f.Text != want || len(f.Evidence) != 3 {
		t.Fatalf("text = %q\nwant %q\nevidence %v", f.Text, want, f.Evidence)
	}
	// A client without any grant says so.
	fs = DiagnoseClient(posClient(), nil, ClientQuery{ClientID: "demo-pos", Audience: testAud}, now)
	if f, _ := findingOf(fs, "no-grant-for-audience"); !strings.HasPrefix(f.Text, "client demo-pos has no grants:") {
		t.Fatalf("findings = %+v", fs)
	}
	// A grant for the audience silences it (a trailing slash is the same).
	fs = DiagnoseClient(posClient(), posGrants(), ClientQuery{ClientID: "demo-pos", Audience: prodAud + "/"}, now)
	if _, ok := findingOf(fs, "no-grant-for-audience"); ok {
		t.Fatalf("findings = %v", rulesOf(fs))
	}
}

func TestClientRuleGrantTypeExcluded(t *testing.T) {
	grants := []Grant{{ID: "g1", Audience: testAud, Type: "password", Scope: allScopes}}
	q := ClientQuery{ClientID: "demo-backoffice", Audience: testAud, Grant: "client_credentials"}
	fs := DiagnoseClient(APIClient{ClientID: "demo-backoffice"}, grants, q, now)
	f, ok := findingOf(fs, "grant-type-excluded")
	if !ok || f.Severity != Blocker || !strings.Contains(f.Text, "is of type password: grant_type client_credentials cannot use it") ||
		f.Evidence[0] != "grant g1 audience="+testAud+" type=password scope=write:accounts:/auth/users create:accounts:auth:refresh_token read:accounts" {
		t.Fatalf("findings = %+v", fs)
	}
	// The grant type it serves, or none asked: nothing to say.
	for _, g := range []string{"password", ""} {
		q.Grant = g
		if _, ok := findingOf(DiagnoseClient(APIClient{ClientID: "x"}, grants, q, now), "grant-type-excluded"); ok {
			t.Fatalf("grant %q: excluded", g)
		}
	}
	// "any" and an absent type serve every grant type.
	for _, typ := range []string{"any", ""} {
		q.Grant = "client_credentials"
		g := []Grant{{ID: "g", Audience: testAud, Type: typ}}
		if _, ok := findingOf(DiagnoseClient(APIClient{ClientID: "x"}, g, q, now), "grant-type-excluded"); ok {
			t.Fatalf("type %q excludes", typ)
		}
	}
}

func TestClientRuleNoRefreshScope(t *testing.T) {
	grants := []Grant{{ID: "g1", Audience: testAud, Type: "any", Scope: Scopes{"write:accounts:/auth/users", "read:accounts"}}}
	q := ClientQuery{ClientID: "demo-webshop", Audience: testAud, Grant: "password"}
	f, ok := findingOf(DiagnoseClient(APIClient{ClientID: "demo-webshop"}, grants, q, now), "no-refresh-token")
	if !ok || f.Severity != Warning || !strings.Contains(f.Text, "no grant for "+testAud+" has create:accounts:auth:refresh_token") {
		t.Fatalf("finding = %+v", f)
	}
	// Asked about a grant type that never returns one: context only.
	q.Grant = "client_credentials"
	if f, _ := findingOf(DiagnoseClient(APIClient{}, grants, q, now), "no-refresh-token"); f.Severity != Info || !strings.Contains(f.Text, "never returns one anyway") {
		t.Fatalf("finding = %+v", f)
	}
	grants[0].Scope = allScopes
	if _, ok := findingOf(DiagnoseClient(APIClient{}, grants, q, now), "no-refresh-token"); ok {
		t.Fatal("a grant with the scope still reported")
	}
}

func TestClientRuleSkipsMFA(t *testing.T) {
	grants := []Grant{
		{ID: "g1", Audience: testAud, Scope: Scopes{ScopeNoMFA, "read:accounts"}},
		{ID: "g2", Audience: prodAud, Scope: Scopes{ScopeNoMFA}, DeletedAt: ago(time.Hour)},
	}
	fs := DiagnoseClient(APIClient{ClientID: "demo-kiosk"}, grants, ClientQuery{Audience: testAud}, now)
	f, ok := findingOf(fs, "skips-mfa")
	if !ok || f.Severity != Warning || !strings.Contains(f.Text, "grant g1 for "+testAud+" has write:accounts:/auth/users/no-mfa: user logins through this client skip MFA") {
		t.Fatalf("finding = %+v", f)
	}
	if n := len(slices.DeleteFunc(slices.Clone(fs), func(f Finding) bool { return f.Rule != "skips-mfa" })); n != 1 {
		t.Fatalf("%d skips-mfa findings; a deleted grant skips nothing", n)
	}
}

func TestClientRuleNoPasswordless(t *testing.T) {
	grants := []Grant{{ID: "g1", Audience: testAud, Type: "password", Scope: allScopes}}
	q := ClientQuery{ClientID: "demo-backoffice", Audience: testAud, Grant: "password"}
	f, ok := findingOf(DiagnoseClient(APIClient{}, grants, q, now), "no-passwordless")
	if !ok || !strings.Contains(f.Text, "serves the passwordless login (grant type authorization_code)") {
		t.Fatalf("finding = %+v", f)
	}
	grants = append(grants, Grant{ID: "g2", Audience: testAud, Type: "authorization_code"})
	if _, ok := findingOf(DiagnoseClient(APIClient{}, grants, q, now), "no-passwordless"); ok {
		t.Fatal("an authorization_code grant still reported")
	}
}

func TestClientRuleGrantDeleted(t *testing.T) {
	fs := DiagnoseClient(posClient(), posGrants(), ClientQuery{ClientID: "demo-pos", Audience: testAud}, now)
	f, ok := findingOf(fs, "grant-deleted")
	if !ok || f.Severity != Blocker || !strings.Contains(f.Text, "grant grant-pos-test for "+testAud+" (type client_credentials) deleted on 2026-11-26 14:00 UTC (3d 0h ago): it was the client's grant for the audience asked") {
		t.Fatalf("finding = %+v", f)
	}
	// For another audience, a warning.
	fs = DiagnoseClient(posClient(), posGrants(), ClientQuery{ClientID: "demo-pos", Audience: prodAud}, now)
	if f, _ := findingOf(fs, "grant-deleted"); f.Severity != Warning {
		t.Fatalf("finding = %+v", f)
	}
}

func TestClientErrorsWrapTheCause(t *testing.T) {
	cause := errors.New("403 insufficient_scope")
	if _, err := RunClient(context.Background(), &fakeClients{clientErr: cause}, "T11223344", ClientQuery{ClientID: "x"}, now); !errors.Is(err, cause) || !strings.Contains(err.Error(), "reading API clients") {
		t.Fatalf("err = %v", err)
	}
	dir := &fakeClients{clients: []APIClient{{ClientID: "x"}}, grantErr: cause}
	if _, err := RunClient(context.Background(), dir, "T11223344", ClientQuery{ClientID: "x"}, now); !errors.Is(err, cause) || !strings.Contains(err.Error(), "reading client grants") {
		t.Fatalf("err = %v", err)
	}
	if _, err := RunClient(context.Background(), dir, "T11223344", ClientQuery{ClientID: " "}, now); err == nil {
		t.Fatal("an empty client id was accepted")
	}
}

func TestParseClientsAndGrantsTolerateDrift(t *testing.T) {
	cs, err := ParseClients([]byte(`{"clients":[{"id":"u1","client_id":"c1","name":"N","created_by":{"id":"usr_1"},"deleted_at":"2026-11-01T00:00:00Z","extra":1}]}`))
	if err != nil || len(cs) != 1 || cs[0].CreatedBy != "usr_1" || cs[0].DeletedAt == nil {
		t.Fatalf("clients = %+v, %v", cs, err)
	}
	gs, err := ParseGrants([]byte(`[{"id":"g","client_id":"u1","audience":"a","scope":"read:accounts write:accounts","type":null}]`))
	if err != nil || len(gs) != 1 || len(gs[0].Scope) != 2 || gs[0].TypeText() != "any" || gs[0].Deleted() {
		t.Fatalf("grants = %+v, %v", gs, err)
	}
	if _, err := ParseGrants([]byte(`<html>`)); err == nil {
		t.Fatal("HTML parsed as grants")
	}
}

func TestClientReportSanitisesServerText(t *testing.T) {
	c := posClient()
	c.Name = "POS\x1b[31m red\x07"
	g := posGrants()
	g[0].Scope = Scopes{"read:checkout\x1b]0;title\x07"}
	r := &ClientReport{Account: "T11223344", Query: ClientQuery{ClientID: "demo-pos", Audience: testAud}, Client: &c, Grants: g}
	r.Findings = DiagnoseClient(c, g, r.Query, now)
	var b bytes.Buffer
	if err := r.WriteText(&b, now); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(b.String(), "\x1b\x07") {
		t.Fatalf("control characters reached the text:\n%q", b.String())
	}
}

func clientGolden(t *testing.T, r *ClientReport) {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteText(&b, now); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, b.Bytes())
}

// The text a person reads, for the demo's three kinds of failure.
func TestClientReportGolden(t *testing.T) {
	run := func(dir *fakeClients, q ClientQuery) *ClientReport {
		r, err := RunClient(context.Background(), dir, "T11223344", q, now)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	t.Run("wrong-audience", func(t *testing.T) {
		clientGolden(t, run(&fakeClients{clients: []APIClient{posClient()}, grants: posGrants()},
			ClientQuery{ClientID: "demo-pos", Audience: testAud, Grant: "client_credentials"}))
	})
	t.Run("grant-type", func(t *testing.T) {
		c := APIClient{ID: "7d1-bo", ClientID: "demo-backoffice", Name: "Backoffice login", CreatedAt: ago(150 * 24 * time.Hour)}
		g := []Grant{{ID: "grant-backoffice-test", ClientID: "7d1-bo", Audience: testAud, Type: "password", Scope: allScopes}}
		clientGolden(t, run(&fakeClients{clients: []APIClient{c}, grants: g}, ClientQuery{ClientID: "demo-backoffice", Audience: testAud, Grant: "client_credentials"}))
	})
	t.Run("no-mfa-no-refresh", func(t *testing.T) {
		c := APIClient{ID: "9c2-kiosk", ClientID: "demo-kiosk", Name: "Legacy kiosk", CreatedAt: ago(700 * 24 * time.Hour)}
		g := []Grant{{ID: "grant-kiosk-test", ClientID: "9c2-kiosk", Audience: testAud, Type: "any", Scope: Scopes{ScopeNoMFA, "read:accounts"}}}
		clientGolden(t, run(&fakeClients{clients: []APIClient{c}, grants: g}, ClientQuery{ClientID: "demo-kiosk", Audience: testAud, Grant: "password"}))
	})
	t.Run("not-found", func(t *testing.T) {
		clientGolden(t, run(&fakeClients{clients: []APIClient{posClient()}}, ClientQuery{ClientID: "demo-p0s", Audience: testAud}))
	})
}

func TestAboutGrants(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&client.APIError{Status: 400, Message: "Validation failed: audience must be a grant associated with the client"}, true},
		{fmt.Errorf("client_credentials for the Bearer: %w", &client.APIError{Status: 400, Message: "Validation failed: grant_type client_credentials is not allowed by the client's grant for this audience (type password)"}), true},
		{&client.APIError{Status: 403, Code: "access_denied", Message: "audience https://x is not a grant of this client"}, true},
		{&client.APIError{Status: 400, Code: "invalid_grant", Message: "wrong username or password"}, false},
		{&client.APIError{Status: 400, Message: "audience is required"}, false},
		{&client.APIError{Status: 403, Code: "mfa_required", Message: "audience"}, false},
		{&client.APIError{Status: 502, Message: "audience must be a grant associated with the client"}, false},
		{errors.New("audience must be a grant associated with the client"), false},
	} {
		if got := AboutGrants(c.err); got != c.want {
			t.Errorf("AboutGrants(%v) = %t", c.err, got)
		}
	}
	chained := fmt.Errorf("client_credentials for the Bearer: %w", &client.APIError{Status: 400})
	if FailedGrant(chained, "password") != "client_credentials" || FailedGrant(&client.APIError{Status: 400}, "password") != "password" {
		t.Fatal("FailedGrant")
	}
}

func TestClientFindingsAreBounded(t *testing.T) {
	var grants []Grant
	for i := range 40 {
		grants = append(grants, Grant{ID: fmt.Sprint("g", i), Audience: fmt.Sprintf("https://api.dintero.com/v1/accounts/T%08d", i)})
	}
	f, _ := findingOf(DiagnoseClient(APIClient{ClientID: "c"}, grants, ClientQuery{Audience: testAud}, now), "no-grant-for-audience")
	if len(f.Evidence) != MaxEvidence+1 || f.Evidence[MaxEvidence] != "and 30 more grant(s)" || !strings.Contains(f.Text, "T00000004 and 35 more, not ") {
		t.Fatalf("finding = %+v", f)
	}
}
