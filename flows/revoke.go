package flows

import (
	"context"
	"fmt"
	"strings"

	"github.com/tokenbench/tokenbench/client"
)

// RevokeRequest revokes a refresh token (§7). The Bearer must be a token of
// the client the refresh token was issued to: given, or obtained with the
// client's credentials first.
type RevokeRequest struct {
	Account      string
	Audience     string // for the client_credentials Bearer; default the account's
	ClientID     string
	ClientSecret string
	Bearer       string
	RefreshToken string
}

// Check lists what is missing or wrong before anything is sent, named as
// Request.Check names fields.
func (r RevokeRequest) Check() []Problem {
	var out []Problem
	if err := client.ValidateOwnerID(strings.TrimSpace(r.Account)); err != nil {
		out = append(out, Problem{"account", err.Error()})
	}
	if r.RefreshToken == "" {
		out = append(out, Problem{"refresh-token", "a refresh token to revoke is required"})
	}
	return append(out, bearerProblems(r.Bearer, r.ClientID, r.ClientSecret)...)
}

// Revoke revokes req.RefreshToken. After it, the server refuses that
// refresh token; the caller removes it from wherever it kept it.
func (rn *Runner) Revoke(ctx context.Context, req RevokeRequest) error {
	req.Account = strings.TrimSpace(req.Account)
	rd := rn.Client.Redactor()
	rd.AddBasic(req.ClientID, req.ClientSecret)
	rd.AddToken(req.Bearer)
	rd.AddToken(req.RefreshToken)
	if err := problemsError(req.Check()); err != nil {
		return err
	}
	auth := client.Auth(client.BearerAuth{Token: req.Bearer})
	if req.Bearer == "" {
		aud := req.Audience
		if aud == "" {
			aud = client.DefaultAudience(req.Account)
		}
		res, err := rn.Client.Token(ctx, req.Account, client.BasicAuth{ClientID: req.ClientID, ClientSecret: req.ClientSecret},
			client.TokenRequest{Grant: client.GrantClientCredentials, Audience: aud})
		if err != nil {
			return fmt.Errorf("client_credentials for the Bearer: %w", err)
		}
		auth = client.BearerAuth{Token: res.AccessToken}
	}
	if err := rn.Client.Revoke(ctx, req.Account, auth, req.RefreshToken); err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	return nil
}
