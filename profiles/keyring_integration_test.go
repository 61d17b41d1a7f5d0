package profiles

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// TestRealSecretService runs against a real Secret Service (gnome-keyring
// on a private D-Bus session), not the mock: .ci/run starts one and sets
// TOKENBENCH_KEYRING_IT=1. It adds a profile with a secret through the
// app's own code, reads it back in a new process, deletes the profile, and
// finds the keyring item gone.
func TestRealSecretService(t *testing.T) {
	if os.Getenv("TOKENBENCH_KEYRING_IT") != "1" {
		t.Skip("set TOKENBENCH_KEYRING_IT=1 inside dbus-run-session with gnome-keyring-daemon --unlock (.ci/run does)")
	}
	if os.Getenv("TOKENBENCH_TEST_HELPER") != "" {
		t.Skip("helper process")
	}
	dir := filepath.Join(t.TempDir(), "cfg")
	st := &Store{Dir: dir}
	sec := NewSecrets(st)
	p := Profile{Name: "it-" + strings.ReplaceAll(t.Name(), "/", "-"), Account: "T11223344", Grant: "client_credentials", ClientID: "it",
		Secrets: map[Kind]Source{ClientSecret: SourceKeyring}}
	const secret = "it-secret-value-0123456789"
	if err := sec.Put(p, ClientSecret, secret); err != nil {
		t.Fatalf("keyring write: %v", err)
	}
	if err := st.Add(p); err != nil {
		t.Fatal(err)
	}
	// A new process reads it back through the same code.
	cmd := exec.Command(os.Args[0], "-test.run=^TestRealSecretServiceHelper$")
	cmd.Env = append(os.Environ(), "TOKENBENCH_TEST_READ_DIR="+dir, "TOKENBENCH_TEST_READ_NAME="+p.Name)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "read-back-ok") {
		t.Fatalf("read back in a new process: %v\n%s", err, out)
	}
	// Delete the profile and its secrets: the item is gone from the keyring.
	if err := st.Remove(p.Name); err != nil {
		t.Fatal(err)
	}
	if err := sec.DeleteAll(p); err != nil {
		t.Fatal(err)
	}
	id, err := sec.keyringID()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get(KeyringService, keyringUser(id, p.Name, ClientSecret)); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("keyring item still there: %v", err)
	}
}

