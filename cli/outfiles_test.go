package cli

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// --bundle and --har never replace a file silently: the run is refused
// with exit 2 and one clear line before any request, the file is kept as
// it was; --force replaces it (0600, a whole zip).
func TestBundleAndHARRefuseAnExistingFile(t *testing.T) {
	srv := fake(t)
	dir := t.TempDir()
	for _, c := range []struct {
		flag string
		args []string
	}{
		{"bundle", []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}},
		{"har", []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}},
		{"bundle", doctorArgs(srv, dinterotest.DemoMFAUser)},
		{"har", doctorArgs(srv, dinterotest.DemoMFAUser)},
		{"bundle", []string{"recover", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--username", dinterotest.DemoLostDeviceUser}},
		{"har", []string{"revoke", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}},
	} {
		path := filepath.Join(dir, c.args[0]+"-"+c.flag+".zip")
		if err := os.WriteFile(path, []byte("yesterday's ticket"), 0o644); err != nil {
			t.Fatal(err)
		}
		before := srv.Requests()
		r := runCLI(t, secretEnv, "", append(c.args, "--"+c.flag, path)...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "--"+c.flag+" "+path+": the file exists; not replaced (--force replaces it)") ||
			strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%s --%s over a file: exit %d, stderr %q", c.args[0], c.flag, r.code, r.stderr)
		}
		if data, _ := os.ReadFile(path); string(data) != "yesterday's ticket" {
			t.Errorf("%s --%s replaced the file", c.args[0], c.flag)
		}
		if n := srv.Requests() - before; n != 0 {
			t.Errorf("%s --%s sent %d request(s) before refusing", c.args[0], c.flag, n)
		}
	}

	path := filepath.Join(dir, "ticket.zip")
	os.WriteFile(path, []byte("old"), 0o644)
	r := runCLI(t, secretEnv, "", append(doctorArgs(srv, dinterotest.DemoMFAUser), "--bundle", path, "--force")...)
	if r.code != 0 || !strings.Contains(r.stderr, "support bundle written to "+path) {
		t.Fatalf("--force: exit %d: %s", r.code, r.stderr)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("replaced bundle: %v, %v", fi.Mode(), err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("--force left no whole zip: %v", err)
	}
	zr.Close()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// A CLI bundle names the run (user, API client, base URL) and holds no
// other user.
func TestDoctorBundleNamesItsRunAndHoldsItsUserOnly(t *testing.T) {
	srv := fake(t)
	path := filepath.Join(t.TempDir(), "ticket.zip")
	r := runCLI(t, secretEnv, "", append(doctorArgs(srv, dinterotest.DemoMFAUser), "--bundle", path)...)
	if r.code != 0 {
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
		files[f.Name] = strings.ReplaceAll(string(data), `\@`, "@")
	}
	for _, want := range []string{"| user | mfa@example.com |", "| API client | demo-client |", "| base URL | http\\://127.0.0.1:"} {
		if !strings.Contains(files["summary.md"], want) {
			t.Errorf("summary.md lacks %q:\n%s", want, files["summary.md"])
		}
	}
	for name, text := range files {
		for _, other := range []string{dinterotest.DemoUser, dinterotest.DemoLostDeviceUser} {
			if strings.Contains(text, other) {
				t.Errorf("%s holds another user, %s", name, other)
			}
		}
	}
}

// A failed run's bundle names what ran where and why it failed.
func TestFailedRunBundleNamesItsRun(t *testing.T) {
	srv := fake(t)
	path := filepath.Join(t.TempDir(), "failed.zip")
	env := map[string]string{"TOKENBENCH_CLIENT_SECRET": "not-the-secret", "TOKENBENCH_PASSWORD": dinterotest.DemoPassword}
	r := runCLI(t, env, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "password", "--username", dinterotest.DemoMFAUser, "--bundle", path)
	if r.code != ExitRejected {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, _ := zr.File[0].Open()
	data, _ := io.ReadAll(rc)
	rc.Close()
	sum := string(data)
	for _, want := range []string{"| profile | none (flags and environment) |", `| user | mfa\@example.com |`, "| account | T11223344 (TEST) |",
		"| base URL | " + strings.Replace(srv.URL, "://", `\://`, 1), "| API client | demo-client |", "| outcome | FAILED: ", "invalid_client",
		"## Failed", "| client_credentials |"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary.md lacks %q", want)
		}
	}
	if strings.Contains(sum, "not-the-secret") {
		t.Error("the wrong secret is in the bundle")
	}
	if t.Failed() {
		t.Logf("summary.md:\n%s", sum)
	}
}

// --har and --bundle on one file: refused before the run, not a HAR lost
// to the bundle afterwards.
func TestHARAndBundleOnOneFileAreRefused(t *testing.T) {
	srv := fake(t)
	path := filepath.Join(t.TempDir(), "ticket.zip")
	r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--har", path, "--bundle", path, "--force")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--har and --bundle name the same file") || srv.Requests() != 0 {
		t.Fatalf("exit %d, %d requests: %s", r.code, srv.Requests(), r.stderr)
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Fatalf("a file was written: %v", err)
	}
}

// A partner's merchant token: the bundle holds its whole Bearer chain,
// across the partner's and the merchant's accounts.
func TestPartnerBundleHoldsTheBearerChain(t *testing.T) {
	srv := fake(t)
	path := filepath.Join(t.TempDir(), "partner.zip")
	env := map[string]string{"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoPartnerSecret}
	r := runCLI(t, env, "", "token", "--base-url", srv.URL, "--partner", dinterotest.DemoPartner, "--account", dinterotest.DemoMerchant,
		"--client-id", dinterotest.DemoPartnerClient, "--bundle", path)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, _ := zr.File[0].Open()
	data, _ := io.ReadAll(rc)
	rc.Close()
	sum := string(data)
	for _, want := range []string{"/accounts/" + dinterotest.DemoPartner + "/auth/token", "/accounts/" + dinterotest.DemoPartner + "/auth/exchange_token",
		"/accounts/" + dinterotest.DemoMerchant + "/auth/token", "No other exchange of the session was left out."} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary.md lacks %q:\n%s", want, sum)
		}
	}
}
