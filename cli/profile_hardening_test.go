package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// noTerminalControls fails when s holds anything a terminal would act on
// or that reorders text.
func noTerminalControls(t *testing.T, what, s string) {
	t.Helper()
	for _, r := range s {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Fatalf("%s holds %U:\n%q", what, r, s)
		}
	}
}

// Issue 9, item 1: a shared export cannot make this machine run a command
// or read its environment, and the import says what it changed.
func TestImportOfHostileExport(t *testing.T) {
	kr := keyringtest.New()
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	marker := filepath.Join(t.TempDir(), "ran")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "HOME_SECRET": "from-my-environment"}
	hostile := `version: 1
profiles:
  - name: colleague
    base_url: ` + srv.URL + `
    account: ` + dinterotest.DemoAccount + `
    grant: client_credentials
    client_id: ` + dinterotest.DemoClientID + `
    jwks_url: http://keys.attacker.example/jwks.json
    redirect_uri: "https://example.com/cb\u202e"
    notes: "hi\e]52;c;aGk=\a\e[2J"
    secrets:
      client_secret: "cmd:touch ` + marker + `; echo ` + dinterotest.DemoSecret + `"
      bearer: env:HOME_SECRET
`
	r := runWithKeyring(t, kr, env, hostile, "profile", "import", "-")
	if r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	noTerminalControls(t, "import's report", r.stderr)
	for _, want := range []string{"added profile colleague", "changed: client_secret: a command (cmd:…) became keyring",
		"changed: bearer: environment variable \"HOME_SECRET\" became keyring", "changed: dropped jwks url",
		"check:   base url \"" + srv.URL + "\" is not Dintero's API", "check:   redirect uri", "notes hold control"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("import's report lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "touch") {
		t.Errorf("the command is repeated:\n%s", r.stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "profiles.yaml"))
	if strings.Contains(string(data), "cmd:") || strings.Contains(string(data), "env:") || strings.Contains(string(data), "attacker") {
		t.Fatalf("profiles.yaml keeps what the import dropped:\n%s", data)
	}

	// Using the profile runs nothing: its secret is simply not there yet.
	r = runWithKeyring(t, kr, env, "", "token", "-p", "colleague")
	if r.code == 0 || !strings.Contains(r.stderr, "no client_secret for profile colleague in the keyring") {
		t.Fatalf("token -p: %+v", r)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the imported command ran")
	}
	if srv.Requests() != 0 {
		t.Fatalf("%d requests", srv.Requests())
	}
	noTerminalControls(t, "show", runWithKeyring(t, kr, env, "", "profile", "show", "colleague").stdout)
}

// A --force import keeps the local secret sources, and refuses to point a
// profile with stored secrets at another server.
func TestImportForceCannotRedirectStoredSecrets(t *testing.T) {
	kr := keyringtest.New()
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "prod", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "profiles.yaml"))
	elsewhere := `version: 1
profiles:
  - name: prod
    base_url: https://collector.attacker.example/v1
    account: ` + dinterotest.DemoAccount + `
    grant: client_credentials
    client_id: ` + dinterotest.DemoClientID + `
`
	r := runWithKeyring(t, kr, env, elsewhere, "profile", "import", "--force", "-")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "secrets (client_secret from keyring) would be sent") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("import --force elsewhere: %+v", r)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "profiles.yaml")); string(after) != string(before) {
		t.Fatal("profiles.yaml changed")
	}

	// Same server, new notes, secret source "cmd:" in the file: replaced,
	// the local keyring source kept, and the token still comes.
	same := `version: 1
profiles:
  - name: prod
    base_url: ` + srv.URL + `
    account: ` + dinterotest.DemoAccount + `
    grant: client_credentials
    client_id: ` + dinterotest.DemoClientID + `
    notes: shared by a colleague
    secrets:
      client_secret: cmd:false
`
	r = runWithKeyring(t, kr, env, same, "profile", "import", "--force", "-")
	if r.code != 0 || !strings.Contains(r.stderr, "replaced profile prod") || !strings.Contains(r.stderr, "kept the secret sources of your profile") {
		t.Fatalf("import --force: %+v", r)
	}
	r = runWithKeyring(t, kr, map[string]string{"TOKENBENCH_CONFIG_DIR": dir}, "", "profile", "show", "prod")
	if !strings.Contains(r.stdout, "client_secret from keyring") || !strings.Contains(r.stdout, "shared by a colleague") {
		t.Fatalf("show: %+v", r)
	}
	if r := runWithKeyring(t, kr, map[string]string{"TOKENBENCH_CONFIG_DIR": dir}, "", "token", "-p", "prod"); r.code != 0 {
		t.Fatalf("token: %+v", r)
	}
}

