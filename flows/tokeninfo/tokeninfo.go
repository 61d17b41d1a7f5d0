// Package tokeninfo decodes access tokens for people: header, claims, scopes,
// audience, and the expiry rule of the contract (the earlier of the exp claim
// and received_at + expires_in, corrected for clock skew).
package tokeninfo

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/textsafe"
)

// MaxTokenSize is the largest token Decode looks at. Real access tokens are
// a few KiB; anything far bigger is a paste accident or an attack.
const MaxTokenSize = 64 << 10

// ErrMalformed marks a string that is not a decodable JWT.
var ErrMalformed = errors.New("malformed token")

// Token is a decoded JWT. Decoding checks no signature.
type Token struct {
	Raw    string
	Header map[string]any
	Claims map[string]any

	Alg, Kid, Typ string
	Issuer        string
	Subject       string
	Audience      []string
	Scopes        []string
	ExpiresAt     time.Time // zero when the claim is absent
	IssuedAt      time.Time
	NotBefore     time.Time
	// Warnings are oddities that did not stop decoding.
	Warnings []string
	// Implausible says a time claim was outside 1970..9999 and was
	// clamped into it (the warning says which).
	Implausible bool
}

type malformedError struct{ msg string }

func (e *malformedError) Error() string        { return e.msg }
func (e *malformedError) Is(target error) bool { return target == ErrMalformed }

func malformed(format string, args ...any) error {
	return &malformedError{msg: fmt.Sprintf(format, args...)}
}

// Normalize trims what people paste around a token: white space and an
// "Authorization: Bearer " or "Bearer " prefix.
func Normalize(raw string) string {
	s := strings.TrimSpace(raw)
	if len(s) > 14 && strings.EqualFold(s[:14], "authorization:") {
		s = strings.TrimSpace(s[14:])
	}
	if len(s) > 7 && strings.EqualFold(s[:7], "bearer ") {
		s = strings.TrimSpace(s[7:])
	}
	return s
}

var parser = jwt.NewParser(jwt.WithJSONNumber())

// Decode decodes a JWT without verifying it. Oversized tokens and tokens
// without exactly three segments are refused before any parsing.
func Decode(raw string) (*Token, error) {
	s := Normalize(raw)
	if len(s) > MaxTokenSize {
		return nil, malformed("token is %d bytes, more than the %d KiB a token may be", len(s), MaxTokenSize>>10)
	}
	if s == "" {
		return nil, malformed("token is empty")
	}
	if n := strings.Count(s, ".") + 1; n != 3 {
		return nil, malformed("token has %d segment(s); a JWT has 3 (header.claims.signature)", n)
	}
	claims := jwt.MapClaims{}
	parsed, _, err := parser.ParseUnverified(s, claims)
	t := &Token{Raw: s, Claims: claims}
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenUnverifiable) && parsed != nil && parsed.Header != nil:
		// An unknown or missing alg still decodes; say so rather than refuse.
		t.Warnings = append(t.Warnings, "the alg header names no algorithm this tool knows")
	default:
		return nil, malformed("%s", describe(err))
	}
	t.Header = parsed.Header
	t.Alg = headerString(t.Header, "alg")
	t.Kid = headerString(t.Header, "kid")
	t.Typ = headerString(t.Header, "typ")
	t.Issuer, _ = claims.GetIssuer()
	t.Subject, _ = claims.GetSubject()
	t.Issuer, t.Subject = textsafe.Sanitize(t.Issuer), textsafe.Sanitize(t.Subject)
	if aud, err := claims.GetAudience(); err == nil {
		for _, a := range aud {
			t.Audience = append(t.Audience, textsafe.Sanitize(a))
		}
	} else {
		t.Warnings = append(t.Warnings, "aud is neither a string nor a list of strings")
	}
	t.ExpiresAt = claimTime(claims, "exp", t)
	t.IssuedAt = claimTime(claims, "iat", t)
	t.NotBefore = claimTime(claims, "nbf", t)
	t.Scopes = scopes(claims)
	if strings.EqualFold(t.Alg, "none") {
		t.Warnings = append(t.Warnings, `alg is "none": the token is unsigned`)
	}
	return t, nil
}

func describe(err error) string {
	msg := err.Error()
	// golang-jwt prefixes "token is malformed: "; keep the useful part.
	msg = strings.TrimPrefix(msg, "token is malformed: ")
	// A part that decodes to something else than JSON says so, not in
	// the JSON decoder's words ("invalid character '\u009e' looking for
	// beginning of value").
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax), errors.As(err, &typ):
		if strings.Contains(msg, "could not JSON decode header") {
			return "not a JWT: its header is not a JSON object"
		}
		return "not a JWT: its payload is not a JSON object"
	}
	return "not a JWT: " + textsafe.Sanitize(msg)
}

