package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// Issue 9 item 17: edit --name onto an existing profile moved a's secrets
// over b's before refusing, and exited 1.
func TestProfileRenameOntoExistingTouchesNothing(t *testing.T) {
	kr := keyringtest.New()
	runCLI := func(t *testing.T, env map[string]string, stdin string, args ...string) run {
		t.Helper()
		return runWithKeyring(t, kr, env, stdin, args...)
	}
	dir := filepath.Join(t.TempDir(), "cfg")
	for name, secret := range map[string]string{"a": "secret-of-a", "b": "secret-of-b"} {
		env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": secret}
		if r := runCLI(t, env, "", "profile", "add", name, "--account", dinterotest.DemoAccount, "--client-id", "c-"+name); r.code != 0 {
			t.Fatalf("add %s: %+v", name, r)
		}
	}
	before, _ := os.ReadFile(filepath.Join(dir, "profiles.yaml"))
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	for _, args := range [][]string{{"profile", "edit", "a", "--name", "b"}, {"profile", "rename", "a", "b"}} {
		r := runCLI(t, env, "", args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "exists") || strings.Count(r.stderr, "\n") != 1 {
			t.Fatalf("%v: %+v, want exit 2 and one line", args, r)
		}
		for name, want := range map[string]string{"a": "secret-of-a", "b": "secret-of-b"} {
			if got, err := keyringSecret(dir, kr, name); err != nil || got != want {
				t.Fatalf("%v: the secret of %s is %q (%v), want %q", args, name, got, err, want)
			}
		}
		if after, _ := os.ReadFile(filepath.Join(dir, "profiles.yaml")); string(after) != string(before) {
			t.Fatalf("%v changed the file:\n%s", args, after)
		}
	}
}

