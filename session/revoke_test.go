package session

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
)

// TestRevokeRemovesTheRefreshTokenFromTheStore: a revoke through the
// service revokes the stored refresh token at the server, removes it from
// the keyring and the kept tokens, and the held token offers it no more; a
// failed revoke removes nothing.
func TestRevokeRemovesTheRefreshTokenFromTheStore(t *testing.T) {
	srv := fakeServer(t, dinterotest.DemoConfig(time.Hour))
	svc := newService(t, configDir(t), newFakeKeyring())
	p, req := savedPasswordProfile(t, svc, srv.URL)
	ctx := context.Background()
	res, _, err := svc.Run(ctx, p, req, runStart(t, svc, p))
	if err != nil {
		t.Fatal(err)
	}
	rt := res.RefreshToken
	runner, err := svc.NewRunner(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	revoke := func(ctx context.Context, token string) error {
		return runner.Revoke(ctx, flows.RevokeRequest{Account: p.Account, ClientID: p.ClientID, ClientSecret: dinterotest.DemoSecret, RefreshToken: token})
	}

	refused := errors.New("refused on purpose")
	if _, err := svc.Revoke(ctx, "pw", func(context.Context, string) error { return refused }); !errors.Is(err, refused) {
		t.Fatalf("failed revoke: %v", err)
	}
	if got := secretOf(t, svc, "pw", profiles.RefreshToken); got != rt {
		t.Fatal("a failed revoke removed the refresh token")
	}

	out, err := svc.Revoke(ctx, "pw", revoke)
	if err != nil || !out.Revoked || !out.Removed || out.RefreshToken != rt {
		t.Fatalf("revoke: %+v %v", out, err)
	}
	if _, err := svc.Secrets.Get(ctx, p, profiles.RefreshToken); !errors.Is(err, profiles.ErrNotSet) {
		t.Fatalf("the refresh token is still stored: %v", err)
	}
	if kept, err := svc.Secrets.KeptTokens(ctx, p); err != nil || kept.RefreshToken != "" || kept.AccessToken == "" {
		t.Fatalf("kept tokens: %+v %v", kept, err)
	}
	if held, _ := svc.Held("pw"); held.RefreshToken != "" {
		t.Fatal("the held token still has the refresh token")
	}
	from := *res
	if _, _, err := runner.Refresh(ctx, &from); err == nil {
		t.Fatal("the server still takes the revoked refresh token")
	}
}

// TestForgetRevokedLeavesARotatedToken: the CLI revokes a refresh token it
// read, then asks the service to forget it. A refresh token rotated in
// between by another run is a different, valid one: it stays. (The CLI's
// own removal deleted whatever was stored, without the profile lock.)
func TestForgetRevokedLeavesARotatedToken(t *testing.T) {
	svc := newService(t, configDir(t), newFakeKeyring())
	p := clientProfile("pw", "https://api.dintero.com/v1")
	p.Grant, p.Username = string(client.GrantPassword), dinterotest.DemoUser
	p.Secrets[profiles.RefreshToken] = profiles.SourceKeyring
	ctx := context.Background()
	if err := svc.Create(ctx, p, Values{profiles.ClientSecret: "s", profiles.RefreshToken: "rt-rotated-by-another-run"}); err != nil {
		t.Fatal(err)
	}
	removed, err := svc.ForgetRevoked(ctx, p, "rt-revoked-old")
	if err != nil || removed {
		t.Fatalf("ForgetRevoked of an older token: removed=%v, %v", removed, err)
	}
	if got := secretOf(t, svc, "pw", profiles.RefreshToken); got != "rt-rotated-by-another-run" {
		t.Fatalf("the rotated refresh token was lost: %q", got)
	}
	removed, err = svc.ForgetRevoked(ctx, p, "rt-rotated-by-another-run")
	if err != nil || !removed {
		t.Fatalf("ForgetRevoked of the stored token: removed=%v, %v", removed, err)
	}
	if _, err := svc.Secrets.Get(ctx, p, profiles.RefreshToken); !errors.Is(err, profiles.ErrNotSet) {
		t.Fatalf("the revoked refresh token is still stored: %v", err)
	}
}

// savedPasswordProfile saves "pw": the demo's password grant at base, its
// refresh token in the keyring, tokens kept. It returns the profile and a
// request with its secrets filled in.
func savedPasswordProfile(t *testing.T, svc *Service, base string) (profiles.Profile, flows.Request) {
	t.Helper()
	p := clientProfile("pw", base)
	p.Grant, p.Username = string(client.GrantPassword), dinterotest.DemoUser
	p.Secrets[profiles.RefreshToken] = profiles.SourceKeyring
	p.KeepTokens = true
	if err := svc.Create(context.Background(), p, Values{profiles.ClientSecret: dinterotest.DemoSecret}); err != nil {
		t.Fatal(err)
	}
	req := p.Request()
	req.ClientSecret, req.Password = dinterotest.DemoSecret, dinterotest.DemoPassword
	return p, req
}
