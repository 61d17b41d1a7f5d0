package cli

import (
	"archive/zip"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// leakForms are the forms of a secret a leak can take, written apart from
// the redactor: raw, JSON (Go's, without HTML escaping, \u escapes in upper
// case, \/), HTML entities (named, decimal, hex), percent-encoding (upper
// and lower case, '+' and %20), base64; and any 12 characters of it
// running raw, so a secret cut or redacted in part is caught too.
func leakForms(secret string) []string {
	out := encodings(secret, "x")
	out = append(out, html.EscapeString(secret), strings.ReplaceAll(html.EscapeString(secret), "&#39;", "&#x27;"),
		lowerEscapes(url.QueryEscape(secret)), strings.ReplaceAll(url.QueryEscape(secret), "+", "%20"),
		strings.NewReplacer("<", `\u003C`, ">", `\u003E`, "&", `\u0026`, "/", `\/`).Replace(secret))
	var dec, hex strings.Builder
	for _, r := range secret {
		fmt.Fprintf(&dec, "&#%d;", r)
		fmt.Fprintf(&hex, "&#x%x;", r)
	}
	out = append(out, dec.String(), hex.String())
	for i := 0; i+12 <= len(secret); i++ {
		out = append(out, secret[i:i+12])
	}
	return out
}

func lowerEscapes(s string) string {
	return regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(s, strings.ToLower)
}

func assertNoLeak(t *testing.T, where, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, f := range leakForms(s) {
			if strings.Contains(text, f) {
				t.Fatalf("%s holds %q (a form of %q):\n%s", where, f, s, text)
			}
		}
	}
}

func readBundleHAR(t *testing.T, path string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var all strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		all.Write(data)
	}
	return all.String()
}

// TestTokenAnswerOfEveryShapeIsRedacted is issue 18 item 1: whatever the
// client accepts from a token answer — JSON with bytes after it, keys in
// another case — and a form-encoded 200 it refuses, the tokens in it never
// reach -v, the HAR, the bundle or the error line, in any encoding, even
// when the server echoes them again in the trailing bytes.
func TestTokenAnswerOfEveryShapeIsRedacted(t *testing.T) {
	at := "at.Zm9v+YmFy/<&>'~" + strings.Repeat("A1b2C3d4", 4)
	rt := "rt.cXV4+/=<&>'~" + strings.Repeat("Z9y8X7w6", 4)
	echo := func(s string) string {
		return html.EscapeString(s) + " " + lowerEscapes(url.QueryEscape(s)) + " " + url.PathEscape(s) + " " + base64.StdEncoding.EncodeToString([]byte(s))
	}
	q := func(s string) string { return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) }
	shapes := []struct {
		name, contentType, body string
		ok                      bool
	}{
		{"trailing bytes", "application/json", fmt.Sprintf(`{"access_token":"%s","refresh_token":"%s","token_type":"Bearer","expires_in":3600} <!-- echo %s %s -->`, q(at), q(rt), echo(at), echo(rt)), true},
		{"keys in another case", "application/json", fmt.Sprintf(`{"Access_Token":"%s","REFRESH_TOKEN":"%s","token_type":"Bearer","expires_in":3600,"note":"%s"}`, q(at), q(rt), q(echo(rt))), true},
		{"form-encoded", "application/x-www-form-urlencoded", "access_token=" + url.QueryEscape(at) + "&refresh_token=" + url.QueryEscape(rt) + "&token_type=bearer", false},
		{"two JSON values", "application/json", fmt.Sprintf(`{"access_token":"%s","expires_in":3600}{"refresh_token":"%s"}`, q(at), q(rt)), true},
		{"repeated key", "application/json", fmt.Sprintf(`{"refresh_token":"%s","refresh_token":"x","access_token":"%s","expires_in":3600}`, q(rt), q(at)), true},
	}
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", sh.contentType)
				io.WriteString(w, sh.body)
			}))
			defer srv.Close()
			dir := t.TempDir()
			har, bundlePath := filepath.Join(dir, "s.har"), filepath.Join(dir, "b.zip")
			r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID,
				"-v", "--har", har, "--bundle", bundlePath)
			if (r.code == 0) != sh.ok {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if sh.ok && strings.TrimSpace(r.stdout) != at {
				t.Fatalf("stdout %q, want the access token", r.stdout)
			}
			assertNoLeak(t, "stderr (-v and the error line)", r.stderr, at, rt)
			data, err := os.ReadFile(har)
			if err != nil {
				t.Fatal(err)
			}
			assertNoLeak(t, "HAR", string(data), at, rt)
			assertNoLeak(t, "bundle", readBundleHAR(t, bundlePath), at, rt)
			if !regexp.MustCompile(`sha256:[0-9a-f]{6}…`).MatchString(r.stderr) {
				t.Errorf("-v shows no fingerprint of the tokens:\n%s", r.stderr)
			}
		})
	}
}

// TestSecretCutByTheBodyLimitLeavesNoStart is issue 18 item 3's cut: an
// error answer longer than 1 MiB, cut by the limit in the middle of the
// password it echoes (raw, percent-encoded or HTML-escaped), shows no
// start of it in -v, the HAR or the error line.
func TestSecretCutByTheBodyLimitLeavesNoStart(t *testing.T) {
	const password = "Pw<&>cut+secret/0123456789abcdef"
	for _, form := range []string{password, url.QueryEscape(password), html.EscapeString(password)} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusForbidden)
			pad := strings.Repeat("x", (1<<20)-len(form)/2)
			io.WriteString(w, pad+form+" and more after the limit")
		}))
		har := filepath.Join(t.TempDir(), "s.har")
		env := map[string]string{"TOKENBENCH_PASSWORD": password, "TOKENBENCH_BEARER": "eyJhbGciOiJub25lIn0.e30.bearer-for-the-cut"}
		r := runCLI(t, env, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", "c",
			"--grant", "password", "--username", "me@example.com", "-v", "--har", har)
		srv.Close()
		if r.code == 0 {
			t.Fatalf("exit 0: %s", r.stderr)
		}
		data, err := os.ReadFile(har)
		if err != nil {
			t.Fatal(err)
		}
		prefix := form[:6]
		for where, text := range map[string]string{"stderr": r.stderr, "HAR": string(data)} {
			if i := strings.LastIndex(text, "xxxxxxxx"); i >= 0 && strings.Contains(text[i:], prefix) {
				t.Errorf("%s: the start of the cut password (%q) is left: …%s", where, prefix, text[i:min(len(text), i+200)])
			}
		}
	}
}

// TestTokenInAnHTMLAnswerIsRedacted: a 200 that is an HTML page (a login
// form of a proxy, an echo) naming a token is refused, and the error line
// does not show the token.
func TestTokenInAnHTMLAnswerIsRedacted(t *testing.T) {
	const at = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJodG1sIn0.html-page-token-signature"
	for _, page := range []string{
		`<html><form><input type="hidden" name="access_token" value="` + at + `"></form></html>`,
		"token issued. access_token: " + at + "\n",
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, page)
		}))
		har := filepath.Join(t.TempDir(), "s.har")
		r := runCLI(t, secretEnv, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "-v", "--har", har)
		srv.Close()
		if r.code == 0 {
			t.Fatalf("an HTML page accepted: %+v", r)
		}
		data, _ := os.ReadFile(har)
		assertNoLeak(t, "stderr", r.stderr, at)
		assertNoLeak(t, "HAR", string(data), at)
	}
}
