package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// echoMode is how a hostile proxy quotes a request back.
type echoMode int

const (
	echoJSON     echoMode = iota // {"error":{"code","message":"blocked <body> <auth>"}}
	echoText                     // text/plain: blocked <body> <auth>
	echoOAuthURL                 // {"error","error_description": url-encoded body}
	echoBase64                   // text/plain: base64 of the body and of the header
	echoModeCount
)

// echoServer answers every request 403 and quotes the request back in
// its body and headers, as a blocking proxy does.
func echoServer(t testing.TB, mode echoMode) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		auth := r.Header.Get("Authorization")
		w.Header().Set("X-Echo-Authorization", auth)
		w.Header().Set("X-Echo-Body", url.PathEscape(string(body)))
		w.Header().Set("X-Echo-Body-B64", base64.StdEncoding.EncodeToString(body))
		switch mode {
		case echoJSON:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": "blocked", "message": "blocked " + string(body) + " " + auth}})
		case echoText:
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, "blocked %s bad credentials: %s", body, auth)
		case echoOAuthURL:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			json.NewEncoder(w).Encode(map[string]string{"error": "blocked", "error_description": url.QueryEscape(string(body)) + " " + auth})
		default:
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, "b:%s a:%s", base64.StdEncoding.EncodeToString(body), base64.URLEncoding.EncodeToString([]byte(auth)))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// encodings are the forms of a secret a leak can take, written here apart
// from the redactor so a form it forgets is caught.
func encodings(secret, clientID string) []string {
	out := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	j, _ := json.Marshal(secret)
	out = append(out, string(j[1:len(j)-1]))
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(secret)
	out = append(out, strings.TrimSuffix(strings.TrimSpace(b.String()), `"`)[1:])
	for _, s := range []string{secret, clientID + ":" + secret} {
		for _, e := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			out = append(out, e.EncodeToString([]byte(s)))
		}
	}
	return out
}

func assertNoEncoding(t testing.TB, where, text string, secrets map[string]string, clientID string) {
	t.Helper()
	for name, s := range secrets {
		for _, form := range encodings(s, clientID) {
			if len(form) >= 4 && strings.Contains(text, form) {
				t.Fatalf("%s holds the %s as %q:\n%s", where, name, form, text)
			}
		}
	}
}

// TestEchoingProxyLeaksNoSecret is issue 9 items 2 and 3: a proxy that
// quotes the request back must not put the password or the Basic value on
// the error line, in -v or in the HAR, in any encoding — including a
// password with characters JSON escapes.
func TestEchoingProxyLeaksNoSecret(t *testing.T) {
	const clientID = "proxy-client"
	secrets := map[string]string{"client secret": `Cs<&>"q\uote` + "é9", "password": `Pw<script>&"x'\y` + "ü€"}
	for mode := echoMode(0); mode < echoModeCount; mode++ {
		srv := echoServer(t, mode)
		for _, grant := range []string{"client_credentials", "password"} {
			har := filepath.Join(t.TempDir(), "s.har")
			env := map[string]string{"TOKENBENCH_CLIENT_SECRET": secrets["client secret"], "TOKENBENCH_PASSWORD": secrets["password"]}
			args := []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", clientID, "--grant", grant, "--username", "me@example.com", "-v", "--har", har}
			if grant == "password" {
				env["TOKENBENCH_BEARER"] = "eyJhbGciOiJub25lIn0.e30.bearer-for-the-proxy"
			}
			r := runCLI(t, env, "", args...)
			if r.code != ExitRejected || !strings.Contains(r.stderr, "error: 403 blocked") && !strings.Contains(r.stderr, "error: 403 Forbidden") {
				t.Fatalf("mode %d %s: %+v", mode, grant, r)
			}
			assertNoEncoding(t, fmt.Sprintf("stderr (mode %d, %s)", mode, grant), r.stderr, secrets, clientID)
			data, err := os.ReadFile(har)
			if err != nil {
				t.Fatal(err)
			}
			assertNoEncoding(t, fmt.Sprintf("HAR (mode %d, %s)", mode, grant), string(data), secrets, clientID)
		}
	}
}

// TestVerboseEscapesC1AndBidi is issue 9 item 8: -v re-encodes JSON
// bodies; C1 controls and bidi overrides from the server must not reach
// the terminal raw.
func TestVerboseEscapesC1AndBidi(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Hostile", "a\u009b31mb\u202ec")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":{"code":"x\u009b2J","message":"csi \u009b31m osc \u009d52;c;Zm9v\u009c rlo \u202e lri \u2066 del \u007f bel \u0007 esc \u001b[2J"}}`)
	}))
	defer srv.Close()
	r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", "c", "-v")
	if r.code != ExitRejected {
		t.Fatalf("%+v", r)
	}
	for _, bad := range []string{"\u009b", "\u009d", "\u009c", "\u202e", "\u2066", "\x7f", "\x07", "\x1b"} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("stderr holds %q raw:\n%q", bad, r.stderr)
		}
	}
	if !strings.Contains(r.stderr, `\u009b31m`) {
		t.Errorf("-v should show the C1 control escaped:\n%s", r.stderr)
	}
}
