package session

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
)

// Issue 18 item 11: a refresh (the TUI's r and auto-refresh) with a
// stored refresh token that was spent elsewhere says so, and offers the
// login that restores the profile, in the session's error.
func TestRefreshOfALostRefreshTokenSaysSo(t *testing.T) {
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.RotateRefreshTokens = true
	srv := fakeServer(t, cfg)
	svc := newService(t, configDir(t), newFakeKeyring())
	p := refreshProfile(t, svc, srv)
	ctx := context.Background()
	req := p.Request()
	req.ClientSecret = dinterotest.DemoSecret
	if _, _, err := svc.Run(ctx, p, req, runStart(t, svc, p)); err != nil {
		t.Fatal(err)
	}
	// Another process spends the stored token and dies before storing
	// the one it got.
	stored, err := svc.Secrets.Get(ctx, p, profiles.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(client.Options{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	spend := req
	spend.RefreshToken = stored
	if _, _, err := flows.NewRunner(c).Start(ctx, spend); err != nil {
		t.Fatal(err)
	}

	_, err = svc.Refresh(ctx, p.Name)
	var lost *RefreshTokenLostError
	if !errors.As(err, &lost) || !strings.Contains(err.Error(), "never saw it used") ||
		!strings.Contains(err.Error(), "tokenbench token -p "+p.Name+" --grant password") || strings.Contains(err.Error(), stored) {
		t.Fatalf("got %v", err)
	}
}
