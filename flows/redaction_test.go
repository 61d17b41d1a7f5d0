package flows_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
)

// TestRedactionAcrossEveryGrant runs every grant, MFA (with a wrong code)
// and the refresh grant through a recorder, then scans everything a person
// could see or hand on — the recorded exchanges, their text, their curl
// commands and the HAR — for every secret value that was used or issued.
func TestRedactionAcrossEveryGrant(t *testing.T) {
	// Secrets with prefixes found nowhere else, so a leak of even their
	// first characters shows.
	const clientSecret, password = "Zq7vClientSecretValue", "Xk9wPasswordValue"
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.Clients[0].Secret = clientSecret
	for i := range cfg.Users {
		cfg.Users[i].Password = password
	}
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rec := &record.Recorder{}
	c, _ := client.New(client.Options{BaseURL: srv.URL, Recorder: rec})
	rn := flows.NewRunner(c)
	ctx := context.Background()
	secrets := []string{clientSecret, password}
	keep := func(r *flows.Result) {
		secrets = append(secrets, r.Response.AccessToken)
		if r.RefreshToken != "" {
			secrets = append(secrets, r.RefreshToken)
		}
		if b, ok := r.Auth.(client.BearerAuth); ok {
			secrets = append(secrets, b.Token)
		}
	}
	base := flows.Request{Account: dinterotest.DemoAccount, ClientID: dinterotest.DemoClientID, ClientSecret: clientSecret}

	cc, _, err := rn.Start(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	keep(cc)
	pw := base
	pw.Grant, pw.Username, pw.Password = client.GrantPassword, dinterotest.DemoUser, password
	pwRes, _, err := rn.Start(ctx, pw)
	if err != nil {
		t.Fatal(err)
	}
	keep(pwRes)
	// The passwordless login's verification code and an identity
	// provider's code are secrets too (issue 16 item 7).
	ac := base
	ac.Grant, ac.IdentType, ac.Ident = client.GrantAuthorizationCode, flows.IdentEmail, dinterotest.DemoCustomer
	login, err := rn.StartPasswordless(ctx, ac)
	if err != nil {
		t.Fatal(err)
	}
	out := srv.Outbox()
	vc := out[len(out)-1].BindingCode
	secrets = append(secrets, vc)
	acRes, err := login.Verify(ctx, vc)
	if err != nil {
		t.Fatal(err)
	}
	keep(acRes)
	idp, err := srv.IssueOIDCCode(dinterotest.DemoUser, "http://127.0.0.1:9/cb")
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, idp)
	oidc := base
	oidc.Grant, oidc.Code, oidc.RedirectURI = client.GrantOIDC, idp, "http://127.0.0.1:9/cb"
	oidcRes, _, err := rn.Start(ctx, oidc)
	if err != nil {
		t.Fatal(err)
	}
	keep(oidcRes)
	aut := flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantAccountUserToken, Bearer: pwRes.Response.AccessToken}
	autRes, _, err := rn.Start(ctx, aut)
	if err != nil {
		t.Fatal(err)
	}
	keep(autRes)
	refreshed, _, err := rn.Refresh(ctx, pwRes)
	if err != nil {
		t.Fatal(err)
	}
	keep(refreshed)

	mfa := pw
	mfa.Username = dinterotest.DemoMFAUser
	_, s, err := rn.Start(ctx, mfa)
	if err != nil || s == nil {
		t.Fatalf("mfa: %v", err)
	}
	secrets = append(secrets, s.MFAToken)
	if err := rn.Challenge(ctx, s, client.ChannelSMS); err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, s.OOBCode)
	good := srv.LastBindingCode(dinterotest.DemoMFAUser)
	wrong := "918273"
	if good == wrong {
		wrong = "192837"
	}
	secrets = append(secrets, good, wrong)
	if _, err := rn.Verify(ctx, s, wrong); err == nil {
		t.Fatal("wrong code accepted")
	}
	mfaRes, err := rn.Verify(ctx, s, good)
	if err != nil {
		t.Fatal(err)
	}
	keep(mfaRes)

	ex := rec.Exchanges()
	if len(ex) < 12 {
		t.Fatalf("only %d exchanges recorded", len(ex))
	}
	text := assertNoSecretRecorded(t, ex, secrets)
	// Chosen secrets do not even show their first characters.
	for _, sec := range []string{clientSecret, password, idp} {
		if strings.Contains(text, sec[:4]) {
			t.Errorf("the start of secret %q shows in the log", sec[:4])
		}
	}
	// The fingerprints and variable references are there instead.
	for _, want := range []string{"Basic [demo-client:secret redacted]", `\"$TOKENBENCH_PASSWORD\"`, `-u "demo-client:$TOKENBENCH_CLIENT_SECRET"`, `"binding_code": "[•••• (6 chars)]"`, `"password": "[•••• (17 chars)]"`,
		`"verification_code": "[•••• (6 chars)]"`, `\"$TOKENBENCH_VERIFICATION_CODE\"`, `\"$TOKENBENCH_OIDC_CODE\"`} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q", want)
		}
	}
	// The MFA timeline of that flow.
	steps := flows.Timeline(ex)
	var labels []string
	for _, st := range steps {
		labels = append(labels, st.Label+"="+st.Outcome)
	}
	want := "token request (client_credentials)=200,token request (password)=403 mfa_required,challenge 1 (sms)=200,binding code #1=400 invalid_grant,binding code #2=200"
	if strings.Join(labels, ",") != want {
		t.Fatalf("timeline:\n got %s\nwant %s", strings.Join(labels, ","), want)
	}
	if got := flows.TimelineSummary(steps); got != "MFA completed: token issued after binding code #2" {
		t.Fatalf("summary %q", got)
	}
}

