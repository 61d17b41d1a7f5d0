package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// runWithKeyring is runCLI on a keyring of the test's own (never
// go-keyring's global mock, which leaks between tests and into the real
// keyring test).
func runWithKeyring(t *testing.T, kr profiles.Keyring, envVars map[string]string, stdin string, args ...string) run {
	t.Helper()
	var out, errOut bytes.Buffer
	app := NewApp(strings.NewReader(stdin), &out, &errOut)
	app.env.getenv = func(k string) string { return envVars[k] }
	app.env.isTerminal = func() bool { return false }
	app.env.keyring = kr
	app.now = func() time.Time { return fixedNow }
	code := app.Run(context.Background(), args)
	return run{code, out.String(), errOut.String()}
}

func TestProfileCommands(t *testing.T) {
	kr := keyringtest.New()
	runCLI := func(t *testing.T, env map[string]string, stdin string, args ...string) run {
		t.Helper()
		return runWithKeyring(t, kr, env, stdin, args...)
	}
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret}

	r := runCLI(t, env, "", "profile", "add", "demo", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--keep-tokens")
	if r.code != 0 || !strings.Contains(r.stderr, "profile demo added") {
		t.Fatalf("add: %+v", r)
	}
	assertNoSecrets(t, r)
	data, _ := os.ReadFile(filepath.Join(dir, "profiles.yaml"))
	if strings.Contains(string(data), dinterotest.DemoSecret) || !strings.Contains(string(data), "client_secret: keyring") {
		t.Fatalf("profiles.yaml:\n%s", data)
	}
	if r := runCLI(t, env, "", "profile", "add", "demo", "--account", dinterotest.DemoAccount); r.code != ExitUsage {
		t.Fatalf("duplicate add: %+v", r)
	}

	// token -p takes everything from the profile; no secret in the env now.
	noSecret := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	r = runCLI(t, noSecret, "", "token", "-p", "demo")
	if r.code != 0 || strings.Count(r.stdout, ".") != 2 {
		t.Fatalf("token -p: %+v", r)
	}
	// Flags override the profile.
	r = runCLI(t, noSecret, "", "token", "-p", "demo", "--account", dinterotest.DemoProdAccount, "-o", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"aid": "`+dinterotest.DemoProdAccount+`"`) {
		t.Fatalf("override: %+v", r)
	}

	r = runCLI(t, noSecret, "", "profile", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "demo") || !strings.Contains(r.stdout, "TEST") {
		t.Fatalf("list: %+v", r)
	}
	r = runCLI(t, noSecret, "", "profile", "show", "demo")
	if r.code != 0 || !strings.Contains(r.stdout, "client_secret from keyring") || strings.Contains(r.stdout, dinterotest.DemoSecret) {
		t.Fatalf("show: %+v", r)
	}

	// exec: the kept token is reused, the command's exit code passes through.
	requests := srv.Requests()
	r = runCLI(t, noSecret, "", "exec", "-p", "demo", "--", "sh", "-c", `test -n "$DINTERO_ACCESS_TOKEN" && echo "acct=$DINTERO_ACCOUNT_ID"`)
	if r.code != 0 || r.stdout != "acct="+dinterotest.DemoAccount+"\n" || srv.Requests() != requests {
		t.Fatalf("exec: %+v (%d requests)", r, srv.Requests()-requests)
	}
	if r := runCLI(t, noSecret, "", "exec", "-p", "demo", "--", "sh", "-c", "exit 7"); r.code != 7 {
		t.Fatalf("exec exit code: %+v", r)
	}

	// edit renames and moves the secret along.
	if r := runCLI(t, noSecret, "", "profile", "edit", "demo", "--name", "demo2", "--notes", "renamed"); r.code != 0 {
		t.Fatalf("edit: %+v", r)
	}
	if r := runCLI(t, noSecret, "", "token", "-p", "demo2"); r.code != 0 {
		t.Fatalf("token after rename: %+v", r)
	}

	// export holds no secret; import refuses to overwrite without --force.
	r = runCLI(t, noSecret, "", "profile", "export")
	if r.code != 0 || !strings.Contains(r.stdout, "name: demo2") || strings.Contains(r.stdout, dinterotest.DemoSecret) {
		t.Fatalf("export: %+v", r)
	}
	exported := r.stdout
	if r := runCLI(t, noSecret, exported, "profile", "import", "-"); r.code != ExitUsage || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("import without --force: %+v", r)
	}
	if r := runCLI(t, noSecret, exported, "profile", "import", "--force", "-"); r.code != 0 {
		t.Fatalf("import --force: %+v", r)
	}

	// rm deletes the secrets too.
	if r := runCLI(t, noSecret, "", "profile", "rm", "demo2"); r.code != 0 {
		t.Fatalf("rm: %+v", r)
	}
	if _, err := kr.Get("tokenbench", "profile:demo2:client_secret"); err == nil || kr.Len() != 0 {
		t.Fatal("secret left in the keyring")
	}
}

func TestProfileWithoutKeyring(t *testing.T) {
	kr := keyringtest.Failing(fmt.Errorf("%w: keyring write: %w", profiles.ErrNoKeyring, os.ErrPermission))
	runCLI := func(t *testing.T, env map[string]string, stdin string, args ...string) run {
		t.Helper()
		return runWithKeyring(t, kr, env, stdin, args...)
	}
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": "s3cret-value-xyz"}
	r := runCLI(t, env, "", "profile", "add", "p", "--account", dinterotest.DemoAccount, "--client-id", "c")
	if r.code == 0 || !strings.Contains(r.stderr, "--insecure-storage") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("no keyring: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "profiles.yaml")); err == nil {
		t.Fatal("profile saved although its secret was not")
	}
	r = runCLI(t, env, "", "profile", "add", "p", "--account", dinterotest.DemoAccount, "--client-id", "c", "--insecure-storage")
	if r.code != 0 || !strings.Contains(r.stderr, "PLAIN TEXT") {
		t.Fatalf("insecure: %+v", r)
	}
	assertNoSecrets(t, r, "s3cret-value-xyz")
	r = runCLI(t, map[string]string{"TOKENBENCH_CONFIG_DIR": dir}, "", "profile", "list")
	if !strings.Contains(r.stderr, "PLAIN TEXT") {
		t.Fatalf("list does not warn: %+v", r)
	}
}

func TestCorruptProfilesFileExitsWithPathAndLine(t *testing.T) {
	dir := t.TempDir()
	bad := "version: 1\nprofiles:\n  - name: [oops\n"
	_ = os.WriteFile(filepath.Join(dir, "profiles.yaml"), []byte(bad), 0o600)
	r := runCLI(t, nil, "", "--config-dir", dir, "profile", "list")
	shape := regexp.MustCompile(`^error: ` + regexp.QuoteMeta(filepath.Join(dir, "profiles.yaml")) + `:\d+: did not find expected`)
	if r.code == 0 || !shape.MatchString(r.stderr) {
		t.Fatalf("%+v", r)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "profiles.yaml"))
	if string(after) != bad {
		t.Fatal("file changed")
	}
}

// Issue (sess 3): profile list, with secrets in the plain file, was
// reported to print its warning glued to the last row ("…/v1warning: …").
// On one terminal (stdout and stderr into one writer, in the order
// written), every warning and every row is a line of its own.
func TestProfileListWarningIsALineOfItsOwn(t *testing.T) {
	kr := keyringtest.Failing(fmt.Errorf("%w: no Secret Service", profiles.ErrNoKeyring))
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": "s3cret-value-xyz"}
	for _, name := range []string{"mfa2", "mfa3"} {
		if r := runWithKeyring(t, kr, env, "", "profile", "add", name, "--account", dinterotest.DemoAccount, "--client-id", "c", "--insecure-storage", "--keep-tokens"); r.code != 0 {
			t.Fatalf("add %s: %+v", name, r)
		}
	}
	var terminal bytes.Buffer
	app := NewApp(strings.NewReader(""), &terminal, &terminal)
	app.env.getenv = func(k string) string { return map[string]string{"TOKENBENCH_CONFIG_DIR": dir}[k] }
	app.env.isTerminal = func() bool { return false }
	app.env.keyring = kr
	if code := app.Run(context.Background(), []string{"profile", "list"}); code != 0 {
		t.Fatalf("list: exit %d\n%s", code, terminal.String())
	}
	out := terminal.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if !strings.HasSuffix(out, "\n") || len(lines) != 4 ||
		!strings.HasPrefix(lines[0], "warning: some secrets are kept in PLAIN TEXT in ") || !strings.HasPrefix(lines[1], "NAME ") ||
		!strings.HasPrefix(lines[2], "mfa2 ") || !strings.HasPrefix(lines[3], "mfa3 ") || !strings.HasSuffix(lines[3], "/v1") {
		t.Fatalf("profile list on one terminal:\n%q", out)
	}
}
