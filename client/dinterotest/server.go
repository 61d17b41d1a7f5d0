// Package dinterotest is a fake of Dintero's auth API for tests and demos,
// in the spirit of net/http/httptest: it listens on loopback, signs RS256
// tokens, serves their keys the Dintero way (Bearer required, a bare array,
// line breaks in n), knows clients with scopes and users with and without
// MFA, runs the MFA challenge with one-time binding codes that expire and a
// limit on resends, runs the two-channel MFA recovery, issues refresh tokens
// only under the contract's rule and revokes them, gives partners exchange
// tokens for their merchants, keeps an outbox of the messages it would have
// sent, and can be told to misbehave.
package dinterotest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Scopes the token endpoint checks, from Dintero's reference.
const (
	ScopeAdmin           = "admin:accounts"
	ScopeWrite           = "write:accounts"
	ScopeAuthUsers       = "write:accounts:/auth/users"
	ScopeAuthUsersNoMFA  = "write:accounts:/auth/users/no-mfa"
	ScopeCreateRefreshTk = "create:accounts:auth:refresh_token"
	ScopeAuthMFA         = "write:accounts:/auth/mfa"
	ScopeReadAccounts    = "read:accounts"
)

// APIClient is an API client that authenticates with client_credentials.
type APIClient struct {
	ID     string
	Secret string
	Scopes []string
}

// User is an account user for the password and authorization_code grants.
type User struct {
	Username string
	Password string
	MFA      bool
	Phone    string
	Email    string
	Scopes   []string
	// Customer makes the user a customer of that type ("customer" or
	// "company") for the passwordless login; "" is an account user, whom
	// passwordless e-mail logins do not find.
	Customer string
	// Account is what the management API says of the user (§9); nil for
	// defaults.
	Account *AccountProfile
	// Accounts are the accounts whose management API lists the user;
	// empty: every account the server serves.
	Accounts []string
}

// memberOf reports whether the management API of account lists u.
func (u *User) memberOf(account string) bool {
	return len(u.Accounts) == 0 || slices.Contains(u.Accounts, account)
}

// Partner is a partner account (T11200000) and the merchant accounts it may
// get exchange tokens for.
type Partner struct {
	ID        string
	Merchants []string
}

// Config describes what the fake server knows.
type Config struct {
	Accounts []string // account and partner ids served; others are 404
	Clients  []APIClient
	Users    []User
	Partners []Partner
	// ClientProfiles say more of Clients by client id, and Grants are
	// their grants (§11; see clients.go).
	ClientProfiles map[string]ClientProfile
	Grants         []ClientGrant
	// MFAGrantSpellings are the spellings of the mfa-oob grant the token
	// endpoint accepts; empty means both ("mfa-oob" and "mfa_oob"). Others
	// get unsupported_grant_type.
	MFAGrantSpellings []string
	// ChallengeLimit is how many codes (challenges and recoveries) one user
	// may be sent per ChallengeWindow before a 429 (default 5 per minute).
	ChallengeLimit  int
	ChallengeWindow time.Duration
	// TokenTTL is the lifetime of access tokens (default 1h).
	TokenTTL time.Duration
	// BindingCodeTTL is how long a binding code is valid (default 5m).
	BindingCodeTTL time.Duration
	// MFATokenTTL is how long an mfa_token is valid (default 10m).
	MFATokenTTL time.Duration
	// MaxCodeAttempts is how many wrong codes end a challenge (default 3).
	MaxCodeAttempts int
	// Now is the server's clock (default time.Now).
	Now func() time.Time
	// ClockOffset moves the server's clock (its Date header and token times)
	// away from Now, to exercise clock skew.
	ClockOffset time.Duration
	// Addr is where to listen (default 127.0.0.1:0). Only loopback.
	Addr string
	// OnMessage, when set, is told of each message put in the outbox.
	OnMessage func(Message)
	// Key signs the tokens; default a key shared by the whole process.
	Key *rsa.PrivateKey
	// RotateRefreshTokens makes a refresh_token grant return a new refresh
	// token and revoke the one spent, as some OAuth servers do (Dintero's
	// reference does not say it does; the workbench must survive it).
	RotateRefreshTokens bool
	// OnRefreshRotated, when set, is told each time a refresh_token grant
	// spends a refresh token and issues its successor (with
	// RotateRefreshTokens), before the answer is sent: crash tests time
	// their kills from it.
	OnRefreshRotated func(spent, issued string)
}

