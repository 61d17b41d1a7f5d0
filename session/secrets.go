package session

import (
	"context"
	"fmt"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
)

// Fill puts profile p's secrets into req where req lacks them: the one
// place a request reads a profile's secrets (the keyring, the file, an
// environment variable or a command), for the CLI and the TUI. A secret p
// asks for each time goes to ask; ask may be nil where nobody can be asked
// (then such a secret is an error). Without secrets (the demo) it fills
// nothing.
func (s *Service) Fill(ctx context.Context, p profiles.Profile, req *flows.Request, ask profiles.Asker) error {
	if s == nil || s.Secrets == nil {
		return nil
	}
	return s.Secrets.FillSecrets(ctx, p, req, ask)
}

// ClientAuth is what profile p gives a call that needs a Bearer of its
// client (a revoke, a recovery): its client secret (when it has a client
// id) or its Bearer token, where secret and bearer are both empty.
func (s *Service) ClientAuth(ctx context.Context, p profiles.Profile, clientID, secret, bearer string, ask profiles.Asker) (string, string, error) {
	if bearer != "" || secret != "" {
		// Given, not read; still not for a base URL a file others can
		// change names.
		if s != nil && s.Secrets != nil {
			if err := s.Secrets.Store.CheckTrust(); err != nil {
				return "", "", fmt.Errorf("profile %s: %w", p.Name, err)
			}
		}
		return secret, bearer, nil
	}
	fr := flows.Request{Grant: client.GrantClientCredentials, ClientID: clientID}
	if clientID == "" {
		fr.Grant = client.GrantAccountUserToken
	}
	err := s.Fill(ctx, p, &fr, ask)
	return fr.ClientSecret, fr.Bearer, err
}

// AskedSecrets are the client secret and Bearer typed for p in this
// session where p asks for them each time: those the token held for p was
// obtained with (the same client). A call on p's client (a diagnosis)
// uses them instead of asking again; a stored secret is read from its
// store as always, so none of it is returned here.
func (s *Service) AskedSecrets(p profiles.Profile) (secret, bearer string) {
	res, ok := s.Held(p.Name)
	if !ok || res == nil {
		return "", ""
	}
	r := res.Request
	if profiles.SourceOf(p, profiles.ClientSecret) == profiles.SourceAsk && p.ClientID != "" && r.ClientID == p.ClientID {
		secret = r.ClientSecret
	}
	if profiles.SourceOf(p, profiles.Bearer) == profiles.SourceAsk && p.ClientID == "" && !res.BearerChained {
		bearer = r.Bearer
	}
	return secret, bearer
}
