package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// terminalControls are what hostile server text tries to put on a
// terminal: ESC (CSI, OSC 52 clipboard writes), BEL, C1 CSI/OSC/ST, and
// bidi overrides and isolates.
var terminalControls = []string{"\x1b", "\x07", "\u009b", "\u009d", "\u009c", "\u202e", "\u2066", "\u200f"}

func assertNoControls(t *testing.T, where, text string) {
	t.Helper()
	for _, c := range terminalControls {
		if strings.Contains(text, c) {
			t.Fatalf("%s holds %q raw:\n%q", where, c, text)
		}
	}
}

// hostileTokenServer answers the token endpoint with body (status 200
// unless given) and the MFA challenge with challenge.
func hostileTokenServer(t *testing.T, status int, body, challenge string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/auth/mfa/challenge") {
			io.WriteString(w, challenge)
			return
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestMFAHintPrintsNoServerControls is issue 9 item 6: the "continue
// with --mfa-token" hint must not print a hostile mfa_token or oob_code.
func TestMFAHintPrintsNoServerControls(t *testing.T) {
	for _, c := range []struct{ mfaToken, oobCode string }{
		{"\x1b]52;c;ZXZpbA==\x07tok", "oob-1"},
		{"tok\u202enigol", "oob-1"},
		{"plain-mfa-token", "\x1b[2J\u009b31moob"},
	} {
		body, _ := json.Marshal(map[string]any{"error": map[string]string{"code": "mfa_required", "message": "MFA", "mfa_token": c.mfaToken}})
		challenge, _ := json.Marshal(map[string]string{"challenge_type": "oob", "oob_code": c.oobCode, "binding_method": "prompt\x1b[5m"})
		srv := hostileTokenServer(t, http.StatusForbidden, string(body), string(challenge))
		r := runCLI(t, map[string]string{"TOKENBENCH_BEARER": "eyJhbGciOiJub25lIn0.e30.x", "TOKENBENCH_PASSWORD": "pw-123456"}, "",
			"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--grant", "password", "--username", "u")
		if r.code != ExitNeedCode {
			t.Fatalf("%+v", r)
		}
		assertNoControls(t, "stderr", r.stderr)
		if !strings.Contains(r.stderr, "must not print") {
			t.Errorf("no explanation: %s", r.stderr)
		}
	}
	// A printable mfa_token is still offered for copying.
	body := `{"error":{"code":"mfa_required","mfa_token":"good-mfa-token"}}`
	srv := hostileTokenServer(t, http.StatusForbidden, body, `{"oob_code":"good-oob"}`)
	r := runCLI(t, map[string]string{"TOKENBENCH_BEARER": "eyJhbGciOiJub25lIn0.e30.x", "TOKENBENCH_PASSWORD": "pw-123456"}, "",
		"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--grant", "password", "--username", "u")
	if r.code != ExitNeedCode || !strings.Contains(r.stderr, "--mfa-token good-mfa-token --oob-code good-oob") {
		t.Fatalf("%+v", r)
	}
}

// TestUnsendableTokenIsAServerFailure is issue 9 item 9: a token that
// cannot be sent as a header is exit 5 and printed nowhere.
func TestUnsendableTokenIsAServerFailure(t *testing.T) {
	for _, fields := range []map[string]any{
		{"access_token": "eyJ\x1b]52;c;ZXZpbA==\x07.e30.sig", "token_type": "Bearer", "expires_in": 3600},
		{"access_token": "eyJ0eXAi.e30 evil.sig", "token_type": "Bearer", "expires_in": 3600},
		{"access_token": "eyJ0eXAi.e30.sïg", "token_type": "Bearer", "expires_in": 3600},
		{"access_token": "eyJ0eXAi.e30.sig", "refresh_token": "rt\r\nX-Evil: 1", "token_type": "Bearer", "expires_in": 3600},
	} {
		body, _ := json.Marshal(fields)
		srv := hostileTokenServer(t, http.StatusOK, string(body), "")
		for _, out := range []string{"token", "env", "json", "header"} {
			r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", "c", "-o", out)
			if r.code != ExitTransport || r.stdout != "" || !strings.Contains(r.stderr, "cannot be sent in an HTTP header") {
				t.Fatalf("-o %s %q: %+v", out, fields["access_token"], r)
			}
			assertNoControls(t, "stderr", r.stderr)
			if strings.Contains(r.stderr, "e30") {
				t.Fatalf("the token is shown: %s", r.stderr)
			}
		}
	}
}

// TestDrippingBodyIsATimeout is issue 9 item 13: an answer that drips
// slower than --timeout is a timeout naming the URL and the timeout, not a
// broken body.
func TestDrippingBodyIsATimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for _, b := range []byte(`{"access_token":"` + strings.Repeat("x", 1000)) {
			w.Write([]byte{b})
			w.(http.Flusher).Flush()
			select {
			case <-tick.C:
			case <-r.Context().Done():
				return
			}
		}
	}))
	defer srv.Close()
	r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", "c", "--timeout", "300ms")
	want := "error: token request to " + srv.URL + "/accounts/" + dinterotest.DemoAccount + "/auth/token: timed out after 300ms\n"
	if r.code != ExitTransport || r.stderr != want {
		t.Fatalf("got %+v\nwant stderr %q", r, want)
	}
}

