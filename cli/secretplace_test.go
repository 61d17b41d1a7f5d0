package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// Issue 19 item 15: profile edit --update-secrets on a profile whose
// secrets are in the plain file moved them to the keyring unless
// --insecure-storage was given again, and failed where there is no
// keyring. An edit keeps each secret where it was unless asked to move it.
func TestEditUpdateSecretsKeepsEachSecretWhereItWas(t *testing.T) {
	noKeyring := keyringtest.Failing(fmt.Errorf("%w: no Secret Service here", profiles.ErrNoKeyring))
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": "first-secret"}
	if r := runWithKeyring(t, noKeyring, env, "", "profile", "add", "f", "--account", dinterotest.DemoAccount, "--client-id", "c", "--insecure-storage"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	env["TOKENBENCH_CLIENT_SECRET"] = "second-secret"
	r := runWithKeyring(t, noKeyring, env, "", "profile", "edit", "f", "--update-secrets")
	if r.code != 0 {
		t.Fatalf("edit --update-secrets without a keyring: %+v", r)
	}
	assertSecretIn(t, dir, "f", profiles.SourceFile, "second-secret", nil)

	// With a keyring there, the secret stays in the file all the same.
	kr := keyringtest.New()
	env["TOKENBENCH_CLIENT_SECRET"] = "third-secret"
	if r := runWithKeyring(t, kr, env, "", "profile", "edit", "f", "--update-secrets"); r.code != 0 {
		t.Fatalf("edit: %+v", r)
	}
	assertSecretIn(t, dir, "f", profiles.SourceFile, "third-secret", kr)
	if kr.Len() != 0 {
		t.Fatalf("the keyring holds %d items", kr.Len())
	}

	// A secret new to the profile joins the others in the file.
	env["TOKENBENCH_PASSWORD"] = "pw-in-file"
	if r := runWithKeyring(t, noKeyring, env, "", "profile", "edit", "f", "--update-secrets", "--store-password", "--grant", "password", "--username", "u@example.com"); r.code != 0 {
		t.Fatalf("edit adding a password: %+v", r)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "profiles.yaml")); !strings.Contains(string(data), "password: file") {
		t.Fatalf("the password is not kept in the file:\n%s", data)
	}

	// Asked to move: --secret-source keyring.
	env["TOKENBENCH_CLIENT_SECRET"] = "fourth-secret"
	if r := runWithKeyring(t, kr, env, "", "profile", "edit", "f", "--update-secrets", "--secret-source", "client_secret=keyring"); r.code != 0 {
		t.Fatalf("edit to the keyring: %+v", r)
	}
	assertSecretIn(t, dir, "f", profiles.SourceKeyring, "fourth-secret", kr)

	// And a keyring secret stays in the keyring.
	env["TOKENBENCH_CLIENT_SECRET"] = "fifth-secret"
	if r := runWithKeyring(t, kr, env, "", "profile", "edit", "f", "--update-secrets"); r.code != 0 {
		t.Fatalf("edit: %+v", r)
	}
	assertSecretIn(t, dir, "f", profiles.SourceKeyring, "fifth-secret", kr)
	if data, _ := os.ReadFile(filepath.Join(dir, profiles.SecretsFileName)); strings.Contains(string(data), "secret") && strings.Contains(string(data), "client_secret") {
		t.Fatalf("the file still holds a client secret:\n%s", data)
	}
}

// assertSecretIn checks where profile name keeps its client secret (the
// profiles file) and what it reads.
func assertSecretIn(t *testing.T, dir, name string, src profiles.Source, want string, kr profiles.Keyring) {
	t.Helper()
	st := &profiles.Store{Dir: dir}
	p, err := st.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Secrets[profiles.ClientSecret]; got != src {
		t.Fatalf("the client secret is kept in %q, want %q", got, src)
	}
	if kr == nil {
		kr = keyringtest.New()
	}
	sec := &profiles.Secrets{Store: st, Keyring: kr, Getenv: func(string) string { return "" }}
	if got, err := sec.Get(context.Background(), p, profiles.ClientSecret); err != nil || got != want {
		t.Fatalf("the client secret reads %q, %v; want %q", got, err, want)
	}
}
