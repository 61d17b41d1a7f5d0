package dinterotest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The passwordless login (contract §1a): codes sent by e-mail or SMS to a
// customer, or issued for a user id, then exchanged on the token endpoint
// with grant_type=authorization_code.

// Scopes for POST auth/passwordless (§1a).
const (
	ScopePasswordless      = "write:accounts:/auth/passwordless"
	ScopePasswordlessSMS   = "write:accounts:/auth/passwordless-sms"
	ScopePasswordlessEmail = "write:accounts:/auth/passwordless-email"
)

type passwordlessState struct {
	// codes are the live verification codes by account|ident_type|ident.
	codes map[string]*plCode
	// sessions map a login_session_id to the key of its code.
	sessions map[string]string
}

type plCode struct {
	code     string
	user     *User
	audience string
	clientID string
	expires  time.Time
	attempts int
	used     bool
}

func plKey(oid, identType, ident string) string {
	return oid + "|" + identType + "|" + strings.ToLower(strings.TrimSpace(ident))
}

func (s *Server) passwordlessRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/accounts/{oid}/auth/passwordless", s.faulty(s.handlePasswordless))
	mux.HandleFunc("POST /v1/accounts/{oid}/auth/passwordless/code", s.faulty(s.handlePasswordlessCode))
}

// invalid is Dintero's 400 for a rule of the endpoint's own, naming the
// field.
func invalid(field, format string, args ...any) *apiError {
	return validationFailed(Detail{Field: field, Message: fmt.Sprintf(format, args...)})
}

// passwordlessCaller checks the Bearer, its scopes and the client's grant
// for the passwordless endpoints. scopes are the ones that allow the call.
func (s *Server) passwordlessCaller(r *http.Request, what, oid, audience, clientID string, scopes ...string) (*caller, *apiError) {
	who, e := s.authenticate(r)
	if e != nil {
		return nil, e
	}
	if who.basic || who.clientID == "" {
		return nil, fail(http.StatusUnauthorized, "invalid_client", "the passwordless login needs the API client's Bearer token")
	}
	if e := requireScope(who, what, scopes...); e != nil {
		return nil, e
	}
	if clientID != who.clientID {
		return nil, invalid("client_id", "client_id %s is not the client of the Bearer token", clientID)
	}
	// The client's grant for the audience must serve the passwordless
	// login: one rule with the token endpoint (checkGrant).
	if _, e := s.checkGrant(oid, who.clientID, "authorization_code", audience); e != nil {
		return nil, e
	}
	return who, nil
}

var passwordlessScopes = []string{ScopeAdmin, ScopeWrite, ScopePasswordless, ScopePasswordlessSMS, ScopePasswordlessEmail}

func (s *Server) handlePasswordless(r *http.Request) (int, any, *apiError) {
	oid := r.PathValue("oid")
	if !s.knownAccount(oid) {
		return 0, nil, fail(http.StatusNotFound, "not_found", "account %s not found", oid)
	}
	var body struct {
		Audience       string `json:"audience"`
		ClientID       string `json:"client_id"`
		Connection     string `json:"connection"`
		Email          string `json:"email"`
		Type           string `json:"type"`
		Send           string `json:"send"`
		LoginSessionID string `json:"login_session_id"`
	}
	if e := decodeStrict(r, &body, Required("audience"), Required("client_id"), Required("connection", "email", "sms"), Required("email"),
		Optional("type", "customer", "company"), Optional("send", "code"), Optional("login_session_id")); e != nil {
		return 0, nil, e
	}
	scopes := slices.Clone(passwordlessScopes[:3])
	if body.Connection == "sms" {
		scopes = append(scopes, ScopePasswordlessSMS)
	} else {
		scopes = append(scopes, ScopePasswordlessEmail)
	}
	if body.Type == "" {
		body.Type = "customer"
	}
	who, e := s.passwordlessCaller(r, "sending a passwordless code", oid, body.Audience, body.ClientID, scopes...)
	if e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var u *User
	for i := range s.cfg.Users {
		c := &s.cfg.Users[i]
		if c.Customer == body.Type && strings.EqualFold(c.Email, body.Email) && c.memberOf(oid) {
			u = c
		}
	}
	if u == nil {
		return 0, nil, fail(http.StatusNotFound, "not_found", "no %s with that e-mail", body.Type)
	}
	if body.Connection == "sms" && u.Phone == "" {
		return 0, nil, invalid("connection", "the %s has no phone number for sms", body.Type)
	}
	key := plKey(oid, "email", body.Email)
	code := s.pl.codes[key]
	if body.LoginSessionID != "" {
		// A resend: the same code, over the connection asked for.
		if s.pl.sessions[body.LoginSessionID] != key || code == nil || code.used || s.now().After(code.expires) {
			return 0, nil, invalid("login_session_id", "login_session_id is unknown, used or expired; send a new code")
		}
	} else {
		code = &plCode{code: randomDigits(6), user: u, audience: body.Audience, clientID: who.clientID, expires: s.now().Add(s.cfg.BindingCodeTTL)}
	}
	if e := s.limitSends("pl:"+key, "too many codes sent to this e-mail; wait before asking for another"); e != nil {
		return 0, nil, e
	}
	if s.pl.codes == nil {
		s.pl.codes, s.pl.sessions = map[string]*plCode{}, map[string]string{}
	}
	s.pl.codes[key] = code
	session := body.LoginSessionID
	if session == "" {
		session = "ls_" + randomString(20)
		s.pl.sessions[session] = key
	}
	to := u.Email
	if body.Connection == "sms" {
		to = u.Phone
	}
	msg := Message{
		At: s.now(), Channel: body.Connection, To: to, Username: u.Username, BindingCode: code.code,
		Text: fmt.Sprintf("Your Dintero login code is %s. It expires in %s.", code.code, s.cfg.BindingCodeTTL),
	}
	s.outbox = append(s.outbox, msg)
	if notify := s.cfg.OnMessage; notify != nil {
		defer notify(msg)
	}
	return http.StatusOK, map[string]string{"login_session_id": session}, nil
}