// keySetServer serves a JWKS document.
func keySetServer(t *testing.T, doc any) string {
	data, _ := json.Marshal(doc)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/jwks.json"
}

func rsaJWK(kid string, n *big.Int) map[string]string {
	return map[string]string{"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": base64.RawURLEncoding.EncodeToString(n.Bytes()), "e": "AQAB"}
}

// TestDecodeJWKSPrintsNoServerControls is issue 9 item 7: the key ids of
// a JWKS are server text; listing them must not drive the terminal.
func TestDecodeJWKSPrintsNoServerControls(t *testing.T) {
	srv := fake(t)
	tok := strings.TrimSpace(runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID).stdout)
	n := srv.PublicKey().N
	url := keySetServer(t, map[string]any{"keys": []any{
		rsaJWK("\x1b]52;c;ZXZpbA==\x07one", n),
		rsaJWK("two\u202eowt\u009b2J", n),
	}})
	for _, args := range [][]string{{"decode", "--jwks", url}, {"decode", "--jwks", url, "--json"}} {
		r := runCLI(t, nil, tok, args...)
		if r.code != ExitRejected || !strings.Contains(r.stderr, "unknown kid") {
			t.Fatalf("%v: %+v", args, r)
		}
		assertNoControls(t, "stdout", r.stdout)
		assertNoControls(t, "stderr", r.stderr)
	}
}

// TestDecodeJWKSRefusesOversizedKeys is issue 9 item 12: an RSA modulus
// far above 8192 bits (which made verification take minutes) and one below
// 2048 are refused when the set is read, as are curves other than
// P-256/384/521.
func TestDecodeJWKSRefusesOversizedKeys(t *testing.T) {
	srv := fake(t)
	tok := strings.TrimSpace(runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID).stdout)
	huge := new(big.Int).Lsh(big.NewInt(1), 1<<16)
	huge.Add(huge, big.NewInt(1))
	small := new(big.Int).Lsh(big.NewInt(1), 1023)
	small.Add(small, big.NewInt(1))
	for name, c := range map[string]struct {
		key  map[string]string
		want string
	}{
		"huge RSA":  {rsaJWK(srv.KeyID(), huge), "RSA key of 65537 bits refused"},
		"small RSA": {rsaJWK(srv.KeyID(), small), "RSA key of 1024 bits refused"},
		"secp256k1": {map[string]string{"kty": "EC", "kid": srv.KeyID(), "crv": "secp256k1", "x": "AQ", "y": "AQ"}, `curve "secp256k1"`},
	} {
		r := runCLI(t, nil, tok, "decode", "--jwks", keySetServer(t, map[string]any{"keys": []any{c.key}}))
		if r.code != ExitRejected || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: %+v", name, r)
		}
	}
}

// unsignedJWT builds a token with the given claims (JSON text).
func unsignedJWT(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + ".c2ln"
}

