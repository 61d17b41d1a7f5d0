// Package client speaks Dintero's auth API: the token endpoint for every
// grant type and the MFA challenge. It knows nothing about terminals; every
// string it hands back that came from a server is sanitised.
package client

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/textsafe"
)

// Grant is a grant_type of the token endpoint.
type Grant string

// The grant types of the contract.
const (
	GrantClientCredentials Grant = "client_credentials"
	GrantPassword          Grant = "password"
	GrantAuthorizationCode Grant = "authorization_code"
	GrantAccountUserToken  Grant = "account_user_token"
	GrantRefreshToken      Grant = "refresh_token"
	GrantMFAOOB            Grant = "mfa-oob"
	// GrantMFAOOBUnderscore is the spelling of the challenge and recovery
	// references (§3); sent only when asked for, or as the one retry.
	GrantMFAOOBUnderscore Grant = "mfa_oob"
	// GrantOIDC is not a grant_type of the token endpoint: it is the code
	// of an outside identity provider exchanged at auth/oidc/token (§1b),
	// which sends grant_type=authorization_code itself.
	GrantOIDC Grant = "oidc"
)

// Grants lists every grant type in the order a person meets them.
var Grants = []Grant{GrantClientCredentials, GrantPassword, GrantAuthorizationCode, GrantOIDC, GrantAccountUserToken, GrantRefreshToken, GrantMFAOOB}

// ParseGrant accepts a grant type by its wire name.
func ParseGrant(s string) (Grant, error) {
	for _, g := range Grants {
		if string(g) == s {
			return g, nil
		}
	}
	if s == string(GrantMFAOOBUnderscore) {
		return GrantMFAOOBUnderscore, nil
	}
	return "", invalidf("unknown grant %q (one of %s)", textsafe.Sanitize(s), grantList())
}

func grantList() string {
	names := make([]string, len(Grants))
	for i, g := range Grants {
		names[i] = string(g)
	}
	return strings.Join(names, ", ")
}

// IsMFAOOB reports whether the grant answers an MFA challenge, in either
// spelling.
func (g Grant) IsMFAOOB() bool { return g == GrantMFAOOB || g == GrantMFAOOBUnderscore }

// OtherSpelling is the other spelling of the mfa-oob grant; other grants
// have none and return themselves.
func (g Grant) OtherSpelling() Grant {
	switch g {
	case GrantMFAOOB:
		return GrantMFAOOBUnderscore
	case GrantMFAOOBUnderscore:
		return GrantMFAOOB
	}
	return g
}

// UsesBasic reports whether the grant authenticates with client_id and
// client_secret rather than a Bearer token.
func (g Grant) UsesBasic() bool { return g == GrantClientCredentials }

// Channel is where the MFA binding code is sent.
type Channel string

// The out-of-band channels.
const (
	ChannelSMS   Channel = "sms"
	ChannelEmail Channel = "email"
)

// ParseChannel accepts "sms" or "email".
func ParseChannel(s string) (Channel, error) {
	switch Channel(s) {
	case ChannelSMS, ChannelEmail:
		return Channel(s), nil
	}
	return "", invalidf("unknown MFA channel %q (sms or email)", textsafe.Sanitize(s))
}

// Other returns the other channel, for "switch channel".
func (c Channel) Other() Channel {
	if c == ChannelEmail {
		return ChannelSMS
	}
	return ChannelEmail
}

// ErrInvalidInput marks errors in what the user gave, found before any
// request is sent.
var ErrInvalidInput = errors.New("invalid input")

type inputError struct{ msg string }

func (e *inputError) Error() string        { return e.msg }
func (e *inputError) Is(target error) bool { return target == ErrInvalidInput }

