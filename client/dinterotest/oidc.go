package dinterotest

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The OIDC exchange (contract §1b): a stand-in for an account's outside
// identity provider (an authorize page that redirects back with code and
// state) and Dintero's auth/oidc/token, which exchanges that code.

type oidcState struct {
	codes map[string]*oidcCode
}

type oidcCode struct {
	user        *User
	redirectURI string
	expires     time.Time
}

// OIDCAuthority is what user_info.authority names for the stand-in
// provider.
const OIDCAuthority = "fake-idp"

func (s *Server) oidcRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_fake/oidc/authorize", s.handleOIDCAuthorize)
	mux.HandleFunc("GET /_fake/oidc/login", s.handleOIDCLogin)
	mux.HandleFunc("POST /v1/accounts/{oid}/auth/oidc/token", s.faulty(s.recordingTokens(s.handleOIDCToken)))
}

// OIDCAuthorizeURL is the stand-in provider's authorize page: a profile's
// authorize URL. A login_hint naming a user signs in at once, as a
// provider with a live session does; without one the page lists the users.
func (s *Server) OIDCAuthorizeURL() string {
	return strings.TrimSuffix(s.URL, "/v1") + "/_fake/oidc/authorize"
}

// IssueOIDCCode makes a provider code for username, as the authorize page
// does when that user signs in.
func (s *Server) IssueOIDCCode(username, redirectURI string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.user(username)
	if u == nil {
		return "", fmt.Errorf("no user %q", username)
	}
	return s.oidcCodeFor(u, redirectURI), nil
}

// oidcCodeFor issues a code; call with s.mu held.
func (s *Server) oidcCodeFor(u *User, redirectURI string) string {
	if s.oidc.codes == nil {
		s.oidc.codes = map[string]*oidcCode{}
	}
	code := "idp_" + randomString(24)
	s.oidc.codes[code] = &oidcCode{user: u, redirectURI: redirectURI, expires: s.now().Add(10 * time.Minute)}
	return code
}

func (s *Server) handleOIDCAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, state := q.Get("redirect_uri"), q.Get("state")
	if _, err := url.ParseRequestURI(redirect); err != nil || q.Get("response_type") != "code" || state == "" {
		http.Error(w, "the authorize request needs response_type=code, a redirect_uri and a state", http.StatusBadRequest)
		return
	}
	if hint := q.Get("login_hint"); hint != "" {
		s.mu.Lock()
		u := s.user(hint)
		var code string
		if u != nil && u.Customer == "" {
			code = s.oidcCodeFor(u, redirect)
		}
		s.mu.Unlock()
		if code != "" {
			http.Redirect(w, r, withQuery(redirect, "code", code, "state", state), http.StatusFound)
			return
		}
	}
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><title>Fake identity provider</title></head><body><h1>Sign in with the fake identity provider</h1><ul>\n")
	s.mu.Lock()
	for i := range s.cfg.Users {
		u := &s.cfg.Users[i]
		if u.Customer != "" {
			continue
		}
		login := "/_fake/oidc/login?" + url.Values{"user": {u.Username}, "redirect_uri": {redirect}, "state": {state}}.Encode()
		fmt.Fprintf(&b, "<li><a class=\"login\" href=\"%s\">%s</a></li>\n", html.EscapeString(login), html.EscapeString(u.Username))
	}
	s.mu.Unlock()
	b.WriteString("</ul></body></html>\n")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}

func (s *Server) handleOIDCLogin(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	u := s.user(q.Get("user"))
	var code string
	if u != nil {
		code = s.oidcCodeFor(u, q.Get("redirect_uri"))
	}
	s.mu.Unlock()
	if u == nil {
		http.Error(w, "no such user", http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, withQuery(q.Get("redirect_uri"), "code", code, "state", q.Get("state")), http.StatusFound)
}

func withQuery(raw string, kv ...string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (s *Server) handleOIDCToken(r *http.Request) (int, any, *apiError) {
	oid := r.PathValue("oid")
	if !s.knownAccount(oid) {
		return 0, nil, fail(http.StatusNotFound, "not_found", "account %s not found", oid)
	}
	var body struct {
		GrantType   string `json:"grant_type"`
		Code        string `json:"code"`
		ClientID    string `json:"client_id"`
		Audience    string `json:"audience"`
		RedirectURI string `json:"redirect_uri"`
	}
	if e := decodeStrict(r, &body, Required("grant_type", "authorization_code"), Required("code"), Required("client_id"), Required("audience"), Optional("redirect_uri")); e != nil {
		return 0, nil, e
	}
	who, e := s.authenticate(r)
	if e != nil {
		return 0, nil, e
	}
	if who.basic || who.clientID == "" {
		return 0, nil, fail(http.StatusUnauthorized, "invalid_client", "auth/oidc/token needs the API client's Bearer token")
	}
	if e := requireScope(who, "exchanging an identity provider's code", ScopeAuthUsers); e != nil {
		return 0, nil, e
	}
	if body.ClientID != who.clientID {
		return 0, nil, invalid("client_id", "client_id %s is not the client of the Bearer token", body.ClientID)
	}
	if e := s.checkAudience(oid, body.Audience); e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	c := s.oidc.codes[body.Code]
	delete(s.oidc.codes, body.Code) // one-time, even when the rest is wrong
	s.mu.Unlock()
	switch {
	case c == nil || s.now().After(c.expires):
		return 0, nil, fail(http.StatusBadRequest, "invalid_grant", "the identity provider refused the code: invalid, used or expired")
	case c.redirectURI != body.RedirectURI:
		return 0, nil, fail(http.StatusBadRequest, "invalid_grant", "the identity provider refused the code: redirect_uri does not match the one of the authorize request")
	}
	status, out, e := s.issueUser(oid, body.Audience, who.clientID, c.user, false)
	if e != nil {
		return 0, nil, e
	}
	m := out.(map[string]any)
	p := c.user.profile()
	m["user_info"] = map[string]any{
		"authority": OIDCAuthority,
		"value":     map[string]any{"sub": p.ID, "name": p.Name, "email": c.user.Email},
	}
	return status, m, nil
}
