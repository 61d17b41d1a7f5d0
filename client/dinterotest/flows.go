package dinterotest

import (
	"net/http"
	"slices"
)

// readScopes are the scopes that may read an account's signing keys (§6).
var readScopes = []string{ScopeReadAccounts, ScopeAdmin}

// handleKeys serves the signing keys the Dintero way: a Bearer with
// read:accounts or admin:accounts, and a bare JSON array.
func (s *Server) handleKeys(r *http.Request) (int, any, *apiError) {
	if e := s.requireReader(r, "reading the keys"); e != nil {
		return 0, nil, e
	}
	return http.StatusOK, s.publishedKeys(), nil
}

// mfaScopes may ask for an MFA challenge (§2) or start an MFA recovery (§4).
var mfaScopes = []string{ScopeAdmin, ScopeWrite, ScopeAuthMFA}

// handleRecovery starts the two-channel MFA recovery: a first code on the
// asked channel, and an mfa_token whose mfa-oob answer is a new
// mfa_required for the second code.
func (s *Server) handleRecovery(r *http.Request) (int, any, *apiError) {
	aid := r.PathValue("aid")
	var body struct {
		ChallengeType string `json:"challenge_type"`
		Username      string `json:"username"`
		Audience      string `json:"audience"`
		OOBChannel    string `json:"oob_channel"`
	}
	who, e := s.bearerCall(r, aid, &body, "MFA recovery",
		Required("challenge_type", "oob"), Required("username"), Required("audience"), Optional("oob_channel", "sms", "email"))
	if e != nil {
		return 0, nil, e
	}
	if e := requireScope(who, "MFA recovery", mfaScopes...); e != nil {
		return 0, nil, e
	}
	if body.OOBChannel == "" {
		body.OOBChannel = "sms"
	}
	if e := s.checkAudience(aid, body.Audience); e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	u := s.user(body.Username)
	switch {
	case u == nil:
		s.mu.Unlock()
		return 0, nil, fail(http.StatusNotFound, "not_found", "no user %s on this account", body.Username)
	case !u.MFA:
		s.mu.Unlock()
		return 0, nil, fail(http.StatusBadRequest, "invalid_request", "the user has no MFA to recover")
	}
	token := "mfa_" + randomString(32)
	sess := &mfaSession{
		user: u, account: aid, audience: body.Audience, grant: "recovery",
		principal: who.clientID, bearerScps: who.scopes,
		expires: s.now().Add(s.cfg.MFATokenTTL), challenges: map[string]*challenge{}, recovery: 1,
	}
	oob, msg, e := s.sendCode(sess, body.OOBChannel)
	if e != nil {
		s.mu.Unlock()
		return 0, nil, e
	}
	s.mfa[token] = sess
	s.mu.Unlock()
	if notify := s.cfg.OnMessage; notify != nil {
		notify(msg)
	}
	return http.StatusOK, map[string]string{"challenge_type": "oob", "binding_method": "prompt", "oob_code": oob, "mfa_token": token}, nil
}

// handleRevoke revokes a refresh token of the calling client (§7). An
// unknown token is answered 200 as RFC 7009 asks: revoking is idempotent.
func (s *Server) handleRevoke(r *http.Request) (int, any, *apiError) {
	oid := r.PathValue("oid")
	var body struct {
		Token string `json:"token"`
	}
	who, e := s.bearerCall(r, oid, &body, "revoke", Required("token"))
	if e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.refresh[body.Token]
	switch {
	case g == nil:
	case g.clientID != who.clientID:
		return 0, nil, fail(http.StatusForbidden, "access_denied", "the refresh token was issued to another client")
	case g.account != oid:
		return 0, nil, fail(http.StatusForbidden, "access_denied", "the refresh token belongs to another account")
	default:
		delete(s.refresh, body.Token)
	}
	return http.StatusOK, map[string]any{}, nil
}

func (s *Server) partner(id string) *Partner {
	for i := range s.cfg.Partners {
		if s.cfg.Partners[i].ID == id {
			return &s.cfg.Partners[i]
		}
	}
	return nil
}

// handleExchangeToken gives a partner an exchange token for one of its
// merchants (§8, step 2), and refuses any other account. Dintero's
// reference names the scopes admin:accounts and read:accounts for it.
func (s *Server) handleExchangeToken(r *http.Request) (int, any, *apiError) {
	pid := r.PathValue("pid")
	p := s.partner(pid)
	if p == nil {
		return 0, nil, fail(http.StatusNotFound, "not_found", "partner %s not found", pid)
	}
	var body struct {
		AccountID string `json:"account_id"`
	}
	if e := decodeStrict(r, &body, Required("account_id")); e != nil {
		return 0, nil, e
	}
	who, e := s.authenticate(r)
	if e != nil {
		return 0, nil, e
	}
	switch {
	case who.basic:
		return 0, nil, fail(http.StatusUnauthorized, "unauthorized", "exchange_token requires the partner's Bearer token")
	case who.account != pid || who.exchangeFor != "":
		return 0, nil, fail(http.StatusForbidden, "access_denied", "the Bearer token is not a token of partner %s", pid)
	}
	if e := requireScope(who, "exchange_token", readScopes...); e != nil {
		return 0, nil, e
	}
	switch {
	case !slices.Contains(p.Merchants, body.AccountID):
		return 0, nil, fail(http.StatusForbidden, "access_denied", "account %s is not a merchant of partner %s", body.AccountID, pid)
	}
	aud := "https://api.dintero.com/v1/accounts/" + body.AccountID
	return s.issue(pid, aud, "client:"+who.clientID, who.clientID, who.scopes, map[string]any{"exchange_for": body.AccountID}, "")
}

// merchantToken is step 3 of partner access: client_credentials on the
// merchant's token endpoint with the exchange token as Bearer. The
// audience may be the merchant's or the partner's, since Dintero's two
// pages disagree.
func (s *Server) merchantToken(oid string, who *caller, body tokenBody) (int, any, *apiError) {
	if who.exchangeFor != oid {
		return 0, nil, fail(http.StatusForbidden, "access_denied", "the exchange token is for account %s, not %s", who.exchangeFor, oid)
	}
	if e := s.checkAudience(oid, body.Audience); e != nil {
		if s.checkAudience(who.account, body.Audience) != nil {
			return 0, nil, e
		}
	}
	return s.issue(oid, body.Audience, "client:"+who.clientID, who.clientID, who.scopes, map[string]any{"partner_id": who.account}, "")
}

// bearerCall opens a call that a Bearer makes on an account: the account
// is known, the JSON body reads into body, the Authorization is valid and
// is not Basic. what names the call in the refusals; spec is the body's
// fields (decodeStrict).
func (s *Server) bearerCall(r *http.Request, account string, body any, what string, spec ...Field) (*caller, *apiError) {
	if !s.knownAccount(account) {
		return nil, fail(http.StatusNotFound, "not_found", "account %s not found", account)
	}
	if e := decodeStrict(r, body, spec...); e != nil {
		return nil, e
	}
	who, e := s.authenticate(r)
	if e != nil {
		return nil, e
	}
	if who.basic {
		return nil, fail(http.StatusUnauthorized, "unauthorized", "%s requires a Bearer token", what)
	}
	return who, nil
}
