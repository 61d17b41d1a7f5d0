package ui

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/chooser"
	"github.com/tokenbench/tokenbench/ui/pages/mfa"
	"github.com/tokenbench/tokenbench/ui/pages/request"
	"github.com/tokenbench/tokenbench/ui/pages/sending"
)

const goldenBase = "http://127.0.0.1:8080/v1"

func goldenConnections() []common.Connection {
	cc := flows.Request{Account: "T11223344", Grant: client.GrantClientCredentials, ClientID: "demo-client", ClientSecret: "demo-client-secret"}
	mfa := cc
	mfa.Grant, mfa.Username, mfa.Password = client.GrantPassword, "mfa@example.com", "demo-password"
	prod := cc
	prod.Account = "P99887766"
	return []common.Connection{
		{Name: "Demo API client", Description: "client_credentials with HTTP Basic: the client's own token", BaseURL: goldenBase, Request: cc},
		{Name: "MFA user", Description: "password grant that answers mfa_required: challenge, code, mfa-oob", BaseURL: goldenBase, Request: mfa},
		{Name: "Production-looking account", Description: "client_credentials on a P account, to see how production is marked", BaseURL: goldenBase, Request: prod},
	}
}

func goldenSession(challenged bool) *flows.MFASession {
	s := &flows.MFASession{
		Request:     flows.Request{Account: "T11223344", Grant: client.GrantPassword, Username: "mfa@example.com"},
		MFAToken:    "mfa_GoldenFileMFATokenValue00000001",
		MaxAttempts: flows.DefaultMaxAttempts,
	}
	if challenged {
		s.Channel, s.OOBCode, s.Challenges, s.Attempts = client.ChannelSMS, "oob_GoldenFileOOBCode000001", 1, 1
	}
	return s
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name  string
		setup func(m *Model)
		send  []tea.Msg
	}{
		{name: "home", setup: func(m *Model) {}},
		{name: "chooser", setup: func(m *Model) { m.openPage(chooser.New(m.ctx, false)); m.Update(uitest.Key("down")) }},
		{name: "form_errors", setup: func(m *Model) {
			m.openFormPage(form.New(client.GrantPassword, map[string]string{form.FBaseURL: goldenBase}, true, m.ctx.Width-2))
		}, send: []tea.Msg{uitest.Key("enter")}},
		{name: "form_server_error", setup: func(m *Model) {
			c := goldenConnections()[0]
			f := form.New(c.Request.Grant, form.ValuesFor(c.Request, c.BaseURL), false, m.ctx.Width-2)
			m.openFormPage(f)
			m.Update(request.SetBannerMsg{Text: "401 invalid_client: client authentication failed"})
		}},
		{name: "profile_form", setup: func(m *Model) {
			values := form.ValuesFor(goldenConnections()[1].Request, goldenBase)
			values[form.FName] = "support-mfa"
			m.openFormPage(form.NewProfile(client.GrantPassword, values, true, false, false, m.ctx.Width-2))
		}},
		{name: "inflight", setup: func(m *Model) {
			// Sent a second and a half ago, by the clock the page reads.
			now := m.ctx.Now
			m.ctx.Now = func() time.Time { return fixedNow.Add(-1500 * time.Millisecond) }
			p := sending.New(m.ctx, "client_credentials → password", "")
			m.ctx.Now = now
			m.openPage(p)
		}},
		{name: "mfa_choose", setup: func(m *Model) {
			showMFAPage(m, false, "")
		}},
		{name: "mfa_code_wrong", setup: func(m *Model) {
			showMFAPage(m, true, "wrong binding code: 400 invalid_grant: the binding code is not correct (2 attempt(s) left)")
			m.ctx.Outbox = func(string, string) []common.OutboxMessage {
				return []common.OutboxMessage{{At: fixedNow, Channel: "sms", To: "+47 900 00 002", Text: "Your Dintero verification code is 482913. It expires in 5m0s."}}
			}
		}, send: []tea.Msg{uitest.Key("48")}},
		{name: "token", setup: func(m *Model) {
			showTokenPage(m, syntheticResult(t, fixedNow.Add(-20*time.Second)))
		}},
		{name: "token_expiring", setup: func(m *Model) {
			showTokenPage(m, syntheticResult(t, fixedNow.Add(-115*time.Second)))
		}},
		{name: "token_expired", setup: func(m *Model) {
			showTokenPage(m, syntheticResult(t, fixedNow.Add(-10*time.Minute)))
		}},
		{name: "token_raw", setup: func(m *Model) {
			showTokenPage(m, syntheticResult(t, fixedNow))
		}, send: []tea.Msg{uitest.Key("v")}},
		{name: "token_help", setup: func(m *Model) {
			showTokenPage(m, syntheticResult(t, fixedNow))
		}, send: []tea.Msg{uitest.Key("?")}},
		{name: "token_prod_confirm_refresh_copy", setup: func(m *Model) {
			r := syntheticResult(t, fixedNow)
			r.Request.Account = "P99887766"
			showTokenPage(m, r)
		}, send: []tea.Msg{uitest.Key("R")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireGoldenView(t, func(t *testing.T) *Model {
				ctx := testContext(uitest.NewClock(fixedNow))
				ctx.Connections = goldenConnections()
				m := New(ctx)
				tc.setup(m)
				return m
			}, tc.send...)
		})
	}
}