// limitSends counts a send against key's limit (ChallengeLimit per
// ChallengeWindow), or refuses it with 429 and Retry-After. Call with s.mu
// held.
func (s *Server) limitSends(key, msg string) *apiError {
	now := s.now()
	recent := s.sends[key][:0]
	for _, at := range s.sends[key] {
		if now.Sub(at) < s.cfg.ChallengeWindow {
			recent = append(recent, at)
		}
	}
	s.sends[key] = recent
	if len(recent) >= s.cfg.ChallengeLimit {
		wait := recent[0].Add(s.cfg.ChallengeWindow).Sub(now)
		e := fail(http.StatusTooManyRequests, "too_many_requests", "%s", msg)
		e.retryAfter = max(1, int((wait+time.Second-1)/time.Second))
		return e
	}
	s.sends[key] = append(recent, now)
	return nil
}

func (s *Server) handlePasswordlessCode(r *http.Request) (int, any, *apiError) {
	oid := r.PathValue("oid")
	if !s.knownAccount(oid) {
		return 0, nil, fail(http.StatusNotFound, "not_found", "account %s not found", oid)
	}
	var body struct {
		Audience string `json:"audience"`
		ClientID string `json:"client_id"`
		UserID   string `json:"user_id"`
	}
	if e := decodeStrict(r, &body, Required("audience"), Required("client_id"), Required("user_id")); e != nil {
		return 0, nil, e
	}
	who, e := s.passwordlessCaller(r, "issuing a passwordless code", oid, body.Audience, body.ClientID, passwordlessScopes[:3]...)
	if e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userByID(oid, body.UserID)
	if u == nil {
		return 0, nil, fail(http.StatusNotFound, "not_found", "user %s not found", body.UserID)
	}
	if s.pl.codes == nil {
		s.pl.codes, s.pl.sessions = map[string]*plCode{}, map[string]string{}
	}
	code := &plCode{code: randomDigits(6), user: u, audience: body.Audience, clientID: who.clientID, expires: s.now().Add(s.cfg.BindingCodeTTL)}
	s.pl.codes[plKey(oid, "user_id", body.UserID)] = code
	return http.StatusOK, map[string]string{"verification_code": code.code}, nil
}

// userByID finds the user of account oid with the management API's id.
// Call with s.mu held.
func (s *Server) userByID(oid, id string) *User {
	for i := range s.cfg.Users {
		if u := &s.cfg.Users[i]; u.memberOf(oid) && u.profile().ID == id {
			return u
		}
	}
	return nil
}

// UserID is the id the management API gives username (the ident of a
// passwordless code issued for a user).
func (s *Server) UserID(username string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.user(username); u != nil {
		return u.profile().ID
	}
	return ""
}

// passwordlessGrant is the token endpoint's authorization_code (§1a). The
// OAuth redirect shape (code, redirect_uri) never gets here: tokenFields
// refuses it as Dintero has since its 2021-02-01 change.
func (s *Server) passwordlessGrant(oid string, who *caller, body tokenBody) (int, any, *apiError) {
	if e := s.requireClientBearer(who, body.GrantType); e != nil {
		return 0, nil, e
	}
	if _, e := s.checkGrant(oid, who.clientID, "authorization_code", body.Audience); e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	key := plKey(oid, body.IdentType, body.Ident)
	code := s.pl.codes[key]
	switch {
	case code == nil:
		s.mu.Unlock()
		return 0, nil, fail(http.StatusBadRequest, "invalid_grant", "no verification code is pending for this %s; send one first", body.IdentType)
	case code.used:
		s.mu.Unlock()
		return 0, nil, fail(http.StatusBadRequest, "invalid_grant", "the verification code has already been used; send a new one")
	case s.now().After(code.expires):
		s.mu.Unlock()
		return 0, nil, fail(http.StatusBadRequest, "invalid_grant", "the verification code has expired; send a new one")
	case code.clientID != who.clientID:
		s.mu.Unlock()
		return 0, nil, fail(http.StatusForbidden, "access_denied", "the verification code was sent for another API client")
	case code.code != strings.TrimSpace(body.VerificationCode):
		code.attempts++
		left := s.cfg.MaxCodeAttempts - code.attempts
		if left <= 0 {
			code.used = true
			s.mu.Unlock()
			return 0, nil, fail(http.StatusBadRequest, "invalid_grant", "too many wrong verification codes; the code has expired, send a new one")
		}
		s.mu.Unlock()
		return 0, nil, fail(http.StatusBadRequest, "invalid_grant", "the verification code is not correct (%d attempt(s) left)", left)
	}
	code.used = true // one-time
	u := code.user
	s.mu.Unlock()
	refresh := slices.Contains(who.scopes, ScopeCreateRefreshTk)
	return s.issueUser(oid, body.Audience, who.clientID, u, refresh)
}
