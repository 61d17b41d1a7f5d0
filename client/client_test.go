package client_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/client/record"
)

const account = dinterotest.DemoAccount

func newFake(t *testing.T) *dinterotest.Server {
	t.Helper()
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func newClient(t *testing.T, base string) *client.Client {
	t.Helper()
	c, err := client.New(client.Options{BaseURL: base, Timeout: 5 * time.Second, UserAgent: "tokenbench/test"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var demoBasic = client.BasicAuth{ClientID: dinterotest.DemoClientID, ClientSecret: dinterotest.DemoSecret}

func clientToken(t *testing.T, c *client.Client) string {
	t.Helper()
	res, err := c.Token(context.Background(), account, demoBasic, client.TokenRequest{Grant: client.GrantClientCredentials, Audience: client.DefaultAudience(account)})
	if err != nil {
		t.Fatal(err)
	}
	return res.AccessToken
}

func TestEveryGrantAgainstFake(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv.URL)
	ctx := context.Background()
	aud := client.DefaultAudience(account)
	bearer := client.BearerAuth{Token: clientToken(t, c)}

	pw, err := c.Token(ctx, account, bearer, client.TokenRequest{Grant: client.GrantPassword, Username: dinterotest.DemoUser, Password: dinterotest.DemoPassword, Audience: aud})
	if err != nil {
		t.Fatalf("password: %v", err)
	}
	if pw.RefreshToken == "" || pw.ExpiresIn != 3600 || pw.TokenType != "Bearer" {
		t.Fatalf("password answer: %+v", pw)
	}
	if pw.ServerDate.IsZero() || pw.ReceivedAt.IsZero() {
		t.Fatal("Date header or receive time missing")
	}

	uid := srv.UserID(dinterotest.DemoUser)
	code, err := c.PasswordlessCode(ctx, account, bearer, aud, dinterotest.DemoClientID, uid)
	if err != nil {
		t.Fatal(err)
	}
	ac := client.TokenRequest{Grant: client.GrantAuthorizationCode, IdentType: "user_id", Ident: uid, VerificationCode: code, Audience: aud}
	if _, err := c.Token(ctx, account, bearer, ac); err != nil {
		t.Fatalf("authorization_code: %v", err)
	}
	// Codes are one-time.
	_, err = c.Token(ctx, account, bearer, ac)
	assertAPIError(t, err, 400, "invalid_grant")

	if _, err := c.Token(ctx, account, client.BearerAuth{Token: pw.AccessToken}, client.TokenRequest{Grant: client.GrantAccountUserToken, Audience: aud}); err != nil {
		t.Fatalf("account_user_token with a user token: %v", err)
	}
	idToken, err := srv.IssueToken(map[string]any{"sub": "external-idp|42", "email": dinterotest.DemoUser, "aud": "someone-else"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Token(ctx, account, client.BearerAuth{Token: idToken}, client.TokenRequest{Grant: client.GrantAccountUserToken, Audience: aud}); err != nil {
		t.Fatalf("account_user_token with an ID token: %v", err)
	}

	rt, err := c.Token(ctx, account, bearer, client.TokenRequest{Grant: client.GrantRefreshToken, RefreshToken: pw.RefreshToken})
	if err != nil {
		t.Fatalf("refresh_token: %v", err)
	}
	if rt.RefreshToken != "" {
		t.Fatal("refresh_token grant must not return a new refresh token (contract rule)")
	}
}

func TestClientCredentialsUsesBasicAndHeaders(t *testing.T) {
	var got *http.Request
	var body map[string]string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		_ = json.NewDecoder(r.Body).Decode(&body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"a.b.c","token_type":"Bearer","expires_in":60}`)
	}))
	defer ts.Close()
	c := newClient(t, ts.URL+"/v1")
	_, err := c.Token(context.Background(), account, client.BasicAuth{ClientID: "id", ClientSecret: "s3cret"}, client.TokenRequest{
		Grant: client.GrantClientCredentials, Audience: "aud", Extra: map[string]string{"drift": "yes"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.URL.Path != "/v1/accounts/T11223344/auth/token" || got.Method != http.MethodPost {
		t.Fatalf("request %s %s", got.Method, got.URL.Path)
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("id:s3cret"))
	if got.Header.Get("Authorization") != want {
		t.Fatalf("Authorization = %q", got.Header.Get("Authorization"))
	}
	for h, v := range map[string]string{"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "tokenbench/test"} {
		if got.Header.Get(h) != v {
			t.Errorf("%s = %q, want %q", h, got.Header.Get(h), v)
		}
	}
	if body["grant_type"] != "client_credentials" || body["audience"] != "aud" || body["drift"] != "yes" {
		t.Fatalf("body = %v", body)
	}
}

func assertAPIError(t *testing.T, err error, status int, code string) *client.APIError {
	t.Helper()
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want APIError %d %s, got %T %v", status, code, err, err)
	}
	if apiErr.Status != status || apiErr.Code != code {
		t.Fatalf("want %d %s, got %d %s (%v)", status, code, apiErr.Status, apiErr.Code, apiErr)
	}
	return apiErr
}

func TestFakeRejections(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv.URL)
	ctx := context.Background()
	aud := client.DefaultAudience(account)

	_, err := c.Token(ctx, account, client.BasicAuth{ClientID: dinterotest.DemoClientID, ClientSecret: "wrong"}, client.TokenRequest{Grant: client.GrantClientCredentials, Audience: aud})
	if e := assertAPIError(t, err, 401, "invalid_client"); e.Error() != "401 invalid_client: client authentication failed" {
		t.Fatalf("Error() = %q", e.Error())
	}
	// An audience the client has no grant for is a validation failure.
	_, err = c.Token(ctx, account, demoBasic, client.TokenRequest{Grant: client.GrantClientCredentials, Audience: "https://api.dintero.com/v1/accounts/T99999999"})
	assertAPIError(t, err, 400, "")
	_, err = c.Token(ctx, "T00000001", demoBasic, client.TokenRequest{Grant: client.GrantClientCredentials, Audience: aud})
	assertAPIError(t, err, 404, "not_found")
	// Password with Basic is the wrong Authorization for the grant.
	_, err = c.Token(ctx, account, demoBasic, client.TokenRequest{Grant: client.GrantPassword, Username: "x", Password: "y", Audience: aud})
	assertAPIError(t, err, 401, "invalid_client")
	// A Bearer without a token endpoint scope.
	limited, err := c.Token(ctx, account, client.BasicAuth{ClientID: dinterotest.DemoLimitedClientID, ClientSecret: dinterotest.DemoLimitedSecret}, client.TokenRequest{Grant: client.GrantClientCredentials, Audience: aud})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Token(ctx, account, client.BearerAuth{Token: limited.AccessToken}, client.TokenRequest{Grant: client.GrantPassword, Username: dinterotest.DemoUser, Password: dinterotest.DemoPassword, Audience: aud})
	assertAPIError(t, err, 403, "insufficient_scope")
	// A garbage Bearer.
	_, err = c.Token(ctx, account, client.BearerAuth{Token: "not-a-jwt"}, client.TokenRequest{Grant: client.GrantPassword, Username: dinterotest.DemoUser, Password: dinterotest.DemoPassword, Audience: aud})
	assertAPIError(t, err, 401, "invalid_token")
	_, err = c.Token(ctx, account, client.BearerAuth{Token: clientToken(t, c)}, client.TokenRequest{Grant: client.GrantPassword, Username: dinterotest.DemoUser, Password: "nope", Audience: aud})
	assertAPIError(t, err, 400, "invalid_grant")
}

func TestErrorShapes(t *testing.T) {
	cases := []struct {
		name, contentType, body string
		status                  int
		wantCode, wantMsg, mfa  string
		wantText                string
	}{
		{name: "dintero", status: 400, contentType: "application/json", body: `{"error":{"code":"invalid_grant","message":"bad code"}}`, wantCode: "invalid_grant", wantMsg: "bad code", wantText: "400 invalid_grant: bad code"},
		{name: "oauth", status: 401, contentType: "application/json", body: `{"error":"invalid_client","error_description":"client authentication failed"}`, wantCode: "invalid_client", wantMsg: "client authentication failed", wantText: "401 invalid_client: client authentication failed"},
		{name: "mfa nested", status: 403, body: `{"error":{"code":"mfa_required","message":"MFA","mfa_token":"m1"}}`, wantCode: "mfa_required", wantMsg: "MFA", mfa: "m1"},
		{name: "mfa top level", status: 403, body: `{"error":{"code":"mfa_required","message":"MFA"},"mfa_token":"m2"}`, wantCode: "mfa_required", wantMsg: "MFA", mfa: "m2"},
		{name: "mfa oauth", status: 403, body: `{"error":"mfa_required","mfa_token":"m3"}`, wantCode: "mfa_required", mfa: "m3", wantText: "403 mfa_required"},
		{name: "html", status: 502, contentType: "text/html", body: "<html><body><h1>502 Bad Gateway</h1></body></html>", wantText: "502 Bad Gateway (text/html): <html><body><h1>502 Bad Gateway</h1></body></html>"},
		{name: "empty", status: 503, wantText: "503 Service Unavailable"},
		{name: "truncated", status: 500, contentType: "application/json", body: `{"error":{"code":"server_er`, wantText: `500 Internal Server Error (application/json): {"error":{"code":"server_er`},
		{name: "json without error", status: 400, body: `{"message":"plain message"}`, wantMsg: "plain message", wantText: "400 plain message"},
		{name: "control chars", status: 400, body: "{\"error\":{\"code\":\"bad\\u001b[31m\",\"message\":\"ring\\u0007 the \\u001b]52;c;ZXZpbA==\\u0007bell\\nnext\"}}", wantCode: "bad[31m", wantMsg: "ring the ]52;c;ZXZpbA==bell next"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := client.ParseError(tc.status, tc.contentType, []byte(tc.body))
			if e.Status != tc.status || e.Code != tc.wantCode || e.Message != tc.wantMsg || e.MFAToken != tc.mfa {
				t.Fatalf("got %+v", e)
			}
			if tc.wantText != "" && e.Error() != tc.wantText {
				t.Fatalf("Error() = %q, want %q", e.Error(), tc.wantText)
			}
			assertPrintable(t, e.Error())
		})
	}
}

func assertPrintable(t *testing.T, s string) {
	t.Helper()
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			t.Fatalf("control character %U in %q", r, s)
		}
	}
}

func TestFaults(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv.URL)
	ctx := context.Background()
	req := client.TokenRequest{Grant: client.GrantClientCredentials, Audience: client.DefaultAudience(account)}

	srv.SetFault(&dinterotest.Fault{HTML: true, Times: 1})
	_, err := c.Token(ctx, account, demoBasic, req)
	e := assertAPIError(t, err, 502, "")
	if e.ContentType != "text/html" || !strings.Contains(e.Error(), "502 Bad Gateway") {
		t.Fatalf("html: %v", e)
	}

	srv.SetFault(&dinterotest.Fault{Status: 503, Message: "down\x1b[2Jfor\x07maintenance", Times: 1})
	_, err = c.Token(ctx, account, demoBasic, req)
	e = assertAPIError(t, err, 503, "server_error")
	if !e.ServerSide() || e.Message != "down[2Jformaintenance" {
		t.Fatalf("503: %q", e.Message)
	}

	srv.SetFault(&dinterotest.Fault{Truncated: true, Times: 1})
	_, err = c.Token(ctx, account, demoBasic, req)
	var pErr *client.ProtocolError
	if !errors.As(err, &pErr) {
		t.Fatalf("truncated: %T %v", err, err)
	}

	srv.SetFault(&dinterotest.Fault{WrongContentType: true, Times: 1})
	res, err := c.Token(ctx, account, demoBasic, req)
	if err != nil {
		t.Fatalf("wrong content type should still work: %v", err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "text/html") {
		t.Fatalf("warnings = %v", res.Warnings)
	}

	// The fault ran out: a normal answer again.
	if _, err := c.Token(ctx, account, demoBasic, req); err != nil {
		t.Fatal(err)
	}
}

func TestHangingServerReturnsWithinTimeout(t *testing.T) {
	srv := newFake(t)
	srv.SetFault(&dinterotest.Fault{Hang: true})
	c, err := client.New(client.Options{BaseURL: srv.URL, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Token(context.Background(), account, demoBasic, client.TokenRequest{Grant: client.GrantClientCredentials, Audience: "a"})
		done <- err
	}()
	select {
	case err := <-done:
		var tErr *client.TransportError
		if !errors.As(err, &tErr) || !errors.Is(err, context.DeadlineExceeded) || err.Error() != "token request to "+srv.URL+"/accounts/"+account+"/auth/token: timed out after 200ms" {
			t.Fatalf("got %T %v", err, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("request did not honour its deadline")
	}
}

func TestConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := newClient(t, "http://"+addr+"/v1")
	_, err = c.Token(context.Background(), account, demoBasic, client.TokenRequest{Grant: client.GrantClientCredentials, Audience: "a"})
	var tErr *client.TransportError
	if !errors.As(err, &tErr) || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("got %T %v", err, err)
	}
	if strings.Contains(err.Error(), dinterotest.DemoSecret) {
		t.Fatal("secret in error")
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	followed := false
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { followed = true }))
	defer target.Close()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	defer ts.Close()
	c := newClient(t, ts.URL+"/v1")
	_, err := c.Token(context.Background(), account, demoBasic, client.TokenRequest{Grant: client.GrantClientCredentials, Audience: "a"})
	e := assertAPIError(t, err, 307, "")
	if followed || !strings.Contains(e.Error(), "not followed") {
		t.Fatalf("followed=%v err=%v", followed, e)
	}
}

func TestBodyLimit(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"`+strings.Repeat("a", record.MaxBodySize)+`"}`)
	}))
	defer ts.Close()
	c := newClient(t, ts.URL+"/v1")
	_, err := c.Token(context.Background(), account, demoBasic, client.TokenRequest{Grant: client.GrantClientCredentials, Audience: "a"})
	var pErr *client.ProtocolError
	if !errors.As(err, &pErr) || !strings.Contains(err.Error(), "1 MiB") {
		t.Fatalf("got %v", err)
	}
}

func TestValidateBaseURL(t *testing.T) {
	ok := []string{"https://api.dintero.com/v1", "http://127.0.0.1:8080/v1", "http://localhost/v1/", "http://[::1]:9/v1"}
	for _, u := range ok {
		if _, err := client.ValidateBaseURL(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	bad := map[string]string{
		"http://api.dintero.com/v1":             "plain http",
		"https://user:pw@api.dintero.com/v1":    "user info",
		"ftp://api.dintero.com":                 "scheme",
		"api.dintero.com/v1":                    "absolute",
		"https://api.dintero.com/v1?x=1":        "query",
		"http://127.0.0.1.example.com:8080/v1":  "plain http",
		"http://localhost.attacker.example/v1/": "plain http",
		"":                                      "base URL is empty: give one such as https://api.dintero.com/v1",
		"   ":                                   "base URL is empty",
	}
	for u, want := range bad {
		_, err := client.ValidateBaseURL(u)
		if err == nil || !errors.Is(err, client.ErrInvalidInput) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want error about %s", u, err, want)
		}
		if err != nil && strings.Contains(err.Error(), ":pw@") {
			t.Errorf("%s: password echoed in %q", u, err)
		}
	}
}

func TestValidateOwnerID(t *testing.T) {
	for _, id := range []string{"T11223344", "P00000000", "T123", "P999"} {
		if err := client.ValidateOwnerID(id); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	for _, id := range []string{"", "T1234", "X11223344", "t11223344", "T112233445", "T1122334a", "T11223344\n"} {
		if err := client.ValidateOwnerID(id); err == nil {
			t.Errorf("%q accepted", id)
		}
	}
}

func TestChallengeAndMFAOOB(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv.URL)
	ctx := context.Background()
	bearer := client.BearerAuth{Token: clientToken(t, c)}
	_, err := c.Token(ctx, account, bearer, client.TokenRequest{Grant: client.GrantPassword, Username: dinterotest.DemoMFAUser, Password: dinterotest.DemoPassword, Audience: client.DefaultAudience(account)})
	e := assertAPIError(t, err, 403, "mfa_required")
	if !e.MFARequired() || e.MFAToken == "" || strings.Contains(e.Error(), e.MFAToken) {
		t.Fatalf("mfa error %+v", e)
	}
	for _, ch := range []client.Channel{client.ChannelSMS, client.ChannelEmail} {
		res, err := c.Challenge(ctx, account, bearer, e.MFAToken, ch)
		if err != nil {
			t.Fatalf("%s: %v", ch, err)
		}
		if res.OOBCode == "" || res.BindingMethod != "prompt" {
			t.Fatalf("%s: %+v", ch, res)
		}
		box := srv.Outbox()
		if last := box[len(box)-1]; last.Channel != string(ch) || len(last.BindingCode) != 6 {
			t.Fatalf("outbox %+v", last)
		}
	}
	box := srv.Outbox()
	if box[1].To != dinterotest.DemoMFAUser {
		t.Fatalf("email went to %q", box[1].To)
	}
}

func FuzzParseError(f *testing.F) {
	f.Add(400, "application/json", `{"error":{"code":"invalid_grant","message":"bad"}}`)
	f.Add(401, "application/json", `{"error":"invalid_client","error_description":"x"}`)
	f.Add(403, "application/json", `{"error":{"code":"mfa_required"},"mfa_token":"m"}`)
	f.Add(502, "text/html", "<html>\x1b[31m502</html>")
	f.Add(500, "", "")
	f.Add(500, "application/json; charset=\x07", `{"error":{"code":`)
	f.Add(400, "application/json", `{"error":null,"message":"\u001b]52;c;eA==\u0007"}`)
	f.Add(400, "application/json", `{"error":[1,2]}`)
	f.Fuzz(func(t *testing.T, status int, contentType, body string) {
		e := client.ParseError(status, contentType, []byte(body))
		if e == nil {
			t.Fatal("nil error")
		}
		text := e.Error()
		for _, r := range text {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
				t.Fatalf("control character %U in %q", r, text)
			}
		}
		// The mfa_token is a secret of the flow: it may show only where the
		// server also wrote it into the code, message or a raw excerpt.
		if len(e.MFAToken) >= 8 && strings.Contains(text, e.MFAToken) && !strings.Contains(e.Code+" "+e.Message+" "+e.Excerpt, e.MFAToken) {
			t.Fatalf("mfa_token leaked into %q", text)
		}
	})
}

// TestRevokeCurlNamesTheRefreshTokenVariable: a revoke copied as curl
// names its token $TOKENBENCH_REFRESH_TOKEN, the variable `tokenbench
// revoke` reads (it said $TOKENBENCH_TOKEN, which nothing reads).
func TestRevokeCurlNamesTheRefreshTokenVariable(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{}`)
	}))
	defer ts.Close()
	rec := &record.Recorder{Redactor: &record.Redactor{}}
	c, err := client.New(client.Options{BaseURL: ts.URL + "/v1", Recorder: rec, Redactor: rec.Redactor})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Revoke(context.Background(), account, client.BearerAuth{Token: "a.b.c"}, "rt-secret-value"); err != nil {
		t.Fatal(err)
	}
	ex := rec.Exchanges()
	if len(ex) != 1 {
		t.Fatalf("%d exchanges", len(ex))
	}
	curl := ex[0].Curl()
	if !strings.Contains(curl, `\"token\":\"$TOKENBENCH_REFRESH_TOKEN\"`) || strings.Contains(curl, "rt-secret-value") {
		t.Fatalf("curl:\n%s", curl)
	}
}