// Message is what the server would have sent by SMS or e-mail.
type Message struct {
	At          time.Time `json:"at"`
	Channel     string    `json:"channel"`
	To          string    `json:"to"`
	Username    string    `json:"username"`
	Text        string    `json:"text"`
	BindingCode string    `json:"binding_code"`
}

// Fault makes the server misbehave on the token and challenge endpoints.
type Fault struct {
	// Latency delays each answer (the client may give up first).
	Latency time.Duration
	// Hang never answers until the client goes away.
	Hang bool
	// Status answers with this status and a Dintero JSON error (e.g. 503).
	Status int
	// HTML answers 502 with an HTML page, as a load balancer does.
	HTML bool
	// Truncated cuts the normal JSON answer in half.
	Truncated bool
	// WrongContentType sends the normal answer as text/html.
	WrongContentType bool
	// Message replaces the message of a Status error (control characters
	// included, to test sanitising).
	Message string
	// RetryAfter is the Retry-After header (seconds) sent with a Status
	// error, e.g. with 429.
	RetryAfter int
	// Code replaces the code of a Status error ("" keeps the default:
	// too_many_requests, server_error or invalid_request).
	Code string
	// Details are the "errors" details of a Status error.
	Details []Detail
	// Times is how many requests it applies to; 0 means until cleared.
	Times int
}

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the API base, e.g. http://127.0.0.1:41234/v1.
	URL string

	cfg  Config
	http *httptest.Server
	// started is when the server started: the creation time of what the
	// config does not date.
	started time.Time

	mu sync.Mutex
	// keys are the published signing keys, newest (the one that signs) first.
	keys     []signingKey
	sends    map[string][]time.Time // codes sent per user, for the limit
	mfa      map[string]*mfaSession
	refresh  map[string]*refreshGrant
	outbox   []Message
	fault    *Fault
	requests int
	// conns counts the connections accepted, to show they are reused.
	conns int
	// activities and lastSeen are what token requests add to the users'
	// records (§9), by lower-case username.
	activities map[string][]Activity
	lastSeen   map[string]time.Time
	// invalid are the requests refused as invalid (400 Validation failed).
	invalid []string
	// pl is the passwordless login's state (§1a), oidc the stand-in
	// identity provider's (§1b).
	pl   passwordlessState
	oidc oidcState
}

type mfaSession struct {
	user       *User
	account    string
	audience   string
	grant      string
	principal  string // client id of the Authorization that got mfa_required
	bearerScps []string
	expires    time.Time
	challenges map[string]*challenge
	// recovery is 1 for the first step of an MFA recovery, 2 for the
	// second; firstChannel is where the first code went.
	recovery     int
	firstChannel string
}

type challenge struct {
	code     string
	channel  string
	expires  time.Time
	attempts int
}

type refreshGrant struct {
	clientID string
	user     *User
	account  string
	audience string
}

var processKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// NewServer starts a fake server on loopback. Close it when done.
func NewServer(cfg Config) (*Server, error) {
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	s.http = httptest.NewUnstartedServer(s.handler())
	s.http.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
		}
	}
	if cfg.Addr != "" {
		host, _, err := net.SplitHostPort(cfg.Addr)
		if err != nil {
			return nil, fmt.Errorf("fake server address: %w", err)
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, fmt.Errorf("fake server address %s is not loopback", cfg.Addr)
		}
		l, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			return nil, fmt.Errorf("fake server: %w", err)
		}
		s.http.Listener.Close()
		s.http.Listener = l
	}
	s.http.Start()
	s.URL = s.http.URL + "/v1"
	return s, nil
}

