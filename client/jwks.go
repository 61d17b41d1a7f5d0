package client

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"

	"github.com/tokenbench/tokenbench/textsafe"
)

// JWKS is a fetched key set: public keys by kid.
type JWKS struct {
	Keys map[string]crypto.PublicKey
	// Algs is the alg each key declares, when it does.
	Algs map[string]string
}

// KIDs lists the key ids, for messages.
func (k *JWKS) KIDs() []string {
	out := make([]string, 0, len(k.Keys))
	for kid := range k.Keys {
		out = append(out, kid)
	}
	return out
}

// KeysURL is where Dintero serves an account's signing keys (§6): a
// Bearer-protected endpoint, not a .well-known JWKS.
func KeysURL(baseURL, account string) string {
	return strings.TrimRight(baseURL, "/") + "/accounts/" + account + "/auth/keys"
}

// FetchJWKS gets a key set from any URL over the client's transport
// (recorded, bounded, no redirects), with the same URL rules as the base
// URL. No Authorization is sent: a profile's explicit JWKS URL is public.
func (c *Client) FetchJWKS(ctx context.Context, rawURL string) (*JWKS, error) {
	u, err := validateURL(rawURL, true)
	if err != nil {
		return nil, err
	}
	return c.fetchKeySet(ctx, "GET "+textsafe.Sanitize(u.String()), u.String(), nil)
}

// FetchKeys gets the signing keys of an account (or partner) from the
// client's base URL with a Bearer that has read:accounts or admin:accounts.
// A 401 or 403 comes back as an *APIError wrapped in the error.
func (c *Client) FetchKeys(ctx context.Context, account, bearer string) (*JWKS, error) {
	if err := ValidateOwnerID(account); err != nil {
		return nil, err
	}
	var auth Auth
	if bearer != "" {
		auth = BearerAuth{Token: bearer}
	}
	target := KeysURL(c.base.String(), account)
	return c.fetchKeySet(ctx, "GET "+target, target, auth)
}

func (c *Client) fetchKeySet(ctx context.Context, op, target string, auth Auth) (*JWKS, error) {
	res, err := c.send(ctx, http.MethodGet, op, target, auth, nil)
	if err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		return nil, err
	}
	set, err := ParseJWKS(res.body)
	var pe *ProtocolError
	if errors.As(err, &pe) && pe.Excerpt != "" {
		// What a server echoed (the Bearer it was sent) is redacted before
		// the excerpt cuts it: a cut token is no longer found whole.
		pe.Excerpt = textsafe.Excerpt([]byte(c.redactor.Redact(string(res.body))), 60)
	}
	return set, err
}

// jwk is one key of a set, as JSON.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// ParseJWKS reads the RSA and EC signing keys of a key set in either shape:
// Dintero's bare JSON array (§6) or the standard {"keys": [...]}.
func ParseJWKS(data []byte) (*JWKS, error) {
	var keys []jwk
	trimmed := bytes.TrimSpace(data)
	var err error
	if len(trimmed) > 0 && trimmed[0] == '[' {
		err = json.Unmarshal(trimmed, &keys)
	} else {
		var doc struct {
			Keys []jwk `json:"keys"`
		}
		err = json.Unmarshal(trimmed, &doc)
		keys = doc.Keys
	}
	if err != nil {
		return nil, &ProtocolError{Status: 200, Reason: "JWKS is not JSON", Excerpt: textsafe.Excerpt(data, 60)}
	}
	set := &JWKS{Keys: map[string]crypto.PublicKey{}, Algs: map[string]string{}}
	var skipped []string
	for _, k := range keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		var key crypto.PublicKey
		var err error
		switch k.Kty {
		case "RSA":
			key, err = rsaKey(k.N, k.E)
		case "EC":
			key, err = ecKey(k.Crv, k.X, k.Y)
		default:
			err = fmt.Errorf("key type %q", textsafe.Sanitize(k.Kty))
		}
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", textsafe.Cut(textsafe.Sanitize(k.Kid), textsafe.MaxListItem), err))
			continue
		}
		// Keyed by the sanitised kid: it is what a token's (sanitised) kid
		// is looked up by, and what messages list.
		kid := textsafe.Sanitize(k.Kid)
		set.Keys[kid] = key
		set.Algs[kid] = textsafe.Sanitize(k.Alg)
	}
	if len(set.Keys) == 0 {
		reason := "JWKS has no usable signing key"
		if len(skipped) > 0 {
			reason += " (" + boundedSkipped(skipped) + ")"
		}
		return nil, &ProtocolError{Status: 200, Reason: reason}
	}
	return set, nil
}

