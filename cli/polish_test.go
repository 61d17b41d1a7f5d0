package cli

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// Every command with --timeout refuses zero and negative values before
// doing anything (they meant no deadline).
func TestTimeoutMustBePositive(t *testing.T) {
	app := NewApp(strings.NewReader(""), &strings.Builder{}, &strings.Builder{})
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		if c.Flags().Lookup("timeout") != nil {
			paths = append(paths, path)
		}
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string{}, path...), sub.Name()))
		}
	}
	walk(app.rootCmd(nil), nil)
	if len(paths) < 6 {
		t.Fatalf("only %d commands with --timeout: %v", len(paths), paths)
	}
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": filepath.Join(t.TempDir(), "cfg")}
	for _, path := range paths {
		for _, v := range []string{"0s", "-1s", "0"} {
			args := append(append([]string{}, path...), "--timeout", v)
			if path[0] == "profile" {
				args = append(args, "x")
			}
			r := runCLI(t, env, "", args...)
			if r.code != ExitUsage || !strings.Contains(r.stderr, "--timeout must be more than 0") || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("%v: %+v", args, r)
			}
		}
	}
	if _, err := os.Stat(env["TOKENBENCH_CONFIG_DIR"]); err == nil {
		t.Error("a refused command wrote the config directory")
	}
}

// S8: a secret or grant_type as --param is refused, naming the proper
// flag or variable, and the value is not echoed.
func TestParamRefusesManagedFields(t *testing.T) {
	srv := fake(t)
	base := []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}
	for key, want := range map[string]string{
		"password":      "TOKENBENCH_PASSWORD",
		"grant_type":    "--grant",
		"client_secret": "TOKENBENCH_CLIENT_SECRET",
		"refresh_token": "TOKENBENCH_REFRESH_TOKEN",
		"binding_code":  "--binding-code",
		"mfa_token":     "--mfa-token",
		"oob_code":      "--oob-code",
		"code":          "--code",
		"Password":      "TOKENBENCH_PASSWORD",
	} {
		r := runCLI(t, secretEnv, "", append(base, "--param", key+"=hunter2-value")...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "hunter2") || r.stdout != "" {
			t.Errorf("--param %s: %+v", key, r)
		}
	}
	// An unmanaged field is sent; Dintero (and the strict fake) refuses a
	// field it does not know, and the error line names it.
	if r := runCLI(t, secretEnv, "", append(base, "--param", "drift=yes")...); r.code != ExitRejected || !strings.Contains(r.stderr, "error: 400 Validation failed: drift is not allowed") {
		t.Errorf("an unmanaged field: %+v", r)
	}
}

// U9: exec exits as a shell would: 127 for a command not found (before a
// token is obtained), 128+N for a child killed by signal N; and demo
// --serve on a non-loopback address is a usage error.
func TestExecAndDemoExitCodes(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	kr := keyringtest.New()
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "demo", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoClientID); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	env = map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	r := runWithKeyring(t, kr, env, "", "exec", "-p", "demo", "--", "/nonexistent/cmd")
	if r.code != 127 || r.stderr != "error: command not found: /nonexistent/cmd\n" {
		t.Errorf("not found: %+v", r)
	}
	r = runWithKeyring(t, kr, env, "", "exec", "-p", "demo", "--", sh, "-c", "kill -TERM $$")
	if r.code != 128+15 {
		t.Errorf("killed by SIGTERM: %+v", r)
	}
	r = runWithKeyring(t, kr, env, "", "exec", "-p", "demo", "--", sh, "-c", "exit 7")
	if r.code != 7 {
		t.Errorf("exit 7: %+v", r)
	}
	r = runCLI(t, nil, "", "demo", "--serve", "--addr", "0.0.0.0:0")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "not loopback") {
		t.Errorf("demo on 0.0.0.0: %+v", r)
	}
}

// S2: import --force does not re-target a profile whose secret comes from
// a command or the environment; a profile whose secrets are all asked for
// may be.
func TestImportForceCannotRedirectCommandOrEnvSecrets(t *testing.T) {
	kr := keyringtest.New()
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	for name, src := range map[string]string{"ci3": "client_secret=cmd:echo pass-manager-secret-42", "ci5": "client_secret=env:CI_SECRET", "ci6": "client_secret=ask"} {
		if r := runWithKeyring(t, kr, env, "", "profile", "add", name, "--account", "P11223344", "--client-id", "ci-client", "--secret-source", src); r.code != 0 {
			t.Fatalf("add %s: %+v", name, r)
		}
	}
	before, _ := os.ReadFile(filepath.Join(dir, "profiles.yaml"))
	for name, want := range map[string]string{"ci3": "client_secret from a command", "ci5": "client_secret from $CI_SECRET"} {
		doc := "version: 1\nprofiles:\n  - name: " + name + "\n    base_url: http://127.0.0.1:19003/echo/v1\n    account: P11223344\n    grant: client_credentials\n    client_id: ci-client\n"
		r := runWithKeyring(t, kr, env, doc, "profile", "import", "--force", "-")
		if r.code != ExitUsage || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "pass-manager") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("import --force %s elsewhere: %+v", name, r)
		}
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "profiles.yaml")); string(after) != string(before) {
		t.Fatal("profiles.yaml changed")
	}
	doc := "version: 1\nprofiles:\n  - name: ci6\n    base_url: http://127.0.0.1:19003/echo/v1\n    account: P11223344\n    grant: client_credentials\n    client_id: ci-client\n"
	if r := runWithKeyring(t, kr, env, doc, "profile", "import", "--force", "-"); r.code != 0 {
		t.Errorf("import --force of a profile that asks: %+v", r)
	}
}

