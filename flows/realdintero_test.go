package flows_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
)

// recorded is a runner whose exchanges are kept, against a fresh fake.
func recorded(t *testing.T, cfg dinterotest.Config) (*dinterotest.Server, *flows.Runner, *record.Recorder) {
	t.Helper()
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	rec := &record.Recorder{}
	c, err := client.New(client.Options{BaseURL: srv.URL, Timeout: 5 * time.Second, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	return srv, flows.NewRunner(c), rec
}

func recoveryRequest(channel client.Channel) flows.RecoveryRequest {
	return flows.RecoveryRequest{
		Account: account, Username: dinterotest.DemoLostDeviceUser, Channel: channel,
		ClientID: dinterotest.DemoClientID, ClientSecret: dinterotest.DemoSecret,
	}
}

func wrongCode(good string) string {
	if good == "000000" {
		return "111111"
	}
	return "000000"
}

func labels(steps []flows.Step) string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Label+"="+s.Outcome)
	}
	return strings.Join(out, ",")
}

// TestRecoveryWrongFirstThenWrongSecondCode walks the two-channel recovery
// with a wrong code at each step; each step stays usable after it.
func TestRecoveryWrongFirstThenWrongSecondCode(t *testing.T) {
	srv, rn, rec := recorded(t, dinterotest.DemoConfig(time.Hour))
	ctx := context.Background()
	s, err := rn.StartRecovery(ctx, recoveryRequest(client.ChannelEmail))
	if err != nil {
		t.Fatal(err)
	}
	if s.Step != 1 || s.Status() != "step 1 of 2: code sent by e-mail" {
		t.Fatalf("after start: step %d, %q", s.Step, s.Status())
	}
	first := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	if _, err := rn.Answer(ctx, s, wrongCode(first)); !errors.Is(err, flows.ErrWrongCode) || s.Step != 1 {
		t.Fatalf("wrong first code: %v, step %d", err, s.Step)
	}
	res, err := rn.Answer(ctx, s, first)
	if err != nil || res != nil {
		t.Fatalf("right first code: %v, %v", res, err)
	}
	if s.Step != 2 || s.Status() != "step 2 of 2: code sent by SMS" {
		t.Fatalf("after step 1: step %d, %q", s.Step, s.Status())
	}
	second := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	if second == first {
		t.Fatal("no second code was sent")
	}
	if _, err := rn.Answer(ctx, s, wrongCode(second)); !errors.Is(err, flows.ErrWrongCode) || s.Step != 2 {
		t.Fatalf("wrong second code: %v, step %d", err, s.Step)
	}
	res, err = rn.Answer(ctx, s, second)
	if err != nil || res == nil || res.Token == nil || res.Token.Subject != "user:"+dinterotest.DemoLostDeviceUser {
		t.Fatalf("right second code: %+v, %v", res, err)
	}
	// Both codes went out, over two channels.
	var channels []string
	for _, m := range srv.Outbox() {
		if m.Username == dinterotest.DemoLostDeviceUser {
			channels = append(channels, m.Channel)
		}
	}
	if strings.Join(channels, ",") != "email,sms" {
		t.Fatalf("outbox channels %v", channels)
	}
	want := "token request (client_credentials)=200,recovery (email)=200,step 1 binding code #1=400 invalid_grant,step 1 binding code #2=403 mfa_required," +
		"step 2 challenge (sms)=200,step 2 binding code #1=400 invalid_grant,step 2 binding code #2=200"
	steps := flows.Timeline(rec.Exchanges())
	if got := labels(steps); got != want {
		t.Fatalf("timeline:\n got %s\nwant %s", got, want)
	}
	if got := flows.TimelineSummary(steps); got != "MFA recovery completed: token issued after step 2 binding code #2" {
		t.Fatalf("summary %q", got)
	}
}

// codePrompter answers from a list of codes, then io.EOF-like exhaustion.
type codePrompter struct {
	codes   func(p flows.Prompt) string
	prompts []flows.Prompt
}

