package dinterotest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// maxHang bounds the Hang fault.
const maxHang = 2 * time.Minute

// apiError is an error answer in Dintero's documented shape.
type apiError struct {
	status     int
	code       string
	message    string
	mfaToken   string
	retryAfter int // seconds, for a 429
	// details are the error's "errors" list (§1 Errors).
	details []Detail
}

func fail(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func (e *apiError) write(w http.ResponseWriter) {
	body := map[string]any{"message": e.message}
	if e.code != "" {
		body["code"] = e.code
	}
	if len(e.details) > 0 {
		body["errors"] = e.details
	}
	if e.mfaToken != "" {
		body["mfa_token"] = e.mfaToken
	}
	if len(e.details) > 0 {
		body["errors"] = e.details
	}
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(e.retryAfter))
	}
	writeJSON(w, e.status, map[string]any{"error": body})
}

func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/accounts/{oid}/auth/token", s.faulty(s.recordingTokens(s.handleToken)))
	mux.HandleFunc("GET /v1/accounts/{oid}/management/users", s.faulty(s.handleUsers))
	mux.HandleFunc("GET /v1/accounts/{oid}/management/users/{uid}/activities", s.faulty(s.handleActivities))
	mux.HandleFunc("POST /v1/accounts/{aid}/auth/mfa/challenge", s.faulty(s.handleChallenge))
	mux.HandleFunc("POST /v1/accounts/{aid}/auth/mfa/recovery", s.faulty(s.handleRecovery))
	mux.HandleFunc("POST /v1/accounts/{oid}/auth/revoke", s.faulty(s.handleRevoke))
	mux.HandleFunc("POST /v1/accounts/{pid}/auth/exchange_token", s.faulty(s.handleExchangeToken))
	mux.HandleFunc("GET /v1/accounts/{oid}/auth/keys", s.faulty(s.handleKeys))
	mux.HandleFunc("GET /v1/accounts/{oid}/auth/clients", s.faulty(s.handleClients))
	mux.HandleFunc("GET /v1/accounts/{oid}/auth/clients/{id}", s.faulty(s.handleClient))
	mux.HandleFunc("GET /v1/accounts/{oid}/auth/client-grants", s.faulty(s.handleClientGrants))
	s.passwordlessRoutes(mux)
	s.oidcRoutes(mux)
	mux.HandleFunc("GET /_fake/outbox", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Outbox())
	})
	mux.HandleFunc("POST /_fake/fault", func(w http.ResponseWriter, r *http.Request) {
		var f Fault
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&f); err != nil {
			fail(http.StatusBadRequest, "invalid_request", "fault body: %v", err).write(w)
			return
		}
		s.SetFault(&f)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("DELETE /_fake/fault", func(w http.ResponseWriter, r *http.Request) {
		s.SetFault(nil)
		w.WriteHeader(http.StatusNoContent)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The Date header follows the server's clock, skew included.
		w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
		mux.ServeHTTP(w, r)
	})
}

// faulty wraps an API handler with the fault switches and request counting.
func (s *Server) faulty(h func(*http.Request) (int, any, *apiError)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests++
		var f Fault
		if s.fault != nil {
			f = *s.fault
			if s.fault.Times > 0 {
				s.fault.Times--
				if s.fault.Times == 0 {
					s.fault = nil
				}
			}
		}
		s.mu.Unlock()

		if f.Hang {
			// net/http notices a client going away only once the body has
			// been read; the cap keeps a forgotten hang from lasting forever.
			_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<16))
			select {
			case <-r.Context().Done():
			case <-time.After(maxHang):
			}
			return
		}
		if f.Latency > 0 {
			select {
			case <-time.After(f.Latency):
			case <-r.Context().Done():
				return
			}
		}
		switch {
		case f.Status != 0:
			msg := f.Message
			if msg == "" {
				msg = http.StatusText(f.Status)
			}
			code := "server_error"
			switch {
			case f.Status == http.StatusTooManyRequests:
				code = "too_many_requests"
			case f.Status < 500:
				code = "invalid_request"
			}
			if f.Code != "" {
				code = f.Code
			}
			e := fail(f.Status, code, "%s", msg)
			e.retryAfter = f.RetryAfter
			e.details = f.Details
			e.write(w)
			return
		case f.HTML:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n")
			return
		}

		status, body, apiErr := h(r)
		if apiErr != nil {
			if apiErr.status == http.StatusBadRequest && apiErr.message == validationMessage {
				s.noteInvalid(r, apiErr)
			}
			apiErr.write(w)
			return
		}
		data, _ := json.Marshal(body)
		switch {
		case f.Truncated:
			data = data[:len(data)/2]
		case f.WrongContentType:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = w.Write(data)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_, _ = w.Write(data)
	}
}

