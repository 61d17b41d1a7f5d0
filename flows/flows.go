// Package flows runs Dintero grants end to end without knowing about any
// user interface: it chains a client_credentials token as the Bearer where
// the user gave client credentials, drives the MFA out-of-band sequence, and
// turns answers into decoded tokens with their expiry.
//
// The MFA sequence is offered twice: as steps (Start, Challenge, Verify) for
// an interface that shows each one, and as Run, which asks for the binding
// code through a CodePrompter, for a command line.
package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
)

// ScopeRefreshToken is the scope a Bearer needs for a refresh token to be
// issued.
const ScopeRefreshToken = "create:accounts:auth:refresh_token"

// Request is everything a grant may need. Secrets live here only in memory.
type Request struct {
	Account  string // account or partner id the token endpoint is called for
	Audience string // default: DefaultAudience(Account)
	Grant    client.Grant
	// Partner, when set, is a partner id (T11200000) whose client
	// credentials get a token for the merchant Account in three steps (§8).
	Partner string

	ClientID     string
	ClientSecret string
	// Bearer authenticates the Bearer grants. When empty and client
	// credentials are given, a client_credentials token is fetched first.
	Bearer string

	Username string
	Password string
	// Code is an outside identity provider's code for the oidc grant
	// (§1b), exchanged with RedirectURI; AuthorizeURL is that provider's
	// login page, for a browser login.
	Code         string
	RedirectURI  string
	AuthorizeURL string
	RefreshToken string

	// The passwordless login (authorization_code, §1a): IdentType is
	// IdentEmail or IdentUserID, Ident the e-mail or user id; Connection
	// (email or sms) and CustomerType (customer or company) apply to an
	// e-mail. VerificationCode continues a login whose code was sent.
	IdentType        string
	Ident            string
	Connection       string
	CustomerType     string
	VerificationCode string

	// For an explicit mfa-oob grant, continuing a flow started elsewhere.
	MFAToken    string
	OOBCode     string
	BindingCode string

	Extra map[string]string
}

// Normalized fills defaults: the audience from the account id.
func (r Request) Normalized() Request {
	r.Account = strings.TrimSpace(r.Account)
	r.Partner = strings.TrimSpace(r.Partner)
	if r.Audience == "" && r.Account != "" {
		r.Audience = client.DefaultAudience(r.Account)
	}
	if r.Grant == "" {
		r.Grant = client.GrantClientCredentials
	}
	return r
}

// NoteSecrets teaches rd every secret of the request, so that none of them
// shows in an error, a log or a file, in any encoding.
func (r Request) NoteSecrets(rd *record.Redactor) {
	rd.AddBasic(r.ClientID, r.ClientSecret)
	for _, s := range []string{r.Password, r.Code, r.BindingCode, r.VerificationCode} {
		rd.Add(s)
	}
	for _, s := range []string{r.Bearer, r.RefreshToken, r.MFAToken, r.OOBCode} {
		rd.AddToken(s)
	}
}

// CanChain reports whether a Bearer grant can get its Bearer from client
// credentials.
func (r Request) CanChain() bool {
	switch r.Grant {
	case client.GrantPassword, client.GrantAuthorizationCode, client.GrantOIDC, client.GrantRefreshToken, client.GrantMFAOOB, client.GrantMFAOOBUnderscore:
		return r.ClientID != "" && r.ClientSecret != ""
	}
	return false
}

// Problem is one missing or wrong field, named as a form would name it.
type Problem struct {
	Field   string
	Message string
}

