package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/textsafe"
)

// The other half of the tickets: why can't this integration get a token,
// or why is there no refresh token. The answer is in the API client's
// grants (contract §11): which audiences it may ask for, with which grant
// types, and with which scopes.

// APIClient is an API client as GET …/auth/clients answers it (never its
// secret).
type APIClient struct {
	ID          string     `json:"id"`
	ClientID    string     `json:"client_id"`
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Callbacks   []string   `json:"callbacks,omitempty"`
	CreatedAt   *time.Time `json:"created_at,omitempty"`
	CreatedBy   string     `json:"created_by,omitempty"`
	UpdatedAt   *time.Time `json:"updated_at,omitempty"`
	DeletedAt   *time.Time `json:"deleted_at,omitempty"`
}

// Grant is a client grant as GET …/auth/client-grants answers it.
type Grant struct {
	ID string `json:"id"`
	// ClientID names the client: its resource id at Dintero (some servers
	// use its client_id; both are matched).
	ClientID  string     `json:"client_id"`
	Audience  string     `json:"audience"`
	Scope     Scopes     `json:"scope"`
	Type      string     `json:"type,omitempty"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
}

// Deleted says whether the grant was deleted.
func (g Grant) Deleted() bool { return g.DeletedAt != nil }

// Admits reports whether the grant serves grantType: a grant of type
// "password" serves only grant_type=password, of type
// "authorization_code" only the passwordless login; absent or "any",
// every grant type.
func (g Grant) Admits(grantType string) bool {
	switch g.Type {
	case "", "any":
		return true
	}
	return g.Type == grantType
}

// TypeText is the grant's type as a person reads it.
func (g Grant) TypeText() string {
	if g.Type == "" {
		return "any"
	}
	return g.Type
}

// Scopes the client rules look for.
const (
	ScopeRefreshToken = "create:accounts:auth:refresh_token"
	ScopeNoMFA        = "write:accounts:/auth/users/no-mfa"
	// GrantPasswordless is the grant type of the passwordless login (§1a).
	GrantPasswordless = "authorization_code"
)

// Has reports whether the grant carries scope.
func (g Grant) Has(scope string) bool { return slices.Contains(g.Scope, scope) }

type wireClient struct {
	ID          string          `json:"id"`
	ClientID    string          `json:"client_id"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Callbacks   []string        `json:"callbacks"`
	CreatedAt   json.RawMessage `json:"created_at"`
	CreatedBy   json.RawMessage `json:"created_by"`
	UpdatedAt   json.RawMessage `json:"updated_at"`
	DeletedAt   json.RawMessage `json:"deleted_at"`
}

type wireGrant struct {
	ID        string          `json:"id"`
	ClientID  string          `json:"client_id"`
	Audience  string          `json:"audience"`
	Scope     Scopes          `json:"scope"`
	Type      json.RawMessage `json:"type"`
	CreatedAt json.RawMessage `json:"created_at"`
	DeletedAt json.RawMessage `json:"deleted_at"`
}

// ParseClients reads the clients endpoint's answer: a bare array, or an
// object with the array under "clients", "data" or "items".
func ParseClients(body []byte) ([]APIClient, error) {
	var raw []wireClient
	if err := decodeList(body, &raw, "clients"); err != nil {
		return nil, err
	}
	out := make([]APIClient, 0, len(raw))
	for _, w := range raw {
		out = append(out, APIClient{
			ID: w.ID, ClientID: w.ClientID, Name: w.Name, Description: w.Description, Callbacks: w.Callbacks,
			CreatedAt: timeOf(w.CreatedAt), CreatedBy: stringOf(w.CreatedBy), UpdatedAt: timeOf(w.UpdatedAt), DeletedAt: timeOf(w.DeletedAt),
		})
	}
	return out, nil
}

