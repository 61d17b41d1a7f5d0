package ui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/passwordless"
)

// goldenLogin is a passwordless login as the screen shows it: a code sent
// by e-mail, one wrong code given.
func goldenLogin() *flows.PasswordlessLogin {
	req := flows.Request{Account: "T11223344", Grant: client.GrantAuthorizationCode, ClientID: "demo-client",
		IdentType: flows.IdentEmail, Ident: "customer@example.com", Connection: client.ConnectionEmail}
	return &flows.PasswordlessLogin{Request: req, BearerChained: true, Connection: client.ConnectionEmail, LoginSessionID: "ls_golden", Sends: 1, Attempts: 1}
}

// showPasswordlessPage opens the code screen of the golden login, then
// answers its next request (the keys send it) with answer, as the
// request's command would have.
func showPasswordlessPage(m *Model, keys []string, answer func(id int) tea.Msg) {
	m.openPage(passwordless.New(m.ctx, goldenLogin(), func(*flows.Result) error { return nil }))
	if answer == nil {
		return
	}
	for _, k := range keys {
		m.Update(uitest.Key(k))
	}
	m.Update(answer(uitest.LastRequestID(m.ctx)))
}

func TestGoldenPasswordless(t *testing.T) {
	outbox := func(m *Model) {
		m.ctx.Outbox = func(string, string) []common.OutboxMessage {
			return []common.OutboxMessage{{At: fixedNow, Channel: "email", To: "customer@example.com", Text: "Your Dintero login code is 482913. It expires in 5m0s."}}
		}
	}
	cases := []struct {
		name  string
		setup func(m *Model)
		keys  []string
	}{
		{name: "passwordless_code", setup: func(m *Model) {
			outbox(m)
			showPasswordlessPage(m, []string{"482914", "enter"}, func(id int) tea.Msg {
				return passwordless.VerifyMsg{ID: id, Login: goldenLogin(),
					Err: fmt.Errorf("%w: 400 invalid_grant: the verification code is not correct (2 attempt(s) left)", flows.ErrWrongVerificationCode)}
			})
		}},
		{name: "passwordless_rate_limited", setup: func(m *Model) {
			showPasswordlessPage(m, []string{"ctrl+n"}, func(id int) tea.Msg {
				return passwordless.SentMsg{ID: id, Login: goldenLogin(),
					Err: &client.RateLimitError{APIError: &client.APIError{Status: 429}, RetryAfter: 42 * time.Second}}
			})
		}},
		{name: "passwordless_spent", setup: func(m *Model) {
			outbox(m)
			showPasswordlessPage(m, []string{"482913", "enter"}, func(id int) tea.Msg {
				return passwordless.VerifyMsg{ID: id, Login: goldenLogin(),
					Err: fmt.Errorf("%w: 400 invalid_grant: the verification code has already been used; send a new one", flows.ErrCodeSpent)}
			})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireGoldenView(t, func(t *testing.T) *Model {
				ctx := testContext(uitest.NewClock(fixedNow))
				ctx.Connections = goldenConnections()
				m := New(ctx)
				tc.setup(m)
				return m
			}, uitest.Keys(tc.keys...)...)
		})
	}
}
