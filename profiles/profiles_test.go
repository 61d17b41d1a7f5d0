package profiles

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// TestMain doubles as a helper process for the multi-process tests.
func TestMain(m *testing.M) {
	switch os.Getenv("TOKENBENCH_TEST_HELPER") {
	case "add":
		st := &Store{Dir: os.Getenv("TB_DIR")}
		n, _ := strconv.Atoi(os.Getenv("TB_N"))
		for i := range n {
			p := Profile{Name: fmt.Sprintf("%s-%02d", os.Getenv("TB_PREFIX"), i), Account: "T11223344", Grant: "client_credentials"}
			if err := st.Add(p); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		os.Exit(0)
	case "churn":
		// Rewrite the file over and over, growing and shrinking it, until
		// killed.
		st := &Store{Dir: os.Getenv("TB_DIR")}
		fmt.Println("ready")
		for i := 0; ; i++ {
			_ = st.Update(func(ps []Profile) ([]Profile, error) {
				if len(ps) > 40 {
					return ps[:1], nil
				}
				return append(ps, Profile{Name: fmt.Sprintf("churn-%d-%d", os.Getpid(), i), Account: "T11223344", Grant: "client_credentials", Notes: strings.Repeat("x", i%500)}), nil
			})
		}
	}
	os.Exit(m.Run())
}

func fullProfile() Profile {
	return Profile{
		Name: "merchant-prod", BaseURL: "https://api.dintero.com/v1", Account: "P00000001",
		Audience: "https://api.dintero.com/v1/accounts/P00000001", Grant: "password", ClientID: "client-id-1",
		Username: "support@example.com", RedirectURI: "https://example.com/cb", JWKSURL: "https://api.dintero.com/v1/accounts/P00000001/auth/.well-known/jwks.json",
		MFAChannel: "email", Notes: "Merchant X, production.\nCall before changing.",
		IdentType: "email", Ident: "customer@example.com", Connection: "sms", CustomerType: "company",
		AuthorizeURL: "https://idp.example.com/authorize", OldCode: "an-old-code",
		Secrets:    map[Kind]Source{ClientSecret: SourceKeyring, Password: SourceAsk, Bearer: "env:MY_BEARER", RefreshToken: "cmd:pass show dintero/rt"},
		KeepTokens: true, AutoRefresh: true, RefreshBefore: Duration(45 * time.Second),
	}
}

func TestRoundTripEveryField(t *testing.T) {
	st := &Store{Dir: filepath.Join(t.TempDir(), "cfg")}
	want := fullProfile()
	if err := st.Add(want); err != nil {
		t.Fatal(err)
	}
	got, err := st.Get(want.Name)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
	// Every field has a value, so a field the file forgot would show.
	v := reflect.ValueOf(want)
	for i := range v.NumField() {
		// A partner profile is client_credentials only: TestPartnerProfile
		// round-trips Partner.
		if v.Field(i).IsZero() && v.Type().Field(i).Name != "Partner" {
			t.Errorf("fullProfile leaves %s empty", v.Type().Field(i).Name)
		}
	}
}

func TestPermissionsAndLooseModeFixed(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg")
	st := &Store{Dir: dir}
	if err := st.Add(fullProfile()); err != nil {
		t.Fatal(err)
	}
	assertMode(t, dir, 0o700)
	assertMode(t, st.Path(), 0o600)
	if err := os.Chmod(st.Path(), 0o644); err != nil {
		t.Fatal(err)
	}
	if !st.LoosePermissions() {
		t.Fatal("loose mode not noticed")
	}
	if err := st.Remove(fullProfile().Name); err != nil {
		t.Fatal(err)
	}
	assertMode(t, st.Path(), 0o600)
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != want {
		t.Fatalf("%s has mode %o, want %o", path, fi.Mode().Perm(), want)
	}
}

func TestUnparsableFileLeftUnchanged(t *testing.T) {
	cases := map[string]struct {
		content string
		line    int
		reason  string
	}{
		"yaml":    {"version: 1\nprofiles:\n  - name: x\n    account: [oops\n", 3, "did not find expected"},
		"field":   {"version: 1\nprofiles:\n  - name: x\n    acount: T11223344\n", 4, "field acount not found"},
		"version": {"version: 9\nprofiles: []\n", 1, "format version 9"},
		"invalid": {"version: 1\nprofiles:\n  - name: x\n    account: X1\n    grant: client_credentials\n", 0, "account id"},
		"binary":  {"\x00\x01\x02", 0, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			st := &Store{Dir: t.TempDir()}
			if err := os.WriteFile(st.Path(), []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := st.Load()
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Path != st.Path() || (tc.line != 0 && pe.Line != tc.line) || !strings.Contains(pe.Reason, tc.reason) {
				t.Fatalf("got %#v (%v)", pe, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			if err := st.Add(Profile{Name: "new", Account: "T11223344", Grant: "client_credentials"}); err == nil {
				t.Fatal("added to an unparsable file")
			}
			after, _ := os.ReadFile(st.Path())
			if !bytes.Equal(after, []byte(tc.content)) {
				t.Fatalf("file changed:\n%q", after)
			}
		})
	}
}

func TestTwoProcessesAdding50Each(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, prefix := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "TOKENBENCH_TEST_HELPER=add", "TB_DIR="+dir, "TB_PREFIX="+prefix, "TB_N=50")
			out, err := cmd.CombinedOutput()
			if err != nil {
				errs[i] = fmt.Errorf("%s: %v: %s", prefix, err, out)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	ps, err := (&Store{Dir: dir}).Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 100 {
		t.Fatalf("%d profiles, want 100", len(ps))
	}
}

func TestKilledWriterLeavesOldOrNewFile(t *testing.T) {
	dir := t.TempDir()
	st := &Store{Dir: dir}
	if err := st.Add(Profile{Name: "first", Account: "T11223344", Grant: "client_credentials"}); err != nil {
		t.Fatal(err)
	}
	for round := range 8 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "TOKENBENCH_TEST_HELPER=churn", "TB_DIR="+dir)
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 6)
		_, _ = stdout.Read(buf) // "ready"
		// Let it write for a while, a different while each round.
		time.Sleep(time.Duration(20+round*15) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		ps, err := st.Load()
		if err != nil {
			t.Fatalf("round %d: file unreadable after a kill: %v", round, err)
		}
		if len(ps) == 0 {
			t.Fatalf("round %d: profiles lost", round)
		}
	}
	// No temporary files are left that a reader could mistake.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != FileName && e.Name() != ".lock" && e.Name() != KeyringIDFileName && !strings.HasPrefix(e.Name(), ".profiles.yaml") {
			t.Errorf("unexpected file %s", e.Name())
		}
	}
}