// ParseGrants reads the client-grants endpoint's answer, a bare array or
// an object with the array under "grants", "data" or "items".
func ParseGrants(body []byte) ([]Grant, error) {
	var raw []wireGrant
	if err := decodeList(body, &raw, "grants"); err != nil {
		return nil, err
	}
	out := make([]Grant, 0, len(raw))
	for _, w := range raw {
		out = append(out, Grant{ID: w.ID, ClientID: w.ClientID, Audience: w.Audience, Scope: w.Scope,
			Type: stringOf(w.Type), CreatedAt: timeOf(w.CreatedAt), DeletedAt: timeOf(w.DeletedAt)})
	}
	return out, nil
}

// ClientDirectory is where API clients and grants are read from: the
// account's auth API (APIDirectory), or a fake in tests.
type ClientDirectory interface {
	Clients(ctx context.Context) ([]APIClient, error)
	Grants(ctx context.Context) ([]Grant, error)
}

// Clients implements ClientDirectory.
func (d APIDirectory) Clients(ctx context.Context) ([]APIClient, error) {
	body, err := d.Get(ctx, "/accounts/"+url.PathEscape(d.Account)+"/auth/clients")
	if err != nil {
		return nil, err
	}
	return ParseClients(body)
}

// Grants implements ClientDirectory. Every grant of the account is read
// and the client's picked here: servers disagree on what the client_id
// filter names.
func (d APIDirectory) Grants(ctx context.Context) ([]Grant, error) {
	body, err := d.Get(ctx, "/accounts/"+url.PathEscape(d.Account)+"/auth/client-grants")
	if err != nil {
		return nil, err
	}
	return ParseGrants(body)
}

// ClientQuery is what a client diagnosis is asked: which client, for which
// audience, by which grant type ("" when not said).
type ClientQuery struct {
	ClientID string `json:"client_id"`
	Audience string `json:"audience"`
	Grant    string `json:"grant_type,omitempty"`
}

// ClientReport is everything the doctor found out about one API client.
type ClientReport struct {
	Account     string      `json:"account"`
	Query       ClientQuery `json:"query"`
	GeneratedAt time.Time   `json:"generated_at"`
	// Client is nil when the account has no such client.
	Client *APIClient `json:"client"`
	// Grants are the client's, deleted ones included, as listed.
	Grants   []Grant   `json:"grants"`
	Findings []Finding `json:"findings"`
}

// ClientNotFound is the finding of a client the account does not list;
// the rest of a report says nothing more.
func clientNotFound(q ClientQuery, listed []APIClient) Finding {
	ids := make([]string, 0, len(listed))
	for _, c := range listed {
		ids = append(ids, c.ClientID)
	}
	ev := fmt.Sprintf("auth/clients lists %d client(s), none with client_id or id %s", len(listed), q.ClientID)
	if len(ids) > 0 {
		ev += ": " + textsafe.Bounded(ids, MaxListed)
	}
	return Finding{Rule: "client-not-found", Severity: Blocker,
		Text:     "no API client " + q.ClientID + " on this account: every token request with it fails client authentication",
		Evidence: []string{ev}}
}

// RunClient reads the account's clients and grants and diagnoses the one
// asked. A client the account does not list is a report (its one finding
// says so), not an error: it is the answer to the ticket.
func RunClient(ctx context.Context, dir ClientDirectory, account string, q ClientQuery, now time.Time) (*ClientReport, error) {
	q.ClientID = strings.TrimSpace(q.ClientID)
	if q.ClientID == "" {
		return nil, fmt.Errorf("no client given: pass the API client's client_id")
	}
	clients, err := dir.Clients(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading API clients: %w", err)
	}
	r := &ClientReport{Account: account, Query: q, GeneratedAt: now, Grants: []Grant{}}
	for i := range clients {
		if clients[i].ClientID == q.ClientID || clients[i].ID == q.ClientID {
			c := clients[i]
			r.Client = &c
			break
		}
	}
	if r.Client == nil {
		r.Findings = []Finding{clientNotFound(q, clients)}
		return r, nil
	}
	grants, err := dir.Grants(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading client grants: %w", err)
	}
	for _, g := range grants {
		if g.ClientID != "" && (g.ClientID == r.Client.ID || g.ClientID == r.Client.ClientID) {
			r.Grants = append(r.Grants, g)
		}
	}
	r.Findings = DiagnoseClient(*r.Client, r.Grants, q, now)
	return r, nil
}