// Check lists what is missing or wrong before anything is sent.
func (r Request) Check() []Problem {
	var out []Problem
	add := func(field, msg string) { out = append(out, Problem{field, msg}) }
	need := func(field, value, what string) {
		if strings.TrimSpace(value) == "" {
			add(field, what+" is required")
		}
	}
	if r.Account == "" {
		add("account", "account id is required")
	} else if err := client.ValidateOwnerID(r.Account); err != nil {
		add("account", err.Error())
	}
	switch r.Grant {
	case client.GrantClientCredentials:
		need("client-id", r.ClientID, "client id")
		need("client-secret", r.ClientSecret, "client secret")
	case client.GrantPassword, client.GrantAuthorizationCode, client.GrantOIDC, client.GrantRefreshToken, client.GrantMFAOOB, client.GrantMFAOOBUnderscore:
		if r.Bearer == "" && !r.CanChain() {
			add("bearer", "a Bearer token, or a client id and secret to obtain one, is required")
		}
	case client.GrantAccountUserToken:
		need("bearer", r.Bearer, "an account user JWT or ID token as Bearer")
	default:
		add("grant", fmt.Sprintf("unknown grant %q", r.Grant))
	}
	out = append(out, r.checkPartner()...)
	switch r.Grant {
	case client.GrantPassword:
		need("username", r.Username, "username")
		need("password", r.Password, "password")
	case client.GrantAuthorizationCode:
		out = append(out, r.checkPasswordless()...)
	case client.GrantOIDC:
		need("client-id", r.ClientID, "client id (auth/oidc/token names the client)")
		if strings.TrimSpace(r.Code) == "" && strings.TrimSpace(r.AuthorizeURL) == "" {
			add("code", "the identity provider's code, or its authorize URL for a browser login, is required")
		}
	case client.GrantRefreshToken:
		need("refresh-token", r.RefreshToken, "refresh token")
	case client.GrantMFAOOB, client.GrantMFAOOBUnderscore:
		need("mfa-token", r.MFAToken, "mfa_token")
		need("oob-code", r.OOBCode, "oob_code")
		need("binding-code", r.BindingCode, "binding code")
	}
	return out
}

// Validate is Check as one error, marked as invalid input.
func (r Request) Validate() error {
	return problemsError(r.Check())
}

// Result is a token obtained, with what is needed to explain and refresh it.
type Result struct {
	Request  Request // the request as run (the original grant, even after MFA)
	Response *client.TokenResponse
	// Token is the decoded access token; nil when it is not a JWT.
	Token     *tokeninfo.Token
	DecodeErr error
	Expiry    tokeninfo.Expiry
	// Auth is the Authorization the final request used; a refresh_token
	// grant needs the same client's access token as Bearer.
	Auth client.Auth
	// BearerChained says the Bearer came from a client_credentials request.
	BearerChained bool
	// ViaMFA says the token came through the MFA sequence.
	ViaMFA bool
	// ViaRecovery says the token came from an MFA recovery.
	ViaRecovery bool
	// MFAChannel is the channel the binding code that got the token went
	// out on; "" when it did not come through MFA.
	MFAChannel client.Channel
	// RefreshToken is the refresh token to use next: the new one when the
	// server rotated it, otherwise the one already held.
	RefreshToken string
	// Partner says how a partner's token was obtained; nil otherwise.
	Partner *PartnerAccess
}

// RefreshNote says why no refresh token came back, by the contract's rule;
// "" when one did. It is RefreshReason's text.
func (r *Result) RefreshNote() string { return r.RefreshReason().Text }

// RefreshReason says why no refresh token came back; the zero reason when
// one did.
func (r *Result) RefreshReason() RefreshReason {
	if r.Response.RefreshToken != "" {
		return RefreshReason{}
	}
	return WhyNoRefreshToken(r.Request.Grant, r.ViaRecovery, r.Auth)
}

// RefreshReason is why a token answer carried no refresh token: a code
// for scripts (-o json) and a sentence for people.
type RefreshReason struct {
	Code string `json:"reason"`
	Text string `json:"message"`
}

// The codes of RefreshReason.
const (
	// NoRefreshGrantType: the grant type never returns one.
	NoRefreshGrantType = "grant_type"
	// NoRefreshRecovery: an MFA recovery never returns one.
	NoRefreshRecovery = "mfa_recovery"
	// NoRefreshRefreshGrant: a refresh_token grant returns no new one.
	NoRefreshRefreshGrant = "refresh_token_grant"
	// NoRefreshBearerScope: the Bearer sent lacks
	// create:accounts:auth:refresh_token.
	NoRefreshBearerScope = "bearer_scope"
	// NoRefreshNoBearer: the request had no Bearer (Basic).
	NoRefreshNoBearer = "no_bearer"
	// NoRefreshBearerUnreadable: the Bearer is not a JWT; its scopes are
	// unknown.
	NoRefreshBearerUnreadable = "bearer_unreadable"
	// NoRefreshServer: both conditions held, yet none came.
	NoRefreshServer = "server"
)