// noteInvalid keeps a validation refusal for ValidationFailures.
func (s *Server) noteInvalid(r *http.Request, e *apiError) {
	var texts []string
	for _, d := range e.details {
		texts = append(texts, d.Message)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.invalid = append(s.invalid, fmt.Sprintf("%s %s: %s", r.Method, r.URL.Path, strings.Join(texts, "; ")))
}

// caller is who authenticated a request.
type caller struct {
	basic    bool
	clientID string     // the API client behind it
	scopes   []string   // a Bearer's or client's scopes
	client   *APIClient // for Basic
	user     *User      // a Bearer issued to a user
	idEmail  string     // an ID token's email claim
	account  string     // the aid a Bearer was issued for
	// exchangeFor is the merchant account of a partner's exchange token.
	exchangeFor string
}

func (s *Server) authenticate(r *http.Request) (*caller, *apiError) {
	h := r.Header.Get("Authorization")
	scheme, value, _ := strings.Cut(h, " ")
	switch {
	case strings.EqualFold(scheme, "Basic"):
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(value))
		if err != nil {
			return nil, fail(http.StatusUnauthorized, "invalid_client", "client authentication failed")
		}
		id, secret, _ := strings.Cut(string(raw), ":")
		s.mu.Lock()
		c := s.apiClient(id)
		s.mu.Unlock()
		if c == nil || c.Secret != secret {
			return nil, fail(http.StatusUnauthorized, "invalid_client", "client authentication failed")
		}
		return &caller{basic: true, clientID: c.ID, client: c, scopes: c.Scopes}, nil
	case strings.EqualFold(scheme, "Bearer"):
		claims, err := s.verify(strings.TrimSpace(value))
		if err != nil {
			return nil, fail(http.StatusUnauthorized, "invalid_token", "the Bearer token is not valid: %s", bearerReason(err))
		}
		c := &caller{}
		c.clientID, _ = claims["client_id"].(string)
		if scope, ok := claims["scope"].(string); ok {
			c.scopes = strings.Fields(scope)
		}
		if email, ok := claims["email"].(string); ok {
			c.idEmail = email
		}
		c.account, _ = claims["aid"].(string)
		c.exchangeFor, _ = claims["exchange_for"].(string)
		if sub, _ := claims["sub"].(string); strings.HasPrefix(sub, "user:") {
			s.mu.Lock()
			c.user = s.user(strings.TrimPrefix(sub, "user:"))
			s.mu.Unlock()
		}
		return c, nil
	case h == "":
		return nil, fail(http.StatusUnauthorized, "unauthorized", "no Authorization header")
	}
	return nil, fail(http.StatusUnauthorized, "unauthorized", "unsupported Authorization scheme")
}

func bearerReason(err error) string {
	switch {
	case strings.Contains(err.Error(), "expired"):
		return "expired"
	case strings.Contains(err.Error(), "kid"):
		return "unknown signing key"
	case strings.Contains(err.Error(), "signature"):
		return "bad signature"
	}
	return "malformed"
}

func (c *caller) has(scopes ...string) bool {
	for _, want := range scopes {
		if slices.Contains(c.scopes, want) {
			return true
		}
	}
	return false
}

type tokenBody struct {
	GrantType    string `json:"grant_type"`
	Audience     string `json:"audience"`
	Username     string `json:"username"`
	Password     string `json:"password"`
	Code         string `json:"code"`
	RedirectURI  string `json:"redirect_uri"`
	RefreshToken string `json:"refresh_token"`
	MFAToken     string `json:"mfa_token"`
	OOBCode      string `json:"oob_code"`
	BindingCode  string `json:"binding_code"`
	// The passwordless login (§1a).
	IdentType        string `json:"ident_type"`
	Ident            string `json:"ident"`
	VerificationCode string `json:"verification_code"`
}

