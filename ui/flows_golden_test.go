package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/doctor"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/diagnose"
	"github.com/tokenbench/tokenbench/ui/pages/recovery"
	"github.com/tokenbench/tokenbench/ui/pages/supportbundle"
)

// goldenReport is a doctor report with every section filled, dated from
// fixedNow.
func goldenReport() *doctor.Report {
	at := func(ago time.Duration) *time.Time { t := fixedNow.Add(-ago); return &t }
	u := doctor.User{ID: "usr_0a1b2c3d", Email: "mfa@example.com", Name: "Mia Fa", AuthenticationType: "password",
		LastSeenAt: at(3 * time.Hour), MFA: doctor.MFA{SMS: doctor.Factor{Enabled: true, UpdatedAt: at(2 * time.Hour)}},
		Roles: []doctor.Role{{Name: "merchant-admin", Scope: doctor.Scopes{"read:accounts", "read:checkout"}}}}
	acts := []doctor.Activity{
		{ID: "act_4", CreatedAt: *at(2 * time.Hour), Action: "user.mfa.sms.updated", IP: "203.0.113.80", UserAgent: "Mozilla/5.0 (iPhone) Dintero Backoffice"},
		{ID: "act_3", CreatedAt: *at(3 * time.Hour), Action: "auth.token", IP: "192.0.2.144", UserAgent: "python-requests/2.32"},
		{ID: "act_2", CreatedAt: *at(26 * time.Hour), Action: "auth.token", IP: "203.0.113.80", UserAgent: "Mozilla/5.0 (iPhone) Dintero Backoffice"},
		{ID: "act_1", CreatedAt: *at(50 * time.Hour), Action: "auth.token", IP: "198.51.100.23", UserAgent: "Mozilla/5.0 (Macintosh) Dintero Backoffice"},
	}
	return &doctor.Report{Account: "T11223344", Query: u.Email, GeneratedAt: fixedNow, User: u, Activities: acts, Findings: doctor.Diagnose(u, acts, fixedNow)}
}

// showReport opens the diagnose screen on a report, as its lookup would.
func showReport(m *Model, r *doctor.Report) {
	c := goldenConnections()[1]
	d := diagnose.New(m.ctx, common.DiagnoseSource{BaseURL: c.BaseURL, Request: c.Request}, "")
	m.openPage(d)
	_ = d.Start() // asks for the user: none given
	m.Update(uitest.Key(r.Query))
	m.Update(uitest.Key("enter")) // looks the user up: answered here
	m.Update(diagnose.DiagnosedMsg{ID: uitest.LastRequestID(m.ctx), Report: r})
}

func goldenRecovery(step int, channel client.Channel) *flows.RecoverySession {
	req := flows.RecoveryRequest{Account: "T11223344", Username: "lost-device@example.com", Channel: channel}
	first := &flows.MFASession{MFAToken: "mfa_GoldenRecoveryStepOne0000001", OOBCode: "oob_GoldenRecoveryOne0001", Channel: channel,
		Challenges: 1, Attempts: 1, MaxAttempts: flows.DefaultMaxAttempts}
	s := &flows.RecoverySession{Request: req, Step: step, First: first}
	if step == 2 {
		s.Second = &flows.MFASession{MFAToken: "mfa_GoldenRecoveryStepTwo0000001", OOBCode: "oob_GoldenRecoveryTwo0001", Channel: channel.Other(),
			Challenges: 1, MaxAttempts: flows.DefaultMaxAttempts}
	}
	return s
}

// showRecovery opens the recovery screen at a step, as its answers would.
func showRecovery(m *Model, s *flows.RecoverySession, err error) {
	c := goldenConnections()[1]
	req := c.Request
	req.Username = "lost-device@example.com"
	r := recovery.New(m.ctx, c.BaseURL, req, s.First.Channel, nil)
	m.openPage(r)
	_ = r.Start() // sends the first code: answered here
	m.Update(recovery.AnswerMsg{ID: uitest.LastRequestID(m.ctx), Session: s, Err: err})
}

func TestGoldenFlows(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, m *Model)
		keys  []string
	}{
		{name: "diagnose", setup: func(t *testing.T, m *Model) { showReport(m, goldenReport()) }},
		{name: "diagnose_scrolled_to_activity", setup: func(t *testing.T, m *Model) { showReport(m, goldenReport()) },
			keys: strings.Split(strings.Repeat("j", 30), "")},
		{name: "diagnose_ask", setup: func(t *testing.T, m *Model) {
			c := goldenConnections()[0]
			m.openDiagnose(common.DiagnoseSource{BaseURL: c.BaseURL, Request: c.Request}, "")
		}},
		{name: "recovery_step1_wrong", setup: func(t *testing.T, m *Model) {
			showRecovery(m, goldenRecovery(1, client.ChannelSMS), flows.ErrWrongCode)
		}},
		{name: "recovery_step2", setup: func(t *testing.T, m *Model) {
			m.ctx.Outbox = func(string, string) []common.OutboxMessage {
				return []common.OutboxMessage{{At: fixedNow, Channel: "email", To: "lost-device@example.com", Text: "Your Dintero verification code is 531246. It expires in 5m0s."}}
			}
			showRecovery(m, goldenRecovery(2, client.ChannelSMS), nil)
		}},
		{name: "recovery_rate_limited", setup: func(t *testing.T, m *Model) {
			showRecovery(m, goldenRecovery(1, client.ChannelEmail), &client.RateLimitError{APIError: &client.APIError{Status: 429}, RetryAfter: 30 * time.Second})
		}},
		{name: "bundle", setup: func(t *testing.T, m *Model) {
			p := supportbundle.New(m.ctx, bundle.Input{Account: "T11223344", Grant: "client_credentials (doctor)", Doctor: goldenReport()}, "diagnose user")
			m.openPage(p)
			_ = p.Focus()
		}},
		{name: "token_partner", setup: func(t *testing.T, m *Model) {
			r := syntheticResult(t, fixedNow)
			r.Request.Account = "T11200001"
			r.Partner = &flows.PartnerAccess{Partner: "T11200000", Merchant: "T11200001"}
			showTokenPage(m, r)
		}},
		{name: "token_revoke_confirm", setup: func(t *testing.T, m *Model) {
			r := syntheticResult(t, fixedNow)
			r.RefreshToken = "rt_GoldenRefreshTokenValue000000000001"
			showTokenPage(m, r)
		}, keys: []string{"X"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireGoldenView(t, func(t *testing.T) *Model {
				ctx := testContext(uitest.NewClock(fixedNow))
				ctx.Connections = goldenConnections()
				m := New(ctx)
				tc.setup(t, m)
				return m
			}, uitest.Keys(tc.keys...)...)
		})
	}
}