// newSecrets is a secret store on a keyring of the test's own (never
// go-keyring's global mock, which the real-keyring test would then use).
func newSecrets(t *testing.T) (*Secrets, *Store) {
	t.Helper()
	st := &Store{Dir: filepath.Join(t.TempDir(), "cfg")}
	sec := NewSecrets(st)
	sec.Keyring = keyringtest.New()
	return sec, st
}

func TestSecretsNeverInProfilesFile(t *testing.T) {
	sec, st := newSecrets(t)
	p := fullProfile()
	p.Secrets = map[Kind]Source{ClientSecret: SourceKeyring, Password: SourceKeyring, Bearer: SourceKeyring, RefreshToken: SourceKeyring}
	values := map[Kind]string{ClientSecret: "cs-3f9a8b7c6d5e", Password: "pw-Hunter2-xyz", Bearer: "eyJbearer.secret.value", RefreshToken: "rt_refreshSecret123"}
	for k, v := range values {
		if err := sec.Put(p, k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Add(p); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(st.Path())
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range values {
		if bytes.Contains(data, []byte(v)) {
			t.Fatalf("%s found in the profiles file", k)
		}
		got, err := sec.Get(context.Background(), p, k)
		if err != nil || got != v {
			t.Fatalf("%s: got %q, %v", k, got, err)
		}
	}
	if sec.FileExists() {
		t.Fatal("the plain secrets file was written without being chosen")
	}
	// Deleting the profile's secrets empties the keyring.
	if err := sec.DeleteAll(p); err != nil {
		t.Fatal(err)
	}
	for k := range values {
		if _, err := sec.Get(context.Background(), p, k); !errors.Is(err, ErrNotSet) {
			t.Fatalf("%s still there: %v", k, err)
		}
	}
}

func TestNoKeyringRefusesAndFileOnlyWhenChosen(t *testing.T) {
	sec, st := newSecrets(t)
	sec.Keyring = keyringtest.Failing(fmt.Errorf("%w: keyring write: dbus: no session bus", ErrNoKeyring))
	p := Profile{Name: "x", Account: "T11223344", Grant: "client_credentials", Secrets: map[Kind]Source{ClientSecret: SourceKeyring}}
	err := sec.Put(p, ClientSecret, "the-secret-value")
	if !errors.Is(err, ErrNoKeyring) || !strings.Contains(err.Error(), "--insecure-storage") || strings.Contains(err.Error(), "the-secret-value") {
		t.Fatalf("got %v", err)
	}
	if sec.FileExists() {
		t.Fatal("fell back to the plain file silently")
	}
	p.Secrets[ClientSecret] = SourceFile
	if err := sec.Put(p, ClientSecret, "the-secret-value"); err != nil {
		t.Fatal(err)
	}
	assertMode(t, filepath.Join(st.Dir, SecretsFileName), 0o600)
	if got, err := sec.Get(context.Background(), p, ClientSecret); err != nil || got != "the-secret-value" {
		t.Fatalf("got %q %v", got, err)
	}
	if !UsesFile([]Profile{p}) {
		t.Fatal("UsesFile")
	}
	if err := sec.DeleteAll(p); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(st.Dir, SecretsFileName))
	if bytes.Contains(data, []byte("the-secret-value")) {
		t.Fatal("secret left in the file after delete")
	}
}

// A keyring that never answers, like one waiting on an unlock prompt.
func TestKeyringCallsAreBounded(t *testing.T) {
	k := OSKeyring{Timeout: 50 * time.Millisecond}
	start := time.Now()
	_, err := k.call("read", func() (string, error) { select {} })
	if !errors.Is(err, ErrNoKeyring) || time.Since(start) > 5*time.Second {
		t.Fatalf("got %v after %v", err, time.Since(start))
	}
}

func TestEnvCmdAndAskSources(t *testing.T) {
	sec, _ := newSecrets(t)
	sec.Getenv = func(k string) string { return map[string]string{"MY_SECRET": " from-env \n"}[k] }
	p := Profile{Name: "x", Account: "T11223344", Grant: "password", ClientID: "c", Secrets: map[Kind]Source{
		ClientSecret: "env:MY_SECRET", Bearer: "cmd:printf 'from-cmd\\nlogin: me\\nurl: dintero.com\\n'", Password: SourceAsk, RefreshToken: "cmd:echo oops >&2; exit 3",
	}}
	ctx := context.Background()
	// A secret keeps its spaces (they can be part of it); only the line
	// ending goes, and a command's later lines (a password manager's
	// metadata) are not part of it.
	if v, err := sec.Get(ctx, p, ClientSecret); v != " from-env " || err != nil {
		t.Fatalf("env: %q %v", v, err)
	}
	if v, err := sec.Get(ctx, p, Bearer); v != "from-cmd" || err != nil {
		t.Fatalf("cmd: %q %v", v, err)
	}
	if _, err := sec.Get(ctx, p, Password); !errors.Is(err, ErrAsk) {
		t.Fatalf("ask: %v", err)
	}
	if _, err := sec.Get(ctx, p, RefreshToken); err == nil || !strings.Contains(err.Error(), "oops") {
		t.Fatalf("failing cmd: %v", err)
	}
	// FillSecrets asks for what it cannot read.
	req := p.Request()
	asked := []Kind{}
	err := sec.FillSecrets(ctx, p, &req, func(k Kind) (string, error) { asked = append(asked, k); return "typed", nil })
	if err != nil || req.ClientSecret != " from-env " || req.Password != "typed" || len(asked) != 1 {
		t.Fatalf("fill: %v %+v %v", err, req, asked)
	}
	req = p.Request()
	if err := sec.FillSecrets(ctx, p, &req, nil); !errors.Is(err, client.ErrInvalidInput) {
		t.Fatalf("fill without asker: %v", err)
	}
}

func TestRotatedRefreshTokenStoredAndRename(t *testing.T) {
	sec, st := newSecrets(t)
	p := Profile{Name: "old", Account: "T11223344", Grant: "password", Secrets: map[Kind]Source{RefreshToken: SourceKeyring, ClientSecret: SourceKeyring}}
	if err := st.Add(p); err != nil {
		t.Fatal(err)
	}
	if err := sec.Put(p, ClientSecret, "cs"); err != nil {
		t.Fatal(err)
	}
	if err := sec.StoreRotated(p, "rt-new"); err != nil {
		t.Fatal(err)
	}
	if v, _ := sec.Get(context.Background(), p, RefreshToken); v != "rt-new" {
		t.Fatalf("rotated: %q", v)
	}
	// Onto a profile that exists: refused before its secret is written over
	// (issue 9 item 17, the TUI's path).
	taken := Profile{Name: "taken", Account: "T11223344", Grant: "client_credentials", Secrets: map[Kind]Source{ClientSecret: SourceKeyring}}
	if err := st.Add(taken); err != nil {
		t.Fatal(err)
	}
	if err := sec.Put(taken, ClientSecret, "cs-of-taken"); err != nil {
		t.Fatal(err)
	}
	if err := sec.Rename(p, "taken"); !errors.Is(err, ErrExists) {
		t.Fatalf("rename onto a profile: %v", err)
	}
	if v, _ := sec.Get(context.Background(), taken, ClientSecret); v != "cs-of-taken" {
		t.Fatalf("the secret of the taken name is %q", v)
	}
	if v, _ := sec.Get(context.Background(), p, ClientSecret); v != "cs" {
		t.Fatalf("the old secret is %q", v)
	}
	if err := sec.Rename(p, "new"); err != nil {
		t.Fatal(err)
	}
	moved := p
	moved.Name = "new"
	for _, k := range []Kind{ClientSecret, RefreshToken} {
		if _, err := sec.Get(context.Background(), p, k); !errors.Is(err, ErrNotSet) {
			t.Errorf("%s left under the old name", k)
		}
		if v, err := sec.Get(context.Background(), moved, k); err != nil || v == "" {
			t.Errorf("%s not under the new name: %v", k, err)
		}
	}
}

func TestValidateAndDirFromEnv(t *testing.T) {
	bad := []Profile{
		{Name: "", Account: "T11223344", Grant: "client_credentials"},
		{Name: "a b", Account: "T11223344", Grant: "client_credentials"},
		{Name: "ok", Account: "T1", Grant: "client_credentials"},
		{Name: "ok", Account: "T11223344", Grant: "magic"},
		{Name: "ok", Account: "T11223344", Grant: "client_credentials", BaseURL: "http://example.com"},
		{Name: "ok", Account: "T11223344", Grant: "client_credentials", Secrets: map[Kind]Source{"pin": SourceKeyring}},
		{Name: "ok", Account: "T11223344", Grant: "client_credentials", Secrets: map[Kind]Source{ClientSecret: "vault"}},
	}
	for _, p := range bad {
		if err := p.Validate(); err == nil {
			t.Errorf("accepted %+v", p)
		}
	}
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": "/from/env"}
	if d, _ := DirFromEnv("/explicit", func(k string) string { return env[k] }); d != "/explicit" {
		t.Fatal(d)
	}
	if d, _ := DirFromEnv("", func(k string) string { return env[k] }); d != "/from/env" {
		t.Fatal(d)
	}
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	if d, _ := DirFromEnv("", func(string) string { return "" }); d != "/xdg/tokenbench" {
		t.Fatal(d)
	}
}

func TestExportImport(t *testing.T) {
	data, err := Export([]Profile{fullProfile()})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := ParseExport("x", data)
	if err != nil || len(ps) != 1 || !reflect.DeepEqual(ps[0], fullProfile()) {
		t.Fatalf("%v %+v", err, ps)
	}
	if p := fullProfile().Request(); p.Grant != client.GrantPassword || p.Account != "P00000001" {
		t.Fatalf("request %+v", p)
	}
}