// U10, U11: flags a profile does not keep are refused, not dropped; a
// negative --refresh-before and names starting with '-' are refused
// everywhere.
func TestProfileRefusesWhatItCannotKeep(t *testing.T) {
	kr := keyringtest.New()
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	add := []string{"--account", "T11223344", "--client-id", "c", "--secret-source", "ask"}
	for _, extra := range [][]string{{"--ca-file", "/etc/hosts"}, {"--param", "x=y"}, {"--refresh-before", "-5h"}, {"--code", "abc"}} {
		r := runWithKeyring(t, kr, env, "", append(append([]string{"profile", "add", "p1"}, add...), extra...)...)
		if r.code != ExitUsage || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, extra[0]) {
			t.Errorf("add %v: %+v", extra, r)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "profiles.yaml")); err == nil {
		t.Fatal("a refused add wrote a profile")
	}
	r := runWithKeyring(t, kr, env, "", append(append([]string{"profile", "add"}, add...), "--", "-p")...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "must not start with '-'") {
		t.Errorf("add -p: %+v", r)
	}
	if r := runWithKeyring(t, kr, env, "", append([]string{"profile", "add", "ok"}, add...)...); r.code != 0 {
		t.Fatalf("add ok: %+v", r)
	}
	for _, args := range [][]string{
		{"profile", "rename", "ok", "--", "-x"},
		{"profile", "duplicate", "ok", "--", "-x"},
		{"profile", "edit", "ok", "--name", "-x"},
		{"profile", "edit", "ok", "--refresh-before", "-1s"},
		{"profile", "edit", "ok", "--ca-file", "/etc/hosts"},
	} {
		if r := runWithKeyring(t, kr, env, "", args...); r.code != ExitUsage {
			t.Errorf("%v: %+v", args, r)
		}
	}
	doc := "version: 1\nprofiles:\n  - name: -p\n    account: T11223344\n    grant: client_credentials\n    client_id: c\n"
	r = runWithKeyring(t, kr, env, doc, "profile", "import", "-")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "must not start with '-'") {
		t.Errorf("import -p: %+v", r)
	}
	r = runWithKeyring(t, kr, env, "", "profile", "list")
	if strings.Contains(r.stdout, "-p") || strings.Contains(r.stdout, "-x") {
		t.Errorf("list: %+v", r)
	}
}

// U13: a missing field's error says how to give it.
func TestRequiredFieldsNameTheirFlagOrVariable(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"token"}, []string{"account id is required (give it with --account)"}},
		{[]string{"token", "--account", "T11223344"}, []string{"client id is required (give it with --client-id)", "client secret is required (give it with $TOKENBENCH_CLIENT_SECRET or --client-secret-file)"}},
		{[]string{"token", "--account", "T11223344", "--grant", "account_user_token"}, []string{"an account user JWT or ID token as Bearer is required (give it with $TOKENBENCH_BEARER or --bearer-file)"}},
		{[]string{"token", "--account", "T11223344", "--grant", "password", "--username", "u"}, []string{"or --client-id with $TOKENBENCH_CLIENT_SECRET", "password is required (give it with $TOKENBENCH_PASSWORD"}},
	} {
		r := runCLI(t, nil, "", c.args...)
		for _, w := range c.want {
			if r.code != ExitUsage || !strings.Contains(r.stderr, w) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("%v: want %q in %+v", c.args, w, r)
			}
		}
	}
}

// U2: a bare env:NAME (or cmd:) source is the client secret, saved even
// when no secret is given to the add.
func TestBareSecretSourceIsTheClientSecret(t *testing.T) {
	kr := keyringtest.New()
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "ci4", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoClientID, "--secret-source", "env:FOO"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if r := runWithKeyring(t, kr, env, "", "profile", "show", "ci4"); !strings.Contains(r.stdout, "client_secret from env:FOO") {
		t.Fatalf("show: %+v", r)
	}
	r := runWithKeyring(t, kr, map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "FOO": dinterotest.DemoSecret}, "", "token", "-p", "ci4")
	if r.code != 0 || strings.Count(r.stdout, ".") != 2 {
		t.Fatalf("token -p ci4: %+v", r)
	}
	r = runWithKeyring(t, kr, env, "", "profile", "add", "bare", "--account", dinterotest.DemoAccount, "--grant", "account_user_token", "--secret-source", "cmd:pass show x")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "bearer=cmd:") || strings.Contains(r.stderr, "pass show") {
		t.Fatalf("bare source without a client id: %+v", r)
	}
}