func newServer(cfg Config) (*Server, error) {
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = time.Hour
	}
	if cfg.BindingCodeTTL <= 0 {
		cfg.BindingCodeTTL = 5 * time.Minute
	}
	if cfg.MFATokenTTL <= 0 {
		cfg.MFATokenTTL = 10 * time.Minute
	}
	if cfg.MaxCodeAttempts <= 0 {
		cfg.MaxCodeAttempts = 3
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	key := cfg.Key
	if key == nil {
		var err error
		if key, err = processKey(); err != nil {
			return nil, fmt.Errorf("fake server key: %w", err)
		}
	}
	if cfg.ChallengeLimit <= 0 {
		cfg.ChallengeLimit = 5
	}
	if cfg.ChallengeWindow <= 0 {
		cfg.ChallengeWindow = time.Minute
	}
	return &Server{
		cfg:     cfg,
		started: cfg.Now().Add(cfg.ClockOffset).UTC().Truncate(time.Second),
		keys:    []signingKey{{key: key, kid: keyID(&key.PublicKey)}},
		sends:   map[string][]time.Time{},
		mfa:     map[string]*mfaSession{},
		refresh: map[string]*refreshGrant{},

		activities: map[string][]Activity{},
		lastSeen:   map[string]time.Time{},
	}, nil
}

// Close stops the server.
func (s *Server) Close() {
	s.http.CloseClientConnections()
	s.http.Close()
}

// signingKey is a key and its kid.
type signingKey struct {
	key *rsa.PrivateKey
	kid string
}

// KeyID is the kid of the key that signs new tokens.
func (s *Server) KeyID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[0].kid
}

// PublicKey is the key that verifies new tokens.
func (s *Server) PublicKey() *rsa.PublicKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &s.keys[0].key.PublicKey
}

// RotateKey makes key the signing key. The previous key stays published
// (and its tokens valid) beside it, as in a real rotation.
func (s *Server) RotateKey(key *rsa.PrivateKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = []signingKey{{key: key, kid: keyID(&key.PublicKey)}, s.keys[0]}
}

// KeysURL is where the signing keys of an account are served (§6): it
// needs a Bearer with read:accounts or admin:accounts.
func (s *Server) KeysURL(account string) string {
	return s.URL + "/accounts/" + account + "/auth/keys"
}

// SetMFAGrantSpellings sets the spellings of the mfa-oob grant the token
// endpoint accepts; none means both.
func (s *Server) SetMFAGrantSpellings(spellings ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.MFAGrantSpellings = slices.Clone(spellings)
}

// SetFault makes the following requests misbehave; nil clears it.
func (s *Server) SetFault(f *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f != nil {
		copied := *f
		f = &copied
	}
	s.fault = f
}

// Outbox returns the messages sent so far, oldest first.
func (s *Server) Outbox() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.outbox)
}

// OutboxFor returns the messages sent so far to username, oldest first,
// when baseURL is this server's: a request to any other server (another
// fake one, Dintero) sends nothing here, and an older message here is not
// its code.
func (s *Server) OutboxFor(baseURL, username string) []Message {
	if !s.Serves(baseURL) {
		return nil
	}
	var out []Message
	for _, m := range s.Outbox() {
		if m.Username == username {
			out = append(out, m)
		}
	}
	return out
}

// Serves reports whether baseURL is this server's base URL: the same
// scheme, port and path (a slash at the end aside), on its host or, as
// it listens on loopback, another name of loopback ("localhost").
func (s *Server) Serves(baseURL string) bool {
	mine, err := url.Parse(s.URL)
	if err != nil {
		return false
	}
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || u.Host == "" {
		return false
	}
	loopback := func(host string) bool {
		ip := net.ParseIP(host)
		return strings.EqualFold(host, "localhost") || ip != nil && ip.IsLoopback()
	}
	sameHost := strings.EqualFold(u.Hostname(), mine.Hostname()) || loopback(u.Hostname()) && loopback(mine.Hostname())
	return strings.EqualFold(u.Scheme, mine.Scheme) && sameHost && u.Port() == mine.Port() &&
		strings.TrimRight(u.Path, "/") == strings.TrimRight(mine.Path, "/")
}

// LastBindingCode is the newest binding code sent to username, or "".
func (s *Server) LastBindingCode(username string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.outbox) - 1; i >= 0; i-- {
		if s.outbox[i].Username == username {
			return s.outbox[i].BindingCode
		}
	}
	return ""
}

