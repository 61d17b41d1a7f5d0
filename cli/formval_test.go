package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// Issue (new user): profile add saved a password profile without a
// username, which no run could use; an empty name was a bad name.
func TestProfileAddRequiresUsernameAndName(t *testing.T) {
	kr := keyringtest.New()
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}

	r := runWithKeyring(t, kr, env, "", "profile", "add", "pw", "--grant", "password", "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "username is required") || !strings.Contains(r.stderr, "--username") {
		t.Fatalf("add without a username: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "profiles.yaml")); err == nil {
		data, _ := os.ReadFile(filepath.Join(dir, "profiles.yaml"))
		if strings.Contains(string(data), "name: pw") {
			t.Fatalf("saved without a username:\n%s", data)
		}
	}

	r = runWithKeyring(t, kr, env, "", "profile", "add", "", "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID)
	if r.code == 0 || !strings.Contains(r.stderr, "name is required") {
		t.Fatalf("add with an empty name: %+v", r)
	}

	r = runWithKeyring(t, kr, env, "", "profile", "add", "pw", "--grant", "password", "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--username", "user@example.com")
	if r.code != 0 || !strings.Contains(r.stderr, "profile pw added") {
		t.Fatalf("complete add: %+v", r)
	}
}
