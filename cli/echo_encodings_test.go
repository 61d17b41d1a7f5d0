package cli

import (
	"archive/zip"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// reflections are how a proxy or a WAF quotes a request back: each takes
// the whole request (request line, headers, body) and the secrets in it.
var reflections = []struct {
	name string
	echo func(req, auth, body string, secrets []string) string
}{
	{"hex", func(req, auth, body string, secrets []string) string {
		out := "auth=" + hex.EncodeToString([]byte(auth)) + " body=" + hex.EncodeToString([]byte(body))
		for _, s := range secrets {
			out += " " + hex.EncodeToString([]byte(s))
		}
		return out
	}},
	{"HEX", func(req, auth, body string, secrets []string) string {
		out := strings.ToUpper(hex.EncodeToString([]byte(auth)))
		for _, s := range secrets {
			out += " " + strings.ToUpper(hex.EncodeToString([]byte(s)))
		}
		return out
	}},
	{"MIME base64 of the request", func(req, auth, body string, secrets []string) string {
		var b strings.Builder
		for k := range 3 {
			enc := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("x", k) + req))
			for i := 0; i < len(enc); i += 76 {
				b.WriteString(enc[i:min(len(enc), i+76)] + "\r\n")
			}
			b.WriteString("\r\n")
		}
		return b.String()
	}},
	{"PEM base64 of the request", func(req, auth, body string, secrets []string) string {
		enc := base64.RawURLEncoding.EncodeToString([]byte("-" + req))
		var b strings.Builder
		for i := 0; i < len(enc); i += 64 {
			b.WriteString(enc[i:min(len(enc), i+64)] + "\n")
		}
		return b.String()
	}},
	{"base64 of the JSON-escaped body", func(req, auth, body string, secrets []string) string {
		var out []string
		for _, s := range secrets {
			j, _ := json.Marshal(map[string]string{"password": s})
			out = append(out, base64.StdEncoding.EncodeToString(j))
		}
		return strings.Join(out, " ")
	}},
	{"base32 and base64 of base64", func(req, auth, body string, secrets []string) string {
		out := base32.StdEncoding.EncodeToString([]byte(auth))
		for _, s := range secrets {
			out += " " + base32.StdEncoding.EncodeToString([]byte(s)) + " " +
				base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString([]byte(s))))
		}
		return out
	}},
	// Grouped for people to read: the separators are syntax, as line
	// breaks are.
	{"hex in groups of 8, a hex dump", func(req, auth, body string, secrets []string) string {
		out := grouped(hex.EncodeToString([]byte(auth)), 8, " ", "")
		for _, s := range secrets {
			out += " | " + grouped(hex.EncodeToString([]byte(s)), 8, " ", "")
		}
		// The request as a dump: bytes apart, sixteen a line.
		return out + "\n" + grouped(hex.EncodeToString([]byte(req)), 2, " ", "")
	}},
	{"hex with colons, 0x and =XX", func(req, auth, body string, secrets []string) string {
		var out []string
		for _, s := range append([]string{auth}, secrets...) {
			h := hex.EncodeToString([]byte(s))
			out = append(out, strings.ToUpper(grouped(h, 2, ":", "")), grouped(h, 2, ", ", "0x"), strings.ToUpper(grouped(h, 2, "", "=")))
		}
		return strings.Join(out, " ; ")
	}},
	{"base64 in groups of 4, lower-case base32", func(req, auth, body string, secrets []string) string {
		out := grouped(base64.StdEncoding.EncodeToString([]byte(req)), 4, " ", "")
		for _, s := range secrets {
			out += " / " + grouped(base64.StdEncoding.EncodeToString([]byte(s)), 4, " ", "") +
				" / " + strings.ToLower(base32.StdEncoding.EncodeToString([]byte(s)))
		}
		return out
	}},
	{"octal escapes", func(req, auth, body string, secrets []string) string {
		var out []string
		for _, s := range append([]string{auth}, secrets...) {
			var b strings.Builder
			for _, c := range []byte(s) {
				fmt.Fprintf(&b, `\%03o`, c)
			}
			out = append(out, b.String())
		}
		return strings.Join(out, " ")
	}},
	{"charsets", func(req, auth, body string, secrets []string) string {
		var out []string
		for _, s := range secrets {
			out = append(out, norm.NFD.String(s), latin1Percent(s), hex.EncodeToString(utf16BE(s)), percentU(s))
		}
		return strings.Join(out, " | ")
	}},
}

func latin1Percent(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > 0xff {
			return ""
		}
		fmt.Fprintf(&b, "%%%02X", r)
	}
	return b.String()
}

func utf16BE(s string) []byte {
	var b []byte
	for _, c := range utf16.Encode([]rune(s)) {
		b = append(b, byte(c>>8), byte(c))
	}
	return b
}