func (c *codePrompter) BindingCode(_ context.Context, p flows.Prompt) (string, error) {
	c.prompts = append(c.prompts, p)
	return c.codes(p), nil
}

func TestRecoverDrivesBothSteps(t *testing.T) {
	srv, rn, _ := recorded(t, dinterotest.DemoConfig(time.Hour))
	var notes []string
	pr := &codePrompter{codes: func(flows.Prompt) string { return srv.LastBindingCode(dinterotest.DemoLostDeviceUser) }}
	res, err := rn.Recover(context.Background(), recoveryRequest(""), pr, func(s *flows.RecoverySession) { notes = append(notes, s.Status()) })
	if err != nil || res == nil {
		t.Fatal(err)
	}
	if strings.Join(notes, "; ") != "step 1 of 2: code sent by SMS; step 2 of 2: code sent by e-mail" {
		t.Fatalf("notes %q", notes)
	}
	if len(pr.prompts) != 2 || pr.prompts[0].Step != 1 || pr.prompts[1].Step != 2 || pr.prompts[1].Channel != client.ChannelEmail {
		t.Fatalf("prompts %+v", pr.prompts)
	}
}

func TestRecoveryRefusals(t *testing.T) {
	srv, rn, _ := recorded(t, dinterotest.DemoConfig(time.Hour))
	ctx := context.Background()
	// The limited client has no scope for a recovery.
	req := recoveryRequest("")
	req.ClientID, req.ClientSecret = dinterotest.DemoLimitedClientID, dinterotest.DemoLimitedSecret
	var apiErr *client.APIError
	if _, err := rn.StartRecovery(ctx, req); !errors.As(err, &apiErr) || apiErr.Status != 403 || !strings.Contains(err.Error(), "write:accounts:/auth/mfa") {
		t.Fatalf("limited client: %v", err)
	}
	if _, err := rn.StartRecovery(ctx, flows.RecoveryRequest{Account: account}); !errors.Is(err, client.ErrInvalidInput) {
		t.Fatalf("empty request: %v", err)
	}
	// The second code must go to the other channel.
	s, err := rn.StartRecovery(ctx, recoveryRequest(client.ChannelSMS))
	if err != nil {
		t.Fatal(err)
	}
	if err := rn.Resend(ctx, s, client.ChannelEmail); err != nil || s.Step != 1 || s.First.Channel != client.ChannelEmail {
		t.Fatalf("resend at step 1: %v (step %d, %s)", err, s.Step, s.First.Channel)
	}
	if _, err := rn.Answer(ctx, s, srv.LastBindingCode(dinterotest.DemoLostDeviceUser)); err != nil || s.Step != 2 {
		t.Fatalf("step 1: %v", err)
	}
	// Step 2 on the channel step 1 used: refused here, and by the server.
	if err := rn.Resend(ctx, s, client.ChannelEmail); !errors.Is(err, client.ErrInvalidInput) {
		t.Fatalf("resend at step 2 on the same channel: %v", err)
	}
	if err := rn.Challenge(ctx, s.Second, client.ChannelEmail); !errors.As(err, &apiErr) || apiErr.Status != 400 || !strings.Contains(apiErr.Message, "other channel") {
		t.Fatalf("server, same channel: %v", err)
	}
	if err := rn.Resend(ctx, s, ""); err != nil || s.Second.Channel != client.ChannelSMS {
		t.Fatalf("resend at step 2: %v", err)
	}
}

