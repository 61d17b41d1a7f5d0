package request_test

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/request"
)

const base = "https://api.dintero.com/v1"

func newCtx() *common.Context { return uitest.Context(uitest.NewClock(uitest.FixedNow)) }

func ccPage(ctx *common.Context, values map[string]string) *request.Page {
	return request.New(ctx, form.New(client.GrantClientCredentials, values, false, ctx.Width-2), request.Setup{})
}

// messages runs the commands keys returned and gathers their messages.
func messages(cmds []tea.Cmd) []tea.Msg {
	var out []tea.Msg
	for _, c := range cmds {
		out = append(out, uitest.Messages(c)...)
	}
	return out
}

func typeText(p common.Page, s string) {
	for _, r := range s {
		p.Update(uitest.Key(string(r)))
	}
}

func focused(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, "› ") {
			return l
		}
	}
	return ""
}

// TestRequestEnterSubmitsOnlyAValidForm: enter on an incomplete form sends
// nothing and shows the errors on their fields, the focus on the first;
// once complete, enter asks the root to send the form.
func TestRequestEnterSubmitsOnlyAValidForm(t *testing.T) {
	ctx := newCtx()
	p := ccPage(ctx, map[string]string{form.FBaseURL: base})
	_, cmds := uitest.Press(p, "enter")
	if msgs := messages(cmds); len(msgs) != 0 {
		t.Fatalf("an empty form was sent: %#v", msgs)
	}
	screen := uitest.Screen(p, 78, 22)
	if !strings.Contains(screen, "↳") || !strings.Contains(focused(screen), "Account") {
		t.Fatalf("no errors, or the focus is not on the account:\n%s", screen)
	}
	typeText(p, dinterotest.DemoAccount)
	uitest.Press(p, "tab", "tab")
	typeText(p, dinterotest.DemoClientID)
	uitest.Press(p, "tab")
	typeText(p, dinterotest.DemoSecret)
	_, cmds = uitest.Press(p, "enter")
	msgs := messages(cmds)
	if len(msgs) != 1 || msgs[0] != (request.FormSubmitMsg{Form: p}) {
		t.Fatalf("enter on a complete form: %#v", msgs)
	}
	if req, b := p.Request(); req.ClientID != dinterotest.DemoClientID || req.ClientSecret != dinterotest.DemoSecret || b != base {
		t.Fatalf("the form's request: %+v at %q", req, b)
	}
	if strings.Contains(uitest.Screen(p, 78, 22), dinterotest.DemoSecret) {
		t.Fatal("the typed secret is on the screen")
	}
}

// TestRequestEscGoesBackWithWhatWasTyped: esc asks the root to go back,
// carrying the values and the chaining toggle for the next form.
func TestRequestEscGoesBackWithWhatWasTyped(t *testing.T) {
	ctx := newCtx()
	p := request.New(ctx, form.New(client.GrantPassword, map[string]string{form.FBaseURL: base}, true, 78), request.Setup{})
	uitest.Press(p, "tab")
	typeText(p, "T11223344")
	_, cmds := uitest.Press(p, "esc")
	msgs := messages(cmds)
	if len(msgs) != 1 {
		t.Fatalf("esc: %#v", msgs)
	}
	back, ok := msgs[0].(request.FormBackMsg)
	if !ok || back.Form != p || !back.Chain || back.Values[form.FAccount] != "T11223344" || back.Values[form.FBaseURL] != base {
		t.Fatalf("esc: %#v", msgs[0])
	}
}

// TestRequestBannerIsShownSanitisedAndClearedOnSend: the root's banner (a
// server's error) is shown above the hint; an escape sequence in it never
// reaches the screen; enter clears it before validating again.
func TestRequestBannerIsShownSanitisedAndClearedOnSend(t *testing.T) {
	ctx := newCtx()
	p := ccPage(ctx, map[string]string{form.FBaseURL: base})
	p.SetSize(78, 22)
	p.Update(request.SetBannerMsg{Text: "invalid_client\x1b]52;c;cHduZWQ=\a\x1b[2J: unknown\u202e client"})
	raw := p.View()
	if !strings.Contains(raw, "invalid_client") {
		t.Fatalf("no banner drawn: %q", raw)
	}
	if strings.Contains(raw, "\x1b]52") || strings.Contains(raw, "\x1b[2J") || strings.Contains(raw, "\a") || strings.Contains(raw, "\u202e") {
		t.Fatalf("the banner's escapes reached the screen: %q", raw)
	}
	if s := uitest.Screen(p, 78, 22); !strings.Contains(s, "✗ invalid_client") || !strings.Contains(s, "unknown client") {
		t.Fatalf("the banner is not shown:\n%s", s)
	}
	uitest.Press(p, "enter")
	if s := uitest.Screen(p, 78, 22); strings.Contains(s, "invalid_client") {
		t.Fatalf("enter left the old banner:\n%s", s)
	}
}

