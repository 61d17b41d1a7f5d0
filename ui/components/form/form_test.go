package form_test

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

var (
	styles = common.DefaultStyles(true)
	keymap = common.DefaultKeyMap()
)

const secret = "s3cr3t-Value-9"

// show is the form drawn w×h, as plain text; raw keeps its escapes.
func show(f *form.Model, w, h int) string { return ansi.Strip(f.View(styles, w, h)) }
func raw(f *form.Model, w, h int) string  { return f.View(styles, w, h) }

// press hands the form each key; it reports whether one asked to send.
func press(f *form.Model, keys ...string) (submit bool) {
	for _, k := range keys {
		_, s := f.Update(uitest.Key(k), keymap)
		submit = submit || s
	}
	return submit
}

// typeText types s one key at a time, as a user does.
func typeText(f *form.Model, s string) {
	for _, r := range s {
		f.Update(uitest.Key(string(r)), keymap)
	}
}

// focusedLine is the line of the field with the focus, or "".
func focusedLine(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, "› ") {
			return l
		}
	}
	return ""
}

func helpKeys(f *form.Model) []string {
	var out []string
	for _, b := range f.Keys(keymap).ShortHelp() {
		out = append(out, b.Help().Key)
	}
	return out
}

func ccForm(values map[string]string) form.Model {
	return form.New(client.GrantClientCredentials, values, false, 78)
}

// TestSecretIsMaskedUntilRevealedWithCtrlR: a secret field shows bullets,
// never its value; ctrl+r on it shows the value and ctrl+r again hides it;
// the help offers ctrl+r only on a secret field, and ctrl+r elsewhere
// reveals nothing.
func TestSecretIsMaskedUntilRevealedWithCtrlR(t *testing.T) {
	f := ccForm(map[string]string{form.FAccount: "T11223344", form.FClientID: "client-1", form.FClientSecret: secret})
	if s := show(&f, 78, 24); strings.Contains(s, secret) || !strings.Contains(s, "••••") {
		t.Fatalf("the secret is not masked:\n%s", s)
	}
	if strings.Contains(strings.Join(helpKeys(&f), " "), "ctrl+r") {
		t.Fatalf("ctrl+r offered on the base URL: %v", helpKeys(&f))
	}
	press(&f, "ctrl+r")
	if s := show(&f, 78, 24); strings.Contains(s, secret) {
		t.Fatalf("ctrl+r on another field revealed the secret:\n%s", s)
	}
	f.FocusField(form.FClientSecret)
	if !strings.Contains(strings.Join(helpKeys(&f), " "), "ctrl+r") {
		t.Fatalf("ctrl+r not offered on the secret: %v", helpKeys(&f))
	}
	press(&f, "ctrl+r")
	if line := focusedLine(show(&f, 78, 24)); !strings.Contains(line, secret) {
		t.Fatalf("ctrl+r did not reveal the secret: %q", line)
	}
	press(&f, "ctrl+r")
	if s := show(&f, 78, 24); strings.Contains(s, secret) {
		t.Fatalf("ctrl+r again left the secret shown:\n%s", s)
	}
}

// TestClearSecretsHidesAndDropsWhatWasTyped: a secret revealed and then
// cleared (the form left) is masked again and empty, or back to what the
// form was opened with when that is kept.
func TestClearSecretsHidesAndDropsWhatWasTyped(t *testing.T) {
	f := ccForm(map[string]string{form.FClientSecret: "given-secret"})
	f.FocusField(form.FClientSecret)
	press(&f, "ctrl+r", "end")
	typeText(&f, "-typed")
	if got := f.Values()[form.FClientSecret]; got != "given-secret-typed" {
		t.Fatalf("typed into the secret: %q", got)
	}
	f.ClearSecrets(true)
	if got := f.Values()[form.FClientSecret]; got != "given-secret" {
		t.Fatalf("kept the given secret: %q", got)
	}
	if s := show(&f, 78, 24); strings.Contains(s, "given-secret") {
		t.Fatalf("a cleared secret is still revealed:\n%s", s)
	}
	f.ClearSecrets(false)
	if got := f.Values()[form.FClientSecret]; got != "" {
		t.Fatalf("not cleared: %q", got)
	}
}