// tokenFields are the body fields of each grant_type at the token endpoint
// (§1, §3): anything else is refused as Dintero refuses it.
var tokenFields = map[string][]Field{
	"client_credentials": {Required("grant_type"), Required("audience")},
	"password":           {Required("grant_type"), Required("username"), Required("password"), Required("audience")},
	// Dintero's passwordless login (§1a): the OAuth redirect shape (code,
	// redirect_uri) gets the unknown-field 400, as Dintero answers it.
	"authorization_code": {Required("grant_type"), Required("ident_type", "email", "user_id"), Required("ident"), Required("verification_code"), Required("audience")},
	"account_user_token": {Required("grant_type"), Required("audience")},
	"refresh_token":      {Required("grant_type"), Required("refresh_token")},
	"mfa-oob":            {Required("grant_type"), Required("mfa_token"), Required("oob_code"), Required("binding_code")},
	"mfa_oob":            {Required("grant_type"), Required("mfa_token"), Required("oob_code"), Required("binding_code")},
}

func (s *Server) handleToken(r *http.Request) (int, any, *apiError) {
	oid := r.PathValue("oid")
	if !s.knownAccount(oid) {
		return 0, nil, fail(http.StatusNotFound, "not_found", "account %s not found", oid)
	}
	raw, e := readStrict(r)
	if e != nil {
		return 0, nil, e
	}
	grant := raw.String("grant_type")
	if grant == "" {
		return 0, nil, validationFailed(Detail{Field: "grant_type", Type: DetailRequired, Message: "grant_type is required"})
	}
	spec, known := tokenFields[grant]
	if !known {
		return 0, nil, fail(http.StatusBadRequest, "unsupported_grant_type", "grant_type %q is not supported", grant)
	}
	var body tokenBody
	if e := raw.Decode(&body, spec...); e != nil {
		return 0, nil, e
	}
	who, e := s.authenticate(r)
	if e != nil {
		return 0, nil, e
	}
	switch body.GrantType {
	case "client_credentials":
		return s.clientCredentials(oid, who, body)
	case "password":
		return s.userGrant(oid, who, body)
	case "authorization_code":
		return s.passwordlessGrant(oid, who, body)
	case "account_user_token":
		return s.accountUserToken(oid, who, body)
	case "refresh_token":
		return s.refreshToken(oid, who, body)
	case "mfa-oob", "mfa_oob":
		s.mu.Lock()
		accepted := len(s.cfg.MFAGrantSpellings) == 0 || slices.Contains(s.cfg.MFAGrantSpellings, body.GrantType)
		s.mu.Unlock()
		if !accepted {
			return 0, nil, fail(http.StatusBadRequest, "unsupported_grant_type", "grant_type %q is not supported", body.GrantType)
		}
		return s.mfaOOB(oid, who, body)
	}
	return 0, nil, fail(http.StatusBadRequest, "unsupported_grant_type", "grant_type %q is not supported", body.GrantType)
}

func (s *Server) checkAudience(oid, aud string) *apiError {
	if aud == "" {
		return validationFailed(Detail{Field: "audience", Type: DetailRequired, Message: "audience is required"})
	}
	if aud != "https://api.dintero.com/v1/accounts/"+oid && aud != s.URL+"/accounts/"+oid {
		// Dintero's words for an audience the client has no grant for (§11).
		return validationFailed(Detail{Field: "audience", Message: "audience must be a grant associated with the client"})
	}
	return nil
}

func (s *Server) clientCredentials(oid string, who *caller, body tokenBody) (int, any, *apiError) {
	if who.exchangeFor != "" {
		return s.merchantToken(oid, who, body)
	}
	if !who.basic {
		return 0, nil, fail(http.StatusUnauthorized, "invalid_client", "client_credentials requires Basic authentication")
	}
	scopes, e := s.checkGrant(oid, who.clientID, body.GrantType, body.Audience)
	if e != nil {
		return 0, nil, e
	}
	return s.issue(oid, body.Audience, "client:"+who.clientID, who.clientID, scopes, nil, "")
}

// endpointScopes are the scopes that let a Bearer use the token endpoint.
var endpointScopes = []string{ScopeAdmin, ScopeWrite, ScopeAuthUsers, ScopeAuthUsersNoMFA}

func (s *Server) requireClientBearer(who *caller, grant string) *apiError {
	if who.basic {
		return fail(http.StatusUnauthorized, "invalid_client", "%s requires a Bearer token", grant)
	}
	if who.clientID == "" {
		return fail(http.StatusForbidden, "access_denied", "the Bearer token was not issued to an API client")
	}
	if e := requireScope(who, grant+" at the token endpoint", endpointScopes...); e != nil {
		return e
	}
	return nil
}

