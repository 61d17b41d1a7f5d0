package tokeninfo

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/textsafe"
)

// Verification is the outcome of checking a token's signature with a JWKS.
type Verification struct {
	OK     bool
	Kid    string
	Alg    string
	Reason string // why not, when not OK
}

// String is the line a view shows beside "Signature".
func (v Verification) String() string {
	if v.OK {
		return fmt.Sprintf("verified (kid %s, %s)", v.Kid, v.Alg)
	}
	return "NOT verified: " + v.Reason
}

// asymmetric are the algorithms a JWKS public key can verify. "none" and
// the HMAC family never count as verified by a public key set.
var asymmetric = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}

// VerifyContext is Verify bounded by ctx: when ctx ends first, the
// Verification says the check timed out (or was cancelled) and is not OK.
// Key sizes are bounded when a set is parsed, so the abandoned check ends
// soon after.
func VerifyContext(ctx context.Context, raw string, keys *client.JWKS) Verification {
	done := make(chan Verification, 1)
	if ctx.Err() == nil {
		go func() { done <- Verify(raw, keys) }()
	}
	select {
	case v := <-done:
		return v
	case <-ctx.Done():
		v := Verification{Reason: "not checked: the signature check was cancelled"}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			v.Reason = "not checked: the signature check ran out of time"
		}
		if tok, err := Decode(raw); err == nil {
			v.Kid, v.Alg = tok.Kid, tok.Alg
		}
		return v
	}
}

// Verify checks raw's signature against keys (by kid). Claims such as exp
// are not checked: an expired token can still be genuinely signed.
func Verify(raw string, keys *client.JWKS) Verification {
	tok, err := Decode(raw)
	if err != nil {
		return Verification{Reason: err.Error()}
	}
	v := Verification{Kid: tok.Kid, Alg: tok.Alg}
	switch alg := strings.ToUpper(tok.Alg); {
	case alg == "NONE" || alg == "":
		v.Reason = fmt.Sprintf("alg %q: an unsigned token is never verified", tok.Alg)
		return v
	case strings.HasPrefix(alg, "HS"):
		v.Reason = fmt.Sprintf("alg %s uses a shared secret, which a JWKS public key cannot vouch for", tok.Alg)
		return v
	}
	if keys == nil || len(keys.Keys) == 0 {
		v.Reason = "no JWKS keys to check with"
		return v
	}
	key, kid, reason := pickKey(tok.Kid, keys)
	if key == nil {
		v.Reason = reason
		return v
	}
	v.Kid = kid
	if want := keys.Algs[kid]; want != "" && want != tok.Alg {
		v.Reason = fmt.Sprintf("alg %s is not the key's alg %s", tok.Alg, want)
		return v
	}
	_, err = jwt.NewParser(jwt.WithValidMethods(asymmetric), jwt.WithoutClaimsValidation()).
		Parse(tok.Raw, func(*jwt.Token) (any, error) { return key, nil })
	switch {
	case err == nil:
		v.OK = true
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		v.Reason = "bad signature: the token was not signed by key " + kid + ", or was changed after signing"
	case strings.Contains(err.Error(), "signing method") && strings.Contains(err.Error(), "invalid"):
		v.Reason = fmt.Sprintf("alg %s is not allowed (%s)", tok.Alg, strings.Join(asymmetric, ", "))
	case errors.Is(err, jwt.ErrInvalidKeyType):
		v.Reason = fmt.Sprintf("alg %s does not fit key %s (%s)", tok.Alg, kid, keyType(key))
	default:
		v.Reason = textsafe.Sanitize(err.Error())
	}
	return v
}

func pickKey(kid string, keys *client.JWKS) (crypto.PublicKey, string, string) {
	if kid == "" {
		if len(keys.Keys) == 1 {
			for k, key := range keys.Keys {
				return key, k, ""
			}
		}
		return nil, "", fmt.Sprintf("the token names no kid and the JWKS has %d keys", len(keys.Keys))
	}
	if key, ok := keys.Keys[kid]; ok {
		return key, kid, ""
	}
	known := keys.KIDs()
	sort.Strings(known)
	// A set of thousands of keys names a few and counts the rest.
	return nil, "", fmt.Sprintf("unknown kid %s (the JWKS has %s)", textsafe.Cut(kid, 64), textsafe.Bounded(known, 5))
}

func keyType(k crypto.PublicKey) string {
	switch k.(type) {
	case *rsa.PublicKey:
		return "RSA"
	case *ecdsa.PublicKey:
		return "EC"
	}
	return fmt.Sprintf("%T", k)
}
