package flows_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
)

const account = dinterotest.DemoAccount

// clock is a settable time source shared by the fake server and the test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func setup(t *testing.T, cfg dinterotest.Config) (*dinterotest.Server, *flows.Runner) {
	t.Helper()
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c, err := client.New(client.Options{BaseURL: srv.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return srv, flows.NewRunner(c)
}

func passwordRequest(user string) flows.Request {
	return flows.Request{
		Account: account, Grant: client.GrantPassword,
		ClientID: dinterotest.DemoClientID, ClientSecret: dinterotest.DemoSecret,
		Username: user, Password: dinterotest.DemoPassword,
	}
}

func TestChainsClientCredentialsForPassword(t *testing.T) {
	srv, rn := setup(t, dinterotest.DemoConfig(time.Hour))
	res, s, err := rn.Start(context.Background(), passwordRequest(dinterotest.DemoUser))
	if err != nil || s != nil {
		t.Fatalf("res=%v s=%v err=%v", res, s, err)
	}
	if !res.BearerChained || res.Token == nil || res.Token.Subject != "user:"+dinterotest.DemoUser {
		t.Fatalf("result %+v", res)
	}
	if res.RefreshToken == "" || res.RefreshNote() != "" {
		t.Fatalf("refresh token %q note %q", res.RefreshToken, res.RefreshNote())
	}
	if srv.Requests() != 2 {
		t.Fatalf("%d requests, want 2 (client_credentials then password)", srv.Requests())
	}
	if res.Request.Audience != client.DefaultAudience(account) {
		t.Fatalf("audience %q", res.Request.Audience)
	}
	if !res.Expiry.Known() || res.Expiry.Source == "" {
		t.Fatalf("expiry %+v", res.Expiry)
	}
}

// scripted answers binding codes from a list, io.EOF after.
type scripted struct {
	codes   []func() string
	prompts []flows.Prompt
}

func (p *scripted) BindingCode(_ context.Context, pr flows.Prompt) (string, error) {
	p.prompts = append(p.prompts, pr)
	if len(p.codes) == 0 {
		return "", io.EOF
	}
	next := p.codes[0]
	p.codes = p.codes[1:]
	return next(), nil
}

func TestMFAWrongCodeThenRightBothChannels(t *testing.T) {
	for _, ch := range []client.Channel{client.ChannelSMS, client.ChannelEmail} {
		t.Run(string(ch), func(t *testing.T) {
			srv, rn := setup(t, dinterotest.DemoConfig(time.Hour))
			p := &scripted{codes: []func() string{
				func() string { return "000000" },
				func() string { return srv.LastBindingCode(dinterotest.DemoMFAUser) },
			}}
			var notified *flows.MFASession
			res, err := rn.Run(context.Background(), passwordRequest(dinterotest.DemoMFAUser), ch, p, func(s *flows.MFASession) { notified = s })
			if err != nil {
				t.Fatal(err)
			}
			if !res.ViaMFA || res.Request.Grant != client.GrantPassword || res.RefreshToken == "" {
				t.Fatalf("result %+v", res)
			}
			if notified == nil || notified.Channel != ch {
				t.Fatalf("notify %+v", notified)
			}
			if len(p.prompts) != 2 || p.prompts[1].LastError == nil || !errors.Is(p.prompts[1].LastError, flows.ErrWrongCode) || p.prompts[1].AttemptsLeft != 2 {
				t.Fatalf("prompts %+v", p.prompts)
			}
			if box := srv.Outbox(); len(box) != 1 || box[0].Channel != string(ch) {
				t.Fatalf("outbox %+v", box)
			}
		})
	}
}

func TestMFANoCodeAvailable(t *testing.T) {
	_, rn := setup(t, dinterotest.DemoConfig(time.Hour))
	_, err := rn.Run(context.Background(), passwordRequest(dinterotest.DemoMFAUser), client.ChannelSMS, &scripted{}, nil)
	var need *flows.NeedCodeError
	if !errors.As(err, &need) || need.Session.MFAToken == "" || need.Session.OOBCode == "" {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(err.Error(), need.Session.MFAToken) || strings.Contains(err.Error(), need.Session.OOBCode) {
		t.Fatal("secrets in the error text")
	}
}

func TestMFAThreeWrongCodes(t *testing.T) {
	_, rn := setup(t, dinterotest.DemoConfig(time.Hour))
	wrong := func() string { return "111111" }
	_, err := rn.Run(context.Background(), passwordRequest(dinterotest.DemoMFAUser), client.ChannelSMS, &scripted{codes: []func() string{wrong, wrong, wrong, wrong}}, nil)
	// The fake server expires the challenge on the third wrong code.
	if !errors.Is(err, flows.ErrChallengeExpired) {
		t.Fatalf("got %v", err)
	}
}

func TestMFAExpiredChallengeThenNewCodeAndSwitchChannel(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.Now = clk.Now
	srv, rn := setup(t, cfg)
	ctx := context.Background()
	_, s, err := rn.Start(ctx, passwordRequest(dinterotest.DemoMFAUser))
	if err != nil || s == nil {
		t.Fatalf("want an MFA session, got %v", err)
	}
	if err := rn.Challenge(ctx, s, client.ChannelSMS); err != nil {
		t.Fatal(err)
	}
	code := srv.LastBindingCode(dinterotest.DemoMFAUser)
	clk.Advance(6 * time.Minute) // binding codes live 5 minutes
	_, err = rn.Verify(ctx, s, code)
	if !errors.Is(err, flows.ErrChallengeExpired) || s.Challenged() {
		t.Fatalf("got %v, challenged=%v", err, s.Challenged())
	}
	// A new code on the other channel finishes the flow.
	if err := rn.Challenge(ctx, s, s.Channel.Other()); err != nil {
		t.Fatal(err)
	}
	if s.Channel != client.ChannelEmail || s.Challenges != 2 {
		t.Fatalf("session %+v", s)
	}
	// The expired code does not work for the new challenge.
	if code != srv.LastBindingCode(dinterotest.DemoMFAUser) {
		if _, err = rn.Verify(ctx, s, code); !errors.Is(err, flows.ErrWrongCode) {
			t.Fatalf("old code: %v", err)
		}
	}
	res, err := rn.Verify(ctx, s, srv.LastBindingCode(dinterotest.DemoMFAUser))
	if err != nil || !res.ViaMFA {
		t.Fatalf("res=%v err=%v", res, err)
	}
	// The whole MFA session is one-time.
	if err := rn.Challenge(ctx, s, client.ChannelSMS); !errors.Is(err, flows.ErrMFAExpired) {
		t.Fatalf("challenge after success: %v", err)
	}
}

func TestMFATokenExpires(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.Now = clk.Now
	_, rn := setup(t, cfg)
	_, s, err := rn.Start(context.Background(), passwordRequest(dinterotest.DemoMFAUser))
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(11 * time.Minute)
	if err := rn.Challenge(context.Background(), s, client.ChannelSMS); !errors.Is(err, flows.ErrMFAExpired) {
		t.Fatalf("got %v", err)
	}
}

// Every place a server may put mfa_token starts the same MFA session.
func TestMFARequiredShapes(t *testing.T) {
	shapes := map[string]string{
		"nested":    `{"error":{"code":"mfa_required","message":"MFA required","mfa_token":"tok-1"}}`,
		"top level": `{"error":{"code":"mfa_required","message":"MFA required"},"mfa_token":"tok-1"}`,
		"oauth":     `{"error":"mfa_required","error_description":"MFA required","mfa_token":"tok-1"}`,
	}
	for name, body := range shapes {
		t.Run(name, func(t *testing.T) {
			var challenged map[string]string
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if strings.HasSuffix(r.URL.Path, "/mfa/challenge") {
					_ = json.NewDecoder(r.Body).Decode(&challenged)
					io.WriteString(w, `{"challenge_type":"oob","binding_method":"prompt","oob_code":"oob-1"}`)
					return
				}
				w.WriteHeader(http.StatusForbidden)
				io.WriteString(w, body)
			}))
			defer ts.Close()
			c, _ := client.New(client.Options{BaseURL: ts.URL + "/v1"})
			rn := flows.NewRunner(c)
			req := flows.Request{Account: account, Grant: client.GrantPassword, Bearer: "a.b.c", Username: "u", Password: "p"}
			_, s, err := rn.Start(context.Background(), req)
			if err != nil || s == nil || s.MFAToken != "tok-1" {
				t.Fatalf("s=%+v err=%v", s, err)
			}
			if err := rn.Challenge(context.Background(), s, client.ChannelEmail); err != nil {
				t.Fatal(err)
			}
			if challenged["mfa_token"] != "tok-1" || challenged["oob_channel"] != "email" || challenged["challenge_type"] != "oob" || s.OOBCode != "oob-1" {
				t.Fatalf("challenge body %v, session %+v", challenged, s)
			}
		})
	}
}