func (s *Server) userGrant(oid string, who *caller, body tokenBody) (int, any, *apiError) {
	if e := s.requireClientBearer(who, body.GrantType); e != nil {
		return 0, nil, e
	}
	if _, e := s.checkGrant(oid, who.clientID, body.GrantType, body.Audience); e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	u := s.user(body.Username)
	// A user without a password (one of an external identity provider)
	// cannot use the password grant at all.
	if u == nil || u.Password == "" || u.Password != body.Password {
		s.mu.Unlock()
		return 0, nil, fail(http.StatusBadRequest, "invalid_grant", "wrong username or password")
	}
	if u.MFA && !who.has(ScopeAuthUsersNoMFA) {
		token := "mfa_" + randomString(32)
		s.mfa[token] = &mfaSession{
			user: u, account: oid, audience: body.Audience, grant: body.GrantType,
			principal: who.clientID, bearerScps: who.scopes,
			expires: s.now().Add(s.cfg.MFATokenTTL), challenges: map[string]*challenge{},
		}
		s.mu.Unlock()
		e := fail(http.StatusForbidden, "mfa_required", "Multi-factor authentication required")
		e.mfaToken = token
		return 0, nil, e
	}
	s.mu.Unlock()
	refresh := slices.Contains(who.scopes, ScopeCreateRefreshTk)
	return s.issueUser(oid, body.Audience, who.clientID, u, refresh)
}

func (s *Server) accountUserToken(oid string, who *caller, body tokenBody) (int, any, *apiError) {
	if who.basic {
		return 0, nil, fail(http.StatusUnauthorized, "invalid_client", "account_user_token requires a Bearer token")
	}
	if _, e := s.checkGrant(oid, who.clientID, body.GrantType, body.Audience); e != nil {
		return 0, nil, e
	}
	u := who.user
	if u == nil && who.idEmail != "" {
		s.mu.Lock()
		for i := range s.cfg.Users {
			if strings.EqualFold(s.cfg.Users[i].Email, who.idEmail) {
				u = &s.cfg.Users[i]
			}
		}
		s.mu.Unlock()
	}
	if u == nil {
		return 0, nil, fail(http.StatusForbidden, "access_denied", "the Bearer token does not identify an account user (no user subject or known email claim)")
	}
	return s.issueUser(oid, body.Audience, who.clientID, u, false)
}

func (s *Server) refreshToken(oid string, who *caller, body tokenBody) (int, any, *apiError) {
	if who.basic {
		return 0, nil, fail(http.StatusUnauthorized, "invalid_client", "refresh_token requires a Bearer token")
	}
	if body.RefreshToken == "" {
		return 0, nil, fail(http.StatusBadRequest, "invalid_request", "refresh_token is required")
	}
	s.mu.Lock()
	g := s.refresh[body.RefreshToken]
	s.mu.Unlock()
	switch {
	case g == nil || g.account != oid:
		return 0, nil, fail(http.StatusBadRequest, "invalid_grant", "the refresh token is invalid or revoked")
	case g.clientID != who.clientID:
		return 0, nil, fail(http.StatusForbidden, "access_denied", "the Bearer token is not from the client that created the refresh token")
	}
	if s.cfg.RotateRefreshTokens {
		s.mu.Lock()
		spent := s.refresh[body.RefreshToken] == g
		delete(s.refresh, body.RefreshToken)
		s.mu.Unlock()
		if !spent {
			// Another request spent it first.
			return 0, nil, fail(http.StatusBadRequest, "invalid_grant", "the refresh token is invalid or revoked")
		}
		code, out, e := s.issueUser(oid, g.audience, g.clientID, g.user, true)
		if notify := s.cfg.OnRefreshRotated; notify != nil && e == nil {
			if m, ok := out.(map[string]any); ok {
				issued, _ := m["refresh_token"].(string)
				notify(body.RefreshToken, issued)
			}
		}
		return code, out, e
	}
	// A refresh_token grant returns no new refresh token (the contract's
	// rule names only password and authorization_code).
	return s.issueUser(oid, g.audience, g.clientID, g.user, false)
}

