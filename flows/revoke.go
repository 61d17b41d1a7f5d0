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

// Revoke revokes req.RefreshToken. After it, the server refuses that
// refresh token; the caller removes it from wherever it kept it.
func (rn *Runner) Revoke(ctx context.Context, req RevokeRequest) error {
	req.Account = strings.TrimSpace(req.Account)
	rd := rn.Client.Redactor()
	rd.AddBasic(req.ClientID, req.ClientSecret)
	rd.AddToken(req.Bearer)
	rd.AddToken(req.RefreshToken)
	var msgs []string
	if err := client.ValidateOwnerID(req.Account); err != nil {
		msgs = append(msgs, err.Error())
	}
	if req.RefreshToken == "" {
		msgs = append(msgs, "a refresh token to revoke is required")
	}
	if req.Bearer == "" && (req.ClientID == "" || req.ClientSecret == "") {
		msgs = append(msgs, "a Bearer token, or a client id and secret to obtain one, is required")
	}
	if len(msgs) > 0 {
		return fmt.Errorf("%w: %s", client.ErrInvalidInput, strings.Join(msgs, "; "))
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