func TestRevokedRefreshTokenRefused(t *testing.T) {
	_, rn, _ := recorded(t, dinterotest.DemoConfig(time.Hour))
	ctx := context.Background()
	res, _, err := rn.Start(ctx, passwordRequest(dinterotest.DemoUser))
	if err != nil || res.RefreshToken == "" {
		t.Fatalf("password grant: %v", err)
	}
	if _, _, err := rn.Refresh(ctx, res); err != nil {
		t.Fatalf("refresh before revoke: %v", err)
	}
	rv := flows.RevokeRequest{Account: account, ClientID: dinterotest.DemoClientID, ClientSecret: dinterotest.DemoSecret, RefreshToken: res.RefreshToken}
	if err := rn.Revoke(ctx, rv); err != nil {
		t.Fatal(err)
	}
	_, _, err = rn.Refresh(ctx, res)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "invalid_grant" || !strings.Contains(apiErr.Message, "revoked") {
		t.Fatalf("refresh after revoke: %v", err)
	}
	// Another client cannot revoke it (nor learn anything).
	res2, _, _ := rn.Start(ctx, passwordRequest(dinterotest.DemoUser))
	other := rv
	other.RefreshToken = res2.RefreshToken
	other.ClientID, other.ClientSecret = dinterotest.DemoPartnerClient, dinterotest.DemoPartnerSecret
	if err := rn.Revoke(ctx, other); !errors.As(err, &apiErr) || apiErr.Status != 403 {
		t.Fatalf("revoke by another client: %v", err)
	}
	if err := rn.Revoke(ctx, flows.RevokeRequest{Account: account, Bearer: "x"}); !errors.Is(err, client.ErrInvalidInput) {
		t.Fatalf("no refresh token: %v", err)
	}
}

func partnerRequest(merchant string) flows.Request {
	return flows.Request{Account: merchant, Partner: dinterotest.DemoPartner, ClientID: dinterotest.DemoPartnerClient, ClientSecret: dinterotest.DemoPartnerSecret}
}

func TestPartnerAccessThreeSteps(t *testing.T) {
	_, rn, rec := recorded(t, dinterotest.DemoConfig(time.Hour))
	res, _, err := rn.Start(context.Background(), partnerRequest(dinterotest.DemoMerchant))
	if err != nil {
		t.Fatal(err)
	}
	if res.Partner == nil || res.Partner.Label() != "partner T112 → merchant T11200001" || res.Partner.Audience != client.DefaultAudience(dinterotest.DemoMerchant) {
		t.Fatalf("partner %+v", res.Partner)
	}
	if aid, _ := res.Token.Claims["aid"].(string); aid != dinterotest.DemoMerchant {
		t.Fatalf("token for %q", aid)
	}
	ex := rec.Exchanges()
	if len(ex) != 3 {
		t.Fatalf("%d exchanges", len(ex))
	}
	wantPaths := []string{"/accounts/T11200000/auth/token", "/accounts/T11200000/auth/exchange_token", "/accounts/T11200001/auth/token"}
	wantAuth := []string{"Basic", "Bearer", "Bearer"}
	for i, e := range ex {
		if !strings.HasSuffix(e.URL, wantPaths[i]) || e.AuthScheme != wantAuth[i] || e.Status != 200 {
			t.Errorf("exchange %d: %s %s %d", i+1, e.AuthScheme, e.URL, e.Status)
		}
	}
	if ex[2].Fields["grant_type"] != "client_credentials" || ex[2].Fields["audience"] != client.DefaultAudience(dinterotest.DemoMerchant) {
		t.Errorf("step 3 fields %v", ex[2].Fields)
	}
	// The partner's audience, which one of Dintero's pages names, is
	// accepted too when asked for.
	req := partnerRequest(dinterotest.DemoMerchant2)
	req.Audience = client.DefaultAudience(dinterotest.DemoPartner)
	if res, _, err := rn.Start(context.Background(), req); err != nil || res.Partner.Audience != req.Audience {
		t.Fatalf("partner audience: %v", err)
	}
}

func TestPartnerExchangeForForeignAccountRefused(t *testing.T) {
	_, rn, _ := recorded(t, dinterotest.DemoConfig(time.Hour))
	_, _, err := rn.Start(context.Background(), partnerRequest(dinterotest.DemoAccount))
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 403 || !strings.Contains(err.Error(), "step 2 of 3") || !strings.Contains(err.Error(), "not a merchant of partner T11200000") {
		t.Fatalf("foreign account: %v", err)
	}
	bad := partnerRequest(dinterotest.DemoMerchant)
	bad.Partner = "T11223344"
	if _, _, err := rn.Start(context.Background(), bad); !errors.Is(err, client.ErrInvalidInput) {
		t.Fatalf("not a partner id: %v", err)
	}
	bad = partnerRequest(dinterotest.DemoMerchant)
	bad.Grant = client.GrantPassword
	if _, _, err := rn.Start(context.Background(), bad); !errors.Is(err, client.ErrInvalidInput) {
		t.Fatalf("partner with password grant: %v", err)
	}
}

