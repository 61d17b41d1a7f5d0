package tokeninfo_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tokenbench/tokenbench/flows/tokeninfo"
)

var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func sign(tb testing.TB, claims jwt.MapClaims) string {
	tb.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = "k1"
	s, err := tok.SignedString(testKey())
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func typicalClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": "https://api.dintero.com/v1/accounts/T11223344/auth", "sub": "user:support@example.com",
		"aud": "https://api.dintero.com/v1/accounts/T11223344", "iat": t0.Unix(), "nbf": t0.Unix(),
		"exp": t0.Add(time.Hour).Unix(), "scope": "read:accounts write:checkout create:accounts:auth:refresh_token",
		"client_id": "demo-client", "email": "support@example.com",
	}
}

func TestDecodeTypical(t *testing.T) {
	raw := sign(t, typicalClaims())
	tok, err := tokeninfo.Decode("  Authorization: Bearer " + raw + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if tok.Alg != "RS256" || tok.Kid != "k1" || tok.Typ != "JWT" {
		t.Fatalf("header %+v", tok.Header)
	}
	if tok.Issuer == "" || tok.Subject != "user:support@example.com" || len(tok.Audience) != 1 {
		t.Fatalf("claims %+v", tok)
	}
	if !tok.ExpiresAt.Equal(t0.Add(time.Hour)) || !tok.IssuedAt.Equal(t0) || !tok.NotBefore.Equal(t0) {
		t.Fatalf("times %v %v %v", tok.ExpiresAt, tok.IssuedAt, tok.NotBefore)
	}
	if strings.Join(tok.Scopes, ",") != "read:accounts,write:checkout,create:accounts:auth:refresh_token" || !tok.HasScope("write:checkout") {
		t.Fatalf("scopes %v", tok.Scopes)
	}
	other := tok.OtherClaims()
	if len(other) != 2 || other[0][0] != "client_id" || other[1][1] != `"support@example.com"` {
		t.Fatalf("other %v", other)
	}
}

func TestDecodeVariants(t *testing.T) {
	c := typicalClaims()
	c["aud"] = []string{"a", "b"}
	c["scope"] = []string{"x", "y z"}
	tok, err := tokeninfo.Decode(sign(t, c))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(tok.Audience, ",") != "a,b" || strings.Join(tok.Scopes, ",") != "x,y,z" {
		t.Fatalf("aud %v scopes %v", tok.Audience, tok.Scopes)
	}
	c["scope"] = nil
	c["scp"] = "only"
	c["sub"] = "evil\x1b]52;c;aGk=\x07"
	tok, err = tokeninfo.Decode(sign(t, c))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(tok.Scopes, ",") != "only" || strings.ContainsAny(tok.Subject, "\x1b\x07") {
		t.Fatalf("scp %v sub %q", tok.Scopes, tok.Subject)
	}
	// alg none decodes, with a warning.
	none := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"sub": "x"})
	s, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	tok, err = tokeninfo.Decode(s)
	if err != nil || len(tok.Warnings) == 0 {
		t.Fatalf("none: %v %v", err, tok)
	}
	// An unknown alg decodes, with a warning.
	hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"XX512","typ":"JWT"}`))
	body := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"y","exp":"soon"}`))
	tok, err = tokeninfo.Decode(hdr + "." + body + ".c2ln")
	if err != nil || tok.Subject != "y" || len(tok.Warnings) != 2 {
		t.Fatalf("unknown alg: %v %+v", err, tok)
	}
}