// TestRequestFocusFieldMsgMovesTheFocus: the root puts the focus on the
// field an error names.
func TestRequestFocusFieldMsgMovesTheFocus(t *testing.T) {
	p := ccPage(newCtx(), nil)
	p.Update(request.FocusFieldMsg{Field: form.FClientSecret})
	if line := focused(uitest.Screen(p, 78, 22)); !strings.Contains(line, "Secret") {
		t.Fatalf("focus on %q", line)
	}
	p.Update(request.FocusFieldMsg{Field: "no-such-field"})
	if line := focused(uitest.Screen(p, 78, 22)); !strings.Contains(line, "Secret") {
		t.Fatalf("an unknown field moved the focus to %q", line)
	}
}

// TestRequestSecretRevealedOnlyWithCtrlR: through the page, a secret is
// masked, ctrl+r on it shows it and ctrl+r hides it again.
func TestRequestSecretRevealedOnlyWithCtrlR(t *testing.T) {
	p := ccPage(newCtx(), map[string]string{form.FClientSecret: "top-secret-42"})
	p.Update(request.FocusFieldMsg{Field: form.FClientSecret})
	if strings.Contains(uitest.Screen(p, 78, 22), "top-secret-42") {
		t.Fatal("masked secret shown")
	}
	uitest.Press(p, "ctrl+r")
	if !strings.Contains(uitest.Screen(p, 78, 22), "top-secret-42") {
		t.Fatal("ctrl+r did not reveal")
	}
	uitest.Press(p, "ctrl+r")
	if strings.Contains(uitest.Screen(p, 78, 22), "top-secret-42") {
		t.Fatal("ctrl+r again did not hide")
	}
}

// TestRequestPastedBindingCodeIsCleaned: a paste reaches the focused
// field through the page; the binding code keeps only its digits.
func TestRequestPastedBindingCodeIsCleaned(t *testing.T) {
	ctx := newCtx()
	p := request.New(ctx, form.New(client.GrantMFAOOB, nil, false, 78), request.Setup{})
	p.Update(request.FocusFieldMsg{Field: form.FBindingCode})
	p.Update(tea.PasteMsg{Content: " code: 482-913\n"})
	if got := p.Value(form.FBindingCode); got != "482913" {
		t.Fatalf("pasted: %q", got)
	}
	// What is more than a label, spaces and dashes stays, to be refused
	// on its field rather than sent (it would use up an attempt).
	q := request.New(ctx, form.New(client.GrantMFAOOB, nil, false, 78), request.Setup{})
	q.Update(request.FocusFieldMsg{Field: form.FBindingCode})
	q.Update(tea.PasteMsg{Content: "Your code: 482 913"})
	_, cmds := uitest.Press(q, "enter")
	if msgs := messages(cmds); len(msgs) != 0 {
		t.Fatalf("a code with words was sent: %#v", msgs)
	}
	if s := uitest.Screen(q, 78, 40); !strings.Contains(s, "digits only, as the user received it") {
		t.Fatalf("the code's field does not say why:\n%s", s)
	}
}

// TestRequestAccountBadgeFollowsTheField: the header's badge names the
// account as it is typed; the page takes text (q types a q) and is the
// form a request's errors go back to.
func TestRequestAccountBadgeFollowsTheField(t *testing.T) {
	p := ccPage(newCtx(), nil)
	uitest.Press(p, "tab")
	typeText(p, "P1122")
	if p.Account() != "P1122" {
		t.Fatalf("account %q", p.Account())
	}
	uitest.Press(p, "q")
	if p.Account() != "P1122q" || !p.TakesText() {
		t.Fatalf("q did not type: %q", p.Account())
	}
	var pg common.Page = p
	if _, ok := pg.(common.RequestForm); !ok {
		t.Fatal("not a RequestForm")
	}
	if _, ok := pg.(common.AccountNamer); !ok {
		t.Fatal("not an AccountNamer")
	}
}

// TestRequestTitleNamesTheGrantAndTheProfile: the breadcrumb says what the
// form is for.
func TestRequestTitleNamesTheGrantAndTheProfile(t *testing.T) {
	ctx := newCtx()
	if got := ccPage(ctx, nil).Title(); got != "request · client_credentials" {
		t.Fatalf("title %q", got)
	}
	pp := request.New(ctx, form.NewProfile(client.GrantPassword, nil, true, false, false, 78), request.Setup{Draft: "new-profile"})
	if got := pp.Title(); got != "request · profile · password" {
		t.Fatalf("title %q", got)
	}
	if pp.Draft() != "new-profile" || pp.OneOff() {
		t.Fatalf("draft %q, one-off %v", pp.Draft(), pp.OneOff())
	}
	if one := request.New(ctx, form.New(client.GrantPassword, nil, true, 78), request.Setup{OneOff: true}); !one.OneOff() || one.Draft() != "" {
		t.Fatal("a one-off request's setup was not kept")
	}
}

