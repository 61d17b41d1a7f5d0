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

// A passwordless login against the fake over loopback has a timeline from
// its recorded exchanges: the chained Bearer, the code sent (connection,
// the e-mail masked), resent by SMS, a wrong code, the right one; codes
// numbered as entered; no verification code and no full e-mail in it. The
// code given again after the token is a flow of its own, its refusal told
// apart from a wrong code.
func TestTimelineOfAPasswordlessLogin(t *testing.T) {
	srv, rn, rec := recorded(t, dinterotest.DemoConfig(time.Hour))
	ctx := context.Background()
	req := flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantAuthorizationCode, ClientID: dinterotest.DemoClientID,
		ClientSecret: dinterotest.DemoSecret, IdentType: flows.IdentEmail, Ident: dinterotest.DemoCustomer}
	l, err := rn.StartPasswordless(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Resend(ctx, client.ConnectionSMS); err != nil {
		t.Fatal(err)
	}
	code := srv.Outbox()[0].BindingCode
	if _, err := l.Verify(ctx, "000000"); !errors.Is(err, flows.ErrWrongVerificationCode) {
		t.Fatal(err)
	}
	if _, err := l.Verify(ctx, code); err != nil {
		t.Fatal(err)
	}
	steps := flows.Timeline(rec.Exchanges())
	var got []string
	for _, s := range steps {
		got = append(got, s.Label+" | "+s.Outcome)
	}
	at := strings.Index(dinterotest.DemoCustomer, "@")
	masked := dinterotest.DemoCustomer[:1] + "•••" + dinterotest.DemoCustomer[at:]
	want := []string{
		"token request (client_credentials) | 200",
		"code 1 sent (email to " + masked + ") | 200",
		"code 1 resent (sms to " + masked + ") | 200",
		"verification code #1 | 400 invalid_grant: wrong code",
		"verification code #2 | 200",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("timeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if sum := flows.TimelineSummary(steps); sum != "passwordless login completed: token issued after verification code #2" {
		t.Errorf("summary %q", sum)
	}
	for _, s := range steps {
		if strings.Contains(s.Label+s.Outcome, code) || strings.Contains(s.Label, dinterotest.DemoCustomer) {
			t.Errorf("step %q shows a secret or the e-mail", s.Label)
		}
	}

	// The same code again, after the token: spent, not wrong, and a new
	// flow (the first ended at its token).
	if _, err := l.Verify(ctx, code); !errors.Is(err, flows.ErrCodeSpent) {
		t.Fatal(err)
	}
	steps = flows.Timeline(rec.Exchanges())
	if len(steps) != 1 || !strings.HasSuffix(steps[0].Outcome, ": used or expired") || steps[0].Label != "verification code #1" {
		t.Fatalf("the code again: %+v", steps)
	}
	if sum := flows.TimelineSummary(steps); !strings.HasPrefix(sum, "stopped at verification code #1: 400") {
		t.Errorf("summary %q", sum)
	}
}
