package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/log"
	"github.com/tokenbench/tokenbench/ui/pages/mfa"
)

func TestMFAScreenFitsAt60x20(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	ctx := testContext(clk)
	m := New(ctx)
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	ctx.Outbox = func(string, string) []common.OutboxMessage {
		return []common.OutboxMessage{{At: fixedNow, Channel: "sms", To: "+47 900 00 002", Text: "Your Dintero verification code is 482913. It expires in 5m0s."}}
	}
	showMFAPage(m, true, "")
	requireShows(t, m, "the code received") // the placeholder, whole
	press(t, m, "esc")
	showMFAPage(m, true, "wrong binding code: 400 invalid_grant: the binding code is not correct (2 attempt(s) left)")
	requireFits(t, m, 60, 20)
	requireShows(t, m, "482913", "expires in 5m0s", "2 attempt(s) left")
}

// Launch, enter, the code, enter, c: a saved MFA profile's token is on the
// clipboard in three keys besides the code.
func TestSavedMFAProfileToClipboardInThreeKeys(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := storeWith(t, clk, profiles.Profile{Name: "support-mfa", BaseURL: srv.URL, Account: dinterotest.DemoAccount,
		Grant: "password", ClientID: dinterotest.DemoClientID, Username: dinterotest.DemoMFAUser, MFAChannel: "email",
		Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring, profiles.Password: profiles.SourceKeyring}})
	ps, _ := ctx.Store.Load()
	for k, v := range map[profiles.Kind]string{profiles.ClientSecret: dinterotest.DemoSecret, profiles.Password: dinterotest.DemoPassword} {
		if err := ctx.Secrets.Put(ps[0], k, v); err != nil {
			t.Fatal(err)
		}
	}
	m := New(ctx)
	press(t, m, "enter")
	requireShows(t, m, "A code was sent by e-mail")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoMFAUser))
	press(t, m, "enter", "c")
	requireShows(t, m, "password via MFA", "access token copied")
	if clip := ctx.Clipboard.(*fakeClipboard); !strings.HasPrefix(clip.content, "eyJ") {
		t.Fatalf("clipboard %q", clip.content)
	}
}

// After too many wrong codes, ctrl+n sends a new code, as the hint says.
func TestCtrlNAfterLockoutSendsANewCode(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(demoContext(t, clk, srv))
	press(t, m, "down", "enter") // the MFA user: the code goes out by SMS
	requireShows(t, m, "challenge 1")
	wrong := "000000"
	if srv.LastBindingCode(dinterotest.DemoMFAUser) == wrong {
		wrong = "111111"
	}
	for range 3 {
		typeText(t, m, wrong)
		press(t, m, "enter")
	}
	requireShows(t, m, "ctrl+n sends a new code")
	press(t, m, "ctrl+n")
	requireShows(t, m, "A code was sent by SMS (challenge 2)", "Attempts left: 3")
}

// TestMFAScreenSanitisesTheUsername: the username comes from a profile
// file (maybe imported) or the form; the MFA screen printed it raw, bidi
// and escape sequences included.
func TestMFAScreenSanitisesTheUsername(t *testing.T) {
	m := New(testContext(uitest.NewClock(fixedNow)))
	sess := goldenSession(true)
	sess.Request.Username = "evil\u202eresu@example.com\x1b]52;c;Zm9v\a"
	m.openPage(mfa.New(m.ctx, nil, goldenBase, func(*flows.Result) error { return nil }, nil, sess, client.ChannelSMS))
	raw := m.View().Content
	if strings.Contains(raw, "\u202e") || strings.Contains(raw, "\x1b]52;") {
		t.Fatalf("the MFA screen prints the username raw:\n%q", raw)
	}
	requireShows(t, m, "evil")
}

// Issue 17 item 2: an answer to a binding code that did not check it (a
// scope 403, a validation 400, a 5xx) keeps the code typed, says what it
// was, and costs no attempt on screen; a wrong code still counts.
func TestMFAKeepsACodeTheServerDidNotCheck(t *testing.T) {
	for _, c := range []struct {
		name  string
		fault dinterotest.Fault
		says  string
	}{
		{"503", dinterotest.Fault{Status: 503}, "the server failed"},
		{"scope 403", dinterotest.Fault{Status: 403, Code: "insufficient_scope", Message: "Forbidden"}, "lacks the scope"},
		{"validation 400", dinterotest.Fault{Status: 400, Code: "-", Message: "Validation failed",
			Details: []dinterotest.Detail{{Field: "binding_code", Message: "binding_code should match pattern"}}}, "binding_code should match pattern"},
	} {
		t.Run(c.name, func(t *testing.T) {
			clk := uitest.NewClock(fixedNow)
			srv := uitest.DemoServer(t, clk)
			m := New(demoContext(t, clk, srv))
			press(t, m, "j", "enter")
			requireShows(t, m, "A code was sent by SMS", "Attempts left: 3")
			code := srv.LastBindingCode(dinterotest.DemoMFAUser)
			typeText(t, m, code)
			f := c.fault
			f.Times = 1
			srv.SetFault(&f)
			press(t, m, "enter")
			requireShows(t, m, "› MFA", "Attempts left: 3")
			if v := squash(viewText(m)); !strings.Contains(v, squash("not checked (no attempt used)")) || !strings.Contains(v, squash(c.says)) {
				t.Fatalf("does not say what the answer was:\n%s", viewText(m))
			}
			wantCodeField(t, m, code)
			// The same code, sent again as it stands, is the token.
			press(t, m, "enter")
			wantScreen(t, m, "token")
		})
	}
}