func percentU(s string) string {
	var b strings.Builder
	for _, c := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%%u%04X", c)
	}
	return b.String()
}

// reflectingServer answers 400 with the request reflected in one form,
// in a JSON error and in a header.
// grouped writes s in groups of n, each with prefix, sep between; a hex
// dump's (n 2, sep " ") breaks the line every sixteen groups.
func grouped(s string, n int, sep, prefix string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += n {
		if i > 0 {
			if n == 2 && sep == " " && i%32 == 0 {
				b.WriteString("\n")
			} else {
				b.WriteString(sep)
			}
		}
		b.WriteString(prefix + s[i:min(len(s), i+n)])
	}
	return b.String()
}

func reflectingServer(t *testing.T, echo func(req, auth, body string, secrets []string) string, secrets []string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		auth := r.Header.Get("Authorization")
		req := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\nContent-Type: %s\r\n\r\n%s",
			r.Method, r.URL.RequestURI(), r.Host, auth, r.Header.Get("Content-Type"), body)
		// What the server was sent, and only that, it reflects.
		var sent []string
		for _, s := range secrets {
			j, _ := json.Marshal(s)
			if strings.Contains(req, s) || strings.Contains(req, string(j[1:len(j)-1])) || strings.Contains(req, base64.StdEncoding.EncodeToString([]byte(s))) {
				sent = append(sent, s)
			}
		}
		e := echo(req, auth, string(body), sent)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Echo", strings.NewReplacer("\r", "", "\n", "").Replace(e))
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": "blocked", "message": "you sent: " + e}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

var (
	// Blobs grouped by separators, and octal escapes: taken apart here
	// with regular expressions, not the redactor's code.
	hexGrouped = regexp.MustCompile(`(?i)(?:(?:0x|=)?[0-9a-f]{2,}(?:, |[ :=\n]|$)){2,}`)
	b64Grouped = regexp.MustCompile(`(?:[A-Za-z0-9+/]{4} ){2,}[A-Za-z0-9+/=]{0,4}`)
	b32Lower   = regexp.MustCompile(`[a-z2-7]{8,}=*`)
	octal      = regexp.MustCompile(`(?:\\{1,2}[0-7]{3})+`)
	b64Run     = regexp.MustCompile(`[A-Za-z0-9+/_\-\r\n]{6,}`)
	hexRun     = regexp.MustCompile(`[0-9a-fA-F]{8,}`)
	b32Run     = regexp.MustCompile(`[A-Z2-7]{8,}`)
)

// decodings are text and everything the blobs in it decode to, at every
// alignment, twice deep: written with the standard library, apart from
// the redactor, so a blob it misses is caught.
func decodings(text string, depth int) []string {
	out := []string{text, norm.NFC.String(text)}
	if depth == 0 {
		return out
	}
	var decoded []string
	for _, g := range hexGrouped.FindAllString(text, -1) {
		h := regexp.MustCompile(`(?i)0x|[^0-9a-f]`).ReplaceAllString(g, "")
		if d, err := hex.DecodeString(h[:len(h)/2*2]); err == nil {
			decoded = append(decoded, string(d))
		}
	}
	for _, g := range b64Grouped.FindAllString(text, -1) {
		decoded = append(decoded, strings.ReplaceAll(g, " ", ""))
	}
	for _, g := range b32Lower.FindAllString(text, -1) {
		decoded = append(decoded, strings.ToUpper(g))
	}
	for _, g := range octal.FindAllString(text, -1) {
		var b []byte
		for _, m := range regexp.MustCompile(`[0-7]{3}`).FindAllString(g, -1) {
			var v byte
			fmt.Sscanf(m, "%o", &v)
			b = append(b, v)
		}
		decoded = append(decoded, string(b))
	}
	for _, run := range b64Run.FindAllString(text, -1) {
		run = strings.NewReplacer("\r", "", "\n", "", "-", "+", "_", "/").Replace(run)
		for k := 0; k < 4 && k < len(run); k++ {
			r := run[k:]
			r = r[:len(r)/4*4]
			if d, err := base64.StdEncoding.DecodeString(r); err == nil {
				decoded = append(decoded, string(d))
			}
		}
	}
	for _, run := range hexRun.FindAllString(text, -1) {
		for k := 0; k < 2; k++ {
			r := run[k:]
			if d, err := hex.DecodeString(r[:len(r)/2*2]); err == nil {
				decoded = append(decoded, string(d))
				decoded = append(decoded, fromUTF16BE(d))
			}
		}
	}
	for _, run := range b32Run.FindAllString(text, -1) {
		for k := 0; k < 8 && k < len(run); k++ {
			r := run[k:]
			if d, err := base32.StdEncoding.DecodeString(r[:len(r)/8*8]); err == nil {
				decoded = append(decoded, string(d))
			}
		}
	}
	for _, d := range decoded {
		out = append(out, decodings(d, depth-1)...)
	}
	return out
}

