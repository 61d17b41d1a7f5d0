package ui

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/inspect"
)

// scripted answers like the fake server would, byte for byte the same on
// every run, so the log screens can have goldens.
type scriptedTransport struct{ answers []scriptedAnswer }

type scriptedAnswer struct {
	status int
	body   string
}

func (s *scriptedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	a := s.answers[0]
	s.answers = s.answers[1:]
	h := http.Header{"Content-Type": {"application/json"}, "Date": {"Sat, 28 Nov 2026 12:00:00 GMT"}}
	return &http.Response{StatusCode: a.status, Header: h, Body: io.NopCloser(bytes.NewBufferString(a.body)), Request: req}, nil
}

// recordedMFAFlow runs the flow client_credentials → password (403
// mfa_required) → challenge → wrong code → right code through a recorder.
func recordedMFAFlow(t testing.TB, ctx *common.Context) {
	t.Helper()
	tok := syntheticResult(t, fixedNow).Response.AccessToken
	tr := &scriptedTransport{answers: []scriptedAnswer{
		{200, `{"access_token":"` + tok + `","token_type":"Bearer","expires_in":120}`},
		{403, `{"error":{"code":"mfa_required","message":"Multi-factor authentication required","mfa_token":"mfa_GoldenFileMFAToken0000000000001"}}`},
		{200, `{"challenge_type":"oob","binding_method":"prompt","oob_code":"oob_GoldenFileOOBCode00000001"}`},
		{400, `{"error":{"code":"invalid_grant","message":"the binding code is not correct (2 attempt(s) left)"}}`},
		{200, `{"access_token":"` + tok + `","token_type":"Bearer","expires_in":120,"refresh_token":"rt_GoldenFileRefreshToken000000000001"}`},
	}}
	ctx.Recorder.Now = func() time.Time { return fixedNow }
	c, err := client.New(client.Options{BaseURL: "https://api.dintero.com/v1", Transport: tr, Recorder: ctx.Recorder, UserAgent: "tokenbench/test"})
	if err != nil {
		t.Fatal(err)
	}
	rn := flows.NewRunner(c)
	req := flows.Request{Account: "T11223344", Grant: client.GrantPassword, ClientID: "demo-client", ClientSecret: "demo-client-secret", Username: "mfa@example.com", Password: "demo-password"}
	_, s, err := rn.Start(t.Context(), req)
	if err != nil || s == nil {
		t.Fatalf("start: %v", err)
	}
	if err := rn.Challenge(t.Context(), s, client.ChannelSMS); err != nil {
		t.Fatal(err)
	}
	_, _ = rn.Verify(t.Context(), s, "000000")
	if _, err := rn.Verify(t.Context(), s, "482913"); err != nil {
		t.Fatal(err)
	}
}

func TestGoldenDebug(t *testing.T) {
	cases := map[string]func(t *testing.T, m *Model){
		"log":      func(t *testing.T, m *Model) { press(t, m, "ctrl+l", "up") },
		"exchange": func(t *testing.T, m *Model) { press(t, m, "ctrl+l", "up", "up", "up", "enter") },
		"timeline": func(t *testing.T, m *Model) { press(t, m, "ctrl+l", "t", "down") },
		"inspector": func(t *testing.T, m *Model) {
			// The check's answer is given, not fetched: no network.
			verified := func(raw, url string) tea.Cmd {
				return func() tea.Msg {
					return common.SigMsg{Token: raw, URL: url, Err: errors.New("unknown kid demo-key-1 (the JWKS has fake-k1)")}
				}
			}
			// The keys URL is typed: the page has none to fill in.
			noKeysURL := func(*flows.Result) string { return "" }
			p := inspect.New(m.ctx, verified, noKeysURL)
			m.openPage(p)
			_, cmd := m.Update(tea.PasteMsg{Content: syntheticResult(t, fixedNow).Response.AccessToken})
			drive(t, m, cmd)
			press(t, m, "tab")
			typeText(t, m, "https://api.dintero.com/v1/accounts/T11223344/auth/.well-known/jwks.json")
			press(t, m, "enter")
		},
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			requireGoldenView(t, func(t *testing.T) *Model {
				ctx := testContext(uitest.NewClock(fixedNow))
				recordedMFAFlow(t, ctx)
				m := New(ctx)
				setup(t, m)
				return m
			})
		})
	}
}

