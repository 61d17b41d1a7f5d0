package record

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// benchToken is a JWT-shaped token like the fake's: a shared header, a
// payload and a signature that differ per token.
func benchToken(i int) string {
	payload := make([]byte, 300)
	sig := make([]byte, 256)
	_, _ = rand.Read(payload)
	_, _ = rand.Read(sig)
	return "eyJhbGciOiJSUzI1NiIsImtpZCI6ImRlbW8iLCJ0eXAiOiJKV1QifQ." +
		base64.RawURLEncoding.EncodeToString(append([]byte(fmt.Sprintf(`{"n":%d}`, i)), payload...)) + "." +
		base64.RawURLEncoding.EncodeToString(sig)
}

func benchRedactor(n int) (*Redactor, []string) {
	rd := &Redactor{}
	rd.AddBasic("demo-client", "demo-client-secret")
	rd.Add("demo-password")
	toks := make([]string, n)
	for i := range toks {
		toks[i] = benchToken(i)
		rd.AddToken(toks[i])
	}
	rd.Redact("x")
	return rd, toks
}

// BenchmarkRedactorAddOne is the cost of learning one more token in a
// session that already knows n, up to the first redaction that uses it
// (what each refresh pays).
func BenchmarkRedactorAddOne(b *testing.B) {
	for _, n := range []int{10, 1000, 4000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			rd, _ := benchRedactor(n)
			extra := make([]string, 64)
			for i := range extra {
				extra[i] = benchToken(n + i)
			}
			i := 0
			b.ResetTimer()
			for b.Loop() {
				rd.AddToken(extra[i%len(extra)] + fmt.Sprint(i))
				rd.Redact("x")
				i++
			}
		})
	}
}

// BenchmarkRedact64KiB is the cost of redacting a 64 KiB JSON body that
// holds a few of the session's tokens, when the session knows n.
func BenchmarkRedact64KiB(b *testing.B) {
	for _, n := range []int{10, 1000, 4000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			rd, toks := benchRedactor(n)
			var sb strings.Builder
			for i := 0; sb.Len() < 64<<10; i++ {
				fmt.Fprintf(&sb, `{"access_token":%q,"note":"user %d logged in with demo-password; unknown %s"}`+"\n", toks[i%len(toks)], i, benchToken(-i))
			}
			body := sb.String()[:64<<10]
			b.SetBytes(int64(len(body)))
			b.ResetTimer()
			for b.Loop() {
				rd.Redact(body)
			}
		})
	}
}

// BenchmarkRedact1MiBBlobs is the worst case for the blob layers: 1 MiB of
// base64 of base64 of text (every blob decodes to text that holds blobs
// again), wrapped at 76 columns. blobBudget bounds what it decodes to.
func BenchmarkRedact1MiBBlobs(b *testing.B) {
	rd, toks := benchRedactor(10)
	var sb strings.Builder
	for i := 0; sb.Len() < 1<<20; i++ {
		fmt.Fprintf(&sb, `{"note":"user %d logged in with demo-password","token":%q}`+"\n", i, toks[i%len(toks)])
	}
	inner := base64.StdEncoding.EncodeToString([]byte(sb.String()))
	outer := base64.StdEncoding.EncodeToString([]byte(inner))
	var wrapped strings.Builder
	for i := 0; i < len(outer) && wrapped.Len() < 1<<20; i += 76 {
		wrapped.WriteString(outer[i:min(len(outer), i+76)] + "\r\n")
	}
	body := wrapped.String()
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		rd.Redact(body)
	}
}