func fromUTF16BE(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}

// assertNothingReflected fails when a secret, or a long piece of it, is
// in text or in anything a blob in it decodes to, raw or JSON-escaped,
// or in Latin-1, %u or percent form.
func assertNothingReflected(t *testing.T, where, text string, secrets []string) {
	t.Helper()
	var texts []string
	for _, d := range decodings(text, 2) {
		texts = append(texts, d, strings.ReplaceAll(d, `\"`, `"`))
		var s string
		if json.Unmarshal([]byte(`"`+d+`"`), &s) == nil {
			texts = append(texts, s)
		}
	}
	for _, s := range secrets {
		forms := []string{s, s[:len(s)/2+1], s[len(s)/2:], percentU(s)}
		if l := latin1Percent(s); l != "" {
			forms = append(forms, l)
		}
		j, _ := json.Marshal(s)
		forms = append(forms, string(j[1:len(j)-1]))
		for _, d := range texts {
			for _, f := range forms {
				if len(f) >= 6 && strings.Contains(d, f) {
					t.Fatalf("%s holds %q (a piece of a secret) in %q", where, f, d)
				}
			}
		}
	}
}

// harStrings is every string in a HAR (a blob in it is whole only once
// its JSON escapes are off).
func harStrings(t *testing.T, data []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("HAR: %v", err)
	}
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			b.WriteString(v + "\n")
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return b.String()
}

// TestReflectedRequestInEveryBlobLeaksNothing: a server that reflects the
// request back as hex, as base64 of the whole request wrapped at 76 or 64
// columns at any offset, as base64 of a JSON-escaped body, as base32, as
// base64 of base64, grouped for people (hex in groups, a hex dump, hex
// with ':', "0x..," or "=XX", base64 in groups of 4), as lower-case
// base32, as octal escapes, and a non-ASCII password in NFD, Latin-1
// percent, UTF-16 hex and %u form: nothing of the client secret, the
// password, the Basic value or the bearer token reaches stderr (with -v
// and without), -o json, the HAR or any file of the bundle.
func TestReflectedRequestInEveryBlobLeaksNothing(t *testing.T) {
	const clientID = "demo-client"
	clientSecret := "Zq8-ClientSecret-77Hx-long-enough-to-cross-a-76-column-MIME-line-9"
	password := `Pässwörd-ÄÖ-1234<&>"x`
	bearer := "eyJhbGciOiJub25lIn0.eyJzdWIiOiJwcm94eSJ9.bearer-for-the-reflecting-proxy"
	secrets := []string{clientSecret, password, bearer, clientID + ":" + clientSecret}
	for _, refl := range reflections {
		t.Run(refl.name, func(t *testing.T) {
			srv := reflectingServer(t, refl.echo, secrets)
			for _, grant := range []string{"client_credentials", "password"} {
				dir := t.TempDir()
				har, bundle := filepath.Join(dir, "s.har"), filepath.Join(dir, "b.zip")
				env := map[string]string{"TOKENBENCH_CLIENT_SECRET": clientSecret, "TOKENBENCH_PASSWORD": password, "TOKENBENCH_BEARER": bearer}
				r := runCLI(t, env, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", clientID,
					"--grant", grant, "--username", "me@example.com", "-v", "--har", har, "--bundle", bundle)
				if r.code != ExitRejected || !strings.Contains(r.stderr, "you sent") && !strings.Contains(r.stderr, "blocked") {
					t.Fatalf("%s: %+v", grant, r)
				}
				assertNothingReflected(t, grant+" stderr", r.stderr, secrets)
				// Without -v, the one-line error; and -o json.
				q := runCLI(t, env, "", "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", clientID,
					"--grant", grant, "--username", "me@example.com", "-o", "json")
				if q.code != ExitRejected {
					t.Fatalf("%s -o json: %+v", grant, q)
				}
				assertNothingReflected(t, grant+" stderr without -v", q.stderr, secrets)
				assertNothingReflected(t, grant+" -o json", q.stdout, secrets)
				data, err := os.ReadFile(har)
				if err != nil {
					t.Fatal(err)
				}
				assertNothingReflected(t, grant+" HAR", harStrings(t, data), secrets)
				zr, err := zip.OpenReader(bundle)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range zr.File {
					rc, err := f.Open()
					if err != nil {
						t.Fatal(err)
					}
					data, _ := io.ReadAll(rc)
					rc.Close()
					text := string(data)
					if strings.HasSuffix(f.Name, ".har") {
						text = harStrings(t, data)
					}
					assertNothingReflected(t, grant+" bundle "+f.Name, text, secrets)
				}
				zr.Close()
			}
		})
	}
}