func TestLogCurlAndSignatureInTheApp(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	var ticks tickRecorder
	ticks.install(ctx)
	m := New(ctx)
	press(t, m, "enter") // client_credentials
	wantScreen(t, m, "token")
	if !strings.Contains(viewText(m), "✓ verified (kid "+srv.KeyID()+", RS256)") {
		t.Fatalf("signature not verified:\n%s", viewText(m))
	}
	// ctrl+l from the token view: the log lists the token request and the
	// JWKS fetch.
	_, cmd := m.Update(uitest.Key("ctrl+l"))
	drive(t, m, cmd)
	view := viewText(m)
	if !strings.Contains(view, "HTTP log") || !strings.Contains(view, "token · client_credentials") || !strings.Contains(view, "keys") {
		t.Fatalf("log:\n%s", view)
	}
	press(t, m, "up", "enter")
	if !strings.Contains(viewText(m), "› exchange") || !strings.Contains(viewText(m), "Basic [demo-client:secret redacted]") || strings.Contains(viewText(m), dinterotest.DemoSecret) {
		t.Fatalf("exchange:\n%s", viewText(m))
	}
	press(t, m, "c")
	clip := ctx.Clipboard.(*fakeClipboard)
	// A curl command names the secret by a variable: nothing to clear.
	if !strings.Contains(clip.content, `-u "demo-client:$TOKENBENCH_CLIENT_SECRET"`) || ticks.armed(ctx.ClearAfter) != 0 || strings.Contains(statusOf(m), "clears in") {
		t.Fatalf("curl copy %q (clears armed: %d, status %q)", clip.content, ticks.armed(ctx.ClearAfter), statusOf(m))
	}
	wantStatus(t, m, "curl command copied via system clipboard")
	// The inspector is one key away, even from a text field.
	press(t, m, "esc", "esc", "n", "enter")
	_, cmd = m.Update(uitest.Key("ctrl+o"))
	drive(t, m, cmd)
	if !strings.Contains(viewText(m), "› inspector") {
		t.Fatalf("inspector:\n%s", viewText(m))
	}
	// The keys URL comes from the pasted token's own account.
	tok, _ := srv.IssueToken(map[string]any{"sub": "pasted", "iss": srv.URL + "/accounts/" + dinterotest.DemoAccount + "/auth"})
	typeText(t, m, "Bearer "+tok)
	press(t, m, "enter")
	if !strings.Contains(viewText(m), "pasted") || !strings.Contains(viewText(m), "✓ verified") || !strings.Contains(viewText(m), "auth/keys") {
		t.Fatalf("inspected:\n%s", viewText(m))
	}
}

// The token view's signature line refetches an account's keys when a new
// token names a kid the kept keys lack: the account rotated its key.
func TestSignatureVerifiesAfterTheAccountRotatesItsKey(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	m := New(ctx)
	press(t, m, "enter") // client_credentials
	requireShows(t, m, "✓ verified (kid "+srv.KeyID()+", RS256)")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	srv.RotateKey(key)
	press(t, m, "r")
	requireShows(t, m, "✓ verified (kid "+srv.KeyID()+", RS256)")
}

func TestLogDurationsRoundAsTheExchangeView(t *testing.T) {
	for d, want := range map[time.Duration]string{600 * time.Microsecond: "1 ms", 1600 * time.Microsecond: "2 ms", 0: "0 ms", 2 * time.Second: "2000 ms"} {
		if got := flows.Took(d); got != want {
			t.Errorf("flows.Took(%v) = %q, want %q", d, got, want)
		}
	}
}
