package bundle_test

import (
	"archive/zip"
	"context"
	"encoding/json"
	"io"
	"os"
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

// session runs what a support case runs — client credentials, then an MFA
// password login with two wrong codes before the right one — against the
// fake, with secrets that contain every character JSON, URLs and shells
// escape, and returns the bundle input and every secret of the flow.
func session(t *testing.T) (bundle.Input, []string) {
	t.Helper()
	const clientSecret, password = `Zq7v<Cl&ent>"Secret'/+=`, `Xk9w P@ss<wörd>&"\%`
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.Clients[0].Secret = clientSecret
	for i := range cfg.Users {
		if cfg.Users[i].Password != "" {
			cfg.Users[i].Password = password
		}
	}
	srv, err := dinterotest.NewServer(cfg)
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
	req := flows.Request{Account: dinterotest.DemoAccount, ClientID: dinterotest.DemoClientID, ClientSecret: clientSecret,
		Grant: client.GrantPassword, Username: dinterotest.DemoMFAUser, Password: password}
	_, s, err := rn.Start(ctx, req)
	if err != nil || s == nil {
		t.Fatalf("start: %v", err)
	}
	secrets := []string{clientSecret, password, s.MFAToken}
	if err := rn.Challenge(ctx, s, client.ChannelSMS); err != nil {
		t.Fatal(err)
	}
	good := srv.LastBindingCode(dinterotest.DemoMFAUser)
	secrets = append(secrets, s.OOBCode, good)
	for _, wrong := range []string{"918273", "564738"} {
		if wrong == good {
			continue
		}
		secrets = append(secrets, wrong)
		if _, err := rn.Verify(ctx, s, wrong); err == nil {
			t.Fatal("wrong code accepted")
		}
	}
	res, err := rn.Verify(ctx, s, good)
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, res.Response.AccessToken, res.RefreshToken)
	if b, ok := res.Auth.(client.BearerAuth); ok {
		secrets = append(secrets, b.Token)
	}

	// The doctor runs with the client's token; its report goes in too.
	dir := doctor.APIDirectory{Account: dinterotest.DemoAccount, Get: func(ctx context.Context, path string) ([]byte, error) {
		return c.Get(ctx, "account users", path, res.Auth)
	}}
	rep, err := doctor.Run(ctx, dir, dinterotest.DemoAccount, dinterotest.DemoMFAUser, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return bundle.Input{
		Version: "test", Now: time.Now(), Account: dinterotest.DemoAccount, Grant: "password + mfa-oob",
		Exchanges: rec.Exchanges(), AccessToken: res.Response.AccessToken, Verdict: "verified (kid k, RS256)",
		Doctor: rep, Redactor: rd,
	}, secrets
}

func TestBundleHoldsNoSecretInAnyEncoding(t *testing.T) {
	in, secrets := session(t)
	path := filepath.Join(t.TempDir(), "ticket-4711.zip")
	abs, err := bundle.Write(path, in)
	if err != nil {
		t.Fatal(err)
	}
	if abs != path {
		t.Fatalf("Write returned %q, want the absolute path %q", abs, path)
	}
	st, err := os.Stat(abs)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("bundle mode = %v, %v; want 0600", st.Mode().Perm(), err)
	}
	zr, err := zip.OpenReader(abs)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	files := map[string]string{}
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(data)
	}
	if strings.Join(names, ",") != "summary.md,session.har" {
		t.Fatalf("zip holds %v", names)
	}
	for name, text := range files {
		for _, sec := range secrets {
			for _, v := range record.Variants(sec) {
				if strings.Contains(text, v) {
					t.Errorf("%s holds a form of the secret %.4q…: %q", name, sec, v)
				}
			}
		}
	}
	var har struct {
		Log struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal([]byte(files["session.har"]), &har); err != nil || len(har.Log.Entries) < 5 {
		t.Fatalf("session.har: %d entries, %v", len(har.Log.Entries), err)
	}
	sum := files["summary.md"]
	for _, want := range []string{
		"| tool | tokenbench test |", "| account | T11223344 (TEST) |", "| grant | password + mfa-oob |",
		"MFA completed: token issued after binding code #3",
		"| challenge 1 (sms) |", "| binding code #1 | 400 invalid_grant |",
		"verified (kid k, RS256)", `| sub | user:mfa\@example.com |`,
		`## Diagnosis of mfa\@example.com`, "SMS factor changed",
		" ms |", // durations as the workbench shows them ("13 ms", not "13ms")
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary.md lacks %q", want)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("summary.md:\n%s", sum)
	}
}

func TestBundleRefusesWithoutRedactorAndLeavesNoHalfFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := bundle.Write(filepath.Join(dir, "b.zip"), bundle.Input{}); err == nil {
		t.Fatal("wrote a bundle without a redactor")
	}
	// A directory that cannot be written leaves nothing behind.
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 { // root writes anywhere
		if _, err := bundle.Write(filepath.Join(ro, "b.zip"), bundle.Input{Redactor: &record.Redactor{}}); err == nil {
			t.Fatal("wrote into a read-only directory")
		}
	}
	for _, d := range []string{dir, ro} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if e.Name() != "ro" {
				t.Fatalf("file left in %s: %s", d, e.Name())
			}
		}
	}
}
