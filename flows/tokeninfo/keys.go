package tokeninfo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

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
	// client_credentials token of the same flow. It also serves when the
	// token being checked has the scope but cannot read the keys itself
	// (expired, or from another environment).
	Bearer string
	// BearerFrom says where Bearer comes from, for the reasons a check
	// gives: "$TOKENBENCH_BEARER" names it and tells where to give one.
	// Empty: "the other Bearer".
	BearerFrom string
}

// KeyVerifier checks signatures with keys it fetches over one client and
// keeps for the session, per account (and per explicit URL). When a token
// names a kid the kept keys lack, it fetches them again once: the account
// may have rotated its key. It is safe for concurrent use, so a view can
// call it from a command with its own context.
type KeyVerifier struct {
	client *client.Client
	// Now, when set, is the clock a token's expiry is read against: a
	// token expired by it is not sent as its own Bearer. Without it the
	// server judges (an expired token is refused, and Bearer serves).
	Now func() time.Time

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
		if keys, err = v.client.FetchJWKS(ctx, src.JWKSURL); err != nil {
			err = keysReason(err, "")
		}
	} else {
		keys, err = v.accountKeys(ctx, tok, src)
	}
	if err != nil {
		return nil, false, err
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

// accountKeys reads the keys of src.Account with the Bearers §6 allows, in
// turn: the token itself when it carries a key-reading scope and has not
// expired, then src.Bearer. The server refusing the token itself (it
// expired, or another environment signed it) hands over to src.Bearer;
// the reason for no keys names the Bearer that was refused and why.
func (v *KeyVerifier) accountKeys(ctx context.Context, tok *Token, src KeySource) (*client.JWKS, error) {
	other := src.BearerFrom
	if other == "" {
		other = "the other Bearer"
	}
	scopes := strings.Join(KeyReadScopes, " or ")
	self := hasAnyScope(tok, KeyReadScopes)
	expired := self && v.Now != nil && !tok.ExpiresAt.IsZero() && !v.Now().Before(tok.ExpiresAt)
	var selfRefused error
	if self && !expired {
		keys, err := v.client.FetchKeys(ctx, src.Account, tok.Raw)
		if err == nil {
			return keys, nil
		}
		if !isRefusal(err) || src.Bearer == "" || src.Bearer == tok.Raw {
			return nil, keysReason(err, "this token")
		}
		selfRefused = err
	}
	if src.Bearer == "" {
		if expired {
			return nil, fmt.Errorf("not checked: this token expired %s, so it cannot read the keys of %s; that needs another Bearer with %s%s",
				Relative(tok.ExpiresAt, v.Now()), src.Account, scopes, giveIn(src.BearerFrom))
		}
		return nil, fmt.Errorf("not checked: reading the keys of %s needs a token with %s; this token lacks both and no other was given%s", src.Account, scopes, giveIn(src.BearerFrom))
	}
	keys, err := v.client.FetchKeys(ctx, src.Account, src.Bearer)
	if err != nil {
		if selfRefused != nil && isRefusal(err) {
			return nil, fmt.Errorf("keys refused to this token (%s) and to %s (%s): reading them needs a valid Bearer with %s",
				refusalText(selfRefused), other, refusalText(err), scopes)
		}
		return nil, keysReason(err, other)
	}
	return keys, nil
}

// giveIn is the hint for where another Bearer can be given, when there
// is such a place.
func giveIn(from string) string {
	if strings.HasPrefix(from, "$") {
		return " (give one in " + from + ")"
	}
	return ""
}

// isRefusal reports whether err is the server refusing the Bearer.
func isRefusal(err error) bool {
	var apiErr *client.APIError
	return errors.As(err, &apiErr) && (apiErr.Status == 401 || apiErr.Status == 403)
}

func refusalText(err error) string {
	var apiErr *client.APIError
	errors.As(err, &apiErr)
	return apiErr.Error()
}

func hasAnyScope(tok *Token, scopes []string) bool {
	for _, s := range scopes {
		if tok.HasScope(s) {
			return true
		}
	}
	return false
}

// keysReason says in one line why the keys could not be had with the
// Bearer named who.
func keysReason(err error, who string) error {
	var (
		tErr *client.TransportError
		pErr *client.ProtocolError
	)
	switch {
	case errors.Is(err, client.ErrInvalidInput):
		return err
	case errors.As(err, &tErr):
		return fmt.Errorf("keys unreachable: %w", err)
	case isRefusal(err) && who == "":
		return fmt.Errorf("keys refused (%s)", refusalText(err))
	case isRefusal(err):
		return fmt.Errorf("keys refused (%s) to %s: reading them needs a valid Bearer with %s", refusalText(err), who, strings.Join(KeyReadScopes, " or "))
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