// TestMain doubles as a tokenbench process for the multi-process tests:
// with TOKENBENCH_TEST_RUN set it runs its arguments (after --) that many
// times, as separate command lines, and exits with the first failure.
func TestMain(m *testing.M) {
	for i, a := range os.Args {
		if mode, ok := strings.CutPrefix(a, "-tokenbench-act-as-browser="); ok && i+1 < len(os.Args) {
			actAsBrowser(mode, os.Args[i+1])
		}
	}
	if n, err := strconv.Atoi(os.Getenv("TOKENBENCH_TEST_RUN")); err == nil {
		args := os.Args[slices.Index(os.Args, "--")+1:]
		for range n {
			if code := Execute(context.Background(), args); code != 0 {
				os.Exit(code)
			}
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Two tokenbench processes run token -p on one refresh_token profile
// against a server that rotates refresh tokens and revokes the spent one:
// every run succeeds, and the refresh token stored last is the live one.
func TestConcurrentProcessesKeepTheRotatedRefreshToken(t *testing.T) {
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.RotateRefreshTokens = true
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	dir := filepath.Join(t.TempDir(), "cfg")

	// A refresh token from the password grant, saved in the (plain,
	// process-shared) secrets file with the client secret.
	r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--grant", "password",
		"--client-id", dinterotest.DemoClientID, "--username", dinterotest.DemoUser, "-o", "env")
	_, rt, ok := strings.Cut(r.stdout, "export DINTERO_REFRESH_TOKEN=")
	if r.code != 0 || !ok {
		t.Fatalf("password grant: %+v", r)
	}
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret, "TOKENBENCH_REFRESH_TOKEN": strings.TrimSpace(rt)}
	if r := runCLI(t, env, "", "profile", "add", "rt", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--grant", "refresh_token",
		"--client-id", dinterotest.DemoClientID, "--insecure-storage"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}

	var wg sync.WaitGroup
	outs := make([]string, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "--config-dir", dir, "token", "-p", "rt")
			cmd.Env = append(os.Environ(), "TOKENBENCH_TEST_RUN=5")
			out, err := cmd.CombinedOutput()
			outs[i], errs[i] = string(out), err
		}()
	}
	wg.Wait()
	for i := range 2 {
		lines := strings.Split(strings.TrimSpace(outs[i]), "\n")
		if errs[i] != nil || len(lines) != 5 || strings.Contains(outs[i], "error") {
			t.Fatalf("process %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	// The stored refresh token is live; -v shows neither it nor the one
	// that replaces it.
	spent := storedRefreshToken(t, dir)
	r = runCLI(t, map[string]string{"TOKENBENCH_CONFIG_DIR": dir}, "", "token", "-p", "rt", "-v")
	if r.code != 0 {
		t.Fatalf("after the concurrent runs: %+v", r)
	}
	assertNoSecrets(t, r, spent, storedRefreshToken(t, dir))
}

// storedRefreshToken reads profile rt's refresh token from the plain
// secrets file (and its journal of rotations).
func storedRefreshToken(t *testing.T, dir string) string {
	t.Helper()
	st := &profiles.Store{Dir: dir}
	p, err := st.Get("rt")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := (&profiles.Secrets{Store: st}).Get(context.Background(), p, profiles.RefreshToken)
	if err != nil || !strings.HasPrefix(rt, "rt_") {
		t.Fatalf("no refresh token stored: %v", err)
	}
	return rt
}

// keyringSecret reads the client secret of profile name in dir from kr,
// as tokenbench names it for that directory.
func keyringSecret(dir string, kr profiles.Keyring, name string) (string, error) {
	p := profiles.Profile{Name: name, Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}}
	return (&profiles.Secrets{Store: &profiles.Store{Dir: dir}, Keyring: kr}).Get(context.Background(), p, profiles.ClientSecret)
}

func TestProfileRenameAndDuplicateCommands(t *testing.T) {
	kr := keyringtest.New()
	runCLI := func(t *testing.T, env map[string]string, stdin string, args ...string) run {
		t.Helper()
		return runWithKeyring(t, kr, env, stdin, args...)
	}
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret}
	if r := runCLI(t, env, "", "profile", "add", "a", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	noSecret := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	r := runCLI(t, noSecret, "", "profile", "duplicate", "a", "b")
	if r.code != 0 || r.stderr != "profile a duplicated as b, with its stored secrets\n" {
		t.Fatalf("duplicate: %+v", r)
	}
	// The copy has its own client secret: it gets a token with none given.
	if r := runCLI(t, noSecret, "", "token", "-p", "b"); r.code != 0 {
		t.Fatalf("token -p b: %+v", r)
	}
	if r := runCLI(t, noSecret, "", "profile", "rename", "a", "c"); r.code != 0 || r.stderr != "profile a renamed to c\n" {
		t.Fatalf("rename: %+v", r)
	}
	if r := runCLI(t, noSecret, "", "token", "-p", "c"); r.code != 0 {
		t.Fatalf("token -p c: %+v", r)
	}
	if got, err := keyringSecret(dir, kr, "a"); err == nil {
		t.Fatalf("a's secret is left behind: %q", got)
	}
	for _, args := range [][]string{{"profile", "rename", "nope", "x"}, {"profile", "duplicate", "nope", "x"}, {"profile", "rename", "c"}, {"profile", "rm", "nope"}} {
		if r := runCLI(t, noSecret, "", args...); r.code != ExitUsage {
			t.Fatalf("%v: %+v, want exit 2", args, r)
		}
	}
}

// Issue 9 item 4: exec's command gets the short-lived token, never the
// long-lived credentials tokenbench was given or reads.
func TestExecPassesNoCredentials(t *testing.T) {
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	creds := map[string]string{
		"TOKENBENCH_CLIENT_SECRET": "cs-from-env-123", "TOKENBENCH_PASSWORD": "pw-from-env-123", "TOKENBENCH_BEARER": "bearer-from-env-123",
		"TOKENBENCH_REFRESH_TOKEN": "rt-from-env-123", "MERCHANT_X_SECRET": dinterotest.DemoSecret, "DINTERO_REFRESH_TOKEN": "rt-exported-123",
	}
	for k, v := range creds {
		t.Setenv(k, v)
	}
	t.Setenv("TOKENBENCH_CONFIG_DIR", dir)
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "MERCHANT_X_SECRET": dinterotest.DemoSecret}
	if r := runCLI(t, env, "", "profile", "add", "x", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--secret-source", "client_secret=env:MERCHANT_X_SECRET"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	r := runCLI(t, env, "", "exec", "-p", "x", "--", "env")
	if r.code != 0 || !strings.Contains(r.stdout, "DINTERO_ACCESS_TOKEN=eyJ") || !strings.Contains(r.stdout, "TOKENBENCH_CONFIG_DIR="+dir) {
		t.Fatalf("exec env: %+v", r)
	}
	for k, v := range creds {
		if strings.Contains(r.stdout, v) {
			t.Errorf("the child got %s", k)
		}
	}
}

// The refresh token token -p reads under the profile's lock is known to
// the redactor like any other: an echoing proxy does not put it on the
// error line, in -v or in the HAR.
func TestStoredRefreshTokenIsRedacted(t *testing.T) {
	srv := echoServer(t, echoText)
	dir := filepath.Join(t.TempDir(), "cfg")
	const rt = `rt_stored<&>"secret-9876`
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_BEARER": "eyJhbGciOiJub25lIn0.e30.bearer-for-the-proxy", "TOKENBENCH_REFRESH_TOKEN": rt}
	if r := runCLI(t, env, "", "profile", "add", "rt", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--grant", "refresh_token", "--insecure-storage"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	har := filepath.Join(t.TempDir(), "s.har")
	r := runCLI(t, map[string]string{"TOKENBENCH_CONFIG_DIR": dir}, "", "token", "-p", "rt", "-v", "--har", har)
	if r.code != ExitRejected {
		t.Fatalf("token -p: %+v", r)
	}
	assertNoEncoding(t, "stderr", r.stderr, map[string]string{"refresh token": rt}, "")
	data, _ := os.ReadFile(har)
	assertNoEncoding(t, "HAR", string(data), map[string]string{"refresh token": rt}, "")
}
