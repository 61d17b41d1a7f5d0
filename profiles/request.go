package profiles

import (
	"context"
	"errors"
	"fmt"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/textsafe"
)

// Request is the profile as a flow request, without secrets.
func (p Profile) Request() flows.Request {
	g, _ := client.ParseGrant(p.Grant)
	return flows.Request{
		Account: p.Account, Audience: p.Audience, Grant: g, Partner: p.Partner,
		ClientID: p.ClientID, Username: p.Username, RedirectURI: p.RedirectURI,
		AuthorizeURL: p.AuthorizeURL, IdentType: p.IdentType, Ident: p.Ident,
		Connection: p.Connection, CustomerType: p.CustomerType,
	}
}

// LegacyCode reports whether the profile is an authorization_code profile
// of an older version: an OAuth code and redirect_uri, the shape Dintero's
// token endpoint refuses. It loads, and is never sent that way.
func (p Profile) LegacyCode() bool {
	return p.Grant == string(client.GrantAuthorizationCode) && p.IdentType == ""
}

// LegacyCodeMessage says in one line what changed and how to fix it.
func LegacyCodeMessage(name string) string {
	n := textsafe.Sanitize(name)
	return fmt.Sprintf("profile %s was saved for the old authorization_code (an OAuth code and redirect_uri), which Dintero refuses: its authorization_code is the passwordless login now; fix it with `tokenbench profile edit %s --ident EMAIL` (or --user-id UID, or --grant oidc for an identity provider's code), or e in the TUI", n, n)
}

// Channel is the profile's preferred MFA channel (SMS by default).
func (p Profile) Channel() client.Channel {
	if p.MFAChannel == string(client.ChannelEmail) {
		return client.ChannelEmail
	}
	return client.ChannelSMS
}

// BaseURLOrDefault is the profile's base URL, Dintero's when empty.
func (p Profile) BaseURLOrDefault() string {
	if p.BaseURL == "" {
		return client.DefaultBaseURL
	}
	return p.BaseURL
}

// Asker asks a person for a secret the profile does not keep.
type Asker func(k Kind) (string, error)

// FillSecrets puts the profile's secrets into req where req lacks them.
// A secret with the "ask" source, or none, goes to ask when the grant needs
// it; ask may be nil where nobody can be asked.
//
// A profile of a file others can change (Store.CheckTrust) is refused
// before anything is read, run or asked for, and also when req holds its
// secrets already (given by the environment): the file names the base URL
// they would go to.
func (s *Secrets) FillSecrets(ctx context.Context, p Profile, req *flows.Request, ask Asker) error {
	if err := s.Store.CheckTrust(); err != nil {
		return fmt.Errorf("profile %s: %w", p.Name, err)
	}
	targets := []struct {
		k    Kind
		dst  *string
		need bool
	}{
		{ClientSecret, &req.ClientSecret, req.Grant == client.GrantClientCredentials || (req.Bearer == "" && req.ClientID != "")},
		{Bearer, &req.Bearer, req.Grant == client.GrantAccountUserToken || (req.Grant != client.GrantClientCredentials && req.ClientID == "")},
		{Password, &req.Password, req.Grant == client.GrantPassword},
		{RefreshToken, &req.RefreshToken, req.Grant == client.GrantRefreshToken},
	}
	for _, t := range targets {
		if *t.dst != "" || !t.need {
			continue
		}
		v, err := s.Get(ctx, p, t.k)
		switch {
		case err == nil:
			*t.dst = v
			continue
		case errors.Is(err, ErrAsk), SourceOf(p, t.k) == "":
			if ask == nil {
				return fmt.Errorf("%w: profile %s needs its %s asked for, and nobody can be asked here", client.ErrInvalidInput, p.Name, t.k)
			}
			if *t.dst, err = ask(t.k); err != nil {
				return err
			}
			continue
		}
		return fmt.Errorf("profile %s: %w", p.Name, err)
	}
	return nil
}