func invalidf(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// idShape reports whether id is P or T followed by exactly one of the
// given numbers of ASCII digits: ^[PT](\d{3}|\d{8})$ without compiling a
// regexp at start-up, which every command would pay for.
func idShape(id string, digits ...int) bool {
	if len(id) < 2 || (id[0] != 'P' && id[0] != 'T') {
		return false
	}
	for i := 1; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	for _, n := range digits {
		if len(id)-1 == n {
			return true
		}
	}
	return false
}

// ValidateOwnerID checks an account or partner id as the token endpoint
// takes it: P or T followed by 3 or 8 digits.
func ValidateOwnerID(id string) error {
	if !idShape(id, 3, 8) {
		return invalidf("account id %q is not P or T followed by 8 digits (or 3 for a partner)", textsafe.Sanitize(id))
	}
	return nil
}

// IsAccountID reports whether id is an account (not a partner) id.
func IsAccountID(id string) bool { return idShape(id, 8) }

// IsProduction reports whether an account id names the production
// environment.
func IsProduction(id string) bool { return strings.HasPrefix(id, "P") }

// DefaultBaseURL is Dintero's API.
const DefaultBaseURL = "https://api.dintero.com/v1"

// DefaultAudience is the audience Dintero expects for an account.
func DefaultAudience(accountID string) string {
	return DefaultBaseURL + "/accounts/" + accountID
}

// ValidateBaseURL refuses a base URL that would leak credentials: plain
// http to anything but loopback, and user info in the URL.
func ValidateBaseURL(raw string) (*url.URL, error) { return validateURL(raw, false) }

// validateURL applies the base URL rules; a query is allowed for other
// URLs (a JWKS), and the errors name the URL checked.
func validateURL(raw string, allowQuery bool) (*url.URL, error) {
	what := "base URL"
	if allowQuery {
		what = "JWKS URL"
	}
	if strings.TrimSpace(raw) == "" {
		return nil, invalidf("%s is empty: give one such as %s", what, DefaultBaseURL)
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.Opaque != "" {
		return nil, invalidf("%s %q is not an absolute URL", what, textsafe.Sanitize(raw))
	}
	if u.User != nil {
		return nil, invalidf("%s must not contain user info; give credentials through the secret options", what)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if err := CheckLoopback(u.Hostname()); err != nil {
			return nil, invalidf("refusing plain http to %s: credentials would travel unencrypted (only loopback may use http; %v)", textsafe.Sanitize(u.Host), err)
		}
	default:
		return nil, invalidf("%s scheme %q is not https", what, textsafe.Sanitize(u.Scheme))
	}
	if (u.RawQuery != "" && !allowQuery) || u.Fragment != "" {
		return nil, invalidf("%s must not have a query or fragment", what)
	}
	if allowQuery {
		return u, nil
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// Auth is the Authorization a request carries.
type Auth interface {
	header() string
	// Kind is "Basic" or "Bearer", for display.
	Kind() string
}

// BasicAuth authenticates client_credentials with client_id:client_secret.
type BasicAuth struct{ ClientID, ClientSecret string }

func (a BasicAuth) header() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(a.ClientID+":"+a.ClientSecret))
}

// Kind implements Auth.
func (BasicAuth) Kind() string { return "Basic" }

// BearerAuth authenticates with a JWT.
type BearerAuth struct{ Token string }

func (a BearerAuth) header() string { return "Bearer " + a.Token }

// Kind implements Auth.
func (BearerAuth) Kind() string { return "Bearer" }

// noteAuth teaches rd the secret of an Authorization.
func noteAuth(rd *record.Redactor, a Auth) {
	switch a := a.(type) {
	case BasicAuth:
		rd.AddBasic(a.ClientID, a.ClientSecret)
	case *BasicAuth:
		rd.AddBasic(a.ClientID, a.ClientSecret)
	case BearerAuth:
		rd.AddToken(a.Token)
	case *BearerAuth:
		rd.AddToken(a.Token)
	}
}

// Options configure a Client.
type Options struct {
	BaseURL   string
	UserAgent string        // default "tokenbench/dev"
	Timeout   time.Duration // per request; default 30s
	// CAFile adds a PEM bundle of private CAs to the system roots.
	CAFile string
	// Transport replaces the HTTP transport (tests, a recorder).
	Transport http.RoundTripper
	// Now is the clock that stamps ReceivedAt; default time.Now.
	Now func() time.Time
	// Recorder, when set, keeps every exchange, redacted.
	Recorder *record.Recorder
	// Redactor knows the secrets of the flow (give the recorder the same
	// one); a new one is made when nil. The client teaches it every secret
	// it sends or receives, and no error it returns holds any of them.
	Redactor *record.Redactor
}

// Client calls the auth API of one base URL.
type Client struct {
	base      *url.URL
	http      *http.Client
	userAgent string
	timeout   time.Duration
	now       func() time.Time
	redactor  *record.Redactor
}

// New checks the options and builds a client. It sends nothing.
func New(opts Options) (*Client, error) {
	if opts.BaseURL == "" {
		opts.BaseURL = DefaultBaseURL
	}
	base, err := ValidateBaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{base: base, userAgent: opts.UserAgent, timeout: opts.Timeout, now: opts.Now, redactor: opts.Redactor}
	if c.redactor == nil {
		c.redactor = &record.Redactor{}
	}
	if c.userAgent == "" {
		c.userAgent = "tokenbench/dev"
	}
	if c.timeout <= 0 {
		c.timeout = 30 * time.Second
	}
	if c.now == nil {
		c.now = time.Now
	}
	rt := opts.Transport
	if rt == nil {
		var caPEM []byte
		if opts.CAFile != "" {
			if caPEM, err = readCAFile(opts.CAFile); err != nil {
				return nil, err
			}
		}
		// Shared with every other client of the same base URL and CAs, so
		// its connections are reused from one refresh to the next.
		t, err := transports.get(base, opts.CAFile, caPEM)
		if err != nil {
			return nil, err
		}
		rt = plainHTTPMarker{t}
	}
	if opts.Recorder != nil {
		rt = opts.Recorder.Wrap(rt, readError)
	}
	c.http = &http.Client{
		Transport: rt,
		// Never follow a redirect: Go would send the Basic header or the
		// password body on to wherever the server points.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c, nil
}

// maxCAFile bounds a CA bundle: the system's own is a few hundred KiB.
const maxCAFile = 1 << 20

// caPool is the system's roots and the certificates of pem, read from the
// CA file path.
func caPool(path string, pem []byte) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, invalidf("CA file %s holds no PEM certificate", path)
	}
	return pool, nil
}

// readCAFile reads a CA bundle that is a regular file of at most 1 MiB: a
// device (/dev/zero) or a FIFO would be read without end.
func readCAFile(path string) ([]byte, error) {
	// Stat first: opening a FIFO would wait for a writer.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, invalidf("CA file %s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, invalidf("CA file: %v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, invalidf("CA file: %v", err)
	}
	if !st.Mode().IsRegular() {
		return nil, invalidf("CA file %s is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxCAFile+1))
	if err != nil {
		return nil, invalidf("CA file: %v", err)
	}
	if len(data) > maxCAFile {
		return nil, invalidf("CA file %s is larger than 1 MiB", path)
	}
	return data, nil
}

// Redactor returns the redactor that knows every secret this client has
// sent or received.
func (c *Client) Redactor() *record.Redactor { return c.redactor }

// Timeout is the deadline of each request.
func (c *Client) Timeout() time.Duration { return c.timeout }

// BaseURL returns the validated base URL.
func (c *Client) BaseURL() string { return c.base.String() }

// TokenRequest is the body of a token request. Which fields are sent depends
// on Grant.
type TokenRequest struct {
	Grant        Grant
	Audience     string
	Username     string
	Password     string
	RefreshToken string
	MFAToken     string
	OOBCode      string
	BindingCode  string
	// The passwordless login (§1a): IdentType is "email" or "user_id".
	IdentType        string
	Ident            string
	VerificationCode string
	// Extra adds body fields (servers drift); they win over the fields above.
	Extra map[string]string
}

func (r TokenRequest) body() map[string]string {
	b := map[string]string{"grant_type": string(r.Grant)}
	set := func(k, v string) {
		if v != "" {
			b[k] = v
		}
	}
	switch r.Grant {
	case GrantClientCredentials, GrantAccountUserToken:
		set("audience", r.Audience)
	case GrantPassword:
		set("username", r.Username)
		b["password"] = r.Password
		set("audience", r.Audience)
	case GrantAuthorizationCode:
		// Dintero's authorization_code is the passwordless login; the
		// OAuth redirect shape (code, redirect_uri) is refused there.
		set("ident_type", r.IdentType)
		set("ident", r.Ident)
		set("verification_code", r.VerificationCode)
		set("audience", r.Audience)
	case GrantRefreshToken:
		set("refresh_token", r.RefreshToken)
	case GrantMFAOOB, GrantMFAOOBUnderscore:
		set("mfa_token", r.MFAToken)
		set("oob_code", r.OOBCode)
		set("binding_code", r.BindingCode)
	}
	for k, v := range r.Extra {
		b[k] = v
	}
	return b
}

// TokenResponse is a successful token answer.
type TokenResponse struct {
	AccessToken  string
	TokenType    string
	ExpiresIn    int64 // seconds; 0 when the server did not say
	RefreshToken string
	Scope        string
	// Fields holds every field of the body as the server sent it.
	Fields map[string]any
	// ReceivedAt is the local time the answer arrived.
	ReceivedAt time.Time
	// ServerDate is the Date header, zero when absent or unreadable.
	ServerDate time.Time
	// Warnings are harmless deviations from the contract worth showing.
	Warnings []string
}

// Token asks for a token for the account or partner ownerID.
func (c *Client) Token(ctx context.Context, ownerID string, auth Auth, req TokenRequest) (*TokenResponse, error) {
	if err := ValidateOwnerID(ownerID); err != nil {
		return nil, err
	}
	res, err := c.post(ctx, "token request", "/accounts/"+ownerID+"/auth/token", auth, req.body())
	if err != nil && req.Grant.IsMFAOOB() && isUnsupportedGrant(err) && req.Extra["grant_type"] == "" {
		// The references spell this grant two ways (§3): exactly one retry
		// with the other spelling, recorded like any other exchange.
		req.Grant = req.Grant.OtherSpelling()
		res, err = c.post(ctx, "token request", "/accounts/"+ownerID+"/auth/token", auth, req.body())
	}
	if err != nil {
		return nil, err
	}
	return decodeTokenResponse(res)
}

func isUnsupportedGrant(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Code == "unsupported_grant_type"
}

// ChallengeResponse is the answer to an MFA challenge.
type ChallengeResponse struct {
	ChallengeType string
	BindingMethod string
	OOBCode       string
}

// Challenge asks the server to send a binding code over channel for the
// mfa_token of an mfa_required answer. auth must be the Authorization of the
// request that got that answer.
func (c *Client) Challenge(ctx context.Context, accountID string, auth Auth, mfaToken string, channel Channel) (*ChallengeResponse, error) {
	if err := ValidateOwnerID(accountID); err != nil {
		return nil, err
	}
	body := map[string]string{"challenge_type": "oob", "mfa_token": mfaToken, "oob_channel": string(channel)}
	res, err := c.post(ctx, "mfa challenge", "/accounts/"+accountID+"/auth/mfa/challenge", auth, body)
	if err != nil {
		return nil, err
	}
	fields, ok := decodeObject(res.body)
	if !ok {
		return nil, res.protocolError("body is not JSON")
	}
	oob := stringField(fields, "oob_code")
	if oob == "" {
		return nil, res.protocolError("no oob_code in the challenge answer")
	}
	return &ChallengeResponse{ChallengeType: res.scrub(stringField(fields, "challenge_type")), BindingMethod: res.scrub(stringField(fields, "binding_method")), OOBCode: oob}, nil
}

type response struct {
	status      int
	contentType string
	date        time.Time
	body        []byte
	receivedAt  time.Time
	redactor    *record.Redactor
}

// scrub makes a string of the answer safe to print: sanitised, with no
// secret of the flow in it.
func (r *response) scrub(s string) string { return r.redactor.Scrub(s) }

func (r *response) protocolError(reason string) *ProtocolError {
	return &ProtocolError{Status: r.status, ContentType: r.scrub(textsafe.MediaType(r.contentType)), Reason: reason,
		Excerpt: textsafe.Excerpt([]byte(r.redactor.Redact(string(r.body))), excerptLen)}
}

func (c *Client) post(ctx context.Context, op, path string, auth Auth, body map[string]string) (*response, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	u := *c.base
	u.Path += path
	return c.send(ctx, http.MethodPost, op, u.String(), auth, payload)
}

// Get sends an authenticated GET to a path below the base URL (a query
// may follow a '?') and returns the body of a 2xx answer. Errors are those
// of every other call: *APIError (a *RateLimitError for a 429),
// *ProtocolError, *TransportError, all redacted.
func (c *Client) Get(ctx context.Context, op, path string, auth Auth) ([]byte, error) {
	p, query, _ := strings.Cut(path, "?")
	u := *c.base
	u.Path += p
	u.RawQuery = query
	res, err := c.send(ctx, http.MethodGet, op, u.String(), auth, nil)
	if err != nil {
		return nil, err
	}
	return res.body, nil
}

// send makes one request to target: a deadline, the Authorization noted
// by the redactor, the answer bounded, an error answer parsed and redacted.
// payload is a JSON body, or nil for none.
func (c *Client) send(ctx context.Context, method, op, rawURL string, auth Auth, payload []byte) (*response, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, c.timeout, errRequestTimeout)
	defer cancel()
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, body)
	if err != nil {
		return nil, c.transportError(ctx, op, "", err)
	}
	// target is the URL as errors show it: no user info.
	target := req.URL.Redacted()
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if auth != nil {
		noteAuth(c.redactor, auth)
		req.Header.Set("Authorization", auth.header())
	}
	record.NoteSecrets(c.redactor, payload, true)
	res, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, op, target, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, record.MaxBodySize+1))
	if ctx.Err() != nil {
		// A body cut off by the deadline or an interrupt is not a broken
		// body: the read may even end without an error.
		return nil, c.transportError(ctx, op, target, ctx.Err())
	}
	out := &response{status: res.StatusCode, contentType: res.Header.Get("Content-Type"), body: data, receivedAt: c.now(), redactor: c.redactor}
	if d, perr := http.ParseTime(res.Header.Get("Date")); perr == nil {
		out.date = d
	}
	if err != nil {
		if res.StatusCode/100 == 2 {
			return nil, c.transportError(ctx, op, target, fmt.Errorf("reading %d response: %w", res.StatusCode, unwrapURLError(err)))
		}
		// An error answer cut short still says something; fall through.
	}
	if len(data) > record.MaxBodySize {
		if res.StatusCode/100 == 2 {
			return nil, &ProtocolError{Status: res.StatusCode, ContentType: textsafe.MediaType(out.contentType), Reason: "body larger than 1 MiB"}
		}
		data = data[:record.MaxBodySize]
	}
	record.NoteSecrets(c.redactor, data, false)
	if res.StatusCode/100 != 2 {
		apiErr := c.parseError(res.StatusCode, out.contentType, data)
		if res.StatusCode/100 == 3 {
			apiErr.Message = "redirect to " + out.scrub(res.Header.Get("Location")) + " not followed"
		}
		return nil, rateLimited(apiErr, res.Header, out.receivedAt)
	}
	return out, nil
}