// Issue 18 item 2, against the real Secret Service: two config directories
// with profiles of the same name keep a secret each; deleting one's leaves
// the other's; names that differ in case are two items; an item an older
// version named by profile alone moves to the directory that used it
// (and is gone under the old name), and another directory cannot read it.
func TestRealSecretServiceKeepsSecretsPerDirectory(t *testing.T) {
	if os.Getenv("TOKENBENCH_KEYRING_IT") != "1" {
		t.Skip("set TOKENBENCH_KEYRING_IT=1 inside dbus-run-session with gnome-keyring-daemon --unlock (.ci/run does)")
	}
	if os.Getenv("TOKENBENCH_TEST_HELPER") != "" {
		t.Skip("helper process")
	}
	ctx := context.Background()
	root := t.TempDir()
	name := "it-dirs-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	mk := func(dir, profile string) (*Secrets, Profile) {
		st := &Store{Dir: filepath.Join(root, dir)}
		p := Profile{Name: profile, Account: "T11223344", Grant: "client_credentials", ClientID: "it",
			Secrets: map[Kind]Source{ClientSecret: SourceKeyring}}
		if err := st.Add(p); err != nil {
			t.Fatal(err)
		}
		return NewSecrets(st), p
	}
	a, pa := mk("a", name)
	b, pb := mk("b", name)
	upper, pu := mk("a-upper", strings.ToUpper(name[:1])+name[1:])
	t.Cleanup(func() {
		_ = a.DeleteAll(pa)
		_ = b.DeleteAll(pb)
		_ = upper.DeleteAll(pu)
	})
	for _, c := range []struct {
		sec *Secrets
		p   Profile
		v   string
	}{{a, pa, "secret-of-a"}, {b, pb, "secret-of-b"}, {upper, pu, "secret-of-upper"}} {
		if err := c.sec.Put(c.p, ClientSecret, c.v); err != nil {
			t.Fatalf("keyring write: %v", err)
		}
	}
	read := func(sec *Secrets, p Profile) string {
		t.Helper()
		v, err := sec.Get(ctx, p, ClientSecret)
		if err != nil {
			return "error: " + err.Error()
		}
		return v
	}
	if got := read(a, pa); got != "secret-of-a" {
		t.Fatalf("a reads %q", got)
	}
	if got := read(upper, pu); got != "secret-of-upper" {
		t.Fatalf("%s reads %q", pu.Name, got)
	}
	if err := b.DeleteAll(pb); err != nil {
		t.Fatal(err)
	}
	if got := read(a, pa); got != "secret-of-a" {
		t.Fatalf("after b's delete a reads %q", got)
	}

	// An item named by profile alone, as older versions did, and a directory that
	// an older version used (its profiles file there before its id).
	legacyName := name + "-legacy"
	if err := keyring.Set(KeyringService, legacyKeyringUser(legacyName, ClientSecret), "legacy-secret"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = keyring.Delete(KeyringService, legacyKeyringUser(legacyName, ClientSecret)) })
	// The default config directory is the one an older version used.
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(root, "xdg"))
	oldDir := filepath.Join(root, "xdg", "tokenbench")
	p := Profile{Name: legacyName, Account: "T11223344", Grant: "client_credentials", ClientID: "it", Secrets: map[Kind]Source{ClientSecret: SourceKeyring}}
	// Written as that version wrote it: a profiles file and no id.
	oldStyle := func(dir string) {
		t.Helper()
		doc, err := Export([]Profile{p})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, FileName), doc, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A shared folder with a profile of the same name, asking first, takes
	// nothing and is told how to adopt.
	oldStyle(filepath.Join(root, "shared"))
	shared := NewSecrets(&Store{Dir: filepath.Join(root, "shared")})
	if got := read(shared, p); !strings.Contains(got, "no client_secret") || !strings.Contains(got, "adopt-legacy-secrets") {
		t.Fatalf("a shared folder reads the old item: %q", got)
	}
	if v, err := keyring.Get(KeyringService, legacyKeyringUser(legacyName, ClientSecret)); err != nil || v != "legacy-secret" {
		t.Fatalf("the shared folder moved the old item: %q, %v", v, err)
	}
	oldStyle(oldDir)
	old := NewSecrets(&Store{Dir: oldDir})
	t.Cleanup(func() { _ = old.DeleteAll(p) })
	if got := read(old, p); got != "legacy-secret" {
		t.Fatalf("the old item reads %q", got)
	}
	if _, err := keyring.Get(KeyringService, legacyKeyringUser(legacyName, ClientSecret)); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("the old item is still under its old name: %v", err)
	}
	// In a new process, as after a restart.
	cmd := exec.Command(os.Args[0], "-test.run=^TestRealSecretServiceHelper$")
	cmd.Env = append(os.Environ(), "TOKENBENCH_TEST_READ_DIR="+oldDir, "TOKENBENCH_TEST_READ_NAME="+legacyName, "TOKENBENCH_TEST_READ_WANT=legacy-secret")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "read-back-ok") {
		t.Fatalf("read back in a new process: %v\n%s", err, out)
	}
	// Another directory an older version used, with the same profile.
	oldStyle(filepath.Join(root, "other"))
	other := NewSecrets(&Store{Dir: filepath.Join(root, "other")})
	if got := read(other, p); !strings.Contains(got, "no client_secret") {
		t.Fatalf("another directory reads the moved item: %q", got)
	}

	// A directory an older version used through --config-dir adopts its
	// item when told to.
	adoptName := name + "-adopt"
	if err := keyring.Set(KeyringService, legacyKeyringUser(adoptName, ClientSecret), "adopt-secret"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = keyring.Delete(KeyringService, legacyKeyringUser(adoptName, ClientSecret)) })
	pad := p
	pad.Name = adoptName
	named := filepath.Join(root, "named")
	if err := os.MkdirAll(named, 0o700); err != nil {
		t.Fatal(err)
	}
	doc, err := Export([]Profile{pad})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(named, FileName), doc, 0o600); err != nil {
		t.Fatal(err)
	}
	ns := NewSecrets(&Store{Dir: named})
	t.Cleanup(func() { _ = ns.DeleteAll(pad) })
	if got := read(ns, pad); !strings.Contains(got, "no client_secret") {
		t.Fatalf("a named directory took its old item on its own: %q", got)
	}
	if moved, err := ns.AdoptLegacy(nil); err != nil || len(moved) != 1 {
		t.Fatalf("adopt: %v, %v", moved, err)
	}
	if got := read(ns, pad); got != "adopt-secret" {
		t.Fatalf("after adopting: %q", got)
	}
}

func TestRealSecretServiceHelper(t *testing.T) {
	dir, name := os.Getenv("TOKENBENCH_TEST_READ_DIR"), os.Getenv("TOKENBENCH_TEST_READ_NAME")
	if dir == "" {
		t.Skip("helper of TestRealSecretService")
	}
	st := &Store{Dir: dir}
	p, err := st.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewSecrets(st).Get(context.Background(), p, ClientSecret)
	want := os.Getenv("TOKENBENCH_TEST_READ_WANT")
	if want == "" {
		want = "it-secret-value-0123456789"
	}
	if err != nil || v != want {
		t.Fatalf("got %q, %v", v, err)
	}
	os.Stdout.WriteString("read-back-ok\n")
}

// Without D-Bus the same code fails fast with the clear no-keyring message.
func TestNoSecretServiceFailsFast(t *testing.T) {
	if os.Getenv("TOKENBENCH_KEYRING_IT") == "1" {
		t.Skip("a Secret Service is running")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
	sec := NewSecrets(&Store{Dir: t.TempDir()})
	p := Profile{Name: "x", Account: "T11223344", Grant: "client_credentials", Secrets: map[Kind]Source{ClientSecret: SourceKeyring}}
	err := sec.Put(p, ClientSecret, "s")
	if !errors.Is(err, ErrNoKeyring) || !strings.Contains(err.Error(), "--insecure-storage") {
		t.Fatalf("got %v", err)
	}
}
