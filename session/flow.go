package session

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/textsafe"
)

// Flow is one request as a screen or a command drives it, from send to
// result: it sends the grant, remembers the token of a held profile (or
// connection) before it is shown, refreshes and revokes it with the
// session's rules, and says what to check when it fails. It is plain Go and
// blocks; a TUI calls it inside a tea.Cmd and sends the answer back as a
// message. The MFA steps between a send and its token are the runner's
// (Challenge, Verify), with Keep remembering their token.
type Flow struct {
	Service *Service
	// Runner sends the requests; BaseURL is where it sends them.
	Runner  *flows.Runner
	BaseURL string
	// Held is the name the session holds the flow's token under (a
	// profile's name, or a connection's key); "" for a one-off request,
	// whose token is held nowhere.
	Held string
	// Profile is what the token is remembered under: the saved profile,
	// or just a Name and BaseURL (and AutoRefresh) for a connection.
	Profile profiles.Profile
	// Saved says Profile is a saved profile, whose stored refresh token a
	// refused refresh may have lost (ExplainRefused).
	Saved bool
}

// Start sends req and remembers its token; the Outcome holds the token,
// or the MFA session that must be answered first.
func (f *Flow) Start(ctx context.Context, req flows.Request) (Outcome, error) {
	if f.spendsStored(ctx, req) {
		// The profile's stored refresh token: spent under the profile's
		// lock, as the CLI and auto-refresh spend it, so two processes
		// never send the same one to a server that rotates it.
		req.RefreshToken = ""
		res, warnings, err := f.Service.Run(ctx, f.Profile, req, func(ctx context.Context, r flows.Request) (*flows.Result, error) {
			res, _, err := f.Runner.Start(ctx, r)
			return res, err
		})
		if res != nil && res.Response != nil {
			res.Response.Warnings = append(res.Response.Warnings, warnings...)
		}
		return Outcome{Result: res}, err
	}
	res, mfa, err := f.Runner.Start(ctx, req)
	if err == nil && res != nil {
		f.Keep(res)
	}
	if err != nil && f.Saved && f.Service != nil {
		// A stored refresh token refused: say it was lost, and how to get
		// a new one.
		err = f.Service.ExplainRefused(ctx, f.Profile, req, err)
	}
	return Outcome{Result: res, MFA: mfa}, err
}

// spendsStored says req spends the refresh token the saved profile stores
// (the form filled it from the store), rather than one typed for this run.
func (f *Flow) spendsStored(ctx context.Context, req flows.Request) bool {
	if !f.Saved || f.Service == nil || f.Service.Secrets == nil || req.Grant != client.GrantRefreshToken || req.RefreshToken == "" ||
		!profiles.SourceOf(f.Profile, profiles.RefreshToken).Stored() {
		return false
	}
	stored, err := f.Service.Secrets.Get(ctx, f.Profile, profiles.RefreshToken)
	return err == nil && stored == req.RefreshToken
}

// Keep remembers a new token of a held flow before it is shown: a rotated
// refresh token stored first, then kept tokens, and the token held.
// Problems become warnings on the token, which is good. A one-off's token
// is not held. It never fails (its error is for a keep callback).
func (f *Flow) Keep(res *flows.Result) error {
	if f.Held == "" || res == nil {
		return nil
	}
	warnings, err := f.Service.Remember(f.Profile, res)
	if err != nil {
		warnings = append(warnings, "the new refresh token was not saved: "+textsafe.Sanitize(err.Error()))
	}
	if res.Response != nil {
		res.Response.Warnings = append(res.Response.Warnings, warnings...)
	}
	return nil
}

// Refresh gets a fresh token for res. A held flow's goes through the
// session (the latest stored refresh token, under the profile's lock); a
// one-off's with its own refresh token. Call RefreshPlan first: a token
// without a refresh token may have to repeat its sign-in instead.
func (f *Flow) Refresh(ctx context.Context, res *flows.Result) (Outcome, error) {
	if f.Held != "" {
		return f.Service.Refresh(ctx, f.Held)
	}
	r, mfa, err := f.Runner.Refresh(ctx, res)
	if err == nil && r != nil {
		f.Keep(r)
	}
	return Outcome{Result: r, MFA: mfa}, err
}

