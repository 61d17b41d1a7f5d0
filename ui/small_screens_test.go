package ui

import (
	"testing"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/recovery"
)

// Issue 19.9 and the screens this round changed, at the three sizes: the
// recovery's setup, its question on esc past step 1, and a new profile's
// form where no keyring answers.
func TestGoldenSmallScreens(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, m *Model)
		keys  []string
	}{
		{name: "recovery_setup", setup: func(t *testing.T, m *Model) {
			c := goldenConnections()[1]
			req := c.Request
			req.Username = "lost-device@example.com"
			r := recovery.New(m.ctx, c.BaseURL, req, client.ChannelSMS, nil)
			m.openPage(r)
			_ = r.Ask()
		}},
		{name: "recovery_leave_confirm", setup: func(t *testing.T, m *Model) {
			showRecovery(m, goldenRecovery(2, client.ChannelSMS), nil)
			press(t, m, "esc")
		}},
		{name: "profile_form_no_keyring", setup: func(t *testing.T, m *Model) {
			m.Update(keyringProbedMsg{missing: true})
			m.openFormPage(form.NewProfile(client.GrantClientCredentials, map[string]string{form.FBaseURL: goldenBase}, true, false, false, m.ctx.Width-2))
		}, keys: []string{"tab", "tab", "tab", "tab", "tab", "tab", "tab"}},
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

// Issue 19.9: at 60×20 the grant chooser showed five of its seven items,
// their descriptions cut, with empty rows below; every item shows now,
// the selected one's description whole.
func TestChooserAt60x20ShowsEveryItem(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	ctx := testContext(clk)
	ctx.Width, ctx.Height = 60, 20
	m := New(ctx)
	wantScreen(t, m, "choose a grant")
	press(t, m, "down")
	requireShows(t, m, "client_credentials", "mfa-oob", "Recover MFA (lost device)", "password. May ask for MFA.")
	requireFits(t, m, 60, 20)
}

// Issue 19.9: a form too long for the screen spent two rows on blank
// lines while its fields scrolled: at 60×20 the password form's errors
// were cut below "↓ more fields"; at 80×24 the profile form scrolled.
func TestLongFormsGiveBlankLinesToFields(t *testing.T) {
	ctx := testContext(uitest.NewClock(fixedNow))
	ctx.Width, ctx.Height = 60, 20
	m := New(ctx)
	m.openFormPage(form.New(client.GrantPassword, map[string]string{form.FBaseURL: goldenBase}, true, m.ctx.Width-2))
	press(t, m, "enter")
	requireShows(t, m, "↳ username is required", "↳ password is required")
	requireHides(t, m, "more fields")
	requireFits(t, m, 60, 20)

	ctx = testContext(uitest.NewClock(fixedNow))
	m = New(ctx)
	values := form.ValuesFor(goldenConnections()[1].Request, goldenBase)
	m.openFormPage(form.NewProfile(client.GrantPassword, values, true, false, false, m.ctx.Width-2))
	requireShows(t, m, "Refresh at")
	requireHides(t, m, "more fields")
	requireFits(t, m, 80, 24)
}
