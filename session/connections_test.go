package session

import (
	"context"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
)

// Every refresh builds a runner (and a client) for the profile's base URL;
// a day of auto-refreshes must still reuse one connection, not leave one
// idle behind each refresh.
func TestConsecutiveRefreshesReuseOneConnection(t *testing.T) {
	srv := fakeServer(t, dinterotest.DemoConfig(time.Hour))
	svc := newService(t, configDir(t), newFakeKeyring())
	p := clientProfile("auto", srv.URL)
	p.AutoRefresh = true
	ctx := context.Background()
	if err := svc.Create(ctx, p, Values{profiles.ClientSecret: dinterotest.DemoSecret}); err != nil {
		t.Fatal(err)
	}
	_, now := heldToken(t, svc, p)
	for i := range 4 {
		next, ok := svc.NextRefresh("auto")
		if !ok {
			t.Fatalf("refresh %d: none scheduled", i)
		}
		*now = next
		if out, err := svc.AutoRefresh(ctx, "auto"); err != nil || out.Result == nil {
			t.Fatalf("auto-refresh %d: %v", i, err)
		}
	}
	if _, err := svc.Refresh(ctx, "auto"); err != nil {
		t.Fatalf("refresh by hand: %v", err)
	}
	if n, reqs := srv.Connections(), srv.Requests(); n != 1 {
		t.Fatalf("%d requests (a grant, 4 auto-refreshes, one by hand) opened %d connections, want 1", reqs, n)
	}
}
