package mfa_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/mfa"
)

// goldenSession is a fixed MFA session (no server): its fingerprints and
// outbox are the same on every run.
func goldenSession(challenged bool, attempts int) *flows.MFASession {
	s := &flows.MFASession{
		Request:     flows.Request{Account: "T11223344", Grant: client.GrantPassword, Username: "mfa@example.com"},
		MFAToken:    "mfa_GoldenFileMFATokenValue00000001",
		MaxAttempts: flows.DefaultMaxAttempts,
	}
	if challenged {
		s.Channel, s.OOBCode, s.Challenges, s.Attempts = client.ChannelSMS, "oob_GoldenFileOOBCode000001", 1, attempts
	}
	return s
}

// goldenPage is the MFA page as its requests leave it, answered here:
// choosing, a code sent, then (wrong) a code refused, or (limited) a 429
// on a new code.
func goldenPage(state string) common.Page {
	clk := uitest.NewClock(uitest.FixedNow)
	ctx := uitest.Context(clk)
	ctx.Outbox = func(string, string) []common.OutboxMessage {
		return []common.OutboxMessage{{At: uitest.FixedNow, Channel: "sms", To: "+47 900 00 002", Text: "Your Dintero verification code is 482913. It expires in 5m0s."}}
	}
	var p common.Page = mfa.New(ctx, nil, "http://127.0.0.1:8080/v1", func(*flows.Result) error { return nil }, nil, goldenSession(false, 0), client.ChannelSMS)
	if state == "choose" {
		return p
	}
	p, _ = uitest.Press(p, "enter")
	p, _ = p.Update(mfa.ChallengeMsg{ID: uitest.LastRequestID(ctx), Session: goldenSession(true, 0)})
	switch state {
	case "wrong":
		p, _ = uitest.Press(p, "482914", "enter")
		p, _ = p.Update(mfa.VerifyMsg{ID: uitest.LastRequestID(ctx), Session: goldenSession(true, 1),
			Err: fmt.Errorf("%w: 400 invalid_grant: the binding code is not correct (2 attempt(s) left)", flows.ErrWrongCode)})
		p, _ = uitest.Press(p, "48")
	case "limited":
		p, _ = uitest.Press(p, "ctrl+n")
		p, _ = p.Update(mfa.ChallengeMsg{ID: uitest.LastRequestID(ctx), Session: goldenSession(true, 0),
			Err: &client.RateLimitError{APIError: &client.APIError{Status: 429, Code: "too_many_requests"}, RetryAfter: 42 * time.Second, Sent: "42"}})
	}
	return p
}

// TestMFAGolden pins the page's layout in a 60×20 terminal's body (58×20),
// an 80×24 one's (78×22), and a short one (58×12) where blank lines, the
// explanation and then the fingerprints give way before what a person
// acts on (the field, the error, the outbox with the code).
func TestMFAGolden(t *testing.T) {
	for _, c := range []struct {
		state string
		w, h  int
	}{
		{"choose", 58, 20}, {"choose", 78, 22},
		{"wrong", 58, 20}, {"wrong", 78, 22}, {"wrong", 58, 12},
		{"limited", 58, 20},
	} {
		t.Run(fmt.Sprintf("%s_%dx%d", c.state, c.w, c.h), func(t *testing.T) {
			golden.RequireEqual(t, []byte(uitest.Screen(goldenPage(c.state), c.w, c.h)))
		})
	}
}
