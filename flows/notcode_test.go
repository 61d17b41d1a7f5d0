package flows_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
)

// Issue 17 item 2: an answer to a binding code that is not about the code
// costs no attempt and says what it was; a wrong code still counts.
func TestMFAAnswersThatAreNotAWrongCode(t *testing.T) {
	for _, c := range []struct {
		name  string
		fault dinterotest.Fault
		kind  flows.NotCodeKind
		says  string
	}{
		{"scope 403", dinterotest.Fault{Status: 403, Code: "insufficient_scope", Message: "Forbidden"}, flows.NotCodeScope,
			"the Bearer token lacks the scope for the token endpoint, which needs admin:accounts, write:accounts, write:accounts:/auth/users or write:accounts:/auth/users/no-mfa"},
		{"validation 400", dinterotest.Fault{Status: 400, Code: "-", Message: "Validation failed", Details: []dinterotest.Detail{{Field: "binding_code", Message: "binding_code should match pattern"}}},
			flows.NotCodeValidation, "the server refused the request as invalid: 400 -: Validation failed: binding_code should match pattern"},
		{"429", dinterotest.Fault{Status: 429, RetryAfter: 7}, flows.NotCodeRateLimited, "429"},
		{"503", dinterotest.Fault{Status: 503}, flows.NotCodeServer, "the server failed: 503"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, rn := setup(t, dinterotest.DemoConfig(time.Hour))
			ctx := context.Background()
			_, s, err := rn.Start(ctx, passwordRequest(dinterotest.DemoMFAUser))
			if err != nil || s == nil {
				t.Fatalf("start: %v", err)
			}
			if err := rn.Challenge(ctx, s, client.ChannelSMS); err != nil {
				t.Fatal(err)
			}
			// One true wrong code first: it counts.
			if _, err := rn.Verify(ctx, s, "000000"); !errors.Is(err, flows.ErrWrongCode) || s.AttemptsLeft() != 2 {
				t.Fatalf("wrong code: %v, %d left", err, s.AttemptsLeft())
			}
			code := srv.LastBindingCode(dinterotest.DemoMFAUser)
			f := c.fault
			f.Times = 1
			srv.SetFault(&f)
			_, err = rn.Verify(ctx, s, code)
			var n *flows.NotACodeError
			if !errors.As(err, &n) || n.Kind != c.kind || errors.Is(err, flows.ErrWrongCode) {
				t.Fatalf("%v (%T), want a %s that is not a wrong code", err, err, c.kind)
			}
			if !strings.HasPrefix(err.Error(), "the binding code was not checked (no attempt used): ") || !strings.Contains(err.Error(), c.says) {
				t.Errorf("says %q, want %q", err, c.says)
			}
			if s.AttemptsLeft() != 2 {
				t.Errorf("%d attempts left, want 2: the answer cost one", s.AttemptsLeft())
			}
			// The same code, once the server answers again, is the token.
			if res, err := rn.Verify(ctx, s, code); err != nil || res.Response.AccessToken == "" {
				t.Fatalf("the same code after: %v", err)
			}
		})
	}
}

// The challenge and the recovery refused for the Bearer's scope say so,
// naming the scopes they need; no code was sent.
func TestMFAScopeRefusalsNameTheScopes(t *testing.T) {
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.Clients = append(cfg.Clients,
		dinterotest.APIClient{ID: "no-mfa-scope", Secret: "s3cret-no-mfa", Scopes: []string{dinterotest.ScopeAuthUsers}})
	srv, rn := setup(t, cfg)
	ctx := context.Background()
	req := passwordRequest(dinterotest.DemoMFAUser)
	req.ClientID, req.ClientSecret = "no-mfa-scope", "s3cret-no-mfa"
	_, s, err := rn.Start(ctx, req)
	if err != nil || s == nil {
		t.Fatalf("start: %v", err)
	}
	err = rn.Challenge(ctx, s, client.ChannelSMS)
	var n *flows.NotACodeError
	want := "the Bearer token lacks the scope for the MFA challenge, which needs admin:accounts, write:accounts or write:accounts:/auth/mfa (the API client's grant, not the user): 403 insufficient_scope"
	if !errors.As(err, &n) || n.Kind != flows.NotCodeScope || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("challenge: %v", err)
	}
	_, err = rn.StartRecovery(ctx, flows.RecoveryRequest{Account: account, ClientID: "no-mfa-scope", ClientSecret: "s3cret-no-mfa", Username: dinterotest.DemoLostDeviceUser, Channel: client.ChannelSMS})
	if !errors.As(err, &n) || n.Kind != flows.NotCodeScope || n.Step != flows.StepRecovery ||
		!strings.Contains(err.Error(), "the MFA recovery, which needs admin:accounts, write:accounts or write:accounts:/auth/mfa") {
		t.Fatalf("recovery: %v", err)
	}
	if len(srv.Outbox()) != 0 {
		t.Errorf("a code was sent: %v", srv.Outbox())
	}
}