// MaxEvidence bounds the grants a finding cites (a client can have many).
const MaxEvidence = 10

// clientRule looks at a client and its grants and says something or
// nothing.
type clientRule func(c APIClient, grants []Grant, q ClientQuery, now time.Time) []Finding

// clientRules in the order their findings are shown: what makes a token
// request fail first.
var clientRules = []clientRule{
	ruleClientDeleted,
	ruleNoGrantForAudience,
	ruleGrantTypeExcluded,
	ruleGrantDeleted,
	ruleNoRefreshScope,
	ruleNoMFAScope,
	ruleNoPasswordless,
}

// DiagnoseClient applies every client rule.
func DiagnoseClient(c APIClient, grants []Grant, q ClientQuery, now time.Time) []Finding {
	var out []Finding
	for _, r := range clientRules {
		out = append(out, r(c, grants, q, now)...)
	}
	return out
}

// SameAudience compares audiences as the token endpoint does, but for a
// trailing slash.
func SameAudience(a, b string) bool {
	return strings.TrimSuffix(strings.TrimSpace(a), "/") == strings.TrimSuffix(strings.TrimSpace(b), "/")
}

// liveFor are the live grants for aud.
func liveFor(grants []Grant, aud string) []Grant {
	var out []Grant
	for _, g := range grants {
		if !g.Deleted() && SameAudience(g.Audience, aud) {
			out = append(out, g)
		}
	}
	return out
}

// usable are the live grants for the audience that serve the grant type
// asked (every live grant for it when none was asked).
func usable(grants []Grant, q ClientQuery) []Grant {
	var out []Grant
	for _, g := range liveFor(grants, q.Audience) {
		if q.Grant == "" || g.Admits(q.Grant) {
			out = append(out, g)
		}
	}
	return out
}

func grantEvidence(g Grant) string {
	s := fmt.Sprintf("grant %s audience=%s type=%s scope=%s", g.ID, g.Audience, g.TypeText(), strings.Join(g.Scope, " "))
	if g.Deleted() {
		s += " deleted_at=" + g.DeletedAt.UTC().Format(time.RFC3339)
	}
	return s
}

func ruleClientDeleted(c APIClient, _ []Grant, _ ClientQuery, now time.Time) []Finding {
	if c.DeletedAt == nil {
		return nil
	}
	return []Finding{{
		Rule: "client-deleted", Severity: Blocker,
		Text:     "client deleted on " + when(*c.DeletedAt, now) + ": no grant gives it a token, its secret no longer authenticates",
		Evidence: []string{"client " + c.ClientID + " deleted_at=" + c.DeletedAt.UTC().Format(time.RFC3339)},
	}}
}

func ruleNoGrantForAudience(c APIClient, grants []Grant, q ClientQuery, _ time.Time) []Finding {
	if c.DeletedAt != nil || len(liveFor(grants, q.Audience)) > 0 {
		return nil
	}
	var auds, ev []string
	for _, g := range grants {
		if !g.Deleted() && !slices.Contains(auds, g.Audience) {
			auds = append(auds, g.Audience)
		}
		ev = append(ev, grantEvidence(g))
	}
	text := fmt.Sprintf("client %s has no grants", c.ClientID)
	if len(auds) > 0 {
		shown := auds
		if len(shown) > MaxListed {
			shown = append(slices.Clone(auds[:MaxListed]), fmt.Sprintf("%d more", len(auds)-MaxListed))
		}
		text = fmt.Sprintf("client %s has grants for %s, not %s", c.ClientID, andList(shown), q.Audience)
	}
	if len(ev) > MaxEvidence {
		ev = append(ev[:MaxEvidence], fmt.Sprintf("and %d more grant(s)", len(ev)-MaxEvidence))
	}
	text += `: a token request for that audience fails with "audience must be a grant associated with the client"`
	if len(ev) == 0 {
		ev = []string{"auth/client-grants lists no grant for client " + c.ClientID}
	}
	return []Finding{{Rule: "no-grant-for-audience", Severity: Blocker, Text: text, Evidence: ev}}
}