func (s *Server) mfaOOB(oid string, who *caller, body tokenBody) (int, any, *apiError) {
	if body.MFAToken == "" || body.OOBCode == "" || body.BindingCode == "" {
		return 0, nil, fail(http.StatusBadRequest, "invalid_request", "mfa_token, oob_code and binding_code are required")
	}
	s.mu.Lock()
	sess, e := s.session(body.MFAToken, who)
	if e != nil {
		s.mu.Unlock()
		return 0, nil, e
	}
	ch := sess.challenges[body.OOBCode]
	switch {
	case ch == nil:
		s.mu.Unlock()
		return 0, nil, fail(http.StatusBadRequest, "expired_token", "the oob_code has expired or was replaced; request a new challenge")
	case s.now().After(ch.expires):
		delete(sess.challenges, body.OOBCode)
		s.mu.Unlock()
		return 0, nil, fail(http.StatusBadRequest, "expired_token", "the binding code has expired; request a new challenge")
	case ch.code != strings.TrimSpace(body.BindingCode):
		ch.attempts++
		left := s.cfg.MaxCodeAttempts - ch.attempts
		if left <= 0 {
			delete(sess.challenges, body.OOBCode)
			s.mu.Unlock()
			return 0, nil, fail(http.StatusBadRequest, "expired_token", "too many wrong binding codes; the challenge has expired, request a new one")
		}
		s.mu.Unlock()
		return 0, nil, fail(http.StatusBadRequest, "invalid_grant", "the binding code is not correct (%d attempt(s) left)", left)
	}
	delete(s.mfa, body.MFAToken) // one-time: the flow is done
	if sess.recovery == 1 && oid == sess.account {
		// A recovery's first code is right: the answer is a new mfa_required
		// for the second code, on the other channel (§4).
		token := "mfa_" + randomString(32)
		s.mfa[token] = &mfaSession{
			user: sess.user, account: sess.account, audience: sess.audience, grant: sess.grant,
			principal: sess.principal, bearerScps: sess.bearerScps,
			expires: s.now().Add(s.cfg.MFATokenTTL), challenges: map[string]*challenge{},
			recovery: 2, firstChannel: ch.channel,
		}
		s.mu.Unlock()
		e := fail(http.StatusForbidden, "mfa_required", "Multi-factor authentication required: confirm a second code, sent to the other channel")
		e.mfaToken = token
		return 0, nil, e
	}
	s.mu.Unlock()
	if oid != sess.account {
		return 0, nil, fail(http.StatusBadRequest, "invalid_grant", "the mfa_token belongs to another account")
	}
	refresh := slices.Contains(sess.bearerScps, ScopeCreateRefreshTk) && (sess.grant == "password" || sess.grant == "authorization_code") && sess.recovery == 0
	return s.issueUser(oid, sess.audience, sess.principal, sess.user, refresh)
}

// session finds a live MFA session for the same Authorization that started
// it. Call with s.mu held.
func (s *Server) session(token string, who *caller) (*mfaSession, *apiError) {
	sess := s.mfa[token]
	switch {
	case sess == nil:
		return nil, fail(http.StatusBadRequest, "expired_token", "the mfa_token is invalid or has expired; start over")
	case s.now().After(sess.expires):
		delete(s.mfa, token)
		return nil, fail(http.StatusBadRequest, "expired_token", "the mfa_token has expired; start over")
	case sess.principal != who.clientID:
		return nil, fail(http.StatusForbidden, "access_denied", "the Authorization differs from the one that got mfa_required")
	}
	return sess, nil
}

func (s *Server) handleChallenge(r *http.Request) (int, any, *apiError) {
	aid := r.PathValue("aid")
	if !s.knownAccount(aid) {
		return 0, nil, fail(http.StatusNotFound, "not_found", "account %s not found", aid)
	}
	var body struct {
		ChallengeType string `json:"challenge_type"`
		MFAToken      string `json:"mfa_token"`
		OOBChannel    string `json:"oob_channel"`
	}
	if e := decodeStrict(r, &body, Required("challenge_type", "oob"), Required("mfa_token"), Optional("oob_channel", "sms", "email")); e != nil {
		return 0, nil, e
	}
	who, e := s.authenticate(r)
	if e != nil {
		return 0, nil, e
	}
	if e := requireScope(who, "the MFA challenge", mfaScopes...); e != nil {
		return 0, nil, e
	}
	if body.OOBChannel == "" {
		body.OOBChannel = "sms"
	}
	s.mu.Lock()
	sess, e := s.session(body.MFAToken, who)
	if e != nil {
		s.mu.Unlock()
		return 0, nil, e
	}
	if sess.recovery == 2 && body.OOBChannel == sess.firstChannel {
		s.mu.Unlock()
		return 0, nil, fail(http.StatusBadRequest, "invalid_request", "an MFA recovery's second code must go to the other channel (the first went by %s)", sess.firstChannel)
	}
	oob, msg, e := s.sendCode(sess, body.OOBChannel)
	s.mu.Unlock()
	if e != nil {
		return 0, nil, e
	}
	if notify := s.cfg.OnMessage; notify != nil {
		notify(msg)
	}
	return http.StatusOK, map[string]string{"challenge_type": "oob", "binding_method": "prompt", "oob_code": oob}, nil
}