// WhyNoRefreshToken is the contract's rule (§1): a refresh token comes back
// only when the Bearer has create:accounts:auth:refresh_token and the grant
// is password or authorization_code. grant is the login's grant (for an
// MFA login, the grant that got mfa_required: a password login completed
// through MFA follows the password rule); recovery says the token came
// from an MFA recovery, whose mfa-oob answer completes no password login
// and returns none. auth is the Authorization the token request sent.
// One rule for the CLI and the TUI.
func WhyNoRefreshToken(grant client.Grant, recovery bool, auth client.Auth) RefreshReason {
	switch {
	case recovery:
		return RefreshReason{NoRefreshRecovery, "an MFA recovery returns no refresh token: its token completes no password or authorization_code login; the user's next ordinary login (with MFA) gets one"}
	case grant == client.GrantRefreshToken:
		return RefreshReason{NoRefreshRefreshGrant, "a refresh_token grant returns no new refresh token; the one used stays valid"}
	case grant.IsMFAOOB():
		// An mfa-oob grant run by hand: the login it completes is not
		// known here. The Bearer's scope is the condition that can be read.
		if r, bad := bearerReason(auth); bad {
			return r
		}
		return RefreshReason{NoRefreshGrantType, "an mfa-oob grant returns a refresh token only when the login it completes was a password or authorization_code grant (an MFA recovery's never does)"}
	case grant != client.GrantPassword && grant != client.GrantAuthorizationCode:
		return RefreshReason{NoRefreshGrantType, fmt.Sprintf("only the password and authorization_code grants return a refresh token (this was %s)", grant)}
	}
	if r, bad := bearerReason(auth); bad {
		return r
	}
	return RefreshReason{NoRefreshServer, fmt.Sprintf("both conditions held (grant %s, Bearer with %s) yet the server returned none", grant, ScopeRefreshToken)}
}

// bearerReason is the Bearer's part of the rule: a reason when the Bearer
// fails it (or cannot be read), and false when it has the scope.
func bearerReason(auth client.Auth) (RefreshReason, bool) {
	bearer, ok := auth.(client.BearerAuth)
	if !ok {
		return RefreshReason{NoRefreshNoBearer, "the request was not made with a Bearer token"}, true
	}
	tok, err := tokeninfo.Decode(bearer.Token)
	if err != nil {
		return RefreshReason{NoRefreshBearerUnreadable, "the Bearer sent is not a JWT, so its scopes cannot be read"}, true
	}
	if !tok.HasScope(ScopeRefreshToken) {
		return RefreshReason{NoRefreshBearerScope, "the Bearer token sent lacks the scope " + ScopeRefreshToken}, true
	}
	return RefreshReason{}, false
}

// Runner runs grants with one client.
type Runner struct {
	Client *client.Client
	// Now is the clock for deciding whether a held Bearer is still valid.
	Now func() time.Time
}

// NewRunner returns a Runner for c.
func NewRunner(c *client.Client) *Runner { return &Runner{Client: c, Now: time.Now} }