// parseError reads an error answer with every secret of the flow taken out
// of what it shows: a proxy that quotes the request back (the password in
// the body, the Basic value in a header) must not put them on the one
// line people paste into tickets. The mfa_token is kept, as a secret.
func (c *Client) parseError(status int, contentType string, body []byte) *APIError {
	raw := ParseError(status, contentType, body)
	if raw.MFAToken != "" {
		c.redactor.AddToken(raw.MFAToken)
	}
	e := ParseError(status, contentType, []byte(c.redactor.Redact(string(body))))
	e.MFAToken = raw.MFAToken
	e.Code = c.redactor.Scrub(e.Code)
	e.Message = c.redactor.Scrub(e.Message)
	e.Excerpt = c.redactor.Scrub(e.Excerpt)
	e.ContentType = c.redactor.Scrub(e.ContentType)
	for i, d := range e.Details {
		e.Details[i] = c.redactor.Scrub(d)
	}
	return e
}

// unwrapURLError drops *url.Error's "Post \"URL\":" prefix; the operation
// already says what was tried.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// headerSafe reports whether a token can be sent as it is in an
// Authorization header: visible ASCII only.
func headerSafe(token string) bool {
	for i := 0; i < len(token); i++ {
		if token[i] < 0x21 || token[i] > 0x7e {
			return false
		}
	}
	return true
}

