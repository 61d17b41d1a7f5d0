package session

import (
	"context"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
)

// A saved refresh_token profile run from the TUI (session.Flow, its form
// filled from the store) spends the stored refresh token under the
// profile's lock, as the CLI and auto-refresh do: while another tokenbench
// holds the lock, nothing is sent; then the latest stored token is spent
// and the rotated one stored.
func TestFlowSpendsAStoredRefreshTokenUnderTheProfileLock(t *testing.T) {
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.RotateRefreshTokens = true
	srv := fakeServer(t, cfg)
	dir := configDir(t)
	setupCrashRound(t, dir, srv)
	svc := newService(t, dir, nil)
	ctx := context.Background()
	p, err := svc.Store.Get(crashName(0))
	if err != nil {
		t.Fatal(err)
	}
	stored, err := svc.Secrets.Get(ctx, p, profiles.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	runner, err := svc.NewRunner(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	f := &Flow{Service: svc, Runner: runner, BaseURL: srv.URL, Held: p.Name, Profile: p, Saved: true}
	req := p.Request()
	req.ClientSecret, req.RefreshToken = dinterotest.DemoSecret, stored // as the form fills it

	type answer struct {
		out Outcome
		err error
	}
	done := make(chan answer, 1)
	err = svc.Store.WithProfileLock(ctx, p.Name, func() error {
		go func() {
			out, err := f.Start(ctx, req)
			done <- answer{out, err}
		}()
		time.Sleep(500 * time.Millisecond)
		if !srv.RefreshTokenLive(stored) {
			t.Error("the stored refresh token was spent while another tokenbench held the profile's lock")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	a := <-done
	if a.err != nil || a.out.Result == nil {
		t.Fatalf("Start: %v", a.err)
	}
	if srv.RefreshTokenLive(stored) {
		t.Fatal("the stored refresh token is still live: it was not spent")
	}
	now, err := svc.Secrets.Get(ctx, p, profiles.RefreshToken)
	if err != nil || now == stored || !srv.RefreshTokenLive(now) {
		t.Fatalf("the rotated refresh token was not stored (err %v)", err)
	}
}