// Start runs the grant. It returns either a result, or an MFA session to
// continue with Challenge and Verify when the server answered mfa_required.
func (rn *Runner) Start(ctx context.Context, req Request) (*Result, *MFASession, error) {
	req = req.Normalized()
	req.NoteSecrets(rn.Client.Redactor())
	if err := req.Validate(); err != nil {
		return nil, nil, err
	}
	if req.Partner != "" {
		res, err := rn.RunPartner(ctx, req)
		return res, nil, err
	}
	if req.Grant == client.GrantOIDC {
		res, err := rn.ExchangeOIDC(ctx, req)
		return res, nil, err
	}
	if req.Grant == client.GrantAuthorizationCode && (req.IdentType == IdentUserID || req.VerificationCode == "") {
		// A code issued for a user needs nobody: issued, then exchanged.
		// A code sent to a customer needs the code screen (StartPasswordless).
		if req.IdentType != IdentUserID {
			return nil, nil, fmt.Errorf("%w: a passwordless login by e-mail needs the code sent to the customer, which this screen cannot ask for yet; run it with `tokenbench token --grant authorization_code --ident EMAIL`", client.ErrInvalidInput)
		}
		l, err := rn.StartPasswordless(ctx, req)
		if err != nil {
			return nil, nil, err
		}
		res, err := l.Verify(ctx, "")
		return res, nil, err
	}
	auth, chained, err := rn.authFor(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	res, err := rn.Client.Token(ctx, req.Account, auth, rn.tokenRequest(req))
	if err != nil {
		var apiErr *client.APIError
		if errors.As(err, &apiErr) && apiErr.MFARequired() {
			if apiErr.MFAToken == "" {
				return nil, nil, fmt.Errorf("server asked for MFA but sent no mfa_token: %w", err)
			}
			return nil, &MFASession{
				Request:       req,
				Auth:          auth,
				BearerChained: chained,
				MFAToken:      apiErr.MFAToken,
				MaxAttempts:   DefaultMaxAttempts,
			}, nil
		}
		return nil, nil, err
	}
	return newResult(req, res, auth, chained, false), nil, nil
}

func (rn *Runner) tokenRequest(req Request) client.TokenRequest {
	return client.TokenRequest{
		Grant:            req.Grant,
		Audience:         req.Audience,
		Username:         req.Username,
		Password:         req.Password,
		RefreshToken:     req.RefreshToken,
		MFAToken:         req.MFAToken,
		OOBCode:          req.OOBCode,
		BindingCode:      req.BindingCode,
		IdentType:        req.IdentType,
		Ident:            req.Ident,
		VerificationCode: req.VerificationCode,
		Extra:            req.Extra,
	}
}

// authFor picks the Authorization for the grant, fetching a
// client_credentials Bearer first when that is how the user authenticates.
func (rn *Runner) authFor(ctx context.Context, req Request) (client.Auth, bool, error) {
	if req.Grant.UsesBasic() {
		return client.BasicAuth{ClientID: req.ClientID, ClientSecret: req.ClientSecret}, false, nil
	}
	if req.Bearer != "" {
		return client.BearerAuth{Token: req.Bearer}, false, nil
	}
	if !req.CanChain() {
		return nil, false, fmt.Errorf("%w: grant %s needs a Bearer token", client.ErrInvalidInput, req.Grant)
	}
	res, err := rn.Client.Token(ctx, req.Account, client.BasicAuth{ClientID: req.ClientID, ClientSecret: req.ClientSecret},
		client.TokenRequest{Grant: client.GrantClientCredentials, Audience: req.Audience, Extra: nil})
	if err != nil {
		return nil, false, fmt.Errorf("client_credentials for the Bearer: %w", err)
	}
	return client.BearerAuth{Token: res.AccessToken}, true, nil
}

func newResult(req Request, res *client.TokenResponse, auth client.Auth, chained, viaMFA bool) *Result {
	r := &Result{Request: req, Response: res, Auth: auth, BearerChained: chained, ViaMFA: viaMFA}
	r.Token, r.DecodeErr = tokeninfo.Decode(res.AccessToken)
	r.Expiry = tokeninfo.ComputeExpiry(r.Token, res.ReceivedAt, res.ExpiresIn, res.ServerDate)
	r.RefreshToken = res.RefreshToken
	if r.RefreshToken == "" && req.Grant == client.GrantRefreshToken {
		r.RefreshToken = req.RefreshToken
	}
	return r
}

// Refresh gets a new token for a result: with its refresh token when it has
// one, otherwise by repeating the grant (which may need MFA again).
func (rn *Runner) Refresh(ctx context.Context, prev *Result) (*Result, *MFASession, error) {
	if prev.RefreshToken == "" {
		return rn.Start(ctx, prev.Request)
	}
	req := prev.Request
	req.Grant = client.GrantRefreshToken
	req.RefreshToken = prev.RefreshToken
	req.Bearer = ""
	// The Bearer must be an access token of the client that created the
	// refresh token: reuse the one used before while it is valid, else get a
	// fresh one from the same client credentials.
	if b, ok := prev.Auth.(client.BearerAuth); ok && (!prev.Request.CanChain() || rn.bearerValid(b.Token)) {
		req.Bearer = b.Token
	}
	return rn.Start(ctx, req)
}

// bearerValid reports whether a Bearer will still be accepted for a while;
// an opaque token is given the benefit of the doubt.
func (rn *Runner) bearerValid(tok string) bool {
	t, err := tokeninfo.Decode(tok)
	if err != nil || t.ExpiresAt.IsZero() {
		return true
	}
	return t.ExpiresAt.After(rn.Now().Add(30 * time.Second))
}

// Restore rebuilds a result from tokens kept across a restart: the request
// it came from, the tokens, and when the access token expires.
func Restore(req Request, accessToken, refreshToken string, expiresAt time.Time, auth client.Auth) *Result {
	res := &client.TokenResponse{
		AccessToken: accessToken, RefreshToken: refreshToken, TokenType: "Bearer",
		Fields: map[string]any{"access_token": accessToken},
	}
	r := &Result{Request: req, Response: res, Auth: auth, RefreshToken: refreshToken}
	r.Token, r.DecodeErr = tokeninfo.Decode(accessToken)
	r.Expiry = tokeninfo.ComputeExpiry(r.Token, time.Time{}, 0, time.Time{})
	if !r.Expiry.Known() && !expiresAt.IsZero() {
		r.Expiry.At, r.Expiry.Source = expiresAt, "kept"
	}
	return r
}