func TestChallengeRateLimited(t *testing.T) {
	srv, rn, rec := recorded(t, dinterotest.DemoConfig(time.Hour))
	ctx := context.Background()
	_, s, err := rn.Start(ctx, passwordRequest(dinterotest.DemoMFAUser))
	if err != nil || s == nil {
		t.Fatalf("start: %v", err)
	}
	// The fault switch: a 429 with Retry-After on the next request.
	srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 30, Times: 1})
	err = rn.Challenge(ctx, s, client.ChannelSMS)
	var rl *client.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 30*time.Second || rl.Error() != "429 rate limited: retry after 30 s" {
		t.Fatalf("fault: %v", err)
	}
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 429 {
		t.Fatalf("not an APIError underneath: %v", err)
	}
	// The real limit: five codes a minute per user, then 429.
	for i := 0; i < 5; i++ {
		if err := rn.Challenge(ctx, s, client.ChannelSMS); err != nil {
			t.Fatalf("challenge %d: %v", i+1, err)
		}
	}
	n := len(rec.Exchanges())
	err = rn.Challenge(ctx, s, client.ChannelSMS)
	if !errors.As(err, &rl) || rl.RetryAfter <= 0 || rl.RetryAfter > time.Minute {
		t.Fatalf("sixth challenge: %v", err)
	}
	if got := len(rec.Exchanges()) - n; got != 1 {
		t.Fatalf("a 429 was retried: %d exchanges", got)
	}
	// The session is intact: the last code sent still works.
	if _, err := rn.Verify(ctx, s, srv.LastBindingCode(dinterotest.DemoMFAUser)); err != nil {
		t.Fatalf("verify after 429: %v", err)
	}
}

func TestMFAGrantSpellingRetriedOnce(t *testing.T) {
	for _, tc := range []struct {
		accept    string
		exchanges int
		grants    string
	}{
		{"mfa_oob", 2, "mfa-oob,mfa_oob"},
		{"mfa-oob", 1, "mfa-oob"},
	} {
		t.Run(tc.accept, func(t *testing.T) {
			srv, rn, rec := recorded(t, dinterotest.DemoConfig(time.Hour))
			srv.SetMFAGrantSpellings(tc.accept)
			ctx := context.Background()
			_, s, err := rn.Start(ctx, passwordRequest(dinterotest.DemoMFAUser))
			if err != nil || s == nil {
				t.Fatal(err)
			}
			if err := rn.Challenge(ctx, s, client.ChannelSMS); err != nil {
				t.Fatal(err)
			}
			n := len(rec.Exchanges())
			if _, err := rn.Verify(ctx, s, srv.LastBindingCode(dinterotest.DemoMFAUser)); err != nil {
				t.Fatal(err)
			}
			ex := rec.Exchanges()[n:]
			var grants []string
			for _, e := range ex {
				grants = append(grants, e.Fields["grant_type"])
			}
			if len(ex) != tc.exchanges || strings.Join(grants, ",") != tc.grants {
				t.Fatalf("exchanges %v", grants)
			}
			if tc.exchanges == 2 && ex[0].ErrorCode != "unsupported_grant_type" {
				t.Fatalf("first attempt %q", ex[0].ErrorCode)
			}
			want := "token request (client_credentials)=200,token request (password)=403 mfa_required,challenge 1 (sms)=200,binding code #1=200"
			if tc.exchanges == 2 {
				want = strings.Replace(want, "binding code #1=200", "binding code #1 (mfa-oob)=400 unsupported_grant_type,binding code #1=200", 1)
			}
			if got := labels(flows.Timeline(rec.Exchanges())); got != want {
				t.Fatalf("timeline:\n got %s\nwant %s", got, want)
			}
		})
	}
	// A server that accepts neither spelling gets two attempts, not more.
	srv, rn, rec := recorded(t, dinterotest.DemoConfig(time.Hour))
	srv.SetMFAGrantSpellings("mfa.oob")
	ctx := context.Background()
	_, s, _ := rn.Start(ctx, passwordRequest(dinterotest.DemoMFAUser))
	_ = rn.Challenge(ctx, s, client.ChannelSMS)
	n := len(rec.Exchanges())
	if _, err := rn.Verify(ctx, s, "123456"); err == nil {
		t.Fatal("accepted")
	}
	if got := len(rec.Exchanges()) - n; got != 2 {
		t.Fatalf("%d attempts", got)
	}
}

