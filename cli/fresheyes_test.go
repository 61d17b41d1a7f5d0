package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// Fresh eyes 6: secret edits of a keyring profile where no keyring
// answers say how to fix it, and moving the secrets to the file is not an
// error: without a keyring nothing was left behind in one.
func TestEditSecretsWithoutKeyring(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg")
	kr := keyringtest.New()
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": "first-secret"}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "acme2", "--account", dinterotest.DemoAccount, "--client-id", "c"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	noKeyring := keyringtest.Failing(fmt.Errorf("%w: no Secret Service here", profiles.ErrNoKeyring))
	env["TOKENBENCH_CLIENT_SECRET"] = "second-secret"
	r := runWithKeyring(t, noKeyring, env, "", "profile", "edit", "acme2", "--update-secrets")
	if r.code == 0 || !strings.Contains(r.stderr, "nothing was changed") || !strings.Contains(r.stderr, "--insecure-storage") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("edit --update-secrets without a keyring: want one line naming --insecure-storage: %+v", r)
	}
	assertNoSecrets(t, r, "first-secret", "second-secret")
	r = runWithKeyring(t, noKeyring, env, "", "profile", "edit", "acme2", "--update-secrets", "--insecure-storage")
	if r.code != 0 || strings.Contains(r.stderr, "could not") || !strings.Contains(r.stderr, "profile acme2 saved") {
		t.Fatalf("edit --update-secrets --insecure-storage without a keyring: %+v", r)
	}
	assertSecretIn(t, dir, "acme2", profiles.SourceFile, "second-secret", nil)
}

// Fresh eyes 7: --store-password takes the password from where the other
// secrets come from; a password given without --store-password is not
// dropped silently.
func TestStorePasswordFromEnvironment(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg")
	kr := keyringtest.New()
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": "cs", "TOKENBENCH_PASSWORD": "pw-1"}
	r := runWithKeyring(t, kr, env, "", "profile", "add", "pw", "--account", dinterotest.DemoAccount, "--client-id", "c", "--grant", "password", "--username", "u@example.com")
	if r.code != 0 || !strings.Contains(r.stderr, "--store-password") {
		t.Fatalf("add --grant password with $TOKENBENCH_PASSWORD but no --store-password should say the password is not kept: %+v", r)
	}
	assertNoSecrets(t, r, "pw-1")
	if r := runWithKeyring(t, kr, env, "", "profile", "show", "pw"); !strings.Contains(r.stdout, "password from ask") {
		t.Fatalf("show: %+v", r)
	}
	// edit --store-password reads $TOKENBENCH_PASSWORD: that is what it asks for.
	r = runWithKeyring(t, kr, env, "", "profile", "edit", "pw", "--store-password")
	if r.code != 0 {
		t.Fatalf("edit --store-password: %+v", r)
	}
	if r := runWithKeyring(t, kr, env, "", "profile", "show", "pw"); !strings.Contains(r.stdout, "password from keyring") {
		t.Fatalf("edit --store-password stored nothing: %+v", r)
	}
	st := &profiles.Store{Dir: dir}
	p, _ := st.Get("pw")
	sec := &profiles.Secrets{Store: st, Keyring: kr, Getenv: func(string) string { return "" }}
	if got, err := sec.Get(context.Background(), p, profiles.Password); err != nil || got != "pw-1" {
		t.Fatalf("the password reads %q, %v", got, err)
	}
	// The client secret was not touched: only the password was asked for.
	assertSecretIn(t, dir, "pw", profiles.SourceKeyring, "cs", kr)

	// No password anywhere: one line saying what it needs.
	delete(env, "TOKENBENCH_PASSWORD")
	r = runWithKeyring(t, kr, env, "", "profile", "add", "pw2", "--account", dinterotest.DemoAccount, "--client-id", "c", "--grant", "password", "--username", "u@example.com", "--store-password")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "TOKENBENCH_PASSWORD") || !strings.Contains(r.stderr, "--password-file") {
		t.Fatalf("--store-password without a password: %+v", r)
	}
}