// TestHARStructure checks the HAR 1.2 fields a browser needs.
func TestHARStructure(t *testing.T) {
	srv, _ := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	defer srv.Close()
	rec := &record.Recorder{}
	c, _ := client.New(client.Options{BaseURL: srv.URL, Recorder: rec})
	_, _, _ = flows.NewRunner(c).Start(context.Background(), flows.Request{Account: dinterotest.DemoAccount, ClientID: dinterotest.DemoClientID, ClientSecret: "wrong-secret"})
	data, err := record.HAR(rec.Exchanges(), "test")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	log := doc["log"].(map[string]any)
	if log["version"] != "1.2" || log["creator"].(map[string]any)["name"] != "tokenbench" {
		t.Fatalf("log %v", log)
	}
	entries := log["entries"].([]any)
	if len(entries) != 1 {
		t.Fatalf("%d entries", len(entries))
	}
	e := entries[0].(map[string]any)
	for _, k := range []string{"startedDateTime", "time", "request", "response", "cache", "timings"} {
		if _, ok := e[k]; !ok {
			t.Errorf("entry lacks %s", k)
		}
	}
	if _, err := time.Parse(time.RFC3339Nano, e["startedDateTime"].(string)); err != nil {
		t.Error(err)
	}
	req, res := e["request"].(map[string]any), e["response"].(map[string]any)
	for _, k := range []string{"method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"} {
		if _, ok := req[k]; !ok {
			t.Errorf("request lacks %s", k)
		}
	}
	for _, k := range []string{"status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize"} {
		if _, ok := res[k]; !ok {
			t.Errorf("response lacks %s", k)
		}
	}
	if res["status"].(float64) != 401 || res["content"].(map[string]any)["mimeType"] != "application/json" {
		t.Fatalf("response %v", res)
	}
	if strings.Contains(string(data), "wrong-secret") {
		t.Fatal("secret in HAR")
	}
	timings := e["timings"].(map[string]any)
	for _, k := range []string{"send", "wait", "receive"} {
		if _, ok := timings[k]; !ok {
			t.Errorf("timings lacks %s", k)
		}
	}
}