// TestControlAndBidiCharactersAreCleanedAndSaid: a value opened with an
// escape sequence or a bidi override (a profile's file from anyone) is
// shown and kept without them, and the field says so; the escape never
// reaches the screen.
func TestControlAndBidiCharactersAreCleanedAndSaid(t *testing.T) {
	f := form.NewProfile(client.GrantClientCredentials, map[string]string{
		form.FName: "evil", form.FAccount: "T11223344",
		form.FClientID: "id\x1b]52;c;cHduZWQ=\a\u202egpj.exe",
	}, false, false, false, 78)
	screen := raw(&f, 78, 40)
	if strings.Contains(screen, "\x1b]52") || strings.Contains(screen, "\u202e") || strings.Contains(screen, "\a") {
		t.Fatalf("the escape or the override reached the screen: %q", screen)
	}
	plain := show(&f, 78, 40)
	if !strings.Contains(plain, "control or bidi characters removed") {
		t.Fatalf("the field does not say it was cleaned:\n%s", plain)
	}
	if got := f.Value(form.FClientID); strings.ContainsAny(got, "\x1b\a\u202e") || !strings.HasPrefix(got, "id") || !strings.HasSuffix(got, "gpj.exe") {
		t.Fatalf("the value kept: %q", got)
	}
}

// TestPastedControlCharactersAreCleaned: a paste with a line break and an
// escape into a text field is cleaned the same way, and said.
func TestPastedControlCharactersAreCleaned(t *testing.T) {
	f := ccForm(nil)
	f.FocusField(form.FClientID)
	f.TypeInto(tea.PasteMsg{Content: "abc\x1b[2Jdef\tg\u2067h"})
	got := f.Value(form.FClientID)
	if strings.ContainsAny(got, "\x1b\t\u2067") || !strings.HasPrefix(got, "abc") || !strings.HasSuffix(got, "h") {
		t.Fatalf("pasted: %q", got)
	}
	if s := raw(&f, 78, 24); strings.Contains(s, "\x1b[2J") {
		t.Fatalf("the paste's escape reached the screen: %q", s)
	}
}

// TestValidationErrorsLandOnTheirFields: an empty client_credentials form
// is refused, each missing field says why under itself, and the focus goes
// to the first; typing into a field clears its error.
func TestValidationErrorsLandOnTheirFields(t *testing.T) {
	f := ccForm(map[string]string{form.FBaseURL: "https://api.dintero.com/v1"})
	if !press(&f, "enter") {
		t.Fatal("enter did not ask to send")
	}
	if f.Validate() {
		t.Fatal("an empty form validated")
	}
	lines := strings.Split(show(&f, 78, 30), "\n")
	errUnder := func(label string) string {
		for i, l := range lines {
			if strings.Contains(l, label) && i+1 < len(lines) && strings.Contains(lines[i+1], "↳") {
				return strings.TrimSpace(lines[i+1])
			}
		}
		return ""
	}
	for _, label := range []string{"Account", "Client ID", "Secret"} {
		if errUnder(label) == "" {
			t.Fatalf("no error under %s:\n%s", label, strings.Join(lines, "\n"))
		}
	}
	if errUnder("Base URL") != "" {
		t.Fatalf("an error under a good base URL:\n%s", strings.Join(lines, "\n"))
	}
	if line := focusedLine(strings.Join(lines, "\n")); !strings.Contains(line, "Account") {
		t.Fatalf("the focus is on %q, not the first error", line)
	}
	typeText(&f, "T")
	lines = strings.Split(show(&f, 78, 30), "\n")
	if errUnder("Account") != "" {
		t.Fatalf("typing left the error:\n%s", strings.Join(lines, "\n"))
	}
	if errUnder("Client ID") == "" {
		t.Fatal("typing into the account cleared another field's error")
	}
}

