package client_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
)

// TestKeysInAnotherCaseAreTakenAndRedacted is issue 18 item 1: an answer
// that spells its secret keys MFA_Token and OOB_Code is read by the client
// and redacted by the recorder under the same key rule; the recorded
// exchanges (the TUI's HTTP log, the HAR) hold neither.
func TestKeysInAnotherCaseAreTakenAndRedacted(t *testing.T) {
	const mfa, oob = "mfa-Token-0123456789abcdef", "oob-Code-fedcba9876543210"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/auth/token") {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"error":{"code":"mfa_required","message":"MFA needed","MFA_Token":"`+mfa+`"}}`)
			return
		}
		io.WriteString(w, `{"challenge_type":"oob","OOB_Code":"`+oob+`"} `+"\n"+`{"echo":"`+mfa+`"}`)
	}))
	defer srv.Close()
	rec := &record.Recorder{}
	c, err := client.New(client.Options{BaseURL: srv.URL, Recorder: rec, Redactor: rec.Redactor})
	if err != nil {
		t.Fatal(err)
	}
	auth := client.BearerAuth{Token: "eyJhbGciOiJub25lIn0.e30.bearer-token-for-mfa"}
	_, err = c.Token(context.Background(), "T11223344", auth, client.TokenRequest{Grant: client.GrantPassword, Username: "u@example.com", Password: "pw-0123456789"})
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.MFAToken != mfa {
		t.Fatalf("mfa_token not taken from MFA_Token: %v", err)
	}
	ch, err := c.Challenge(context.Background(), "T11223344", auth, apiErr.MFAToken, client.ChannelSMS)
	if err != nil || ch.OOBCode != oob {
		t.Fatalf("oob_code not taken from OOB_Code: %+v %v", ch, err)
	}
	var log strings.Builder
	for _, e := range rec.Exchanges() {
		log.WriteString(e.Text())
	}
	har, _ := record.HAR(rec.Exchanges(), "test")
	for where, text := range map[string]string{"log": log.String(), "HAR": string(har), "error": apiErr.Error()} {
		for _, s := range []string{mfa, oob, mfa[4:16], oob[4:16]} {
			if strings.Contains(text, s) {
				t.Fatalf("%s holds %q:\n%s", where, s, text)
			}
		}
	}
}

// TestJWKSErrorShowsNoStartOfTheBearer: a key set that is not JSON and
// echoes the Bearer it was sent shows a redacted excerpt, not the first
// characters of the token the excerpt's cut would leave.
func TestJWKSErrorShowsNoStartOfTheBearer(t *testing.T) {
	const bearer = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJqd2tzIn0.echoed-bearer-signature"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<html>you sent "+r.Header.Get("Authorization")+"</html>")
	}))
	defer srv.Close()
	c, err := client.New(client.Options{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.FetchJWKSWithBearer(context.Background(), srv.URL+"/jwks.json", bearer)
	if err == nil || strings.Contains(err.Error(), bearer[:12]) || !strings.Contains(err.Error(), "not JSON") {
		t.Fatalf("%v", err)
	}
}

// TestOneKeyRuleForTheClientAndTheRecorder: a key the client reads by
// encoding/json's folding (the long s "ſ", the Kelvin sign "K") is a key
// the recorder redacts, since both use record.FoldKey.
func TestOneKeyRuleForTheClientAndTheRecorder(t *testing.T) {
	const at, rt = "eyJhbGciOiJub25lIn0.e30.folded-access-token", "folded-refresh-token-0123456789"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ACCEſſ_TOKEN":"`+at+`","refresh_to\u212Aen":"`+rt+`","expires_in":60}`)
	}))
	defer srv.Close()
	rec := &record.Recorder{}
	c, err := client.New(client.Options{BaseURL: srv.URL, Recorder: rec, Redactor: rec.Redactor})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Token(context.Background(), "T11223344", client.BasicAuth{ClientID: "c", ClientSecret: "client-secret-1"}, client.TokenRequest{Grant: client.GrantClientCredentials})
	if err != nil || res.AccessToken != at || res.RefreshToken != rt {
		t.Fatalf("%+v %v", res, err)
	}
	for _, e := range rec.Exchanges() {
		if strings.Contains(e.Text(), at) || strings.Contains(e.Text(), rt) {
			t.Fatalf("recorded raw:\n%s", e.Text())
		}
	}
	if record.FoldKey("MFA_Token") != "mfa_token" || record.FoldKey("paſſword") != "password" {
		t.Error("FoldKey does not fold as encoding/json does")
	}
}
