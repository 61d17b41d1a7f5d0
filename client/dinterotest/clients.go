package dinterotest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// API clients and their grants (contract §11). A grant is what lets a
// client ask for a token for an audience: the token endpoint refuses an
// audience the client has no live grant for ("audience must be a grant
// associated with the client"), refuses a grant_type the grant's type
// excludes, and a client_credentials token carries the grant's scopes.
//
// A client that Config.Grants gives no grant at all (deleted ones
// included) has one implicit grant on each account it is asked on: that
// account's default audience, every grant type, the client's own scopes.
// Tests that do not care about grants keep working; the demo's clients
// have real ones, with the mistakes a support engineer meets.

// ClientProfile is what GET …/auth/clients says of an API client beyond
// its credentials.
type ClientProfile struct {
	// ID is the resource id (a UUID at Dintero); grants name the client by
	// it. Default: derived from the client id.
	ID          string
	Name        string
	Description string
	Callbacks   []string
	CreatedAt   time.Time
	CreatedBy   string
	UpdatedAt   time.Time
	// DeletedAt marks a deleted client: still listed, and refused every
	// grant (its Basic credentials fail).
	DeletedAt time.Time
	// Accounts are the accounts whose auth/clients lists the client;
	// empty: every account the server serves.
	Accounts []string
}

// ClientGrant is one grant of an API client (§11).
type ClientGrant struct {
	ID string
	// Client is the APIClient's ID (its client_id); the grant is listed
	// with the client's resource id, as Dintero's are.
	Client   string
	Audience string
	// Type limits the grant_type that may use the grant: "" or "any" for
	// every one, else that grant type only.
	Type      string
	Scopes    []string
	CreatedAt time.Time
	DeletedAt time.Time
}

// Grant types a grant's Type may name besides "any".
const GrantTypeAny = "any"

// DefaultAudience is the audience a client asks for an account by default.
func DefaultAudience(account string) string {
	return "https://api.dintero.com/v1/accounts/" + account
}

// profileOf returns c's profile with defaults filled in. Call with s.mu
// held or on a client that no one changes.
func (s *Server) profileOf(c *APIClient) ClientProfile {
	var p ClientProfile
	if prof, ok := s.cfg.ClientProfiles[c.ID]; ok {
		p = prof
	}
	if p.ID == "" {
		sum := sha256.Sum256([]byte("client:" + c.ID))
		h := hex.EncodeToString(sum[:16])
		p.ID = h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	}
	if p.Name == "" {
		p.Name = c.ID
	}
	return p
}

// listedOn reports whether auth/clients of account lists c.
func (p ClientProfile) listedOn(account string) bool {
	return len(p.Accounts) == 0 || slices.Contains(p.Accounts, account)
}

// grantsOf returns c's grants on account: its configured ones (deleted
// included), or the implicit one when it has none.
func (s *Server) grantsOf(c *APIClient, account string) []ClientGrant {
	var out []ClientGrant
	for _, g := range s.cfg.Grants {
		if g.Client == c.ID {
			out = append(out, g)
		}
	}
	if len(out) > 0 {
		return out
	}
	return []ClientGrant{{
		ID: "grant-" + c.ID + "-" + account, Client: c.ID, Audience: DefaultAudience(account),
		Type: GrantTypeAny, Scopes: slices.Clone(c.Scopes), CreatedAt: s.started,
	}}
}

// admits reports whether a grant of type t serves grantType.
func admits(t, grantType string) bool {
	switch t {
	case "", GrantTypeAny:
		return true
	}
	return t == grantType
}

// sameAudience compares audiences the way the token endpoint does: the
// fake's own base URL stands for Dintero's API base, and a trailing slash
// does not matter.
func (s *Server) sameAudience(a, b string) bool {
	norm := func(x string) string {
		if rest, ok := strings.CutPrefix(x, s.URL); ok {
			x = "https://api.dintero.com/v1" + rest
		}
		return strings.TrimSuffix(x, "/")
	}
	return norm(a) == norm(b)
}

// grantRefused is the token endpoint's 400 for a grant the client lacks:
// Dintero's validation failure, the reason as its one detail on field
// (audience, grant_type).
func grantRefused(field, reason string) *apiError {
	return validationFailed(Detail{Field: field, Message: reason})
}