// wantCodeField checks the code field's line shows code.
func wantCodeField(t *testing.T, m *Model, code string) {
	t.Helper()
	for _, l := range strings.Split(viewText(m), "\n") {
		if strings.Contains(l, "› Code") {
			if !strings.Contains(squash(l), code) {
				t.Fatalf("the code typed is gone: %q\n%s", l, viewText(m))
			}
			return
		}
	}
	t.Fatalf("no code field:\n%s", viewText(m))
}

// Finding 10: esc on an MFA screen whose code was sent asks before
// throwing the challenge away, and L asks before the recovery's first code.
func TestMFAAsksBeforeLeavingASentCodeAndBeforeRecovery(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	runConnection(t, m, 3)
	requireShows(t, m, "A code was sent by SMS")
	sent := len(srv.Outbox())
	press(t, m, "esc")
	requireShows(t, m, "Leave the MFA sign-in?", dinterotest.DemoLostDeviceUser)
	press(t, m, "n")
	wantScreen(t, m, "MFA · Lost device")
	press(t, m, "L")
	requireShows(t, m, "Start the lost-device recovery for "+dinterotest.DemoLostDeviceUser+"? It sends them a", "code by SMS now. y/n")
	press(t, m, "n")
	wantScreen(t, m, "MFA · Lost device")
	requireShows(t, m, "no recovery: nothing was sent")
	if len(srv.Outbox()) != sent {
		t.Fatal("a code went out without a y")
	}
	press(t, m, "esc", "y")
	wantScreen(t, m, "home")
}

// Finding 1 (the outbox part): back on the MFA screen from a recovery left
// with esc, the demo outbox shows this screen's code, not the recovery's.
func TestMFAOutboxShowsItsOwnCodeAfterARecoveryIsLeft(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	m := New(flowContext(t, clk, srv))
	runConnection(t, m, 3)
	code := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	clk.Advance(time.Second)
	press(t, m, "L", "y")
	requireShows(t, m, "MFA recovery code (1 of 2)")
	escLeaving(t, m)
	wantScreen(t, m, "MFA · Lost device")
	requireShows(t, m, "Your Dintero verification code is", code)
	requireHides(t, m, "recovery code")
}

// Issue 19.12: a 429 on the MFA screen's code check read "429 rate
// limited: retry after 5 s" while the recovery screen said the code was
// not checked and when to enter it again. Both word it the same way.
func TestRateLimitedCodeCheckWordedAsOnRecovery(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	m := New(ctx)
	runConnection(t, m, 1)
	code := srv.LastBindingCode(dinterotest.DemoMFAUser)
	typeText(t, m, code)
	srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 8, Times: 1})
	press(t, m, "enter")
	requireShows(t, m, "⏳ rate limited (429): the code was not checked; enter it again in 8s")
	requireHides(t, m, "retry after", "✗")
	wantFieldValue(t, m, "Code", code)
	n := len(log.ExchangesOf(ctx))
	press(t, m, "enter")
	if len(log.ExchangesOf(ctx)) != n {
		t.Fatal("the code was sent again during the wait")
	}
	requireShows(t, m, "✗ rate limited: the code can be tried again in 8s (429)")
	clk.Advance(9 * time.Second)
	requireHides(t, m, "rate limited")
	press(t, m, "enter")
	wantScreen(t, m, "token")
}

func TestRateLimitWaitHasOneLineThatGoesWithTheWait(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	var ticks tickRecorder
	ticks.install(ctx)
	m := New(ctx)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	runConnection(t, m, 1) // the MFA user: a code by SMS at once
	requireShows(t, m, "ctrl+n send a new code", "ctrl+w switch channel")
	srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 56, Times: 1})
	press(t, m, "ctrl+n")
	requireShows(t, m, "rate limited (429): a new code can be sent in 56s")
	requireHides(t, m, "56 s", "ctrl+n", "ctrl+w")
	if strings.Count(viewText(m), "rate limited") != 1 {
		t.Fatalf("more than one line about the wait:\n%s", viewText(m))
	}
	press(t, m, "ctrl+n")
	requireShows(t, m, "no new code for 56s more")
	if strings.Count(viewText(m), "rate limited") != 1 {
		t.Fatalf("more than one line about the wait:\n%s", viewText(m))
	}
	// The countdown runs through a visit to the log and ends with the wait.
	press(t, m, "ctrl+l", "esc")
	for range 56 {
		clk.Advance(time.Second)
		if ticks.fire(t, m, clk) == 0 {
			t.Fatalf("no tick during the wait:\n%s", viewText(m))
		}
	}
	requireHides(t, m, "rate limited", "no new code")
	requireShows(t, m, "ctrl+n send a new code", "ctrl+w switch channel")
}