// TestAbsurdExpiryIsClampedAndFlagged is issue 9 item 11: expires_in
// 9999999999 overflowed into the year 1759; exp of 1e20, 1e309 or a
// negative number gave contradictory output and JSON that is not RFC 3339.
func TestAbsurdExpiryIsClampedAndFlagged(t *testing.T) {
	for _, c := range []struct {
		name, claims string
		expiresIn    string
	}{
		{"expires_in 9999999999", `{"sub":"s"}`, "9999999999"},
		{"expires_in 1e300", `{"sub":"s"}`, "1e300"},
		{"exp 1e20", `{"exp":1e20}`, "3600"},
		{"exp 1e309", `{"exp":1e309}`, "3600"},
		{"exp 99999999999999", `{"exp":99999999999999}`, "3600"},
	} {
		body := `{"access_token":"` + unsignedJWT(c.claims) + `","token_type":"Bearer","expires_in":` + c.expiresIn + `}`
		srv := hostileTokenServer(t, http.StatusOK, body, "")
		r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", "c", "-o", "json")
		if r.code != 0 || !strings.Contains(r.stderr, "implausible") {
			t.Fatalf("%s: %+v", c.name, r)
		}
		dec := json.NewDecoder(strings.NewReader(r.stdout))
		dec.UseNumber()
		var out map[string]any
		if err := dec.Decode(&out); err != nil {
			t.Fatalf("%s: %v\n%s", c.name, err, r.stdout)
		}
		at, err := time.Parse(time.RFC3339, out["expires_at"].(string))
		if err != nil || at.Before(time.Now()) {
			t.Errorf("%s: expires_at %v (%v): a token valid for ages looks expired", c.name, out["expires_at"], err)
		}
		if out["expiry_implausible"] == nil {
			t.Errorf("%s: not flagged in JSON: %s", c.name, r.stdout)
		}
	}
	for _, c := range []struct{ claims, want string }{
		{`{"exp":1e20}`, "9999-12-31T23:59:59Z"},
		{`{"exp":1e309}`, "9999-12-31T23:59:59Z"},
		{`{"exp":-5,"iat":-1e400}`, "1970-01-01T00:00:00Z"},
	} {
		r := runCLI(t, nil, unsignedJWT(c.claims), "decode", "--json")
		dec := json.NewDecoder(strings.NewReader(r.stdout))
		dec.UseNumber()
		var out map[string]any
		if err := dec.Decode(&out); err != nil || r.code != 0 {
			t.Fatalf("%s: %v %+v", c.claims, err, r)
		}
		if out["expires_at"] != c.want || out["implausible"] != true {
			t.Errorf("%s: %v", c.claims, out)
		}
		text := runCLI(t, nil, unsignedJWT(c.claims), "decode")
		if !strings.Contains(text.stdout, "implausible") {
			t.Errorf("%s: text output does not flag it:\n%s", c.claims, text.stdout)
		}
	}
}

// TestHostileFieldsEverywhere is the attacker's read of every output: a
// server that puts escape sequences, C1 controls and bidi overrides in
// every field of a successful answer and of the token's header and claims.
func TestHostileFieldsEverywhere(t *testing.T) {
	const evil = "\x1b]52;c;ZXZpbA==\x07\u009b2J\u202e\u2066\x7f"
	claims, _ := json.Marshal(map[string]any{"iss": "iss" + evil, "sub": "sub" + evil, "aud": []string{"aud" + evil}, "scope": "read" + evil,
		"exp": 1795964813, "custom" + evil: "v" + evil, "nested": map[string]any{"k" + evil: []string{evil}}})
	header, _ := json.Marshal(map[string]string{"alg": "RS256" + evil, "kid": "kid" + evil, "typ": "JWT" + evil})
	enc := base64.RawURLEncoding.EncodeToString
	tok := enc(header) + "." + enc(claims) + ".c2ln"
	body, _ := json.Marshal(map[string]any{"access_token": tok, "token_type": "Bearer" + evil, "expires_in": 3600, "scope": "s" + evil, "extra" + evil: evil})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Evil"+"\u009b", evil)
		w.Write(body)
	}))
	defer srv.Close()
	for _, out := range []string{"token", "json", "header", "env"} {
		r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", "c", "-v", "-o", out)
		if r.code != 0 {
			t.Fatalf("-o %s: %+v", out, r)
		}
		assertNoControls(t, "stdout of -o "+out, r.stdout)
		assertNoControls(t, "stderr of -o "+out, r.stderr)
	}
	for _, args := range [][]string{{"decode"}, {"decode", "--json"}} {
		r := runCLI(t, nil, tok, args...)
		if r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
		assertNoControls(t, fmt.Sprint(args), r.stdout+r.stderr)
	}
}