// TestRedactionOfRecoveryPartnerAndRevoke covers the secrets of the flows
// that came with the real API: the recovery's two mfa_tokens, oob_codes and
// binding codes (right and wrong), the partner and exchange tokens, and the
// refresh token a revoke sends.
func TestRedactionOfRecoveryPartnerAndRevoke(t *testing.T) {
	const clientSecret, partnerSecret = "Zq7vClientSecretValue", "Yp4uPartnerSecretValue"
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.Clients[0].Secret = clientSecret
	cfg.Clients[2].Secret = partnerSecret
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rec := &record.Recorder{}
	c, _ := client.New(client.Options{BaseURL: srv.URL, Recorder: rec})
	rn := flows.NewRunner(c)
	ctx := context.Background()
	secrets := []string{clientSecret, partnerSecret}
	wrong := func(good string) string {
		if good == "918273" {
			return "192837"
		}
		return "918273"
	}

	// Recovery, with a wrong code at each step.
	s, err := rn.StartRecovery(ctx, flows.RecoveryRequest{Account: dinterotest.DemoAccount, Username: dinterotest.DemoLostDeviceUser,
		ClientID: dinterotest.DemoClientID, ClientSecret: clientSecret})
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, s.Auth.(client.BearerAuth).Token, s.First.MFAToken, s.First.OOBCode)
	for step := 1; step <= 2; step++ {
		good := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
		secrets = append(secrets, good, wrong(good))
		if _, err := rn.Answer(ctx, s, wrong(good)); !errors.Is(err, flows.ErrWrongCode) {
			t.Fatalf("step %d wrong code: %v", step, err)
		}
		res, err := rn.Answer(ctx, s, good)
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		if step == 1 {
			secrets = append(secrets, s.Second.MFAToken, s.Second.OOBCode)
		} else {
			secrets = append(secrets, res.Response.AccessToken)
		}
	}

	// Partner access, step by step to see the tokens in between.
	preq := flows.Request{Account: dinterotest.DemoMerchant, Partner: dinterotest.DemoPartner, ClientID: dinterotest.DemoPartnerClient, ClientSecret: partnerSecret}
	pt, err := rn.PartnerToken(ctx, preq)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := rn.ExchangeToken(ctx, preq, pt.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	mt, err := rn.MerchantToken(ctx, preq, ex.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, pt.AccessToken, ex.AccessToken, mt.Response.AccessToken)

	// Revoke.
	pw := flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantPassword, ClientID: dinterotest.DemoClientID, ClientSecret: clientSecret,
		Username: dinterotest.DemoUser, Password: dinterotest.DemoPassword}
	pwRes, _, err := rn.Start(ctx, pw)
	if err != nil || pwRes.RefreshToken == "" {
		t.Fatalf("password: %v", err)
	}
	secrets = append(secrets, pwRes.RefreshToken, pwRes.Response.AccessToken, pwRes.Auth.(client.BearerAuth).Token)
	if err := rn.Revoke(ctx, flows.RevokeRequest{Account: dinterotest.DemoAccount, ClientID: dinterotest.DemoClientID, ClientSecret: clientSecret, RefreshToken: pwRes.RefreshToken}); err != nil {
		t.Fatal(err)
	}

	exchanges := rec.Exchanges()
	text := assertNoSecretRecorded(t, exchanges, secrets)
	for _, want := range []string{`"token": "[`, `"account_id": "T11200001"`, "/auth/mfa/recovery", "/auth/exchange_token", "/auth/revoke"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q", want)
		}
	}
}

// assertNoSecretRecorded scans everything a person could see or hand on of
// the exchanges — their text, curl commands, JSON and the HAR — for each
// secret, and returns that text for further checks.
func assertNoSecretRecorded(t *testing.T, ex []record.Exchange, secrets []string) string {
	t.Helper()
	var all strings.Builder
	for _, e := range ex {
		all.WriteString(e.Text())
		all.WriteString(e.Curl())
		data, _ := json.Marshal(e)
		all.Write(data)
	}
	har, err := record.HAR(ex, "test")
	if err != nil {
		t.Fatal(err)
	}
	all.Write(har)
	text := all.String()
	for _, sec := range secrets {
		if len(sec) < 6 {
			t.Fatalf("test secret %q too short to search for", sec)
		}
		if strings.Contains(text, sec) {
			t.Errorf("secret %s… found in the recorded log, curl or HAR", sec[:6])
		}
	}
	return text
}