func ruleGrantTypeExcluded(c APIClient, grants []Grant, q ClientQuery, _ time.Time) []Finding {
	live := liveFor(grants, q.Audience)
	if c.DeletedAt != nil || q.Grant == "" || len(live) == 0 || len(usable(grants, q)) > 0 {
		return nil
	}
	var types, ev []string
	for _, g := range live {
		types = append(types, g.TypeText())
		ev = append(ev, grantEvidence(g))
	}
	return []Finding{{
		Rule: "grant-type-excluded", Severity: Blocker,
		Text: fmt.Sprintf("the client's grant for %s is of type %s: grant_type %s cannot use it (the token endpoint refuses it)",
			q.Audience, strings.Join(types, ", "), q.Grant),
		Evidence: ev,
	}}
}

func ruleGrantDeleted(c APIClient, grants []Grant, q ClientQuery, now time.Time) []Finding {
	if c.DeletedAt != nil {
		return nil // "client-deleted" says more
	}
	var out []Finding
	for _, g := range grants {
		if !g.Deleted() {
			continue
		}
		text := fmt.Sprintf("grant %s for %s (type %s) deleted on %s", g.ID, g.Audience, g.TypeText(), when(*g.DeletedAt, now))
		sev := Warning
		if SameAudience(g.Audience, q.Audience) && len(liveFor(grants, q.Audience)) == 0 {
			text += ": it was the client's grant for the audience asked; token requests for it have failed since"
			sev = Blocker
		}
		out = append(out, Finding{Rule: "grant-deleted", Severity: sev, Text: text, Evidence: []string{grantEvidence(g)}})
	}
	return out
}

// neverRefresh are the grant types that never return a refresh token,
// whatever the scopes.
var neverRefresh = []string{"client_credentials", "account_user_token", "refresh_token"}

func ruleNoRefreshScope(c APIClient, grants []Grant, q ClientQuery, _ time.Time) []Finding {
	use := usable(grants, q)
	if c.DeletedAt != nil || len(use) == 0 || slices.ContainsFunc(use, func(g Grant) bool { return g.Has(ScopeRefreshToken) }) {
		return nil
	}
	var ev []string
	for _, g := range use {
		ev = append(ev, grantEvidence(g))
	}
	sev, text := Warning, fmt.Sprintf("no grant for %s has %s: its password and passwordless logins return no refresh token", q.Audience, ScopeRefreshToken)
	if slices.Contains(neverRefresh, q.Grant) {
		sev = Info
		text += fmt.Sprintf(" (grant_type %s never returns one anyway)", q.Grant)
	}
	return []Finding{{Rule: "no-refresh-token", Severity: sev, Text: text, Evidence: ev}}
}

func ruleNoMFAScope(c APIClient, grants []Grant, _ ClientQuery, _ time.Time) []Finding {
	if c.DeletedAt != nil {
		return nil
	}
	var out []Finding
	for _, g := range grants {
		if g.Deleted() || !g.Has(ScopeNoMFA) {
			continue
		}
		out = append(out, Finding{
			Rule: "skips-mfa", Severity: Warning,
			Text:     fmt.Sprintf("grant %s for %s has %s: user logins through this client skip MFA, a user is never asked for a code", g.ID, g.Audience, ScopeNoMFA),
			Evidence: []string{grantEvidence(g)},
		})
	}
	return out
}