func TestRefreshNotes(t *testing.T) {
	_, rn := setup(t, dinterotest.DemoConfig(time.Hour))
	ctx := context.Background()
	cc, _, err := rn.Start(ctx, flows.Request{Account: account, ClientID: dinterotest.DemoClientID, ClientSecret: dinterotest.DemoSecret})
	if err != nil {
		t.Fatal(err)
	}
	if note := cc.RefreshNote(); !strings.Contains(note, "only the password and authorization_code grants") {
		t.Fatalf("cc note %q", note)
	}
	req := passwordRequest(dinterotest.DemoUser)
	req.ClientID, req.ClientSecret = dinterotest.DemoLimitedClientID, dinterotest.DemoLimitedSecret
	// The limited client cannot call the token endpoint at all; give it a
	// Bearer that can, but lacks the refresh scope.
	lim, _, err := rn.Start(ctx, flows.Request{Account: account, ClientID: dinterotest.DemoLimitedClientID, ClientSecret: dinterotest.DemoLimitedSecret})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = rn.Start(ctx, flows.Request{Account: account, Grant: client.GrantPassword, Bearer: lim.Response.AccessToken, Username: dinterotest.DemoUser, Password: dinterotest.DemoPassword})
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "insufficient_scope" {
		t.Fatalf("got %v", err)
	}
}