func headerString(h map[string]any, key string) string {
	s, _ := h[key].(string)
	return textsafe.Sanitize(s)
}

// The instants a time claim may name: from the Unix epoch to the last
// second RFC 3339 can write (year 9999).
var (
	earliestClaim = time.Unix(0, 0).UTC()
	latestClaim   = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// claimTime reads a NumericDate claim. golang-jwt converts any float to a
// time, overflowing on absurd values (1e20 lands in the past); here a value
// outside 1970..9999, or beyond float64 (1e309), is clamped to the range
// and flagged implausible, so every time shown or written is a real,
// RFC 3339-writable instant.
func claimTime(claims jwt.MapClaims, name string, t *Token) time.Time {
	v, ok := claims[name]
	if !ok || v == nil {
		return time.Time{}
	}
	var secs float64
	var err error
	switch n := v.(type) {
	case json.Number:
		secs, err = strconv.ParseFloat(string(n), 64)
	case float64:
		secs = n
	default:
		err = errors.New("not a number")
	}
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		t.Warnings = append(t.Warnings, name+" is not a number of seconds")
		return time.Time{}
	case secs >= 0 && secs < 1:
		// 0, a fraction of a second (0.5) or a number so small it reads
		// as 0 (1e-400): no issuer means the first second of 1970.
		t.Warnings = append(t.Warnings, fmt.Sprintf("%s %s is implausible (the first second of 1970); read as %s", name, textsafe.Sanitize(fmt.Sprint(v)), earliestClaim.Format(time.RFC3339)))
		t.Implausible = true
		return earliestClaim
	case math.IsNaN(secs):
		t.Warnings = append(t.Warnings, name+" is not a number of seconds")
		return time.Time{}
	case secs < float64(earliestClaim.Unix()):
		t.Warnings = append(t.Warnings, fmt.Sprintf("%s %s is implausible (before 1970); read as %s", name, textsafe.Sanitize(fmt.Sprint(v)), earliestClaim.Format(time.RFC3339)))
		t.Implausible = true
		return earliestClaim
	case secs > float64(latestClaim.Unix()):
		t.Warnings = append(t.Warnings, fmt.Sprintf("%s %s is implausible (after 9999); read as %s", name, textsafe.Sanitize(fmt.Sprint(v)), latestClaim.Format(time.RFC3339)))
		t.Implausible = true
		return latestClaim
	}
	whole, frac := math.Modf(secs)
	return time.Unix(int64(whole), int64(frac*1e9))
}

// scopes reads "scope" (space separated or a list), or "scp" as some issuers
// name it.
func scopes(c jwt.MapClaims) []string {
	var out []string
	for _, key := range []string{"scope", "scp"} {
		switch v := c[key].(type) {
		case string:
			out = append(out, strings.Fields(v)...)
		case []any:
			for _, s := range v {
				if str, ok := s.(string); ok {
					out = append(out, strings.Fields(str)...)
				}
			}
		}
		if out != nil {
			break
		}
	}
	for i := range out {
		out[i] = textsafe.Sanitize(out[i])
	}
	return out
}

// HeaderLine summarises the header: "alg RS256 · kid k1 · typ JWT".
func (t *Token) HeaderLine() string {
	alg := t.Alg
	if alg == "" {
		alg = "-"
	}
	parts := []string{"alg " + alg}
	if t.Kid != "" {
		parts = append(parts, "kid "+t.Kid)
	}
	if t.Typ != "" {
		parts = append(parts, "typ "+t.Typ)
	}
	return strings.Join(parts, " · ")
}

// HasScope reports whether the token carries scope s.
func (t *Token) HasScope(s string) bool {
	for _, have := range t.Scopes {
		if have == s {
			return true
		}
	}
	return false
}

// wellKnown are the claims the views show in their own rows.
var wellKnown = map[string]bool{"iss": true, "sub": true, "aud": true, "exp": true, "iat": true, "nbf": true, "scope": true, "scp": true}

// OtherClaims returns the claims without a row of their own, as sorted
// key/formatted-JSON pairs, sanitised for a terminal.
func (t *Token) OtherClaims() [][2]string {
	keys := make([]string, 0, len(t.Claims))
	for k := range t.Claims {
		if !wellKnown[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([][2]string, 0, len(keys))
	for _, k := range keys {
		b, err := json.Marshal(t.Claims[k])
		if err != nil {
			continue
		}
		out = append(out, [2]string{textsafe.Sanitize(k), textsafe.Sanitize(string(b))})
	}
	return out
}

// Fingerprint names a secret without revealing it; see record.Fingerprint.
func Fingerprint(secret string) string { return record.Fingerprint(secret) }