// checkGrant decides whether the API client clientID may get a token for
// aud on account oid by grantType, and returns the scopes of the grants
// that allow it. A caller no API client stands behind (an outside ID
// token) has no grants to check: the audience must then be the account's.
func (s *Server) checkGrant(oid, clientID, grantType, aud string) ([]string, *apiError) {
	if aud == "" {
		return nil, grantRefused("audience", "audience is required")
	}
	s.mu.Lock()
	c := s.apiClient(clientID)
	var grants []ClientGrant
	var deleted bool
	if c != nil {
		grants = s.grantsOf(c, oid)
		deleted = !s.profileOf(c).DeletedAt.IsZero()
	}
	s.mu.Unlock()
	if c == nil {
		if !s.sameAudience(aud, DefaultAudience(oid)) {
			return nil, grantRefused("audience", "audience must be a grant associated with the client")
		}
		return nil, nil
	}
	if deleted {
		return nil, fail(http.StatusUnauthorized, "invalid_client", "client authentication failed")
	}
	var forAud []ClientGrant
	for _, g := range grants {
		if g.DeletedAt.IsZero() && s.sameAudience(g.Audience, aud) {
			forAud = append(forAud, g)
		}
	}
	if len(forAud) == 0 {
		return nil, grantRefused("audience", "audience must be a grant associated with the client")
	}
	var scopes, types []string
	for _, g := range forAud {
		if !admits(g.Type, grantType) {
			types = append(types, g.Type)
			continue
		}
		for _, sc := range g.Scopes {
			if !slices.Contains(scopes, sc) {
				scopes = append(scopes, sc)
			}
		}
	}
	if len(types) == len(forAud) {
		return nil, grantRefused("grant_type", fmt.Sprintf("grant_type %s is not allowed by the client's grant for this audience (type %s)", grantType, strings.Join(types, ", ")))
	}
	if scopes == nil {
		scopes = []string{}
	}
	return scopes, nil
}

// timeOrNil is an RFC 3339 time, or null for the zero time.
func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// wireClient is a client as GET …/auth/clients answers: never its secret.
func (s *Server) wireClient(c *APIClient) map[string]any {
	p := s.profileOf(c)
	created := p.CreatedAt
	if created.IsZero() {
		created = s.started
	}
	updated := p.UpdatedAt
	if updated.IsZero() {
		updated = created
	}
	by := p.CreatedBy
	if by == "" {
		by = "usr_demo_admin"
	}
	return map[string]any{
		"id": p.ID, "client_id": c.ID, "name": p.Name, "description": p.Description,
		"callbacks": orEmptyList(p.Callbacks), "created_at": timeOrNil(created), "created_by": by,
		"updated_at": timeOrNil(updated), "deleted_at": timeOrNil(p.DeletedAt),
	}
}

func (s *Server) wireGrant(c *APIClient, g ClientGrant) map[string]any {
	created := g.CreatedAt
	if created.IsZero() {
		created = s.started
	}
	out := map[string]any{
		"id": g.ID, "client_id": s.profileOf(c).ID, "audience": g.Audience,
		"scope": orEmptyList(g.Scopes), "created_at": timeOrNil(created), "deleted_at": timeOrNil(g.DeletedAt),
	}
	if g.Type != "" {
		out["type"] = g.Type
	}
	return out
}

func (s *Server) handleClients(r *http.Request) (int, any, *apiError) {
	if e := s.requireReader(r, "reading API clients"); e != nil {
		return 0, nil, e
	}
	oid := r.PathValue("oid")
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for i := range s.cfg.Clients {
		c := &s.cfg.Clients[i]
		if s.profileOf(c).listedOn(oid) {
			out = append(out, s.wireClient(c))
		}
	}
	return http.StatusOK, out, nil
}

func (s *Server) handleClient(r *http.Request) (int, any, *apiError) {
	if e := s.requireReader(r, "reading an API client"); e != nil {
		return 0, nil, e
	}
	oid, id := r.PathValue("oid"), r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.cfg.Clients {
		c := &s.cfg.Clients[i]
		if p := s.profileOf(c); p.ID == id && p.listedOn(oid) {
			return http.StatusOK, s.wireClient(c), nil
		}
	}
	return 0, nil, fail(http.StatusNotFound, "not_found", "client %s not found", id)
}

// handleClientGrants lists the grants of the account's clients, filtered
// by client_id (the client's resource id) and audience as Dintero's
// reference allows.
func (s *Server) handleClientGrants(r *http.Request) (int, any, *apiError) {
	if e := s.requireReader(r, "reading client grants"); e != nil {
		return 0, nil, e
	}
	oid := r.PathValue("oid")
	wantClient, wantAud := r.URL.Query().Get("client_id"), r.URL.Query().Get("audience")
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for i := range s.cfg.Clients {
		c := &s.cfg.Clients[i]
		p := s.profileOf(c)
		if !p.listedOn(oid) || (wantClient != "" && wantClient != p.ID) {
			continue
		}
		for _, g := range s.grantsOf(c, oid) {
			if wantAud == "" || s.sameAudience(g.Audience, wantAud) {
				out = append(out, s.wireGrant(c, g))
			}
		}
	}
	return http.StatusOK, out, nil
}