func TestRefreshNoteMissingScope(t *testing.T) {
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.Clients = append(cfg.Clients, dinterotest.APIClient{ID: "no-refresh", Secret: "s", Scopes: []string{dinterotest.ScopeAuthUsers}})
	_, rn := setup(t, cfg)
	req := passwordRequest(dinterotest.DemoUser)
	req.ClientID, req.ClientSecret = "no-refresh", "s"
	res, _, err := rn.Start(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.RefreshToken != "" || res.RefreshNote() != "the Bearer token sent lacks the scope "+flows.ScopeRefreshToken {
		t.Fatalf("note %q", res.RefreshNote())
	}
}

func TestRefreshUsesRefreshTokenAndKeepsIt(t *testing.T) {
	srv, rn := setup(t, dinterotest.DemoConfig(time.Hour))
	ctx := context.Background()
	first, _, err := rn.Start(ctx, passwordRequest(dinterotest.DemoUser))
	if err != nil {
		t.Fatal(err)
	}
	before := srv.Requests()
	second, s, err := rn.Refresh(ctx, first)
	if err != nil || s != nil {
		t.Fatal(err)
	}
	if srv.Requests() != before+1 {
		t.Fatalf("refresh made %d requests, want 1 (the held Bearer is still valid)", srv.Requests()-before)
	}
	if second.Request.Grant != client.GrantRefreshToken || second.RefreshToken != first.RefreshToken {
		t.Fatalf("second %+v", second)
	}
	if second.Response.AccessToken == first.Response.AccessToken {
		t.Fatal("same access token after refresh")
	}
	if !strings.Contains(second.RefreshNote(), "refresh_token grant returns no new refresh token") {
		t.Fatalf("note %q", second.RefreshNote())
	}
	// Without a refresh token, Refresh repeats the grant.
	cc, _, _ := rn.Start(ctx, flows.Request{Account: account, ClientID: dinterotest.DemoClientID, ClientSecret: dinterotest.DemoSecret})
	again, _, err := rn.Refresh(ctx, cc)
	if err != nil || again.Request.Grant != client.GrantClientCredentials {
		t.Fatalf("again %+v err %v", again, err)
	}
}

func TestRefreshGetsNewBearerWhenHeldOneExpired(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
	cfg := dinterotest.DemoConfig(2 * time.Minute)
	cfg.Now = clk.Now
	srv, rn := setup(t, cfg)
	rn.Now = clk.Now
	ctx := context.Background()
	first, _, err := rn.Start(ctx, passwordRequest(dinterotest.DemoUser))
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(5 * time.Minute)
	before := srv.Requests()
	if _, _, err := rn.Refresh(ctx, first); err != nil {
		t.Fatal(err)
	}
	if srv.Requests() != before+2 {
		t.Fatalf("want a new client_credentials Bearer then the refresh, got %d requests", srv.Requests()-before)
	}
}

func TestCheckNamesFields(t *testing.T) {
	cases := []struct {
		req    flows.Request
		fields []string
	}{
		{flows.Request{Grant: client.GrantClientCredentials}, []string{"account", "client-id", "client-secret"}},
		{flows.Request{Account: "X1", Grant: client.GrantPassword}, []string{"account", "bearer", "username", "password"}},
		{flows.Request{Account: account, Grant: client.GrantAuthorizationCode, Bearer: "b"}, []string{"ident", "client-id"}},
		{flows.Request{Account: account, Grant: client.GrantAuthorizationCode, Bearer: "b", ClientID: "c", IdentType: flows.IdentUserID}, []string{"user-id"}},
		{flows.Request{Account: account, Grant: client.GrantOIDC, Bearer: "b", ClientID: "c"}, []string{"code"}},
		{flows.Request{Account: account, Grant: client.GrantAuthorizationCode, Bearer: "b", ClientID: "c", RedirectURI: "http://localhost/cb"}, []string{"ident"}},
		{flows.Request{Account: account, Grant: client.GrantAccountUserToken}, []string{"bearer"}},
		{flows.Request{Account: account, Grant: client.GrantRefreshToken, ClientID: "c", ClientSecret: "s"}, []string{"refresh-token"}},
		{flows.Request{Account: account, Grant: client.GrantMFAOOB, Bearer: "b"}, []string{"mfa-token", "oob-code", "binding-code"}},
	}
	for _, tc := range cases {
		var got []string
		for _, p := range tc.req.Check() {
			got = append(got, p.Field)
		}
		if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
			t.Errorf("%s: fields %v, want %v", tc.req.Grant, got, tc.fields)
		}
	}
	err := flows.Request{Grant: client.GrantClientCredentials}.Validate()
	if !errors.Is(err, client.ErrInvalidInput) {
		t.Fatalf("Validate: %v", err)
	}
}

func BenchmarkClientCredentialsRoundTrip(b *testing.B) {
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c, _ := client.New(client.Options{BaseURL: srv.URL})
	rn := flows.NewRunner(c)
	req := flows.Request{Account: account, ClientID: dinterotest.DemoClientID, ClientSecret: dinterotest.DemoSecret}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := rn.Start(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