// Fresh eyes 8: profile duplicate keeps every setting.
func TestDuplicateKeepsEverySetting(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg")
	kr := keyringtest.New()
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": "cs"}
	r := runWithKeyring(t, kr, env, "", "profile", "add", "a", "--account", dinterotest.DemoAccount, "--client-id", "c",
		"--keep-tokens", "--auto-refresh", "--refresh-before", "45s", "--notes", "n", "--jwks-url", "https://example.com/jwks",
		"--audience", "https://aud.example.com", "--mfa-channel", "email", "--base-url", "http://127.0.0.1:9")
	if r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if r := runWithKeyring(t, kr, env, "", "profile", "duplicate", "a", "b"); r.code != 0 {
		t.Fatalf("duplicate: %+v", r)
	}
	ps, err := (&profiles.Store{Dir: dir}).Load()
	if err != nil || len(ps) != 2 {
		t.Fatalf("load: %v %+v", err, ps)
	}
	a, b := ps[0], ps[1]
	b.Name = a.Name
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("the duplicate differs:\n%+v\n%+v", a, b)
	}
	if !a.AutoRefresh || a.RefreshBefore == 0 {
		t.Fatalf("add dropped auto refresh: %+v", a)
	}
	assertSecretIn(t, dir, "b", profiles.SourceKeyring, "cs", kr)
}