// RefreshTokenLive reports whether rt is a refresh token the server would
// accept now (issued, not spent by a rotation, not revoked).
func (s *Server) RefreshTokenLive(rt string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.refresh[rt]
	return ok
}

// ValidationFailures are the requests the server refused as invalid (a
// 400 "Validation failed"), oldest first, each as "METHOD path: details":
// a request shape Dintero would refuse. A wire-conformance test wants
// none.
func (s *Server) ValidationFailures() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.invalid)
}

// Requests counts the API requests served (faulty ones included).
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Connections counts the TCP connections the server has accepted: a
// client that reuses its connections opens one for many requests.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// IssueToken signs an access token directly, as if a grant had run, for
// tests that need a Bearer or an ID token of their own making.
func (s *Server) IssueToken(claims map[string]any) (string, error) {
	now := s.now()
	mc := jwt.MapClaims{"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(s.cfg.TokenTTL).Unix(), "jti": randomString(12)}
	for k, v := range claims {
		mc[k] = v
	}
	return s.sign(mc)
}

func (s *Server) now() time.Time { return s.cfg.Now().Add(s.cfg.ClockOffset) }

func (s *Server) user(name string) *User {
	for i := range s.cfg.Users {
		if strings.EqualFold(s.cfg.Users[i].Username, name) {
			return &s.cfg.Users[i]
		}
	}
	return nil
}

func (s *Server) apiClient(id string) *APIClient {
	for i := range s.cfg.Clients {
		if s.cfg.Clients[i].ID == id {
			return &s.cfg.Clients[i]
		}
	}
	return nil
}

func (s *Server) knownAccount(id string) bool { return slices.Contains(s.cfg.Accounts, id) }

// sign signs with the newest key; call it without s.mu held.
func (s *Server) sign(claims jwt.MapClaims) (string, error) {
	return s.signWith(s.signer(), claims)
}

func (s *Server) signWith(k signingKey, claims jwt.MapClaims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = k.kid
	return t.SignedString(k.key)
}

// signer is the signing key; it must be called without s.mu held.
func (s *Server) signer() signingKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[0]
}

// verify checks a Bearer the server issued: signature by a published key,
// expiry.
func (s *Server) verify(raw string) (jwt.MapClaims, error) {
	s.mu.Lock()
	keys := slices.Clone(s.keys)
	s.mu.Unlock()
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		for _, k := range keys {
			if k.kid == kid {
				return &k.key.PublicKey, nil
			}
		}
		return nil, fmt.Errorf("unknown kid")
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(s.now))
	return claims, err
}

// publishedKeys is the keys endpoint's answer the Dintero way: a bare JSON
// array, with line breaks inside the base64url text of n as in the
// reference's example.
func (s *Server) publishedKeys() []map[string]any {
	s.mu.Lock()
	keys := slices.Clone(s.keys)
	s.mu.Unlock()
	out := make([]map[string]any, 0, len(keys))
	for _, k := range keys {
		pub := &k.key.PublicKey
		out = append(out, map[string]any{
			"kty": "RSA", "use": "sig", "alg": "RS256", "kid": k.kid,
			"n": wrapLines(base64.RawURLEncoding.EncodeToString(pub.N.Bytes()), 76),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		})
	}
	return out
}

func wrapLines(s string, width int) string {
	var b strings.Builder
	for len(s) > width {
		b.WriteString(s[:width])
		b.WriteByte('\n')
		s = s[width:]
	}
	b.WriteString(s)
	return b.String()
}

func keyID(pub *rsa.PublicKey) string {
	b := pub.N.Bytes()
	return "fake-" + base64.RawURLEncoding.EncodeToString(b[len(b)-9:])
}

const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func randomString(n int) string {
	b := make([]byte, n)
	for i := range b {
		v, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}

func randomDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		v, _ := rand.Int(rand.Reader, big.NewInt(10))
		b[i] = byte('0' + v.Int64())
	}
	return string(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// KeySetJSON is what the keys endpoint answers (the bare array), for a test
// that serves a key set from a URL of its own, as a profile's JWKS URL.
func (s *Server) KeySetJSON() []byte {
	data, _ := json.Marshal(s.publishedKeys())
	return data
}
