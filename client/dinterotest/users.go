package dinterotest

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"
)

// AccountProfile is what the management API says of a user beyond its
// credentials (contract §9). A User without one is listed with defaults:
// an id derived from the username, SMS on when MFA is, no TOTP.
type AccountProfile struct {
	ID   string
	Name string
	// External users sign in through an outside identity provider: the
	// password grant refuses them.
	External bool
	SMS      Factor
	TOTP     Factor
	// LastSeenAt is when the user was last seen before the server started;
	// token requests move it on.
	LastSeenAt time.Time
	// DeletedAt marks a deleted user: listed, but refused every grant.
	DeletedAt time.Time
	Roles     []Role
	// Activities seed the user's log, oldest first; the server appends an
	// auth.token event for each token it issues to the user.
	Activities []Activity
}

// Factor is one MFA factor's setting.
type Factor struct {
	Enabled   bool
	UpdatedAt time.Time
}

// Role is one of a user's roles.
type Role struct {
	Name   string
	Scopes []string
}

// Activity is one audit event, in the shape the activities endpoint sends.
type Activity struct {
	ID        string          `json:"id"`
	CreatedAt time.Time       `json:"created_at"`
	Action    string          `json:"action"`
	Entity    string          `json:"entity"`
	Actor     string          `json:"actor"`
	Context   ActivityContext `json:"context"`
}

// ActivityContext is where a request came from.
type ActivityContext struct {
	IP        string `json:"ip"`
	UserAgent string `json:"user_agent"`
}

// profile returns u's account profile, filled with defaults.
func (u *User) profile() AccountProfile {
	var p AccountProfile
	if u.Account != nil {
		p = *u.Account
	}
	if p.ID == "" {
		sum := sha256.Sum256([]byte(strings.ToLower(u.Username)))
		p.ID = "usr_" + hex.EncodeToString(sum[:6])
	}
	if p.Name == "" {
		p.Name, _, _ = strings.Cut(u.Username, "@")
	}
	if u.Account == nil {
		p.SMS.Enabled = u.MFA
	}
	if len(p.Roles) == 0 {
		p.Roles = []Role{{Name: "user", Scopes: u.Scopes}}
	}
	return p
}

// refusal says why no grant may give u a token, or nil. (An external
// user has no password, which the password grant refuses on its own.)
func (u *User) refusal() *apiError {
	if u.Account != nil && !u.Account.DeletedAt.IsZero() {
		return fail(http.StatusBadRequest, "invalid_grant", "the user is deleted")
	}
	return nil
}

// wireUser is a user as GET …/management/users answers.
func (s *Server) wireUser(u *User) map[string]any {
	p := u.profile()
	factor := func(f Factor) map[string]any {
		m := map[string]any{"enabled": f.Enabled, "updated_at": nil}
		if !f.UpdatedAt.IsZero() {
			m["updated_at"] = f.UpdatedAt.UTC().Format(time.RFC3339)
		}
		return m
	}
	timeOrNil := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UTC().Format(time.RFC3339)
	}
	roles := []map[string]any{}
	for _, r := range p.Roles {
		roles = append(roles, map[string]any{"name": r.Name, "scope": orEmptyList(r.Scopes)})
	}
	authType := "password"
	if p.External {
		authType = "external"
	}
	lastSeen := p.LastSeenAt
	if t, ok := s.lastSeen[strings.ToLower(u.Username)]; ok {
		lastSeen = t
	}
	return map[string]any{
		"id": p.ID, "email": u.Email, "name": p.Name, "authentication_type": authType,
		"last_seen_at": timeOrNil(lastSeen), "deleted_at": timeOrNil(p.DeletedAt),
		"scope": orEmptyList(u.Scopes), "roles": roles,
		"configuration": map[string]any{"mfa": map[string]any{"sms": factor(p.SMS), "totp": factor(p.TOTP)}},
	}
}

func orEmptyList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// requireReader checks the Bearer of a call that reads the account (its
// keys, its users): a known account, a Bearer (not Basic), and
// read:accounts or admin:accounts, as the reference says. what names the
// call in the refusal.
func (s *Server) requireReader(r *http.Request, what string) *apiError {
	if !s.knownAccount(r.PathValue("oid")) {
		return fail(http.StatusNotFound, "not_found", "account %s not found", r.PathValue("oid"))
	}
	who, e := s.authenticate(r)
	if e != nil {
		return e
	}
	if who.basic {
		return fail(http.StatusUnauthorized, "unauthorized", "%s requires a Bearer token", what)
	}
	if e := requireScope(who, what, readScopes...); e != nil {
		return e
	}
	return nil
}

func (s *Server) handleUsers(r *http.Request) (int, any, *apiError) {
	if e := s.requireReader(r, "reading account users"); e != nil {
		return 0, nil, e
	}
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("search")))
	oid := r.PathValue("oid")
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for i := range s.cfg.Users {
		u := &s.cfg.Users[i]
		if !u.memberOf(oid) || u.Customer != "" {
			continue // another account's user, or a customer (not an account user)
		}
		p := u.profile()
		if q == "" || strings.Contains(strings.ToLower(u.Email), q) || strings.Contains(strings.ToLower(p.Name), q) || strings.ToLower(p.ID) == q {
			out = append(out, s.wireUser(u))
		}
	}
	return http.StatusOK, out, nil
}

func (s *Server) handleActivities(r *http.Request) (int, any, *apiError) {
	if e := s.requireReader(r, "reading a user's activity"); e != nil {
		return 0, nil, e
	}
	uid := r.PathValue("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.cfg.Users {
		u := &s.cfg.Users[i]
		if u.profile().ID != uid || !u.memberOf(r.PathValue("oid")) {
			continue
		}
		acts := slices.Clone(u.profile().Activities)
		acts = append(acts, s.activities[strings.ToLower(u.Username)]...)
		slices.Reverse(acts) // newest first, as an audit log reads
		if acts == nil {
			acts = []Activity{}
		}
		return http.StatusOK, acts, nil
	}
	return 0, nil, fail(http.StatusNotFound, "not_found", "user %s not found", uid)
}

// recordToken is told of each token the server issues to a user, and logs it
// as the auth.token event of §9 with the caller's address and User-Agent.
func (s *Server) recordToken(r *http.Request, u *User, clientID string) {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(u.Username)
	now := s.now()
	s.activities[key] = append(s.activities[key], Activity{
		ID: "act_" + randomString(12), CreatedAt: now.UTC(), Action: "auth.token",
		Entity: "user:" + u.profile().ID, Actor: "client:" + clientID,
		Context: ActivityContext{IP: ip, UserAgent: r.UserAgent()},
	})
	s.lastSeen[key] = now
}

// recordingTokens wraps the token handler: each token it issues to a user
// is logged in that user's activity.
func (s *Server) recordingTokens(h func(*http.Request) (int, any, *apiError)) func(*http.Request) (int, any, *apiError) {
	return func(r *http.Request) (int, any, *apiError) {
		status, body, e := h(r)
		out, _ := body.(map[string]any)
		tok, _ := out["access_token"].(string)
		if e != nil || tok == "" {
			return status, body, e
		}
		claims, err := s.verify(tok)
		if err != nil {
			return status, body, e
		}
		sub, _ := claims["sub"].(string)
		name, isUser := strings.CutPrefix(sub, "user:")
		clientID, _ := claims["client_id"].(string)
		s.mu.Lock()
		u := s.user(name)
		s.mu.Unlock()
		if isUser && u != nil {
			s.recordToken(r, u, clientID)
		}
		return status, body, e
	}
}