func TestKeyVerifier(t *testing.T) {
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rec := &record.Recorder{}
	c, _ := client.New(client.Options{BaseURL: srv.URL, Timeout: 5 * time.Second, Recorder: rec})
	ctx := context.Background()
	reader, _ := srv.IssueToken(map[string]any{"scope": "read:accounts"})
	plain, _ := srv.IssueToken(map[string]any{"scope": "read:checkout"})
	src := tokeninfo.KeySource{Account: account}
	keyGets := func() int {
		n := 0
		for _, e := range rec.Exchanges() {
			if strings.HasSuffix(e.URL, "/auth/keys") {
				n++
			}
		}
		return n
	}

	// The fake answers the Dintero way: a bare array, line breaks in n.
	if set := string(srv.KeySetJSON()); !strings.HasPrefix(set, "[") || !strings.Contains(set, `\n`) {
		t.Fatalf("key set %.80s…", set)
	}
	v := tokeninfo.NewKeyVerifier(c)
	// The token itself reads its keys when it has read:accounts.
	if ver := v.Verify(ctx, reader, src); !ver.OK {
		t.Fatalf("reader: %+v", ver)
	}
	// Cached per account: the next token costs no request.
	if ver := v.Verify(ctx, plain, src); !ver.OK || keyGets() != 1 {
		t.Fatalf("cached: %+v, %d fetches", ver, keyGets())
	}

	// Without read:accounts and no other Bearer: say what is needed.
	v2 := tokeninfo.NewKeyVerifier(c)
	if ver := v2.Verify(ctx, plain, src); ver.OK || !strings.Contains(ver.Reason, "needs a token with read:accounts or admin:accounts") {
		t.Fatalf("no bearer: %+v", ver)
	}
	// A fallback Bearer that lacks the scope: the server refuses, and the
	// reason names the scope.
	if ver := v2.Verify(ctx, plain, tokeninfo.KeySource{Account: account, Bearer: plain}); ver.OK ||
		!strings.Contains(ver.Reason, "keys refused (403 insufficient_scope") || !strings.Contains(ver.Reason, "read:accounts") {
		t.Fatalf("scope lacking: %+v", ver)
	}
	// The fallback Bearer (the flow's client token) works.
	if ver := v2.Verify(ctx, plain, tokeninfo.KeySource{Account: account, Bearer: reader}); !ver.OK {
		t.Fatalf("fallback bearer: %+v", ver)
	}

	// A rotated key: the cached keys lack the new kid, so they are fetched
	// again, once.
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	srv.RotateKey(key)
	rotated, _ := srv.IssueToken(map[string]any{"scope": "read:accounts"})
	before := keyGets()
	if ver := v.Verify(ctx, rotated, src); !ver.OK || ver.Kid != srv.KeyID() || keyGets() != before+1 {
		t.Fatalf("rotated: %+v, %d fetches", ver, keyGets()-before)
	}
	// A kid nobody publishes: one refetch, then the verdict.
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	stranger := signWith(t, other, "stranger-kid")
	before = keyGets()
	if ver := v.Verify(ctx, stranger, tokeninfo.KeySource{Account: account, Bearer: reader}); ver.OK || !strings.Contains(ver.Reason, "unknown kid stranger-kid") || keyGets() != before+1 {
		t.Fatalf("unknown kid: %+v, %d fetches", ver, keyGets()-before)
	}

	// Unreachable.
	dead, _ := client.New(client.Options{BaseURL: "http://127.0.0.1:1/v1", Timeout: 2 * time.Second})
	if ver := tokeninfo.NewKeyVerifier(dead).Verify(ctx, reader, src); ver.OK || !strings.HasPrefix(ver.Reason, "keys unreachable") {
		t.Fatalf("unreachable: %+v", ver)
	}
}

