package recovery_test

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/recovery"
)

// goldenRecovery is a fixed recovery session at step (no server): the
// same on every run.
func goldenRecovery(step, wrong int) *flows.RecoverySession {
	req := flows.RecoveryRequest{Account: "T11223344", Username: "lost-device@example.com", Channel: client.ChannelSMS}
	first := &flows.MFASession{MFAToken: "mfa_GoldenRecoveryStepOne0000001", OOBCode: "oob_GoldenRecoveryOne0001", Channel: client.ChannelSMS,
		Challenges: 1, Attempts: wrong, MaxAttempts: flows.DefaultMaxAttempts}
	s := &flows.RecoverySession{Request: req, Step: step, First: first}
	if step == 2 {
		first.Attempts = 0
		s.Second = &flows.MFASession{MFAToken: "mfa_GoldenRecoveryStepTwo0000001", OOBCode: "oob_GoldenRecoveryTwo0001", Channel: client.ChannelEmail,
			Challenges: 1, Attempts: wrong, MaxAttempts: flows.DefaultMaxAttempts}
	}
	return s
}

// goldenPage is the recovery as its answers leave it: step 1 after a
// wrong code, or step 2 asking whether to leave.
func goldenPage(state string) common.Page {
	ctx := uitest.Context(uitest.NewClock(uitest.FixedNow))
	ctx.Outbox = func(string, string) []common.OutboxMessage {
		return []common.OutboxMessage{{At: uitest.FixedNow, Channel: "sms", To: "+47 900 00 003", Text: "Your Dintero MFA recovery code (1 of 2) is 730114. It expires in 5m0s."}}
	}
	req := flows.Request{Account: "T11223344", ClientID: "demo-client", ClientSecret: "demo-client-secret", Username: "lost-device@example.com"}
	var p common.Page = recovery.New(ctx, "http://127.0.0.1:8080/v1", req, client.ChannelSMS, nil)
	_ = p.(*recovery.Page).Start() // answered here
	switch state {
	case "wrong":
		p, _ = p.Update(recovery.AnswerMsg{ID: uitest.LastRequestID(ctx), Session: goldenRecovery(1, 0)})
		p, _ = uitest.Press(p, "730115", "enter")
		p, _ = p.Update(recovery.AnswerMsg{ID: uitest.LastRequestID(ctx), Session: goldenRecovery(1, 1),
			Err: fmt.Errorf("%w: 400 invalid_grant: the binding code is not correct", flows.ErrWrongCode)})
	case "leave":
		p, _ = p.Update(recovery.AnswerMsg{ID: uitest.LastRequestID(ctx), Session: goldenRecovery(2, 0)})
		p, _ = uitest.Press(p, "esc")
	}
	return p
}

// TestRecoveryGolden pins the layout in a 60×20 terminal's body (58×16),
// an 80×24 one's (78×20), and a short one (58×11) where the top gives way
// and the outbox with the code stays.
func TestRecoveryGolden(t *testing.T) {
	for _, c := range []struct {
		state string
		w, h  int
	}{
		{"wrong", 58, 16}, {"wrong", 78, 20}, {"wrong", 58, 11},
		{"leave", 58, 16},
	} {
		t.Run(fmt.Sprintf("%s_%dx%d", c.state, c.w, c.h), func(t *testing.T) {
			golden.RequireEqual(t, []byte(uitest.Screen(goldenPage(c.state), c.w, c.h)))
		})
	}
}