// sendCode puts a new binding code for sess in the outbox, within the
// per-user limit on sends. A new challenge replaces the earlier ones: only
// the newest code works. Call with s.mu held.
func (s *Server) sendCode(sess *mfaSession, channel string) (string, Message, *apiError) {
	now := s.now()
	name := strings.ToLower(sess.user.Username)
	recent := s.sends[name][:0]
	for _, at := range s.sends[name] {
		if now.Sub(at) < s.cfg.ChallengeWindow {
			recent = append(recent, at)
		}
	}
	s.sends[name] = recent
	if len(recent) >= s.cfg.ChallengeLimit {
		wait := recent[0].Add(s.cfg.ChallengeWindow).Sub(now)
		e := fail(http.StatusTooManyRequests, "too_many_requests", "too many codes sent to this user; wait before asking for another")
		e.retryAfter = max(1, int((wait+time.Second-1)/time.Second))
		return "", Message{}, e
	}
	s.sends[name] = append(recent, now)
	clear(sess.challenges)
	oob := "oob_" + randomString(24)
	ch := &challenge{code: randomDigits(6), channel: channel, expires: now.Add(s.cfg.BindingCodeTTL)}
	sess.challenges[oob] = ch
	to := sess.user.Phone
	if ch.channel == "email" {
		to = sess.user.Email
	}
	msg := Message{
		At: now, Channel: ch.channel, To: to, Username: sess.user.Username, BindingCode: ch.code,
		Text: fmt.Sprintf("Your Dintero verification code is %s. It expires in %s.", ch.code, s.cfg.BindingCodeTTL),
	}
	if sess.recovery > 0 {
		msg.Text = fmt.Sprintf("Your Dintero MFA recovery code (%d of 2) is %s. It expires in %s.", sess.recovery, ch.code, s.cfg.BindingCodeTTL)
	}
	s.outbox = append(s.outbox, msg)
	return oob, msg, nil
}

func (s *Server) issueUser(oid, aud, clientID string, u *User, refresh bool) (int, any, *apiError) {
	if e := u.refusal(); e != nil {
		return 0, nil, e
	}
	extra := map[string]any{"email": u.Email, "username": u.Username}
	rt := ""
	if refresh {
		rt = "rt_" + randomString(40)
		s.mu.Lock()
		s.refresh[rt] = &refreshGrant{clientID: clientID, user: u, account: oid, audience: aud}
		s.mu.Unlock()
	}
	return s.issue(oid, aud, "user:"+u.Username, clientID, u.Scopes, extra, rt)
}

func (s *Server) issue(oid, aud, sub, clientID string, scopes []string, extra map[string]any, refreshToken string) (int, any, *apiError) {
	s.mu.Lock()
	now := s.now()
	ttl := s.cfg.TokenTTL
	s.mu.Unlock()
	claims := jwt.MapClaims{
		"iss": s.URL + "/accounts/" + oid + "/auth", "sub": sub, "aud": aud,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(ttl).Unix(),
		"jti": randomString(16), "client_id": clientID, "aid": oid,
		"scope": strings.Join(scopes, " "),
	}
	for k, v := range extra {
		claims[k] = v
	}
	tok, err := s.sign(claims)
	if err != nil {
		return 0, nil, fail(http.StatusInternalServerError, "server_error", "signing failed")
	}
	out := map[string]any{
		"access_token": tok, "token_type": "Bearer",
		"expires_in": int64(ttl / time.Second),
	}
	if refreshToken != "" {
		out["refresh_token"] = refreshToken
	}
	return http.StatusOK, out, nil
}
