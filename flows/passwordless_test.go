package flows_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
)

// The passwordless login as steps a screen drives: send, resend the same
// code by SMS, a wrong code, the right one, the same code again refused as
// spent, a new code.
func TestPasswordlessLoginSteps(t *testing.T) {
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := client.New(client.Options{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	rn := flows.NewRunner(c)
	ctx := context.Background()
	req := flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantAuthorizationCode, ClientID: dinterotest.DemoClientID,
		ClientSecret: dinterotest.DemoSecret, IdentType: flows.IdentEmail, Ident: dinterotest.DemoCustomer}
	l, err := rn.StartPasswordless(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if l.Connection != "email" || l.Sends != 1 || l.LoginSessionID == "" || !l.BearerChained {
		t.Fatalf("%+v", l)
	}
	if err := l.Resend(ctx, client.ConnectionSMS); err != nil {
		t.Fatal(err)
	}
	out := srv.Outbox()
	if l.Destination() != "sent by SMS to the phone of "+dinterotest.DemoCustomer || out[1].BindingCode != out[0].BindingCode {
		t.Fatalf("%s %+v", l.Destination(), out)
	}
	if _, err := l.Verify(ctx, "000000"); !errors.Is(err, flows.ErrWrongVerificationCode) || l.Attempts != 1 {
		t.Fatalf("wrong code: %v (attempts %d)", err, l.Attempts)
	}
	res, err := l.Verify(ctx, out[0].BindingCode)
	if err != nil || res.Token.Claims["sub"] != "user:"+dinterotest.DemoCustomer {
		t.Fatalf("%v", err)
	}
	if _, err := l.Verify(ctx, out[0].BindingCode); !errors.Is(err, flows.ErrCodeSpent) {
		t.Fatalf("reused code: %v", err)
	}
	if err := l.SendNew(ctx, ""); err != nil || l.Sends != 3 || l.Attempts != 0 {
		t.Fatalf("new code: %v %+v", err, l)
	}
}
