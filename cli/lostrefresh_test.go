package cli

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// Issue 18 item 11: when the refresh token a profile stores was spent
// without tokenbench seeing its successor (a crash between a rotating
// server's answer and the disk), the server's invalid_grant is said
// plainly, with the login that restores the profile; that login works.
func TestLostRefreshTokenSaysSoAndOffersTheLogin(t *testing.T) {
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.RotateRefreshTokens = true
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	dir := filepath.Join(t.TempDir(), "cfg")
	// A refresh token the server has already spent: another process used
	// it and was killed before it stored the new one.
	r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--grant", "password",
		"--client-id", dinterotest.DemoClientID, "--username", dinterotest.DemoUser, "-o", "env")
	_, rt, ok := strings.Cut(r.stdout, "export DINTERO_REFRESH_TOKEN=")
	if r.code != 0 || !ok {
		t.Fatalf("password grant: %+v", r)
	}
	rt = strings.TrimSpace(rt)
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret, "TOKENBENCH_REFRESH_TOKEN": rt}
	if r := runCLI(t, env, "", "profile", "add", "rt", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--grant", "refresh_token",
		"--client-id", dinterotest.DemoClientID, "--username", dinterotest.DemoUser, "--insecure-storage"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	spend := runCLI(t, map[string]string{"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret, "TOKENBENCH_REFRESH_TOKEN": rt}, "", "token", "--base-url", srv.URL,
		"--account", dinterotest.DemoAccount, "--grant", "refresh_token", "--client-id", dinterotest.DemoClientID)
	if spend.code != 0 {
		t.Fatalf("spending it elsewhere: %+v", spend)
	}

	cfgOnly := map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	r = runCLI(t, cfgOnly, "", "token", "-p", "rt")
	login := "tokenbench token -p rt --grant password --username " + dinterotest.DemoUser
	if r.code == 0 || !strings.Contains(r.stderr, "refused the stored refresh token (invalid_grant)") ||
		!strings.Contains(r.stderr, "never saw it used") || !strings.Contains(r.stderr, login) || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("got %+v, want one line that says the refresh token was lost and offers %q", r, login)
	}
	assertNoSecrets(t, r, rt)

	// The login offered stores a new refresh token in the profile.
	args := strings.Fields(strings.TrimPrefix(login, "tokenbench "))
	if r := runCLI(t, map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_PASSWORD": dinterotest.DemoPassword}, "", args...); r.code != 0 {
		t.Fatalf("the login offered: %+v", r)
	}
	if r := runCLI(t, cfgOnly, "", "token", "-p", "rt"); r.code != 0 {
		t.Fatalf("after the login: %+v", r)
	}
}