// stripSpace drops ASCII whitespace: Dintero's keys carry line breaks
// inside the base64url text of n.
func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			return -1
		}
		return r
	}, s)
}

// b64 decodes base64url with or without padding, whitespace ignored.
func b64(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(stripSpace(s), "="))
}

func b64int(s string) (*big.Int, error) {
	b, err := b64(s)
	if err != nil || len(b) == 0 {
		return nil, errors.New("bad base64url number")
	}
	return new(big.Int).SetBytes(b), nil
}

// The RSA key sizes a key set may use.
const (
	MinRSABits = 2048
	MaxRSABits = 8192
)

func rsaKey(n, e string) (crypto.PublicKey, error) {
	nn, err := b64int(n)
	if err != nil {
		return nil, fmt.Errorf("n: %w", err)
	}
	ee, err := b64int(e)
	if err != nil || !ee.IsInt64() || ee.Int64() < 3 || ee.Int64() > 1<<31 {
		return nil, errors.New("bad exponent")
	}
	// Below 2048 bits a key is breakable; above 8192 each verification
	// costs seconds to minutes (a hostile set can send a megabit modulus).
	if bits := nn.BitLen(); bits < MinRSABits || bits > MaxRSABits {
		return nil, fmt.Errorf("RSA key of %d bits refused (%d to %d)", bits, MinRSABits, MaxRSABits)
	}
	return &rsa.PublicKey{N: nn, E: int(ee.Int64())}, nil
}

func ecKey(crv, x, y string) (crypto.PublicKey, error) {
	var curve elliptic.Curve
	switch crv {
	case "P-256":
		curve = elliptic.P256()
	case "P-384":
		curve = elliptic.P384()
	case "P-521":
		curve = elliptic.P521()
	default:
		return nil, fmt.Errorf("curve %q", textsafe.Sanitize(crv))
	}
	size := (curve.Params().BitSize + 7) / 8
	xb, errX := b64(x)
	yb, errY := b64(y)
	if errX != nil || errY != nil || len(xb) > size || len(yb) > size {
		return nil, errors.New("bad EC coordinates")
	}
	// The uncompressed point encoding: 0x04 || X || Y, each left-padded.
	point := make([]byte, 1+2*size)
	point[0] = 4
	copy(point[1+size-len(xb):1+size], xb)
	copy(point[1+2*size-len(yb):], yb)
	key, err := ecdsa.ParseUncompressedPublicKey(curve, point)
	if err != nil {
		return nil, errors.New("point not on curve")
	}
	return key, nil
}

// ValidateJWKSURL checks an explicit JWKS URL by the base URL's rules (a
// query is allowed), before anything is fetched.
func ValidateJWKSURL(raw string) error {
	_, err := validateURL(raw, true)
	return err
}

// FetchJWKSWithBearer is FetchJWKS with an Authorization: Bearer, for a URL
// that is an account's keys endpoint (§6). Send a Bearer only to the API's
// own host: it is a credential.
func (c *Client) FetchJWKSWithBearer(ctx context.Context, rawURL, bearer string) (*JWKS, error) {
	u, err := validateURL(rawURL, true)
	if err != nil {
		return nil, err
	}
	var auth Auth
	if bearer != "" {
		auth = BearerAuth{Token: bearer}
	}
	return c.fetchKeySet(ctx, "GET "+textsafe.Sanitize(u.String()), u.String(), auth)
}

// boundedSkipped names the first few keys a set could not use and counts
// the rest: a set of thousands of bad keys makes one short line.
func boundedSkipped(skipped []string) string {
	const n = 3
	if len(skipped) <= n {
		return strings.Join(skipped, "; ")
	}
	return strings.Join(skipped[:n], "; ") + fmt.Sprintf("; and %d more", len(skipped)-n)
}
