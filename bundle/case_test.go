package bundle_test

import (
	"archive/zip"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/doctor"
	"github.com/tokenbench/tokenbench/flows"
)

// demoDay is a support engineer's session against the fake, as the TUI
// records it (one recorder for everything): user A (MFA) on the test
// account, user B on the production account in the middle of A's MFA
// flow, a refresh of each, and a diagnosis of A, of B and of a third user
// C on A's account.
type demoDay struct {
	all        []record.Exchange
	rd         *record.Redactor
	resA, resB *flows.Result
	repA       *doctor.Report
	// other are strings of B, C and B's account: none may be in A's
	// bundle.
	other []string
}

func runDemoDay(t testing.TB) demoDay {
	t.Helper()
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	rd := &record.Redactor{}
	rec := &record.Recorder{Redactor: rd}
	c, err := client.New(client.Options{BaseURL: srv.URL, Recorder: rec, Redactor: rd})
	if err != nil {
		t.Fatal(err)
	}
	rn := flows.NewRunner(c)
	ctx := context.Background()
	accA, accB := dinterotest.DemoAccount, dinterotest.DemoProdAccount
	userA, userB, userC := dinterotest.DemoMFAUser, dinterotest.DemoUser, dinterotest.DemoLostDeviceUser
	req := func(account, user string) flows.Request {
		return flows.Request{Account: account, ClientID: dinterotest.DemoClientID, ClientSecret: dinterotest.DemoSecret,
			Grant: client.GrantPassword, Username: user, Password: dinterotest.DemoPassword}
	}
	diagnose := func(account, user string, auth client.Auth) *doctor.Report {
		dir := doctor.APIDirectory{Account: account, Get: func(ctx context.Context, path string) ([]byte, error) {
			return c.Get(ctx, "account users", path, auth)
		}}
		rep, err := doctor.Run(ctx, dir, account, user, time.Now())
		if err != nil {
			t.Fatalf("doctor %s: %v", user, err)
		}
		return rep
	}

	_, s, err := rn.Start(ctx, req(accA, userA))
	if err != nil || s == nil {
		t.Fatalf("A: %v", err)
	}
	if err := rn.Challenge(ctx, s, client.ChannelSMS); err != nil {
		t.Fatal(err)
	}
	// B, while A waits for the SMS.
	resB, sB, err := rn.Start(ctx, req(accB, userB))
	if err != nil || sB != nil {
		t.Fatalf("B: %v", err)
	}
	resA, err := rn.Verify(ctx, s, srv.LastBindingCode(userA))
	if err != nil {
		t.Fatal(err)
	}
	refB, _, err := rn.Refresh(ctx, resB)
	if err != nil {
		t.Fatalf("B refresh: %v", err)
	}
	if _, _, err := rn.Refresh(ctx, resA); err != nil {
		t.Fatalf("A refresh: %v", err)
	}
	repB := diagnose(accB, userB, resB.Auth)
	repC := diagnose(accA, userC, resA.Auth)
	repA := diagnose(accA, userA, resA.Auth)

	d := demoDay{all: rec.Exchanges(), rd: rd, resA: resA, resB: resB, repA: repA}
	d.other = []string{userB, userC, accB, repB.User.ID, repC.User.ID,
		record.Fingerprint(resB.Response.AccessToken), record.Fingerprint(resB.RefreshToken),
		record.Fingerprint(refB.Response.AccessToken), record.Fingerprint(refB.RefreshToken)}
	if b, ok := resB.Auth.(client.BearerAuth); ok {
		d.other = append(d.other, record.Fingerprint(b.Token)) // B's client_credentials token
	}
	return d
}

func unzip(t *testing.T, path string) map[string]string {
	t.Helper()
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
	return files
}

// unescape undoes summary.md's Markdown escapes and HAR's JSON escapes of
// what a grep looks for, so that an escaped e-mail is found too.
func unescape(s string) string {
	return strings.NewReplacer(`\@`, "@", `\.`, ".", `\:`, ":", `\u0026`, "&", `\u003c`, "<", `\u003e`, ">").Replace(s)
}

