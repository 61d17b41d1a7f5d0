package session

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
)

// TestAutoRefreshFollowsTheRefreshPlan: a held token whose refresh token
// was revoked is refreshed by auto-refresh as the r key does it: a token
// from a refresh repeats the password sign-in it came from (sending the
// revoked grant again is refused), and one from a one-time MFA answer
// sends nothing and says why.
func TestAutoRefreshFollowsTheRefreshPlan(t *testing.T) {
	srv := fakeServer(t, dinterotest.DemoConfig(time.Hour))
	svc := newService(t, configDir(t), newFakeKeyring())
	ctx := context.Background()
	p := profiles.Profile{Name: "pw", BaseURL: srv.URL, AutoRefresh: true}

	// A token from a refresh, whose refresh token was revoked since.
	req := flows.Request{Grant: client.GrantRefreshToken, Account: dinterotest.DemoAccount, ClientID: dinterotest.DemoClientID,
		ClientSecret: dinterotest.DemoSecret, Username: dinterotest.DemoUser, Password: dinterotest.DemoPassword}
	svc.Hold(p, &flows.Result{Request: req})
	out, err := svc.Refresh(ctx, "pw")
	if err != nil || out.Result == nil {
		t.Fatalf("refresh of a revoked token: %+v %v", out, err)
	}
	if out.Result.Request.Grant != client.GrantPassword || out.Result.Response.AccessToken == "" {
		t.Fatalf("the sign-in was not repeated: %+v", out.Result.Request)
	}

	// A token from a one-time MFA answer: nothing to repeat.
	before := srv.Requests()
	svc.Hold(p, &flows.Result{Request: flows.Request{Grant: client.GrantMFAOOB, Account: dinterotest.DemoAccount, MFAToken: "m", OOBCode: "o"}})
	if _, err := svc.Refresh(ctx, "pw"); err == nil || !strings.Contains(err.Error(), "one-time MFA answer") {
		t.Fatalf("refresh of an MFA answer's token: %v", err)
	}
	if after := srv.Requests(); after != before {
		t.Fatalf("%d requests sent for a token that cannot be refreshed", after-before)
	}
}