// Issue 9, item 10: list and show print every field sanitised.
func TestProfileListAndShowSanitise(t *testing.T) {
	dir := t.TempDir()
	// Valid on load (url.Parse takes U+202E), so it must be sanitised on
	// the way out.
	file := "version: 1\nprofiles:\n  - name: spoof\n    base_url: \"https://api.dintero.com/v1/\u202emoc.live\"\n" +
		"    account: T11223344\n    grant: password\n    client_id: \"cid\u2066\"\n    username: \"me\u200f\u2067x\"\n    audience: \"aud\u202d\"\n"
	if err := os.WriteFile(filepath.Join(dir, "profiles.yaml"), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	for _, args := range [][]string{{"profile", "list"}, {"profile", "show", "spoof"}} {
		r := runWithKeyring(t, keyringtest.New(), env, "", args...)
		if r.code != 0 || !strings.Contains(r.stdout, "moc.live") {
			t.Fatalf("%v: %+v", args, r)
		}
		noTerminalControls(t, strings.Join(args, " "), r.stdout+r.stderr)
	}
}

// Issue 9, item 5: a plain secrets file others can read is refused, with
// the chmod to run; list warns about it.
func TestLooseSecretsFileRefusedByCommands(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no mode bits")
	}
	kr := keyringtest.New()
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "p", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--insecure-storage"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	path := filepath.Join(dir, "secrets.yaml")
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	noSecret := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	r := runWithKeyring(t, kr, noSecret, "", "token", "-p", "p")
	if r.code == 0 || !strings.Contains(r.stderr, "chmod 600 "+path) || strings.Count(r.stderr, "\n") != 1 || r.stdout != "" || srv.Requests() != 0 {
		t.Fatalf("token -p with a loose secrets file: %+v", r)
	}
	assertNoSecrets(t, r)
	r = runWithKeyring(t, kr, noSecret, "", "profile", "list")
	if r.code != 0 || !strings.Contains(r.stderr, "warning: secrets file "+path+" can be read by others") {
		t.Fatalf("list: %+v", r)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runWithKeyring(t, kr, noSecret, "", "token", "-p", "p"); r.code != 0 {
		t.Fatalf("after chmod: %+v", r)
	}
}

// Issue 9, item 4: exec's command, a real child process, gets the token
// and none of the long-lived credentials in tokenbench's environment.
func TestExecChildGetsNoLongLivedSecrets(t *testing.T) {
	envPath, err := exec.LookPath("env")
	if err != nil {
		t.Skip("no env command")
	}
	kr := keyringtest.New()
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	secrets := map[string]string{
		"TOKENBENCH_CLIENT_SECRET": "cs-long-lived-1", "TOKENBENCH_PASSWORD": "pw-long-lived-2",
		"TOKENBENCH_BEARER": "bearer-long-lived-3", "TOKENBENCH_REFRESH_TOKEN": "rt-long-lived-4",
		"TOKENBENCH_BINDING_CODE": "123456", "TOKENBENCH_MFA_TOKEN": "mfa-long-lived-5",
		"MY_DINTERO_SECRET": dinterotest.DemoSecret, // a profile's env: source
	}
	for k, v := range secrets {
		t.Setenv(k, v)
	}
	t.Setenv("TOKENBENCH_CONFIG_DIR", dir)
	t.Setenv("UNRELATED_SETTING", "kept")
	t.Setenv("DINTERO_ACCESS_TOKEN", "stale-token-from-before")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "MY_DINTERO_SECRET": dinterotest.DemoSecret}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "demo", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoClientID, "--secret-source", "client_secret=env:MY_DINTERO_SECRET"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	r := runWithKeyring(t, kr, env, "", "exec", "-p", "demo", "--", envPath)
	if r.code != 0 {
		t.Fatalf("exec: %+v", r)
	}
	for k, v := range secrets {
		if strings.Contains(r.stdout, k+"=") || strings.Contains(r.stdout, v) {
			t.Errorf("the child sees %s", k)
		}
	}
	lines := "\n" + r.stdout
	for _, want := range []string{"\nUNRELATED_SETTING=kept\n", "\nTOKENBENCH_CONFIG_DIR=" + dir + "\n", "\nDINTERO_ACCOUNT_ID=" + dinterotest.DemoAccount + "\n", "\nDINTERO_ACCESS_TOKEN=eyJ"} {
		if !strings.Contains(lines, want) {
			t.Errorf("the child lacks %q", strings.TrimSpace(want))
		}
	}
	if strings.Count(r.stdout, "DINTERO_ACCESS_TOKEN=") != 1 || strings.Contains(r.stdout, "stale-token") {
		t.Errorf("the child's token:\n%s", r.stdout)
	}
}