func TestDecodeRejects(t *testing.T) {
	big := strings.Repeat("a", tokeninfo.MaxTokenSize) + ".b.c"
	cases := map[string]string{
		"":                 "empty",
		"abc":              "1 segment",
		"a.b":              "2 segment",
		"a.b.c.d":          "4 segment",
		big:                "64 KiB",
		"!!!.e30.sig":      "not a JWT",
		"e30.!!!.sig":      "not a JWT",
		"bm90anNvbg.e30.x": "not a JWT",
	}
	for in, want := range cases {
		_, err := tokeninfo.Decode(in)
		if err == nil || !errors.Is(err, tokeninfo.ErrMalformed) || !strings.Contains(err.Error(), want) {
			t.Errorf("Decode(%.20q) = %v, want %q", in, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("multi-line error %q", err)
		}
	}
}

func TestExpiryRule(t *testing.T) {
	tok := &tokeninfo.Token{ExpiresAt: t0.Add(time.Hour)}
	// expires_in earlier than exp wins.
	e := tokeninfo.ComputeExpiry(tok, t0, 1800, t0)
	if e.Source != "expires_in" || !e.At.Equal(t0.Add(30*time.Minute)) || e.Disagreement != 30*time.Minute {
		t.Fatalf("%+v", e)
	}
	// exp earlier wins.
	e = tokeninfo.ComputeExpiry(tok, t0, 7200, t0)
	if e.Source != "exp" || !e.At.Equal(t0.Add(time.Hour)) {
		t.Fatalf("%+v", e)
	}
	// Local clock 5 minutes ahead of the server: exp moves onto our clock.
	local := t0.Add(5 * time.Minute)
	e = tokeninfo.ComputeExpiry(tok, local, 3600, t0)
	if e.ClockSkew != 5*time.Minute || !e.FromClaim.Equal(t0.Add(65*time.Minute)) || e.Disagreement != 0 {
		t.Fatalf("skew %+v", e)
	}
	// One second of skew is noise and changes nothing.
	e = tokeninfo.ComputeExpiry(tok, t0.Add(time.Second), 0, t0)
	if !e.At.Equal(t0.Add(time.Hour)) || e.Source != "exp" {
		t.Fatalf("noise %+v", e)
	}
	// Opaque token: expires_in only. Nothing: unknown.
	e = tokeninfo.ComputeExpiry(nil, t0, 60, time.Time{})
	if e.Source != "expires_in" || e.SkewKnown {
		t.Fatalf("opaque %+v", e)
	}
	if e := tokeninfo.ComputeExpiry(nil, t0, 0, time.Time{}); e.Known() || e.Expired(t0) {
		t.Fatalf("unknown %+v", e)
	}
	if !e.Expired(t0.Add(time.Minute)) || e.Expired(t0.Add(59*time.Second)) {
		t.Fatal("Expired boundary")
	}
}

func TestFormatting(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{{0, "0s"}, {9 * time.Second, "9s"}, {125 * time.Second, "2m 05s"}, {time.Hour + 2*time.Minute + 3*time.Second, "1h 02m 03s"}, {50 * time.Hour, "2d 02h"}, {-61 * time.Second, "1m 01s"}}
	for _, tc := range cases {
		if got := tokeninfo.Countdown(tc.d); got != tc.want {
			t.Errorf("Countdown(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
	rel := map[time.Duration]string{0: "now", 90 * time.Second: "in 1m 30s", -3 * time.Minute: "3m 0s ago", 23*time.Hour + 59*time.Minute: "in 23h 59m", 72 * time.Hour: "in 3d 0h"}
	for d, want := range rel {
		if got := tokeninfo.Relative(t0.Add(d), t0); got != want {
			t.Errorf("Relative(%v) = %q, want %q", d, got, want)
		}
	}
	if got := tokeninfo.FormatTime(t0.Add(time.Minute), t0); got != "2026-11-28 12:01:00 UTC (in 1m 0s)" {
		t.Errorf("FormatTime = %q", got)
	}
	if got := tokeninfo.Fingerprint("eyJhbGciOiJSUzI1NiJ9.payload.sig"); !strings.HasPrefix(got, "sha256:") || !strings.HasSuffix(got, "… (32 chars)") {
		t.Errorf("Fingerprint = %q", got)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(sign(f, typicalClaims()))
	f.Add("a.b.c")
	f.Add("e30.e30.")
	f.Add("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
	f.Add("Bearer eyJhbGciOiJIUzI1NiJ9.eyJleHAiOiJub3QgYSBudW1iZXIiLCJhdWQiOjEyM30.c2ln")
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJcdTAwMWJbMzFtIn0.x")
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := tokeninfo.Decode(raw)
		if err != nil {
			if !errors.Is(err, tokeninfo.ErrMalformed) || strings.ContainsAny(err.Error(), "\x1b\x07\n") {
				t.Fatalf("bad error %q", err)
			}
			return
		}
		for _, s := range append(append([]string{tok.Alg, tok.Kid, tok.Typ, tok.Issuer, tok.Subject}, tok.Audience...), tok.Scopes...) {
			if strings.ContainsAny(s, "\x1b\x07\n\r") {
				t.Fatalf("unsanitised %q", s)
			}
		}
		for _, kv := range tok.OtherClaims() {
			if strings.ContainsAny(kv[0]+kv[1], "\x1b\x07\n\r") {
				t.Fatalf("unsanitised claim %q", kv)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	raw := sign(b, typicalClaims())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tokeninfo.Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func TestComputeExpiryClampsAbsurdExpiresIn(t *testing.T) {
	received := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	e := tokeninfo.ComputeExpiry(nil, received, 9999999999, time.Time{})
	if e.Implausible == "" || !e.At.After(received.Add(99*365*24*time.Hour)) || e.At.Year() > 2200 {
		t.Fatalf("%+v", e)
	}
	e = tokeninfo.ComputeExpiry(nil, received, 3600, time.Time{})
	if e.Implausible != "" || !e.At.Equal(received.Add(time.Hour)) {
		t.Fatalf("%+v", e)
	}
	e = tokeninfo.ComputeExpiry(nil, received, 2*366*24*3600, time.Time{})
	if !strings.Contains(e.Implausible, "implausible") {
		t.Fatalf("two years not flagged: %+v", e)
	}
}

// A part that is not JSON is said so in words, not in the JSON decoder's
// ("invalid character '\u009e' looking for beginning of value").
func TestDecodeSaysWhichPartIsNotJSON(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	header := enc([]byte(`{"alg":"HS256","typ":"JWT"}`))
	for _, c := range []struct{ raw, want string }{
		{header + "." + enc([]byte{0x9e, 0x01, 0x02}) + ".sig", "not a JWT: its payload is not a JSON object"},
		{enc([]byte{0x9e, 0x01}) + "." + enc([]byte(`{}`)) + ".sig", "not a JWT: its header is not a JSON object"},
		{header + "." + enc([]byte(`"a string"`)) + ".sig", "not a JWT: its payload is not a JSON object"},
	} {
		if _, err := tokeninfo.Decode(c.raw); err == nil || err.Error() != c.want {
			t.Errorf("%q: %v, want %q", c.raw, err, c.want)
		}
	}
}
