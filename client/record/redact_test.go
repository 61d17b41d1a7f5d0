package record

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/textsafe"
)

func TestRedactorEveryEncoding(t *testing.T) {
	const secret = `p<a&s>"s\wörd 1/2+3`
	rd := &Redactor{}
	rd.Add(secret)
	rd.AddBasic("cid", secret)
	quoted, _ := json.Marshal(secret)
	forms := map[string]string{
		"raw":          secret,
		"json":         string(quoted),
		"json ascii":   `p\u003ca\u0026s\u003e\"s\\w\u00f6rd 1/2+3`,
		"json upper":   `p\u003Ca\u0026s\u003E\"s\\w\u00F6rd 1\/2+3`,
		"query":        url.QueryEscape(secret),
		"path":         url.PathEscape(secret),
		"b64":          base64.StdEncoding.EncodeToString([]byte(secret)),
		"b64url raw":   base64.RawURLEncoding.EncodeToString([]byte(secret)),
		"basic":        "Basic " + base64.StdEncoding.EncodeToString([]byte("cid:"+secret)),
		"basic rawurl": base64.RawURLEncoding.EncodeToString([]byte("cid:" + secret)),
		"sanitised":    textsafe.Sanitize("x " + secret),
	}
	for name, form := range forms {
		if name == "json upper" {
			form = strings.ReplaceAll(form, `1\/2`, `1/2`)
		}
		got := rd.Redact("before " + form + " after")
		if strings.Contains(got, "ss") || strings.Contains(got, "rd 1") || !strings.Contains(got, "•••• (") {
			t.Errorf("%s: %q left %q", name, form, got)
		}
	}
	// Inside a larger base64 blob, at every alignment, the middle of the
	// encoding is gone.
	for k := 0; k < 3; k++ {
		blob := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("z", k) + `{"password":"` + secret + `"}`))
		core := base64.StdEncoding.EncodeToString([]byte(secret))[8:20]
		if got := rd.Redact(blob); strings.Contains(got, core) || got == blob {
			t.Errorf("offset %d: %q", k, got)
		}
	}
	if got := rd.Redact("grant_type password 12 chars"); got != "grant_type password 12 chars" {
		t.Errorf("redacted what is not a secret: %q", got)
	}
	var none *Redactor
	if none.Redact(secret) != secret {
		t.Error("nil redactor changed text")
	}
}

func TestFingerprintTellsTokensApartAndShowsNoCharacter(t *testing.T) {
	a, b := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.sig", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiIn0.sig"
	fa, fb := Fingerprint(a), Fingerprint(b)
	if fa == fb {
		t.Errorf("two tokens, one fingerprint: %q", fa)
	}
	sum := sha256.Sum256([]byte(a))
	if want := fmt.Sprintf("sha256:%x… (%d chars)", sum[:3], len(a)); fa != want {
		t.Errorf("token: %q, want %q", fa, want)
	}
	if strings.Contains(fa, "eyJ") {
		t.Errorf("fingerprint shows the token's characters: %q", fa)
	}
	if got := Fingerprint(`a"b\c<d` + "efghijk"); strings.ContainsAny(got, `"\<`) || !strings.HasPrefix(got, "sha256:") {
		t.Errorf("odd characters: %q", got)
	}
	// A short secret is not hashed: its hash could be reversed by brute force.
	if got := Fingerprint("123456"); got != "•••• (6 chars)" {
		t.Errorf("short: %q", got)
	}
}

// BenchmarkRedactBody is the cost of redacting a 1 MiB body (the most a
// response is read) against the secrets of a full MFA flow.
func BenchmarkRedactBody(b *testing.B) {
	rd := &Redactor{}
	rd.AddBasic("demo-client", "demo-client-secret")
	rd.Add("demo-password")
	rd.Add("482913")
	rd.AddToken(strings.Repeat("eyJhbGciOiJSUzI1NiJ9", 40))
	rd.AddToken("mfa-token-0123456789abcdef")
	rd.AddToken("oob-code-0123456789")
	rd.AddToken("refresh-token-0123456789abcdef")
	body := strings.Repeat(`{"error":{"code":"blocked","message":"blocked demo-password and more text"}} `, (1<<20)/78)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		rd.Redact(body)
	}
}

// BenchmarkRedactorBuild is the cost of the first Redact after a secret
// is added (every variant of every secret into one replacer).
func BenchmarkRedactorBuild(b *testing.B) {
	for b.Loop() {
		rd := &Redactor{}
		rd.AddBasic("demo-client", "demo-client-secret")
		rd.Add("demo-password")
		rd.AddToken(strings.Repeat("eyJhbGciOiJSUzI1NiJ9", 40))
		rd.Redact("x")
	}
}