// jwtFingerprint is the fingerprint of a JWT (hundreds of characters):
// its hash changes on each run, as the token names the fake server's
// issuer URL with its random port, so goldens hold it as "sha256:······". Shorter secrets (fixed
// refresh tokens, MFA tokens) keep their hash in the goldens.
var jwtFingerprint = regexp.MustCompile(`sha256:[0-9a-f]{6}(… \([0-9]{3,} chars\))`)

func stableFingerprints(view string) string {
	return jwtFingerprint.ReplaceAllString(view, "sha256:······$1")
}

// goldenCfgDir is the profiles directory of the goldens that name it,
// relative (see cfgDir) and shown as /cfg/tokenbench.
const goldenCfgDir = "_cfg/tokenbench"

// stableView is a view as its golden holds it: JWT fingerprints masked,
// goldenCfgDir as /cfg/tokenbench.
func stableView(view string) string {
	return strings.ReplaceAll(stableFingerprints(view), goldenCfgDir+"/", "/cfg/tokenbench/")
}

// showMFAPage opens the MFA screen of the golden session as a request
// leaves it: choosing a channel, or (challenged) waiting for the code, and
// with err, after a code the server refused. Its requests are answered as
// their commands would have.
func showMFAPage(m *Model, challenged bool, err string) {
	p := mfa.New(m.ctx, nil, goldenBase, func(*flows.Result) error { return nil }, nil, goldenSession(false), client.ChannelSMS)
	m.openPage(p)
	if !challenged {
		return
	}
	m.Update(uitest.Key("enter")) // sends the code by SMS
	m.Update(mfa.ChallengeMsg{ID: uitest.LastRequestID(m.ctx), Session: goldenSession(true)})
	if err == "" {
		return
	}
	m.Update(uitest.Key("482914"))
	m.Update(uitest.Key("enter"))
	m.Update(mfa.VerifyMsg{ID: uitest.LastRequestID(m.ctx), Session: goldenSession(true), Err: errors.New(err)})
}

// goldenSizes are the terminal sizes every screen has a golden file at:
// the smallest usable, the classic, and a roomy one.
var goldenSizes = []struct{ w, h int }{{60, 20}, {80, 24}, {120, 40}}

// requireGoldenView runs a model from build in teatest at each golden
// size, sends msgs, and compares the final View() (plain text: the fixed
// colour profile of the tests) with the golden file of the size's subtest.
func requireGoldenView(t *testing.T, build func(t *testing.T) *Model, msgs ...tea.Msg) {
	t.Helper()
	for _, size := range goldenSizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := build(t)
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size.w, size.h))
			for _, msg := range msgs {
				tm.Send(msg)
			}
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
			view := viewText(final)
			requireFits(t, final, size.w, size.h)
			golden.RequireEqual(t, []byte(stableView(view)))
		})
	}
}