// Revoke revokes res's refresh token for the client res was obtained
// with. A held flow's goes through the session's Revoke (the latest
// stored refresh token, under the profile's lock, then removed from its
// store); a one-off's is revoked as it is. It gives up after a minute.
func (f *Flow) Revoke(ctx context.Context, res *flows.Result) (Revoked, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	revoke := func(ctx context.Context, rt string) error {
		return f.Runner.Revoke(ctx, RevokeRequest(res, rt))
	}
	if name := f.HeldName(); name != "" {
		return f.Service.Revoke(ctx, name, revoke)
	}
	err := revoke(ctx, res.RefreshToken)
	return Revoked{RefreshToken: res.RefreshToken, Revoked: err == nil}, err
}

// HeldName is the name a revoke of this flow is held under: Held when the
// session holds a token for it, else "".
func (f *Flow) HeldName() string {
	if f.Held == "" {
		return ""
	}
	if _, held := f.Service.Held(f.Held); !held {
		return ""
	}
	return f.Held
}

// JWKSURL is where res's signing keys should be: the profile's JWKS URL,
// else the contract's path under the base URL; "" when neither is known.
func (f *Flow) JWKSURL(res *flows.Result) string {
	if f.Profile.JWKSURL != "" {
		return f.Profile.JWKSURL
	}
	if f.BaseURL == "" || res.Request.Account == "" {
		return ""
	}
	return client.KeysURL(f.BaseURL, res.Request.Account)
}

// RevokeRequest revokes rt for the client res was obtained with: its
// client credentials when it has them (a fresh client token), else the
// Bearer it used.
func RevokeRequest(res *flows.Result, rt string) flows.RevokeRequest {
	r := flows.RevokeRequest{Account: res.Request.Account, RefreshToken: rt, ClientID: res.Request.ClientID, ClientSecret: res.Request.ClientSecret}
	if r.ClientSecret == "" {
		r.Bearer = res.Request.Bearer
		if b, ok := res.Auth.(client.BearerAuth); ok && r.Bearer == "" {
			r.Bearer = b.Token
		}
	}
	return r
}

// Hint is what to check after err, for a new user: a 404 on the token
// path is nearly always a base URL without its /v1, and a timeout says
// which URL did not answer. "" when there is nothing to add.
func Hint(err error, baseURL string) string {
	var apiErr *client.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.Status == 404:
		if !strings.HasSuffix(strings.TrimRight(baseURL, "/"), "/v1") {
			return " — check the base URL: Dintero's ends in /v1 (" + client.DefaultBaseURL + ")"
		}
		return " — check the base URL and the account id"
	case errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), baseURL):
		return " — no answer from " + baseURL
	}
	return ""
}

// RefreshPlan says what a refresh does with a token without a refresh
// token (none came back, or it was revoked), where repeating the token's
// request as it is would fail: why says why nothing can be sent; repeat is
// the grant to run instead. Both are empty when the refresh may go ahead as
// usual. A refresh by hand (the TUI's r) and auto-refresh both follow it.
func RefreshPlan(res *flows.Result) (repeat *flows.Request, why string) {
	if res == nil || res.RefreshToken != "" {
		return nil, ""
	}
	req := res.Request
	switch req.Grant {
	case client.GrantMFAOOB:
		if req.MFAToken == "" {
			return nil, "this token came from an MFA recovery; run the recovery again or sign in with the password"
		}
		return nil, "this token came from a one-time MFA answer (mfa_token, oob_code, code); sign in with the password again"
	case client.GrantAuthorizationCode:
		if req.IdentType != flows.IdentUserID {
			// Repeating it needs a new code sent to the customer.
			return nil, "this token came from a passwordless login by e-mail, which needs a new code: log in again (l on home, or n)"
		}
	case client.GrantOIDC:
		// Its code was one-time.
		return nil, "this token came from an identity provider's one-time code: sign in again (l on home, or n)"
	case client.GrantRefreshToken:
		// Its refresh token was revoked: sending it again is refused.
		// The sign-in it came from can be repeated when it was a
		// password one.
		if req.Username == "" || req.Password == "" {
			return nil, "its refresh token was revoked and the sign-in it came from cannot be repeated here; get a new token with n"
		}
		req.Grant, req.RefreshToken = client.GrantPassword, ""
		if req.CanChain() {
			req.Bearer = "" // a fresh client token, not the old one
		}
		return &req, ""
	}
	return nil, ""
}