func ruleNoPasswordless(c APIClient, grants []Grant, q ClientQuery, _ time.Time) []Finding {
	live := liveFor(grants, q.Audience)
	// Said already: the client is gone, has no grant for the audience, or
	// the passwordless login is what was asked and refused.
	if c.DeletedAt != nil || len(live) == 0 || q.Grant == GrantPasswordless {
		return nil
	}
	if slices.ContainsFunc(live, func(g Grant) bool { return g.Admits(GrantPasswordless) }) {
		return nil
	}
	var ev []string
	for _, g := range live {
		ev = append(ev, grantEvidence(g))
	}
	return []Finding{{
		Rule: "no-passwordless", Severity: Info,
		Text:     fmt.Sprintf("no grant for %s serves the passwordless login (grant type %s): a passwordless login through this client is refused", q.Audience, GrantPasswordless),
		Evidence: ev,
	}}
}

// andList is "a", "a and b", "a, b and c".
func andList(ss []string) string {
	switch len(ss) {
	case 0:
		return ""
	case 1:
		return ss[0]
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " and " + ss[len(ss)-1]
}

// WriteText prints the client report for a person: the client, its grants
// and the findings. Every string from the server is sanitised.
func (r *ClientReport) WriteText(w io.Writer, now time.Time) error {
	var b strings.Builder
	r.writeClient(&b, now)
	writeFindings(&b, r.Findings)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteProfile prints the client and its grants without the findings (a
// bundle lists the findings on their own).
func (r *ClientReport) WriteProfile(w io.Writer, now time.Time) error {
	var b strings.Builder
	r.writeClient(&b, now)
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *ClientReport) writeClient(b *strings.Builder, now time.Time) {
	line := func(label, value string) { fmt.Fprintf(b, "%-11s %s\n", label, value) }
	asked := "audience " + clean(r.Query.Audience)
	if r.Query.Grant != "" {
		asked += " · grant_type " + clean(r.Query.Grant)
	}
	c := r.Client
	if c == nil {
		line("client", clean(r.Query.ClientID)+" (not found)")
		line("account", clean(r.Account)+" "+envBadge(r.Account))
		line("asked", asked)
		return
	}
	name := clean(c.Name)
	if name == "" {
		name = "(no name)"
	}
	line("client", fmt.Sprintf("%s (%s)  id %s", name, clean(c.ClientID), clean(c.ID)))
	if d := clean(c.Description); d != "" {
		line("", d)
	}
	line("account", clean(r.Account)+" "+envBadge(r.Account))
	line("asked", asked)
	if c.DeletedAt != nil {
		line("status", "DELETED "+past(*c.DeletedAt, now))
	} else {
		line("status", "active")
	}
	if c.CreatedAt != nil {
		created := past(*c.CreatedAt, now)
		if by := clean(c.CreatedBy); by != "" {
			created += " by " + by
		}
		line("created", created)
	}
	if c.UpdatedAt != nil && (c.CreatedAt == nil || !c.UpdatedAt.Equal(*c.CreatedAt)) {
		line("updated", past(*c.UpdatedAt, now))
	}
	if len(c.Callbacks) > 0 {
		line("callbacks", cleanJoinSep(c.Callbacks, " "))
	}

	deleted := 0
	for _, g := range r.Grants {
		if g.Deleted() {
			deleted++
		}
	}
	head := fmt.Sprintf("\ngrants (%d", len(r.Grants))
	if deleted > 0 {
		head += fmt.Sprintf(", %d deleted", deleted)
	}
	b.WriteString(head + ")\n")
	if len(r.Grants) == 0 {
		b.WriteString("  none\n")
	}
	for _, g := range r.Grants {
		mark := " "
		switch {
		case g.Deleted():
			mark = "✗"
		case SameAudience(g.Audience, r.Query.Audience):
			mark = "›"
		}
		fmt.Fprintf(b, "  %s %s  type %s\n", mark, clean(g.Audience), clean(g.TypeText()))
		state := "id " + clean(g.ID)
		if g.Deleted() {
			state += "  DELETED " + past(*g.DeletedAt, now)
		}
		fmt.Fprintf(b, "      %s\n", state)
		fmt.Fprintf(b, "      scopes %s\n", cleanJoin(g.Scope))
	}
}
