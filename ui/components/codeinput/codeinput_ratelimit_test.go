package codeinput_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/codeinput"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// mfaSession signs the demo's MFA user in on the fake server and sends a
// code by SMS: the session a code field answers.
func mfaSession(t *testing.T, clk *uitest.Clock, srv *dinterotest.Server) (*flows.Runner, *flows.MFASession) {
	t.Helper()
	ctx := uitest.DemoContext(clk, srv)
	r, err := ctx.NewRunner(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, s, err := r.Start(context.Background(), ctx.Connections[1].Request)
	if s == nil {
		t.Fatalf("no MFA asked: %v", err)
	}
	if err := r.Challenge(context.Background(), s, client.ChannelSMS); err != nil {
		t.Fatal(err)
	}
	return r, s
}

func waitLine(c *codeinput.Model, clk *uitest.Clock) string {
	return strings.Join(strings.Fields(ansi.Strip(c.WaitLine(common.DefaultStyles(true), clk.Now(), 200))), " ")
}

// A 429 to a code check did not judge the code: the field keeps it, no
// attempt is used, and the wait's line counts down from the server's
// Retry-After (rounded up) on the test's clock; checking during the wait
// says so; at its end the line goes and the same code is the token. A
// wrong code, by contrast, is judged.
func TestA429ToACodeCheckWaitsThenTheSameCodeIsSent(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	r, s := mfaSession(t, clk, srv)
	code := srv.LastBindingCode(dinterotest.DemoMFAUser)

	c := field(strings.Split(code, "")...)
	srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 56, Times: 1})
	_, err := r.Verify(context.Background(), s, code)
	if !codeinput.Unjudged(err) {
		t.Fatalf("a 429 judged the code: %v", err)
	}
	limited, ok := flows.RateLimited(err)
	if !ok {
		t.Fatalf("not a rate limit: %v", err)
	}
	c.Limit(limited, clk.Now(), true)
	if got := waitLine(&c, clk); got != "⏳ rate limited (429): the code was not checked; enter it again in 56s" {
		t.Fatalf("the wait's line: %q", got)
	}
	if !c.WaitOnCheck() || c.HoldsCheck(clk.Now()) != 56*time.Second || c.HoldsSend(clk.Now()) != 0 {
		t.Fatalf("a check's wait holds the check %v and a new code %v", c.HoldsCheck(clk.Now()), c.HoldsSend(clk.Now()))
	}
	clk.Advance(30*time.Second + 500*time.Millisecond)
	c.Nudge() // enter pressed during the wait
	if got := waitLine(&c, clk); got != "✗ rate limited: the code can be tried again in 26s (429)" {
		t.Fatalf("the wait's line, nudged: %q", got)
	}
	clk.Advance(25*time.Second + 500*time.Millisecond)
	if got := waitLine(&c, clk); got != "" || c.WaitLeft(clk.Now()) != 0 || c.HoldsCheck(clk.Now()) != 0 {
		t.Fatalf("the wait has not ended: %q (%v)", got, c.WaitLeft(clk.Now()))
	}
	sent, why := c.Submit()
	if sent != code || why != "" {
		t.Fatalf("the code kept is %q (%q)", sent, why)
	}
	res, err := r.Verify(context.Background(), s, sent)
	if err != nil || res == nil {
		t.Fatalf("the same code after the wait: %v", err)
	}
}

// A wrong code is judged: it uses an attempt.
func TestAWrongCodeIsJudged(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	r, s := mfaSession(t, clk, srv)
	wrong := "000000"
	if srv.LastBindingCode(dinterotest.DemoMFAUser) == wrong {
		wrong = "111111"
	}
	_, err := r.Verify(context.Background(), s, wrong)
	if err == nil || codeinput.Unjudged(err) {
		t.Fatalf("a wrong code was not judged: %v", err)
	}
}

// A 429 to a send holds back a new code, not a check; with no Retry-After
// it waits a minute; a new code's arrival ends the wait.
func TestA429ToASendHoldsBackANewCode(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	c := field()
	c.Limit(&client.RateLimitError{APIError: &client.APIError{Status: 429}}, clk.Now(), false)
	if got := waitLine(&c, clk); got != "⏳ rate limited (429): a new code can be sent in 1m 00s" {
		t.Fatalf("the wait's line: %q", got)
	}
	if c.WaitOnCheck() || c.HoldsSend(clk.Now()) != time.Minute || c.HoldsCheck(clk.Now()) != 0 {
		t.Fatalf("a send's wait holds a new code %v and the check %v", c.HoldsSend(clk.Now()), c.HoldsCheck(clk.Now()))
	}
	clk.Advance(15 * time.Second)
	c.Nudge()
	if got := waitLine(&c, clk); got != "✗ rate limited: no new code for 45s more (429)" {
		t.Fatalf("the wait's line, nudged: %q", got)
	}
	c.EndWait()
	if got := waitLine(&c, clk); got != "" || c.HoldsSend(clk.Now()) != 0 {
		t.Fatalf("the wait did not end with a new code: %q", got)
	}
}
