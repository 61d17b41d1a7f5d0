package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// Issue (new user): a JWKS URL that is no URL was saved, and every run's
// signature check then failed naming the base URL. profile add and edit
// refuse it, naming the JWKS URL and its flag.
func TestProfileRefusesAnInvalidJWKSURL(t *testing.T) {
	kr := keyringtest.New()
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": "s"}
	add := []string{"profile", "add", "j", "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}

	r := runWithKeyring(t, kr, env, "", append(add, "--jwks-url", "edited note")...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, `JWKS URL "edited note" is not an absolute URL`) || !strings.Contains(r.stderr, "--jwks-url") || strings.Contains(r.stderr, "base URL") {
		t.Fatalf("add with a JWKS URL that is no URL: %+v", r)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "profiles.yaml")); err == nil && strings.Contains(string(data), "edited note") {
		t.Fatalf("saved:\n%s", data)
	}
	r = runWithKeyring(t, kr, env, "", append(add, "--jwks-url", "https://keys.example.com/jwks?kid=1")...)
	if r.code != 0 {
		t.Fatalf("add with a good JWKS URL: %+v", r)
	}
	r = runWithKeyring(t, kr, env, "", "profile", "edit", "j", "--jwks-url", "http://keys.example.com/jwks")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--jwks-url") || !strings.Contains(r.stderr, "plain http") {
		t.Fatalf("edit to a plain http JWKS URL: %+v", r)
	}
}