// Fresh eyes 12: the partner id has one meaning whatever its spelling.
// --partner takes the short form T112 as T11200000; --account refuses a
// partner's short id with the full form; the demo's label spells the
// partner as its token's partner_id claim does.
func TestPartnerIDSpellings(t *testing.T) {
	srv := fake(t)
	env := map[string]string{"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoPartnerSecret}
	short := dinterotest.DemoPartner[:4]
	r := runCLI(t, env, "", "token", "--base-url", srv.URL, "--partner", short, "--account", dinterotest.DemoMerchant, "--client-id", dinterotest.DemoPartnerClient, "-o", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"partner": "`+dinterotest.DemoPartner+`"`) {
		t.Fatalf("--partner %s: %+v", short, r)
	}
	r = runCLI(t, env, "", "token", "--base-url", srv.URL, "--account", short, "--client-id", dinterotest.DemoPartnerClient)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--account "+dinterotest.DemoPartner) || srv.Requests() != 3 {
		t.Fatalf("--account %s: want a usage error naming %s before any request: %+v (%d requests)", short, dinterotest.DemoPartner, r, srv.Requests())
	}
	r = runCLI(t, env, "", "doctor", "--base-url", srv.URL, "--partner", short, "--account", dinterotest.DemoMerchant, "--client-id", dinterotest.DemoPartnerClient, "--user", dinterotest.DemoMerchantUser)
	if r.code != 0 {
		t.Fatalf("doctor --partner %s: %+v", short, r)
	}
	if r := runCLI(t, nil, "", "token", "--help"); !strings.Contains(r.stdout, "8 digits") || strings.Contains(r.stdout, "or 3 for a partner") {
		t.Fatalf("--account help: %s", r.stdout)
	}
	dir := filepath.Join(t.TempDir(), "cfg")
	env["TOKENBENCH_CONFIG_DIR"] = dir
	if r := runCLI(t, env, "", "profile", "add", "px", "--insecure-storage", "--partner", short, "--account", dinterotest.DemoMerchant, "--client-id", dinterotest.DemoPartnerClient); r.code != 0 {
		t.Fatalf("profile add --partner %s: %+v", short, r)
	}
	if p, err := (&profiles.Store{Dir: dir}).Get("px"); err != nil || p.Partner != dinterotest.DemoPartner {
		t.Fatalf("profile keeps partner %q, %v", p.Partner, err)
	}
	short3 := regexp.MustCompile(`\b[PT]\d{3}\b`)
	for _, c := range demoConnections(srv.URL, srv.OIDCAuthorizeURL()) {
		if c.Request.Partner != "" && (!strings.Contains(c.Name, c.Request.Partner) || short3.MatchString(c.Name)) {
			t.Fatalf("demo label %q: want partner %s as its partner_id claim spells it", c.Name, c.Request.Partner)
		}
	}
}

// Fresh eyes 18: demo --help lists every demo connection (from their
// definitions), demo refuses a non-positive --token-ttl, and the README's
// token view is its golden file.
func TestDemoHelpAndTTL(t *testing.T) {
	r := runCLI(t, nil, "", "demo", "--help")
	for _, c := range demoConnections("", "") {
		if !strings.Contains(r.stdout, c.Name) {
			t.Errorf("demo --help does not list %q:\n%s", c.Name, r.stdout)
		}
	}
	long, _, _ := strings.Cut(r.stdout, "Usage:")
	for _, line := range strings.Split(long, "\n") {
		if len([]rune(line)) > 80 {
			t.Errorf("demo --help line over 80 columns: %q", line)
		}
	}
	for _, ttl := range []string{"-5s", "0s"} {
		if r := runCLI(t, nil, "", "demo", "--token-ttl", ttl); r.code != ExitUsage || !strings.Contains(r.stderr, "--token-ttl must be positive") {
			t.Fatalf("demo --token-ttl %s: %+v", ttl, r)
		}
	}
}

func TestREADMETokenViewIsItsGolden(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const intro = "What the token view looks like (80×24, from a golden file):\n\n```\n"
	_, block, ok := strings.Cut(string(readme), intro)
	if !ok {
		t.Fatal("README has no token view example")
	}
	block, _, _ = strings.Cut(block, "```")
	golden, err := os.ReadFile("../ui/testdata/TestGolden/token/80x24.golden")
	if err != nil {
		t.Fatal(err)
	}
	lines := func(s string) []string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if l = strings.TrimRight(l, " "); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	if got, want := lines(block), lines(string(golden)); !reflect.DeepEqual(got, want) {
		t.Fatalf("README's token view:\n%s\nits golden:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Fresh eyes 15: a broken entry appended to profiles.yaml is reported at
// its own line and by name, and every other profile still loads (profile
// list shows them; the workbench's read-only home gets them from
// Store.Load with the error).
func TestBrokenProfileEntryIsReportedAtItsLine(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg")
	kr := keyringtest.New()
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": "cs"}
	for i := range 10 {
		if r := runWithKeyring(t, kr, env, "", "profile", "add", fmt.Sprintf("p%d", i), "--account", dinterotest.DemoAccount, "--client-id", "c", "--notes", "n"); r.code != 0 {
			t.Fatalf("add: %+v", r)
		}
	}
	path := filepath.Join(dir, "profiles.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	badLine := strings.Count(string(data), "\n") + 2 // the entry's second line, one space short
	bad := "  - name: acme3\n   account: T11223344\n    client_id: c\n"
	if err := os.WriteFile(path, append(data, bad...), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runWithKeyring(t, kr, env, "", "profile", "list")
	want := fmt.Sprintf("profiles.yaml:%d: profile acme3: ", badLine-1)
	if r.code == 0 || !strings.Contains(r.stderr, want) || strings.Count(r.stdout, dinterotest.DemoAccount) != 10 {
		t.Fatalf("profile list: want the 10 good profiles and %q: %+v", want, r)
	}
	ps, err := (&profiles.Store{Dir: dir}).Load()
	if err == nil || len(ps) != 10 || ps[9].Name != "p9" {
		t.Fatalf("Load: %d profiles, %v", len(ps), err)
	}
	// Nothing is written over it.
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "new", "--account", dinterotest.DemoAccount); r.code == 0 {
		t.Fatalf("add over a broken file: %+v", r)
	}
	if after, _ := os.ReadFile(path); string(after) != string(data)+bad {
		t.Fatal("the broken file was rewritten")
	}
}

// runNow is runCLI on the real clock, as the fake's seeded activity is.
func runNow(t *testing.T, envVars map[string]string, args ...string) run {
	t.Helper()
	var out, errOut bytes.Buffer
	app := NewApp(strings.NewReader(""), &out, &errOut)
	app.env.getenv = func(k string) string { return envVars[k] }
	app.env.isTerminal = func() bool { return false }
	code := app.Run(context.Background(), args)
	return run{code, out.String(), errOut.String()}
}

// Fresh eyes 13: a finding's time in the bundle is the exact time of the
// data it rests on (not "at about" a time worked back from "2h 0m ago"),
// the terminal says it relative; the activity heading counts its rows; and
// the different IPs name this machine's own requests.
func TestDoctorFindingTimesAndCounts(t *testing.T) {
	srv := fake(t)
	// The engineer logs in as the user first, from this machine.
	login := []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "password", "--username", dinterotest.DemoMFAUser, "--mfa-channel", "email"}
	r := runNow(t, secretEnv, login...)
	fields := strings.Fields(r.stderr[strings.Index(r.stderr, "tokenbench token"):])
	flag := func(name string) string {
		for i, f := range fields {
			if f == name {
				return fields[i+1]
			}
		}
		t.Fatalf("no %s in %v", name, fields)
		return ""
	}
	r = runNow(t, secretEnv, "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "mfa-oob", "--mfa-token", flag("--mfa-token"), "--oob-code", flag("--oob-code"), "--binding-code", srv.LastBindingCode(dinterotest.DemoMFAUser))
	if r.code != 0 {
		t.Fatalf("login: %+v", r)
	}

	path := filepath.Join(t.TempDir(), "ticket.zip")
	r = runNow(t, secretEnv, doctorArgs(srv, dinterotest.DemoMFAUser, "--bundle", path)...)
	if r.code != 0 {
		t.Fatalf("doctor: %+v", r)
	}
	// The terminal: relative, and as many rows as the heading says.
	if !regexp.MustCompile(`SMS factor changed \d+h \d+m ago \(now on\)`).MatchString(r.stdout) {
		t.Errorf("terminal finding not relative:\n%s", r.stdout)
	}
	rows := regexp.MustCompile(`(?m)^  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC  `).FindAllString(r.stdout, -1)
	if want := fmt.Sprintf("activity (latest %d, newest first)", len(rows)); !strings.Contains(r.stdout, want) {
		t.Errorf("terminal: want %q for %d rows:\n%s", want, len(rows), r.stdout)
	}
	if !regexp.MustCompile(`from 4 different IPs: .*127\.0\.0\.1 \(this machine`).MatchString(r.stdout) {
		t.Errorf("the IPs finding does not say which is this machine:\n%s", r.stdout)
	}

	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var summary string
	for _, f := range zr.File {
		if f.Name == "summary.md" {
			rc, _ := f.Open()
			data, _ := io.ReadAll(rc)
			rc.Close()
			summary = string(data)
		}
	}
	changed := regexp.MustCompile(`\| MFA SMS \| on, changed (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC) \|`).FindStringSubmatch(summary)
	if changed == nil {
		t.Fatalf("no SMS change time in the user table:\n%s", summary)
	}
	if !strings.Contains(summary, "SMS factor changed at "+changed[1]+" (now on)") || strings.Contains(summary, "at about") {
		t.Errorf("the finding's time is not the table's %s:\n%s", changed[1], summary)
	}
	mdRows := regexp.MustCompile(`(?m)^\| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \| `).FindAllString(summary[strings.Index(summary, "### Activity"):], -1)
	if want := fmt.Sprintf("### Activity (latest %d, newest first)", len(mdRows)); !strings.Contains(summary, want) {
		t.Errorf("bundle: want %q for %d rows:\n%s", want, len(mdRows), summary)
	}
}
