package tokeninfo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/tokenbench/tokenbench/client"
)

// KeyReadScopes are the scopes that may read an account's signing keys
// (§6).
var KeyReadScopes = []string{"read:accounts", "admin:accounts"}

// KeySource says where a token's keys are.
type KeySource struct {
	// JWKSURL, when set, is an explicit key set (a profile's); it wins over
	// the account's keys endpoint and is fetched without a Bearer.
	JWKSURL string
	// Account is whose keys endpoint to read: {base}/accounts/{Account}/auth/keys.
	Account string
	// Bearer is the fallback for the keys endpoint when the token being
	// checked lacks read:accounts/admin:accounts: typically the
	// client_credentials token of the same flow.
	Bearer string
}

// KeyVerifier checks signatures with keys it fetches over one client and
// keeps for the session, per account (and per explicit URL). When a token
// names a kid the kept keys lack, it fetches them again once: the account
// may have rotated its key. It is safe for concurrent use, so a view can
// call it from a command with its own context.
type KeyVerifier struct {
	client *client.Client

	mu        sync.Mutex
	byAccount map[string]*client.JWKS
	byURL     map[string]*client.JWKS
}

// NewKeyVerifier returns a verifier that fetches over c (its base URL is
// the keys endpoint's).
func NewKeyVerifier(c *client.Client) *KeyVerifier {
	return &KeyVerifier{client: c, byAccount: map[string]*client.JWKS{}, byURL: map[string]*client.JWKS{}}
}

// Verify checks raw's signature with the keys of src. It never fails: when
// the keys cannot be had, the Verification says why (unreachable, refused
// with the scope needed, no usable key) and is not OK.
//
// The whole check — downloads, parsing, the signature — is bounded by the
// client's timeout as well as ctx.
func (v *KeyVerifier) Verify(ctx context.Context, raw string, src KeySource) Verification {
	ctx, cancel := context.WithTimeout(ctx, v.client.Timeout())
	defer cancel()
	tok, err := Decode(raw)
	if err != nil {
		return Verification{Reason: err.Error()}
	}
	if src.JWKSURL == "" && src.Account == "" {
		return Verification{Kid: tok.Kid, Alg: tok.Alg, Reason: "not checked: no account or JWKS URL to take keys from"}
	}
	keys, cached, err := v.keys(ctx, tok, src, false)
	if err != nil {
		return Verification{Kid: tok.Kid, Alg: tok.Alg, Reason: err.Error()}
	}
	ver := VerifyContext(ctx, raw, keys)
	if !ver.OK && cached && tok.Kid != "" && keys.Keys[tok.Kid] == nil {
		// An unknown kid after a cache hit: the key may have rotated.
		if keys, _, err = v.keys(ctx, tok, src, true); err != nil {
			return Verification{Kid: tok.Kid, Alg: tok.Alg, Reason: err.Error()}
		}
		ver = VerifyContext(ctx, raw, keys)
	}
	return ver
}

// Forget drops the kept keys, e.g. when the base URL changes.
func (v *KeyVerifier) Forget() {
	v.mu.Lock()
	defer v.mu.Unlock()
	clear(v.byAccount)
	clear(v.byURL)
}

// keys returns the key set for src, from the cache unless refetch, and
// whether it came from the cache.
func (v *KeyVerifier) keys(ctx context.Context, tok *Token, src KeySource, refetch bool) (*client.JWKS, bool, error) {
	v.mu.Lock()
	var kept *client.JWKS
	if src.JWKSURL != "" {
		kept = v.byURL[src.JWKSURL]
	} else {
		kept = v.byAccount[src.Account]
	}
	v.mu.Unlock()
	if kept != nil && !refetch {
		return kept, true, nil
	}
	var keys *client.JWKS
	var err error
	if src.JWKSURL != "" {
		keys, err = v.client.FetchJWKS(ctx, src.JWKSURL)
	} else {
		bearer := src.Bearer
		if hasAnyScope(tok, KeyReadScopes) {
			bearer = tok.Raw
		}
		if bearer == "" {
			return nil, false, fmt.Errorf("not checked: reading the keys of %s needs a token with %s; this token lacks both and no other was given", src.Account, strings.Join(KeyReadScopes, " or "))
		}
		keys, err = v.client.FetchKeys(ctx, src.Account, bearer)
	}
	if err != nil {
		return nil, false, keysReason(err)
	}
	v.mu.Lock()
	if src.JWKSURL != "" {
		v.byURL[src.JWKSURL] = keys
	} else {
		v.byAccount[src.Account] = keys
	}
	v.mu.Unlock()
	return keys, false, nil
}

func hasAnyScope(tok *Token, scopes []string) bool {
	for _, s := range scopes {
		if tok.HasScope(s) {
			return true
		}
	}
	return false
}

// keysReason says in one line why the keys could not be had.
func keysReason(err error) error {
	var (
		apiErr *client.APIError
		tErr   *client.TransportError
		pErr   *client.ProtocolError
	)
	switch {
	case errors.Is(err, client.ErrInvalidInput):
		return err
	case errors.As(err, &tErr):
		return fmt.Errorf("keys unreachable: %w", err)
	case errors.As(err, &apiErr) && (apiErr.Status == 401 || apiErr.Status == 403):
		return fmt.Errorf("keys refused (%s): reading them needs a Bearer with %s", apiErr.Error(), strings.Join(KeyReadScopes, " or "))
	case errors.As(err, &pErr):
		return fmt.Errorf("no usable key: %w", err)
	}
	return fmt.Errorf("keys unavailable: %w", err)
}

// KeysBearer is the Bearer for reading the keys that check raw (§6): raw
// itself when it carries read:accounts or admin:accounts, else fallback
// (the client_credentials token of the same flow), else "".
func KeysBearer(raw, fallback string) string {
	if tok, err := Decode(raw); err == nil && hasAnyScope(tok, KeyReadScopes) {
		return tok.Raw
	}
	return fallback
}