// TestBadBaseURLAndAccountAreRefused: a base URL that is no URL and an
// account of the wrong shape are refused on their fields.
func TestBadBaseURLAndAccountAreRefused(t *testing.T) {
	f := ccForm(map[string]string{form.FBaseURL: "not a url", form.FAccount: "X1", form.FClientID: "c", form.FClientSecret: "s"})
	if f.Validate() {
		t.Fatal("validated")
	}
	s := show(&f, 78, 30)
	if line := focusedLine(s); !strings.Contains(line, "Base URL") {
		t.Fatalf("focus on %q:\n%s", line, s)
	}
	if strings.Count(s, "↳") != 2 {
		t.Fatalf("want errors under the base URL and the account:\n%s", s)
	}
	ok := ccForm(map[string]string{form.FBaseURL: "https://api.dintero.com/v1", form.FAccount: "T11223344", form.FClientID: "c", form.FClientSecret: "s"})
	if !ok.Validate() {
		t.Fatalf("a complete form refused:\n%s", show(&ok, 78, 30))
	}
	if req, base := ok.Request(); req.ClientID != "c" || req.ClientSecret != "s" || req.Account != "T11223344" || base != "https://api.dintero.com/v1" {
		t.Fatalf("request %+v at %q", req, base)
	}
}

// TestAudienceFollowsTheAccountUntilEdited: the audience is filled in from
// the account as it is typed; once the user edits it, it stays theirs.
func TestAudienceFollowsTheAccountUntilEdited(t *testing.T) {
	f := ccForm(nil)
	f.FocusField(form.FAccount)
	typeText(&f, "T11223344")
	want := client.DefaultAudience("T11223344")
	if req, _ := f.Request(); req.Audience != want {
		t.Fatalf("audience %q, want %q", req.Audience, want)
	}
	if s := show(&f, 100, 24); !strings.Contains(s, want) {
		t.Fatalf("the audience is not shown:\n%s", s)
	}
	press(&f, "backspace")
	typeText(&f, "5")
	if req, _ := f.Request(); req.Audience != client.DefaultAudience("T11223345") {
		t.Fatalf("the audience did not follow: %q", req.Audience)
	}
	// Edit the audience: the account no longer moves it.
	press(&f, "tab", "end")
	typeText(&f, "x")
	edited := client.DefaultAudience("T11223345") + "x"
	press(&f, "shift+tab")
	typeText(&f, "9")
	if req, _ := f.Request(); req.Audience != edited {
		t.Fatalf("an edited audience changed with the account: %q", req.Audience)
	}
	// Opened with its own audience: it is kept.
	g := ccForm(map[string]string{form.FAccount: "T11223344", "audience": "https://custom/aud"})
	g.FocusField(form.FAccount)
	typeText(&g, "0")
	if req, _ := g.Request(); req.Audience != "https://custom/aud" {
		t.Fatalf("a given audience was overwritten: %q", req.Audience)
	}
}

// TestChainToggleSwapsBearerForClientCredentials: on a password form the
// chaining line is toggled with space (only there): on, the client id and
// secret are asked and the Bearer hidden; off, the Bearer is asked. Space
// in a text field types a space.
func TestChainToggleSwapsBearerForClientCredentials(t *testing.T) {
	f := form.New(client.GrantPassword, nil, true, 78)
	if !f.Shown(form.FClientID) || f.Shown(form.FBearer) || !f.Chained() {
		t.Fatal("chained: the client id should show, not the Bearer")
	}
	f.FocusField("chain")
	if !strings.Contains(strings.Join(helpKeys(&f), " "), "space") {
		t.Fatalf("space not offered on the toggle: %v", helpKeys(&f))
	}
	press(&f, "space")
	if f.Chain() || f.Shown(form.FClientID) || f.Shown(form.FClientSecret) || !f.Shown(form.FBearer) {
		t.Fatal("space did not turn chaining off")
	}
	if line := focusedLine(show(&f, 78, 30)); !strings.Contains(line, "[ ] obtain the Bearer") {
		t.Fatalf("the toggle lost the focus or its box: %q", line)
	}
	press(&f, "space")
	if !f.Chain() {
		t.Fatal("space again did not turn it back on")
	}
	f.FocusField(form.FUsername)
	press(&f, "space")
	if f.Value(form.FUsername) != "" || f.Values()[form.FUsername] != " " || !f.Chain() {
		t.Fatalf("space in the username: %q, chain %v", f.Values()[form.FUsername], f.Chain())
	}
	if strings.Contains(strings.Join(helpKeys(&f), " "), "space") {
		t.Fatalf("space offered as a toggle on a text field: %v", helpKeys(&f))
	}
}