// maxExpiresIn bounds the expires_in handed on: far beyond any plausible
// lifetime, well inside int64.
const maxExpiresIn = 1 << 40

func decodeTokenResponse(res *response) (*TokenResponse, error) {
	if len(bytes.TrimSpace(res.body)) == 0 {
		return nil, res.protocolError("empty body")
	}
	// Read under the key rule the recorder and the redactor share
	// (answer.go, record.FoldKey).
	fields, ok := decodeObject(res.body)
	if !ok {
		return nil, res.protocolError("body is not a JSON object")
	}
	out := &TokenResponse{Fields: fields, ReceivedAt: res.receivedAt, ServerDate: res.date}
	str := func(k string) string { return strings.TrimSpace(stringField(fields, k)) }
	out.AccessToken = str("access_token")
	if out.AccessToken == "" {
		return nil, res.protocolError("no access_token in the answer")
	}
	out.RefreshToken = str("refresh_token")
	for _, t := range []struct{ name, value string }{{"access_token", out.AccessToken}, {"refresh_token", out.RefreshToken}} {
		if !headerSafe(t.value) {
			// Printed, it could drive the terminal or break a script's
			// header; it could not be sent back anyway. The body is left
			// out: it holds the token.
			return nil, &ProtocolError{Status: res.status, ContentType: res.scrub(textsafe.MediaType(res.contentType)),
				Reason: t.name + " holds characters that cannot be sent in an HTTP header (controls, spaces or non-ASCII)"}
		}
	}
	out.TokenType = textsafe.Sanitize(str("token_type"))
	out.Scope = textsafe.Sanitize(str("scope"))
	switch v := field(fields, "expires_in").(type) {
	case json.Number:
		n, err := v.Float64()
		switch {
		case errors.Is(err, strconv.ErrRange) && n > 0, err == nil && n >= maxExpiresIn:
			// Beyond int64 the conversion is undefined; the expiry model
			// clamps and flags what is this far out.
			out.ExpiresIn = maxExpiresIn
		case err != nil || n < 0:
			out.Warnings = append(out.Warnings, "expires_in is not a usable number")
		case n != math.Trunc(n):
			// A lifetime is a whole number of seconds (RFC 6749 5.1);
			// 0.5 would silently read as "not said".
			out.Warnings = append(out.Warnings, "expires_in is implausible: not a whole number of seconds")
			out.ExpiresIn = int64(n)
		default:
			out.ExpiresIn = int64(n)
		}
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			out.Warnings = append(out.Warnings, "expires_in is not a usable number")
		} else {
			out.ExpiresIn = n
			out.Warnings = append(out.Warnings, "expires_in was sent as a string")
		}
	case nil:
		out.Warnings = append(out.Warnings, "no expires_in in the answer")
	default:
		out.Warnings = append(out.Warnings, "expires_in is not a number")
	}
	if mt := textsafe.MediaType(res.contentType); mt != "application/json" {
		out.Warnings = append(out.Warnings, fmt.Sprintf("server sent Content-Type %q for a JSON body", mt))
	}
	if out.TokenType != "" && !strings.EqualFold(out.TokenType, "bearer") {
		out.Warnings = append(out.Warnings, fmt.Sprintf("token_type is %q, not Bearer", out.TokenType))
	}
	return out, nil
}