// U3: edit changes only what its flags say; an exported secret is stored
// only with --update-secrets.
func TestEditDoesNotStoreTheEnvironmentUnasked(t *testing.T) {
	kr := keyringtest.New()
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "demo-cc", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoClientID); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	other := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": "a-secret-for-something-else"}
	if r := runWithKeyring(t, kr, other, "", "profile", "edit", "demo-cc", "--notes", "ticket"); r.code != 0 {
		t.Fatalf("edit --notes: %+v", r)
	}
	noEnv := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	if r := runWithKeyring(t, kr, noEnv, "", "token", "-p", "demo-cc"); r.code != 0 {
		t.Fatalf("the stored secret was replaced by edit --notes: %+v", r)
	}
	// With no keyring at all, edit --notes does not fail on the exported secret.
	if r := runWithKeyring(t, keyringtest.Failing(profiles.ErrNoKeyring), other, "", "profile", "edit", "demo-cc", "--notes", "t2"); r.code != 0 {
		t.Fatalf("edit --notes without a keyring: %+v", r)
	}
	if r := runWithKeyring(t, kr, other, "", "profile", "edit", "demo-cc", "--update-secrets"); r.code != 0 {
		t.Fatalf("edit --update-secrets: %+v", r)
	}
	if r := runWithKeyring(t, kr, noEnv, "", "token", "-p", "demo-cc"); r.code != ExitRejected {
		t.Fatalf("--update-secrets did not store the new secret: %+v", r)
	}
}

// U4: the MFA hint after token -p works as printed: the profile supplies
// the client secret, and a wrong code is not said to be "none".
func TestMFAHintForAProfile(t *testing.T) {
	kr := keyringtest.New()
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret, "TOKENBENCH_PASSWORD": dinterotest.DemoPassword}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "mfa", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoClientID, "--grant", "password", "--username", dinterotest.DemoMFAUser, "--store-password"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	noEnv := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	r := runWithKeyring(t, kr, noEnv, "", "token", "-p", "mfa")
	if r.code != ExitNeedCode || !strings.Contains(r.stderr, "tokenbench token -p mfa --grant mfa-oob --mfa-token ") ||
		strings.Contains(r.stderr, "TOKENBENCH_CLIENT_SECRET") || strings.Contains(r.stderr, "--base-url") || !strings.Contains(r.stderr, "stdin gave none") {
		t.Fatalf("no code: %+v", r)
	}
	line := r.stderr[strings.Index(r.stderr, "tokenbench token"):]
	args := strings.Fields(strings.TrimSpace(line))[1:]
	for i, a := range args {
		if a == "CODE" {
			args[i] = srv.LastBindingCode(dinterotest.DemoMFAUser)
		}
	}
	if r := runWithKeyring(t, kr, noEnv, "", args...); r.code != 0 || strings.Count(r.stdout, ".") != 2 {
		t.Fatalf("the printed command %v: %+v", args, r)
	}

	r = runWithKeyring(t, kr, noEnv, "000000\n", "token", "-p", "mfa")
	if r.code != ExitNeedCode || strings.Contains(r.stderr, "stdin gave none") || !strings.Contains(r.stderr, "the code given was not accepted, and stdin has no other") {
		t.Fatalf("wrong code: %+v", r)
	}

	// Without a profile, the secret's variable is named.
	r = runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
		"--grant", "password", "--username", dinterotest.DemoMFAUser)
	if r.code != ExitNeedCode || !strings.Contains(r.stderr, "--client-id "+dinterotest.DemoClientID+" (with the same $TOKENBENCH_CLIENT_SECRET)") {
		t.Fatalf("no profile: %+v", r)
	}
}

// U4 for recover -p: the continue command uses the profile, and works as
// printed with no secret in the environment.
func TestRecoverHintForAProfile(t *testing.T) {
	kr := keyringtest.New()
	srv, sent := fakeWithOutbox(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "support", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoClientID, "--mfa-channel", "email"); r.code != 0 {
		t.Fatalf("profile add: %+v", r)
	}
	noEnv := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	r := runWithKeyring(t, kr, noEnv, "", "recover", "-p", "support", "--username", dinterotest.DemoLostDeviceUser)
	if r.code != ExitNeedCode || !strings.Contains(r.stderr, "tokenbench token -p support --grant mfa-oob") || strings.Contains(r.stderr, "TOKENBENCH_CLIENT_SECRET") {
		t.Fatalf("%+v", r)
	}
	first := <-sent
	line := r.stderr[strings.Index(r.stderr, "tokenbench token"):]
	line = line[:strings.Index(line, "\n")]
	args := strings.Fields(strings.TrimPrefix(line, "tokenbench "))
	for i, a := range args {
		if a == "CODE" {
			args[i] = first.BindingCode
		}
	}
	it := startInteractiveWith(kr, noEnv, args...)
	second := <-sent
	io.WriteString(it.stdin, second.BindingCode+"\n")
	it.stdin.Close()
	if c := <-it.done; c != 0 || strings.Count(it.out.String(), ".") != 2 {
		t.Fatalf("continue %v: exit %d\n%s\n%s", args, c, it.out.String(), it.errOut.String())
	}
}