// TestJSONOutputsEscapeC1AndBidi: encoding/json writes C1 controls (a
// one-byte CSI among them) and bidi overrides raw. Every JSON output —
// token -o json, decode --json, the HAR — escapes them and stays the same
// JSON.
func TestJSONOutputsEscapeC1AndBidi(t *testing.T) {
	hostile := "x\u009b2J\u202eevil\u2066y\u0085"
	claims, _ := json.Marshal(map[string]any{"sub": hostile, hostile: "k", "scope": "read " + hostile})
	tok := unsignedJWT(string(claims))
	body, _ := json.Marshal(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600, "scope": "read " + hostile})
	srv := hostileTokenServer(t, http.StatusOK, string(body), "")
	har := filepath.Join(t.TempDir(), "s.har")
	r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", "c", "-o", "json", "--har", har)
	d := runCLI(t, nil, tok, "decode", "--json", "-")
	harData, _ := os.ReadFile(har)
	for where, out := range map[string]string{"token -o json": r.stdout, "decode --json": d.stdout, "HAR": string(harData)} {
		assertNoControls(t, where, out)
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%s is not JSON: %v\n%s", where, err, out)
		}
		if !strings.Contains(out, `\u009b`) {
			t.Errorf("%s lost the escaped rune:\n%s", where, out)
		}
	}
	var got struct {
		Claims map[string]any `json:"claims"`
	}
	_ = json.Unmarshal([]byte(d.stdout), &got)
	if got.Claims["sub"] != hostile {
		t.Fatalf("decode --json changed the claim: %q", got.Claims["sub"])
	}
}

// TestHARNeverWritesThroughALink: --har wrote through a symbolic link
// planted at its name and kept an old file's loose mode.
func TestHARNeverWritesThroughALink(t *testing.T) {
	srv := fake(t)
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.txt")
	os.WriteFile(victim, []byte("keep me"), 0o644)
	link := filepath.Join(dir, "s.har")
	if err := os.Symlink(victim, link); err != nil {
		t.Skip(err)
	}
	loose := filepath.Join(dir, "pre.har")
	os.WriteFile(loose, []byte("old"), 0o644)
	for _, har := range []string{link, loose} {
		// Refused without --force; replaced, never written through, with it.
		r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--har", har)
		if r.code != ExitUsage {
			t.Fatalf("%+v", r)
		}
		r = runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--har", har, "--force")
		if r.code != 0 {
			t.Fatalf("%+v", r)
		}
		fi, err := os.Lstat(har)
		if err != nil || fi.Mode()&os.ModeSymlink != 0 || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: mode %v, %v", har, fi.Mode(), err)
		}
	}
	if data, _ := os.ReadFile(victim); string(data) != "keep me" {
		t.Fatalf("the HAR went through the link: %q", data)
	}
}

// TestPasswordFromStdinIsOneLine: `printf 'pw\ncode\n' | token
// --password-file -` sent "pw\ncode" as the password; the password is the
// first line, and the next line is the binding code.
func TestPasswordFromStdinIsOneLine(t *testing.T) {
	srv, sent := fakeWithOutbox(t)
	it := startInteractive(map[string]string{"TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret}, "token", "--base-url", srv.URL,
		"--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--grant", "password",
		"--username", dinterotest.DemoMFAUser, "--password-file", "-")
	// The password and a first (wrong) code in one write, as a pipe gives
	// them, before the challenge is even sent.
	io.WriteString(it.stdin, dinterotest.DemoPassword+"\n000000\n")
	msg := <-sent
	io.WriteString(it.stdin, msg.BindingCode+"\n")
	it.stdin.Close()
	if c := <-it.done; c != 0 {
		t.Fatalf("exit %d: %s", c, it.errOut.String())
	}
	if !strings.Contains(it.errOut.String(), "That code was not accepted") {
		t.Fatalf("the second line was not the first code: %s", it.errOut.String())
	}
}

// TestSecretsKeepTheirSpaces: a password with spaces at its ends was sent
// trimmed.
func TestSecretsKeepTheirSpaces(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]string
		json.NewDecoder(r.Body).Decode(&body)
		got = body["password"]
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":{"code":"invalid_grant","message":"no"}}`)
	}))
	defer srv.Close()
	runCLI(t, map[string]string{"TOKENBENCH_BEARER": "eyJhbGciOiJub25lIn0.e30.x", "TOKENBENCH_PASSWORD": "  pass with spaces  \n"}, "",
		"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--grant", "password", "--username", "u")
	if got != "  pass with spaces  " {
		t.Fatalf("password sent as %q", got)
	}
}