func signWith(t *testing.T, key *rsa.PrivateKey, kid string) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"sub": "x", "scope": "read:checkout"})
	tok.Header["kid"] = kid
	raw, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestRateLimitedCarriesTheWait(t *testing.T) {
	srv, rn, _ := recorded(t, dinterotest.DemoConfig(time.Hour))
	srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 300, Times: 1})
	before := time.Now()
	_, _, err := rn.Start(context.Background(), flows.Request{Account: account, ClientID: dinterotest.DemoClientID, ClientSecret: dinterotest.DemoSecret})
	rl, ok := flows.RateLimited(err)
	if !ok || rl.RetryAfter != 5*time.Minute || rl.RetryAt.Before(before.Add(5*time.Minute)) {
		t.Fatalf("%v", err)
	}
	if _, ok := flows.RateLimited(errors.New("503")); ok {
		t.Fatal("a plain error is not a 429")
	}
}

func TestRecoveryCodeExpiredStartsOver(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.Now = clk.Now
	srv, rn, _ := recorded(t, cfg)
	ctx := context.Background()
	s, err := rn.StartRecovery(ctx, recoveryRequest(""))
	if err != nil {
		t.Fatal(err)
	}
	old := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	clk.Advance(6 * time.Minute) // codes live 5 minutes
	if _, err := rn.Answer(ctx, s, old); !errors.Is(err, flows.ErrChallengeExpired) || s.First.Challenged() {
		t.Fatalf("expired code: %v", err)
	}
	if err := rn.Resend(ctx, s, ""); err != nil || s.Step != 1 || !s.First.Challenged() {
		t.Fatalf("start over: %v", err)
	}
	if _, err := rn.Answer(ctx, s, srv.LastBindingCode(dinterotest.DemoLostDeviceUser)); err != nil || s.Step != 2 {
		t.Fatalf("new first code: %v (step %d)", err, s.Step)
	}
}

// TestRecoveryTimelineKeepsAResentFirstStep: a wrong first code, a resend
// (a second recovery call) and the rest of the flow — the timeline lost
// the first recovery call and the wrong code, and began at the resend.
func TestRecoveryTimelineKeepsAResentFirstStep(t *testing.T) {
	srv, rn, rec := recorded(t, dinterotest.DemoConfig(time.Hour))
	ctx := context.Background()
	s, err := rn.StartRecovery(ctx, recoveryRequest(client.ChannelSMS))
	if err != nil {
		t.Fatal(err)
	}
	first := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	if _, err := rn.Answer(ctx, s, wrongCode(first)); !errors.Is(err, flows.ErrWrongCode) {
		t.Fatal(err)
	}
	if err := rn.Resend(ctx, s, client.ChannelSMS); err != nil {
		t.Fatal(err)
	}
	if _, err := rn.Answer(ctx, s, srv.LastBindingCode(dinterotest.DemoLostDeviceUser)); err != nil {
		t.Fatal(err)
	}
	if _, err := rn.Answer(ctx, s, srv.LastBindingCode(dinterotest.DemoLostDeviceUser)); err != nil {
		t.Fatal(err)
	}
	want := "token request (client_credentials)=200,recovery (sms)=200,step 1 binding code #1=400 invalid_grant,recovery (sms), a new code=200," +
		"step 1 binding code #2=403 mfa_required,step 2 challenge (email)=200,step 2 binding code #1=200"
	if got := labels(flows.Timeline(rec.Exchanges())); got != want {
		t.Fatalf("timeline:\n got %s\nwant %s", got, want)
	}
}
