package profiles

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
	if _, err := keyring.Get(KeyringService, keyringUser(p.Name, ClientSecret)); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("keyring item still there: %v", err)
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
	if err != nil || v != "it-secret-value-0123456789" {
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