// A bundle about user A holds A's case: no string of user B, of user C or
// of B's account is in any file of it, and summary.md says what it left
// out. The whole session is an explicit choice, and then B is there.
func TestBundleHoldsItsCaseOnly(t *testing.T) {
	d := runDemoDay(t)
	dir := t.TempDir()
	in := bundle.Input{Version: "test", Now: time.Now(), Account: dinterotest.DemoAccount, Grant: "password via MFA",
		Exchanges: d.all, AccessToken: d.resA.Response.AccessToken, Doctor: d.repA, Redactor: d.rd}

	c := in.Case()
	t.Logf("A's case: %d of the session's %d exchanges, %d left out", len(c.Exchanges), len(d.all), c.Left)
	path, err := bundle.Write(filepath.Join(dir, "a.zip"), in)
	if err != nil {
		t.Fatal(err)
	}
	files := unzip(t, path)
	for name, text := range files {
		text = unescape(text)
		for _, s := range d.other {
			if strings.Contains(text, s) {
				t.Errorf("%s of A's bundle holds %q, another case's", name, s)
			}
		}
		if !strings.Contains(text, dinterotest.DemoMFAUser) {
			t.Errorf("%s of A's bundle does not name A", name)
		}
	}
	sum := files["summary.md"]
	har := files["session.har"]
	for _, want := range []string{"other exchange(s) of the session were left out", "MFA completed: token issued after binding code",
		"| password |", "| mfa-oob |", "| refresh_token |", "/management/users/"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary.md lacks %q", want)
		}
	}
	// A's Bearer chain is there: the client_credentials request whose
	// token A's password request used.
	if !strings.Contains(sum, "| client_credentials |") || !strings.Contains(har, `"Basic [demo-client:secret redacted]"`) {
		t.Errorf("A's bundle lacks the client_credentials request of A's Bearer chain:\n%s", sum)
	}
	if t.Failed() {
		t.Logf("summary.md:\n%s", sum)
	}

	in.WholeSession = true
	whole := unzip(t, must(bundle.Write(filepath.Join(dir, "whole.zip"), in)))
	if !strings.Contains(unescape(whole["session.har"]), dinterotest.DemoUser) ||
		!strings.Contains(whole["summary.md"], "the whole session, by choice") {
		t.Errorf("the whole session, asked for, is not in the bundle:\n%s", whole["summary.md"])
	}
}

// A bundle about a client's token (no user) holds the request that issued
// it and what used it, and no user's exchange.
func TestBundleOfAClientTokenHoldsNoUser(t *testing.T) {
	d := runDemoDay(t)
	cc, ok := d.resA.Auth.(client.BearerAuth)
	if !ok {
		t.Fatal("A's flow had no Bearer")
	}
	in := bundle.Input{Now: time.Now(), Account: dinterotest.DemoAccount, Grant: "client_credentials",
		Exchanges: d.all, AccessToken: cc.Token, Redactor: d.rd}
	files := unzip(t, must(bundle.Write(filepath.Join(t.TempDir(), "cc.zip"), in)))
	for name, text := range files {
		text = unescape(text)
		for _, u := range []string{dinterotest.DemoMFAUser, dinterotest.DemoUser, dinterotest.DemoLostDeviceUser, dinterotest.DemoProdAccount} {
			if strings.Contains(text, u) {
				t.Errorf("%s of a client token's bundle holds %q", name, u)
			}
		}
	}
	if !strings.Contains(files["summary.md"], "| client_credentials |") {
		t.Errorf("the token's own request is missing:\n%s", files["summary.md"])
	}
}

func must(path string, err error) string {
	if err != nil {
		panic(err)
	}
	return path
}

// BenchmarkCase: a full recorder (500 exchanges) of demo days, the case of
// one user.
func BenchmarkCase(b *testing.B) {
	var all []record.Exchange
	var d demoDay
	for len(all) < 500 {
		d = runDemoDay(b)
		all = append(all, d.all...)
	}
	for i := range all {
		all[i].ID = i + 1
	}
	in := bundle.Input{Account: dinterotest.DemoAccount, Exchanges: all[:500], Doctor: d.repA, Redactor: d.rd}
	b.ResetTimer()
	for b.Loop() {
		_ = in.Case()
	}
}
