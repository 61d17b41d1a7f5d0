package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// assertShortLines fails when any line of text is longer than max bytes.
func assertShortLines(t *testing.T, where, text string, max int) {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		if len(l) > max {
			t.Fatalf("%s has a line of %d bytes: %.200s…", where, len(l), l)
		}
	}
}

// TestServerListsMakeShortLines is issue 18 item 8: a key set of
// thousands of keys names a few kids and counts the rest, whether the
// token's kid is unknown or no key is usable; the same for an error answer
// whose message is hundreds of kilobytes.
func TestServerListsMakeShortLines(t *testing.T) {
	srv := fake(t)
	tok := strings.TrimSpace(runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID).stdout)
	n := srv.PublicKey().N
	var keys, bad []any
	for i := range 2000 {
		keys = append(keys, rsaJWK(fmt.Sprintf("other-environment-key-%04d", i), n))
		bad = append(bad, map[string]string{"kty": "oct", "kid": fmt.Sprintf("symmetric-%04d", i) + strings.Repeat("k", 100)})
	}
	r := runCLI(t, nil, tok, "decode", "--jwks", keySetServer(t, map[string]any{"keys": keys}))
	if r.code != ExitRejected || !strings.Contains(r.stderr+r.stdout, "unknown kid") || !strings.Contains(r.stderr+r.stdout, "and 1995 more") {
		t.Fatalf("unknown kid: %+v", r)
	}
	assertShortLines(t, "unknown kid stdout", r.stdout, 400)
	assertShortLines(t, "unknown kid stderr", r.stderr, 400)

	r = runCLI(t, nil, tok, "decode", "--jwks", keySetServer(t, map[string]any{"keys": bad}))
	if r.code == 0 || !strings.Contains(r.stderr, "no usable signing key") || !strings.Contains(r.stderr, "and 1997 more") {
		t.Fatalf("no usable key: %+v", r)
	}
	assertShortLines(t, "no usable key stderr", r.stderr, 600)

	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":{"code":"%s","message":"%s"}}`, strings.Repeat("c", 5000), strings.Repeat("word ", 100000))
	}))
	defer huge.Close()
	r = runCLI(t, secretEnv, "", "token", "--base-url", huge.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID)
	if r.code == 0 || !strings.Contains(r.stderr, "word word") {
		t.Fatalf("huge error: %+v", r)
	}
	assertShortLines(t, "huge error stderr", r.stderr, 1000)
}

// TestLocalhostIsLoopbackOnlyWhenItResolvesSo is issue 18 item 9: plain
// http to localhost is allowed only when the name resolves to loopback
// addresses only; otherwise it is refused like any other host, before
// anything is sent, and a name that turns elsewhere between the check and
// the connection gets nothing either.
func TestLocalhostIsLoopbackOnlyWhenItResolvesSo(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		// Each request on a connection of its own: a reused connection
		// (transports are shared per base URL) was checked when it was
		// dialled, and the check at the connection is what this tests.
		w.Header().Set("Connection", "close")
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"eyJhbGciOiJub25lIn0.e30.loopback-token","token_type":"Bearer","expires_in":60}`)
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	base := "http://localhost:" + port + "/v1"
	answer := []string{"127.0.0.1"}
	old := client.LookupHost
	client.LookupHost = func(_ context.Context, host string) ([]string, error) {
		if !strings.EqualFold(host, "localhost") {
			return nil, errors.New("unexpected lookup of " + host)
		}
		return answer, nil
	}
	defer func() { client.LookupHost = old }()
	args := []string{"token", "--base-url", base, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}

	if r := runCLI(t, secretEnv, "", args...); r.code != 0 || hits != 1 {
		t.Fatalf("localhost resolving to 127.0.0.1: %+v", r)
	}
	for _, addrs := range [][]string{{"10.20.30.40"}, {"127.0.0.1", "203.0.113.9"}, {}} {
		answer = addrs
		r := runCLI(t, secretEnv, "", args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "refusing plain http to localhost") || hits != 1 {
			t.Fatalf("localhost resolving to %v: %+v (hits %d)", addrs, r, hits)
		}
		if len(addrs) > 0 && !strings.Contains(r.stderr, addrs[len(addrs)-1]) {
			t.Errorf("the refusal does not say where localhost points: %s", r.stderr)
		}
	}
	// Checked again at the connection.
	answer = []string{"127.0.0.1"}
	c, err := client.New(client.Options{BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	answer = []string{"198.51.100.7"}
	_, err = c.Token(context.Background(), dinterotest.DemoAccount, client.BasicAuth{ClientID: "c", ClientSecret: "s3cret-value"}, client.TokenRequest{Grant: client.GrantClientCredentials})
	if err == nil || !strings.Contains(err.Error(), "198.51.100.7") || hits != 1 {
		t.Fatalf("dial after localhost moved: %v (hits %d)", err, hits)
	}
	// demo --addr follows the same rule.
	answer = []string{"10.0.0.1"}
	if r := runCLI(t, nil, "", "demo", "--serve", "--addr", "localhost:0"); r.code != ExitUsage || !strings.Contains(r.stderr, "not loopback") {
		t.Fatalf("demo --addr localhost resolving elsewhere: %+v", r)
	}
}