// TestTabCyclesTheShownFields: tab and shift+tab move over the shown
// fields and wrap at either end.
func TestTabCyclesTheShownFields(t *testing.T) {
	f := ccForm(nil)
	first := focusedLine(show(&f, 78, 24))
	press(&f, "shift+tab")
	if line := focusedLine(show(&f, 78, 24)); !strings.Contains(line, "Partner") {
		t.Fatalf("shift+tab from the first field: %q", line)
	}
	press(&f, "tab")
	if line := focusedLine(show(&f, 78, 24)); line != first {
		t.Fatalf("tab from the last field: %q, want %q", line, first)
	}
}

// TestProfileFormFieldsAndToggles: a password profile's form asks its
// name, the grant's fields and the profile settings; its toggles (store
// the password, the MFA channel, keep tokens, auto-refresh) switch with
// space and go into the profile; enter says "save profile".
func TestProfileFormFieldsAndToggles(t *testing.T) {
	f := form.NewProfile(client.GrantPassword, map[string]string{form.FBaseURL: "https://api.dintero.com/v1"}, true, false, false, 78)
	s := show(&f, 78, 60)
	for _, want := range []string{"Name", "Base URL", "Account", "Audience", "obtain the Bearer", "Client ID", "Secret", "Username", "Password",
		"store the password", "by SMS  (space: SMS/e-mail)", "Secrets in", "JWKS URL", "Notes", "keep tokens across restarts", "auto-refresh before expiry", "Refresh at"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the profile form lacks %q:\n%s", want, s)
		}
	}
	if got := f.Keys(keymap).ShortHelp()[0].Help().Desc; got != "save profile" {
		t.Fatalf("enter says %q", got)
	}
	for _, k := range []string{"store-password", "mfa-channel", "keep-tokens", "auto-refresh"} {
		f.FocusField(k)
		press(&f, "space")
	}
	s = show(&f, 78, 60)
	for _, want := range []string{"[x] store the password", "by e-mail  (space", "[x] keep tokens", "[x] auto-refresh"} {
		if !strings.Contains(s, want) {
			t.Fatalf("after space on each toggle, no %q:\n%s", want, s)
		}
	}
	f.FocusField(form.FName)
	typeText(&f, "merchant-x")
	f.FocusField(form.FAccount)
	typeText(&f, "T11223344")
	f.FocusField(form.FClientID)
	typeText(&f, "cid")
	f.FocusField(form.FUsername)
	typeText(&f, "user@example.com")
	f.FocusField(form.FPassword)
	typeText(&f, "pw")
	if !f.Validate() {
		t.Fatalf("a complete profile refused:\n%s", show(&f, 78, 60))
	}
	p, secrets := f.Profile()
	if p.Name != "merchant-x" || p.Grant != "password" || p.ClientID != "cid" || p.Username != "user@example.com" ||
		!p.KeepTokens || !p.AutoRefresh || p.MFAChannel != string(client.ChannelEmail) || p.BaseURL != "" || p.Audience != "" {
		t.Fatalf("profile %+v", p)
	}
	if secrets[profiles.Password] != "pw" || !f.StorePw() {
		t.Fatalf("store the password on, the password not kept: %v", secrets)
	}
}

// TestProfileFormRefusesBadSettings: a bad name, a secrets source that is
// none and a refresh time that is no duration are refused on their fields;
// a profile may leave its secrets empty (asked for later).
func TestProfileFormRefusesBadSettings(t *testing.T) {
	f := form.NewProfile(client.GrantClientCredentials, map[string]string{
		form.FName: "bad name!", form.FBaseURL: "https://api.dintero.com/v1", form.FAccount: "T11223344", form.FClientID: "cid",
		form.FSource: "safe", "refresh-before": "soon",
	}, false, false, false, 78)
	if f.Validate() {
		t.Fatal("validated")
	}
	s := show(&f, 78, 60)
	for _, want := range []string{"use letters, digits", "keyring, file, env:NAME, cmd:COMMAND or ask", "a duration like 30s or 2m"} {
		if !strings.Contains(s, want) {
			t.Fatalf("no %q:\n%s", want, s)
		}
	}
	g := form.NewProfile(client.GrantClientCredentials, map[string]string{
		form.FName: "good", form.FBaseURL: "https://api.dintero.com/v1", form.FAccount: "T11223344", form.FClientID: "cid", "refresh-before": "2m",
	}, false, false, false, 78)
	if !g.Validate() {
		t.Fatalf("a profile without its secret refused:\n%s", show(&g, 78, 60))
	}
	if p, _ := g.Profile(); time.Duration(p.RefreshBefore) != 2*time.Minute {
		t.Fatalf("refresh before %v", p.RefreshBefore)
	}
}

