package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// TestRevokeProfileWaitsForTheProfileLock: revoke -p spends the profile's
// refresh token under the profile's lock, as a refresh does (the one
// revoke the TUI uses too): while another tokenbench holds the lock,
// nothing is revoked; once it is released, the token is revoked and
// removed from the store.
func TestRevokeProfileWaitsForTheProfileLock(t *testing.T) {
	kr := keyringtest.New()
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret, "TOKENBENCH_PASSWORD": dinterotest.DemoPassword}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "support", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoClientID, "--grant", "password", "--username", dinterotest.DemoUser, "--keep-tokens"); r.code != 0 {
		t.Fatalf("profile add: %+v", r)
	}
	r := runWithKeyring(t, kr, env, "", "token", "-p", "support", "-o", "json")
	var tok struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &tok); r.code != 0 || tok.RefreshToken == "" {
		t.Fatalf("token -p: %v %+v", err, r)
	}

	done := make(chan run, 1)
	st := &profiles.Store{Dir: dir}
	err := st.WithProfileLock(context.Background(), "support", func() error {
		go func() {
			done <- runWithKeyring(t, kr, map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret}, "", "revoke", "-p", "support")
		}()
		time.Sleep(700 * time.Millisecond)
		if !srv.RefreshTokenLive(tok.RefreshToken) {
			t.Error("revoked while another tokenbench held the profile's lock")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r = <-done
	if r.code != 0 || !strings.Contains(r.stderr, "and removed it from the store") {
		t.Fatalf("revoke -p: %+v", r)
	}
	if srv.RefreshTokenLive(tok.RefreshToken) {
		t.Fatal("the refresh token is still live")
	}
}