// TestRequestSetupStartsFromTheEditedProfile: a profile opened for
// editing starts from it: its toggles show, and what the form does not
// show is carried into the saved profile.
func TestRequestSetupStartsFromTheEditedProfile(t *testing.T) {
	ctx := newCtx()
	old := profiles.Profile{Name: "m", Grant: "client_credentials", Account: "T11223344", ClientID: "cid", KeepTokens: true, AutoRefresh: true}
	p := request.New(ctx, form.NewProfile(client.GrantClientCredentials, form.ValuesForProfile(old), false, false, true, 78), request.Setup{Editing: &old})
	if p.Editing() != "m" {
		t.Fatalf("editing %q", p.Editing())
	}
	s := uitest.Screen(p, 78, 40)
	if !strings.Contains(s, "[x] keep tokens") || !strings.Contains(s, "[x] auto-refresh") {
		t.Fatalf("the profile's toggles are not shown:\n%s", s)
	}
	got, _ := p.Profile()
	if got.Name != "m" || got.ClientID != "cid" || !got.KeepTokens || !got.AutoRefresh {
		t.Fatalf("profile %+v", got)
	}
}

// TestRequestWithoutKeyringSaysWhereSecretsGo: where no keyring answered,
// a new profile's secrets default to being asked for each time, and the
// keep-tokens line says tokens cannot be kept; the form learns it at its
// next size, as the keyring's answer may come after it opened.
func TestRequestWithoutKeyringSaysWhereSecretsGo(t *testing.T) {
	ctx := newCtx()
	p := request.New(ctx, form.NewProfile(client.GrantClientCredentials, nil, false, false, false, 78), request.Setup{})
	if s := uitest.Screen(p, 78, 40); strings.Contains(s, "no OS keyring") {
		t.Fatalf("a keyring is there:\n%s", s)
	}
	ctx.KeyringMissing = true
	s := uitest.Screen(p, 78, 40)
	if !strings.Contains(s, "no OS keyring here: asked for each time") || !strings.Contains(s, "(no OS keyring here)") {
		t.Fatalf("without a keyring:\n%s", s)
	}
	if p.DefaultSource() != profiles.SourceAsk {
		t.Fatalf("default source %q", p.DefaultSource())
	}
}

// TestRequestFitsSixtyByTwenty: at 60×20 every form keeps the focused
// field in sight and no line is wider than 60, for each grant.
func TestRequestFitsSixtyByTwenty(t *testing.T) {
	for _, g := range []client.Grant{client.GrantClientCredentials, client.GrantPassword, client.GrantAuthorizationCode,
		client.GrantAccountUserToken, client.GrantRefreshToken, client.GrantMFAOOB, client.GrantOIDC} {
		p := request.New(newCtx(), form.New(g, nil, true, 58), request.Setup{})
		for range 12 {
			s := uitest.Screen(p, 60, 20)
			lines := strings.Split(s, "\n")
			if len(lines) > 20 || focused(s) == "" {
				t.Fatalf("%s: %d lines, focus shown %v:\n%s", g, len(lines), focused(s) != "", s)
			}
			for _, l := range lines {
				if len([]rune(l)) > 60 {
					t.Fatalf("%s: line %q wider than 60", g, l)
				}
			}
			uitest.Press(p, "tab")
		}
	}
}

// TestRequestHelpFollowsTheFocusedField: enter says send (save profile on
// a profile's form); ctrl+r is offered on a secret only, space on a toggle
// only.
func TestRequestHelpFollowsTheFocusedField(t *testing.T) {
	ctx := newCtx()
	help := func(p *request.Page) string {
		var out []string
		for _, b := range p.Keys().ShortHelp() {
			out = append(out, b.Help().Key+" "+b.Help().Desc)
		}
		return strings.Join(out, " · ")
	}
	p := request.New(ctx, form.New(client.GrantPassword, nil, true, 78), request.Setup{})
	if h := help(p); !strings.HasPrefix(h, "enter send") || strings.Contains(h, "ctrl+r") || strings.Contains(h, "space") {
		t.Fatalf("on the base URL: %s", h)
	}
	p.Update(request.FocusFieldMsg{Field: form.FPassword})
	if h := help(p); !strings.Contains(h, "ctrl+r") {
		t.Fatalf("on the password: %s", h)
	}
	p.Update(request.FocusFieldMsg{Field: "chain"})
	if h := help(p); !strings.Contains(h, "space toggle") || strings.Contains(h, "ctrl+r") {
		t.Fatalf("on the toggle: %s", h)
	}
	pp := request.New(ctx, form.NewProfile(client.GrantPassword, nil, true, false, false, 78), request.Setup{})
	if h := help(pp); !strings.HasPrefix(h, "enter save profile") {
		t.Fatalf("a profile's form: %s", h)
	}
}