// TestEditingProfileSaysSecretsAreKept: an edited profile's empty secret
// fields say the stored secret stays.
func TestEditingProfileSaysSecretsAreKept(t *testing.T) {
	f := form.NewProfile(client.GrantClientCredentials, map[string]string{form.FName: "p"}, false, false, true, 78)
	f.FocusField(form.FClientSecret)
	if line := focusedLine(show(&f, 100, 40)); !strings.Contains(line, "unchanged") {
		t.Fatalf("the secret field of an edited profile: %q", line)
	}
}

// TestPastedBindingCodeIsCleaned: a binding code pasted as an SMS shows it
// ("Code: 123 456") is kept as its digits; a typed code with letters is
// refused on its field.
func TestPastedBindingCodeIsCleaned(t *testing.T) {
	f := form.New(client.GrantMFAOOB, nil, false, 78)
	f.FocusField(form.FBindingCode)
	f.TypeInto(tea.PasteMsg{Content: "Code: 123 456\n"})
	if got := f.Value(form.FBindingCode); got != "123456" {
		t.Fatalf("pasted code: %q", got)
	}
	g := form.New(client.GrantMFAOOB, map[string]string{form.FBindingCode: "12a456"}, false, 78)
	g.Validate()
	if s := show(&g, 78, 40); !strings.Contains(s, "digits only, as the user received it") {
		t.Fatalf("a code with a letter:\n%s", s)
	}
}

// TestFormFitsSixtyByTwenty: at 60×20 the focused field and its error
// stay in sight as the focus moves down a long profile form, the other
// fields scroll behind "more fields", and no line is wider than 60.
func TestFormFitsSixtyByTwenty(t *testing.T) {
	f := form.NewProfile(client.GrantPassword, nil, true, false, false, 60)
	f.Validate()
	for range 20 {
		s := show(&f, 60, 20)
		lines := strings.Split(s, "\n")
		if len(lines) > 20 {
			t.Fatalf("%d lines:\n%s", len(lines), s)
		}
		for _, l := range lines {
			if ansi.StringWidth(l) > 60 {
				t.Fatalf("line %q wider than 60", l)
			}
		}
		if focusedLine(s) == "" {
			t.Fatalf("the focused field is out of sight:\n%s", s)
		}
		press(&f, "tab")
	}
	f.FocusField(form.FName)
	if s := show(&f, 60, 20); !strings.Contains(s, "name is required") || !strings.Contains(s, "more fields") {
		t.Fatalf("the name's error or the scroll mark is missing:\n%s", s)
	}
}

// TestBannerIsShownSanitised: the banner (a server's error, most often) is
// drawn without its escape sequences and bidi overrides, whoever set it.
func TestBannerIsShownSanitised(t *testing.T) {
	f := ccForm(nil)
	f.SetBanner("invalid_client\x1b]52;c;cHduZWQ=\a\x1b[2J: bad\u202e client")
	s := raw(&f, 78, 24)
	if !strings.Contains(s, "✗ invalid_client") {
		t.Fatalf("no banner: %q", s)
	}
	if strings.Contains(s, "\x1b]52") || strings.Contains(s, "\x1b[2J") || strings.Contains(s, "\a") || strings.Contains(s, "\u202e") {
		t.Fatalf("the banner's escapes reached the screen: %q", s)
	}
	f.SetBanner("")
	if s := show(&f, 78, 24); strings.Contains(s, "✗") {
		t.Fatalf("an empty banner still shows:\n%s", s)
	}
}
