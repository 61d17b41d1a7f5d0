package tokeninfo_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
)

func fetch(t *testing.T, url string) (*client.JWKS, error) {
	t.Helper()
	c, err := client.New(client.Options{BaseURL: client.DefaultBaseURL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c.FetchJWKS(context.Background(), url)
}

func TestVerifyAgainstFakeJWKS(t *testing.T) {
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := client.New(client.Options{BaseURL: srv.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	reader, _ := srv.IssueToken(map[string]any{"scope": "read:accounts"})
	keys, err := c.FetchKeys(context.Background(), dinterotest.DemoAccount, reader)
	if err != nil {
		t.Fatal(err)
	}
	good, _ := srv.IssueToken(map[string]any{"sub": "x"})

	if v := tokeninfo.Verify(good, keys); !v.OK || v.Kid != srv.KeyID() || v.Alg != "RS256" || v.String() != "verified (kid "+srv.KeyID()+", RS256)" {
		t.Fatalf("good: %+v", v)
	}

	// Signed by another key under the same kid.
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	forged := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"sub": "x"})
	forged.Header["kid"] = srv.KeyID()
	forgedRaw, _ := forged.SignedString(other)
	if v := tokeninfo.Verify(forgedRaw, keys); v.OK || !strings.Contains(v.Reason, "bad signature") {
		t.Fatalf("other key: %+v", v)
	}

	// Payload changed after signing.
	parts := strings.Split(good, ".")
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"admin","scope":"admin:accounts"}`))
	if v := tokeninfo.Verify(strings.Join(parts, "."), keys); v.OK || !strings.Contains(v.Reason, "bad signature") {
		t.Fatalf("tampered: %+v", v)
	}

	// alg none and HMAC are never verified by a JWKS.
	none := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"sub": "x"})
	none.Header["kid"] = srv.KeyID()
	noneRaw, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if v := tokeninfo.Verify(noneRaw, keys); v.OK || !strings.Contains(v.Reason, "never verified") {
		t.Fatalf("none: %+v", v)
	}
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "x"})
	hs.Header["kid"] = srv.KeyID()
	hsRaw, _ := hs.SignedString([]byte("secret"))
	if v := tokeninfo.Verify(hsRaw, keys); v.OK || !strings.Contains(v.Reason, "shared secret") {
		t.Fatalf("hmac: %+v", v)
	}

	// Unknown kid.
	unk := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"sub": "x"})
	unk.Header["kid"] = "rotated-away"
	unkRaw, _ := unk.SignedString(other)
	if v := tokeninfo.Verify(unkRaw, keys); v.OK || !strings.Contains(v.Reason, "unknown kid rotated-away") {
		t.Fatalf("unknown kid: %+v", v)
	}

	// An ES256 key in a JWKS works too.
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecTok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{"sub": "x"})
	ecTok.Header["kid"] = "ec1"
	ecRaw, _ := ecTok.SignedString(ec)
	pub, _ := ec.PublicKey.Bytes()
	size := 32
	x := base64.RawURLEncoding.EncodeToString(pub[1 : 1+size])
	y := base64.RawURLEncoding.EncodeToString(pub[1+size:])
	ecKeys, err := client.ParseJWKS([]byte(`{"keys":[{"kty":"EC","crv":"P-256","kid":"ec1","x":"` + x + `","y":"` + y + `"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if v := tokeninfo.Verify(ecRaw, ecKeys); !v.OK {
		t.Fatalf("ES256: %+v", v)
	}
}

func TestJWKSEndpointFailures(t *testing.T) {
	cases := map[string]http.HandlerFunc{
		"500":     func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) },
		"garbage": func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>\x1b[31mnot json</html>") },
		"no keys": func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`)
		},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(h)
			defer ts.Close()
			_, err := fetch(t, ts.URL+"/jwks.json")
			if err == nil || strings.ContainsAny(err.Error(), "\x1b\n") {
				t.Fatalf("got %v", err)
			}
		})
	}
	// Unreachable.
	if _, err := fetch(t, "http://127.0.0.1:1/jwks.json"); err == nil {
		t.Fatal("unreachable JWKS accepted")
	}
	// Plain http to a remote host is refused before connecting.
	if _, err := fetch(t, "http://keys.example.com/jwks.json"); !errors.Is(err, client.ErrInvalidInput) {
		t.Fatalf("remote http: %v", err)
	}
}

func TestVerifyContextEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	v := tokeninfo.VerifyContext(ctx, "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.e30.c2ln", &client.JWKS{})
	if v.OK || v.Reason != "not checked: the signature check was cancelled" || v.Kid != "k1" {
		t.Fatalf("%+v", v)
	}
}
