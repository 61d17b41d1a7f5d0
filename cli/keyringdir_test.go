package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// caseBlindKeyring is Windows' Credential Manager as the keyring sees it:
// names that differ only in case are one item.
type caseBlindKeyring struct{ *keyringtest.Keyring }

func (k caseBlindKeyring) Get(service, user string) (string, error) {
	return k.Keyring.Get(strings.ToLower(service), strings.ToLower(user))
}

func (k caseBlindKeyring) Set(service, user, secret string) error {
	return k.Keyring.Set(strings.ToLower(service), strings.ToLower(user), secret)
}

func (k caseBlindKeyring) Delete(service, user string) error {
	return k.Keyring.Delete(strings.ToLower(service), strings.ToLower(user))
}

// Issue 18 item 2: secrets belong to their config directory. A
// profiles.yaml in another directory (a shared folder, another
// --config-dir) names a profile of this one: it cannot read its secret,
// and its add and rm leave this directory's secret alone. A copy of the
// directory starts without secrets; a moved one keeps them. Prod and prod
// never share a secret, even where the keyring ignores case.
func TestSecretsBelongToTheirConfigDirectory(t *testing.T) {
	srv := fake(t)
	kr := caseBlindKeyring{keyringtest.New()}
	root := t.TempDir()
	home, shared := filepath.Join(root, "home"), filepath.Join(root, "shared")
	cli := func(dir string, env map[string]string, args ...string) run {
		t.Helper()
		all := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
		for k, v := range env {
			all[k] = v
		}
		return runWithKeyring(t, kr, all, "", args...)
	}
	add := func(dir, name, secret string) {
		t.Helper()
		if r := cli(dir, map[string]string{"TOKENBENCH_CLIENT_SECRET": secret}, "profile", "add", name, "--base-url", srv.URL,
			"--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID); r.code != 0 {
			t.Fatalf("add %s in %s: %+v", name, dir, r)
		}
	}
	works := func(dir, name string) {
		t.Helper()
		if r := cli(dir, nil, "token", "-p", name); r.code != 0 {
			t.Fatalf("token -p %s in %s: %+v", name, dir, r)
		}
	}
	add(home, "prod", dinterotest.DemoSecret)
	add(home, "Prod", "the-other-prod-secret")
	works(home, "prod")
	if got, err := keyringSecret(home, kr, "Prod"); err != nil || got != "the-other-prod-secret" {
		t.Fatalf("Prod's secret is %q, %v: Prod and prod share an item", got, err)
	}

	// The same profiles file in a shared folder.
	if err := os.MkdirAll(shared, 0o700); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(home, "profiles.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shared, "profiles.yaml"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	r := cli(shared, nil, "token", "-p", "prod")
	if r.code == 0 || !strings.Contains(r.stderr, "no client_secret for profile prod in the keyring") {
		t.Fatalf("another directory used this one's secret: %+v", r)
	}
	if r := cli(shared, nil, "profile", "rm", "prod"); r.code != 0 {
		t.Fatalf("rm in the shared folder: %+v", r)
	}
	add(shared, "prod", "shared-folder-secret")
	works(home, "prod")
	if got, _ := keyringSecret(home, kr, "prod"); got != dinterotest.DemoSecret {
		t.Fatalf("the shared folder wrote over this directory's secret: %q", got)
	}

	// A copy starts without the secrets, and says why.
	cp := filepath.Join(root, "copy")
	if out, err := exec.Command("cp", "-a", home, cp).CombinedOutput(); err != nil {
		t.Skipf("cp -a: %v %s", err, out)
	}
	r = cli(cp, nil, "token", "-p", "prod")
	if r.code == 0 || !strings.Contains(r.stderr, "this directory is a copy of "+home) {
		t.Fatalf("a copy: %+v", r)
	}
	if r := cli(cp, nil, "profile", "rm", "prod"); r.code != 0 {
		t.Fatalf("rm in the copy: %+v", r)
	}
	works(home, "prod")

	// A move keeps them.
	moved := filepath.Join(root, "moved")
	if err := os.Rename(home, moved); err != nil {
		t.Fatal(err)
	}
	works(moved, "prod")
}

// Keyring items that older versions named by profile alone move under the
// default directory's names on first use, losing nothing; then no other
// directory can name them. Another directory with a profile of the same
// name (a colleague's shared folder, a checkout) never takes one on its
// own, even when it asks first: it says how to adopt it. A directory this
// version made never takes one.
func TestOldKeyringItemsMoveToTheirDirectory(t *testing.T) {
	srv := fake(t)
	kr := keyringtest.New()
	root := t.TempDir()
	xdg := filepath.Join(root, "xdg")
	old, other, scratch := filepath.Join(xdg, "tokenbench"), filepath.Join(root, "other"), filepath.Join(root, "scratch")
	profile := "name: legacy\n    base_url: " + srv.URL + "\n    account: " + dinterotest.DemoAccount + "\n    grant: client_credentials\n    client_id: " + dinterotest.DemoClientID + "\n    secrets:\n      client_secret: keyring\n"
	for _, dir := range []string{old, other} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "profiles.yaml"), []byte("version: 1\nprofiles:\n  - "+profile), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// What a version before 0.9 left in the keyring.
	for name, v := range map[string]string{"legacy": dinterotest.DemoSecret, "fresh": "not-the-scratch-directory's"} {
		if err := kr.Set(profiles.KeyringService, "profile:"+name+":client_secret", v); err != nil {
			t.Fatal(err)
		}
	}
	env := func(dir string) map[string]string {
		if dir == old {
			return map[string]string{"XDG_CONFIG_HOME": xdg, "HOME": root}
		}
		return map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "XDG_CONFIG_HOME": xdg, "HOME": root}
	}
	// The shared folder asks first: it gets nothing, and is told how to
	// adopt the item if it is its own.
	r := runWithKeyring(t, kr, env(other), "", "token", "-p", "legacy")
	if r.code == 0 || !strings.Contains(r.stderr, "no client_secret for profile legacy in the keyring") || !strings.Contains(r.stderr, "tokenbench --config-dir "+other+" profile adopt-legacy-secrets legacy") {
		t.Fatalf("a shared folder asking first: %+v", r)
	}
	if got, err := kr.Get(profiles.KeyringService, "profile:legacy:client_secret"); err != nil || got != dinterotest.DemoSecret {
		t.Fatalf("the shared folder took the old item: %q, %v", got, err)
	}
	if r := runWithKeyring(t, kr, env(old), "", "profile", "list"); r.code != 0 {
		t.Fatalf("list: %+v", r)
	}
	if r := runWithKeyring(t, kr, env(old), "", "token", "-p", "legacy"); r.code != 0 {
		t.Fatalf("token -p legacy after the upgrade: %+v", r)
	}
	if _, err := kr.Get(profiles.KeyringService, "profile:legacy:client_secret"); err != keyring.ErrNotFound {
		t.Fatalf("the old item is still there: %v", err)
	}
	if got, err := keyringSecret(old, kr, "legacy"); err != nil || got != dinterotest.DemoSecret {
		t.Fatalf("moved secret: %q, %v", got, err)
	}
	if r := runWithKeyring(t, kr, env(other), "", "token", "-p", "legacy"); r.code == 0 {
		t.Fatalf("another directory named the moved secret: %+v", r)
	}

	// A directory made now, whose first act is an add, takes no old item.
	r = runWithKeyring(t, kr, map[string]string{"TOKENBENCH_CONFIG_DIR": scratch, "TOKENBENCH_CLIENT_SECRET": "scratch-secret"}, "",
		"profile", "add", "fresh", "--account", dinterotest.DemoAccount, "--client-id", "c")
	if r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if got, err := kr.Get(profiles.KeyringService, "profile:fresh:client_secret"); err != nil || got != "not-the-scratch-directory's" {
		t.Fatalf("the old item was taken or changed: %q, %v", got, err)
	}

	// Nor does the target of a scratch import, when it first reads one.
	if err := kr.Set(profiles.KeyringService, "profile:exported:client_secret", "the-exporter's"); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(root, "export.yaml")
	if err := os.WriteFile(export, []byte("version: 1\nprofiles:\n  - "+strings.Replace(profile, "legacy", "exported", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	imported := filepath.Join(root, "imported")
	if r := runWithKeyring(t, kr, env(imported), "", "profile", "import", export); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	if r := runWithKeyring(t, kr, env(imported), "", "token", "-p", "exported"); r.code == 0 {
		t.Fatalf("the import's target used another directory's old item: %+v", r)
	}
	if got, err := kr.Get(profiles.KeyringService, "profile:exported:client_secret"); err != nil || got != "the-exporter's" {
		t.Fatalf("the old item was taken: %q, %v", got, err)
	}
}

// A directory an older version used through --config-dir takes its old
// items when told to, with profile adopt-legacy-secrets, and only those of
// its own profiles.
func TestAdoptLegacySecrets(t *testing.T) {
	srv := fake(t)
	kr := keyringtest.New()
	root := t.TempDir()
	dir := filepath.Join(root, "mine")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	profile := "name: mine\n    base_url: " + srv.URL + "\n    account: " + dinterotest.DemoAccount + "\n    grant: client_credentials\n    client_id: " + dinterotest.DemoClientID + "\n    secrets:\n      client_secret: keyring\n"
	if err := os.WriteFile(filepath.Join(dir, "profiles.yaml"), []byte("version: 1\nprofiles:\n  - "+profile), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]string{"mine": dinterotest.DemoSecret, "theirs": "not-mine"} {
		if err := kr.Set(profiles.KeyringService, "profile:"+name+":client_secret", v); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"XDG_CONFIG_HOME": filepath.Join(root, "xdg"), "HOME": root}
	if r := runWithKeyring(t, kr, env, "", "--config-dir", dir, "token", "-p", "mine"); r.code == 0 {
		t.Fatalf("a named directory took the old item on its own: %+v", r)
	}
	if r := runWithKeyring(t, kr, env, "", "--config-dir", dir, "profile", "adopt-legacy-secrets", "nosuch"); r.code != 2 {
		t.Fatalf("adopt of a profile not there: %+v", r)
	}
	r := runWithKeyring(t, kr, env, "", "--config-dir", dir, "profile", "adopt-legacy-secrets")
	if r.code != 0 || !strings.Contains(r.stderr, "adopted mine client_secret") || strings.Contains(r.stderr, dinterotest.DemoSecret) {
		t.Fatalf("adopt: %+v", r)
	}
	if r := runWithKeyring(t, kr, env, "", "--config-dir", dir, "token", "-p", "mine"); r.code != 0 {
		t.Fatalf("token after adopting: %+v", r)
	}
	if _, err := kr.Get(profiles.KeyringService, "profile:mine:client_secret"); err != keyring.ErrNotFound {
		t.Fatalf("the old item is still there: %v", err)
	}
	if got, err := kr.Get(profiles.KeyringService, "profile:theirs:client_secret"); err != nil || got != "not-mine" {
		t.Fatalf("another profile's old item: %q, %v", got, err)
	}
	r = runWithKeyring(t, kr, env, "", "--config-dir", dir, "profile", "adopt-legacy-secrets")
	if r.code != 0 || !strings.Contains(r.stderr, "no secret of an older version to adopt") {
		t.Fatalf("adopt again: %+v", r)
	}
}
