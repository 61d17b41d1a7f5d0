package client

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
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
		"sanitised":    Sanitize("x " + secret),
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

func TestFingerprintShowsOnlyPlainCharacters(t *testing.T) {
	if got := Fingerprint("eyJhbGciOi.xyz"); got != "eyJhbG… (14 chars)" {
		t.Errorf("token: %q", got)
	}
	if got := Fingerprint(`a"b\c<d` + "efghijk"); strings.ContainsAny(got, `"\<`) || got != "•••• (14 chars)" {
		t.Errorf("odd prefix: %q", got)
	}
}

func TestEscapeJSONControls(t *testing.T) {
	got := EscapeJSONControls("\"a\u009bb\u202ec\u2066d\x7fé\"")
	if got != `"a\u009bb\u202ec\u2066d\u007fé"` {
		t.Errorf("%q", got)
	}
}
