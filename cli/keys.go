package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
)

// keysOptions are decode's flags for the account's keys endpoint.
type keysOptions struct {
	verify           bool
	account, baseURL string
}

// verifyKeys checks tok's signature with an explicit JWKS URL, or with the
// keys of the account (--account, else the token's aid claim). The
// verification is never an error: keys that cannot be had make a
// Verification that says why. Only bad input is.
func (app *App) verifyKeys(ctx context.Context, tok *tokeninfo.Token, jwksURL string, timeout time.Duration, o keysOptions) (tokeninfo.Verification, error) {
	src := tokeninfo.KeySource{JWKSURL: jwksURL}
	base := client.DefaultBaseURL
	if jwksURL != "" {
		if err := client.ValidateJWKSURL(jwksURL); err != nil {
			return tokeninfo.Verification{}, err
		}
	} else {
		src.Account = o.account
		if src.Account == "" {
			src.Account, _ = tok.Claims["aid"].(string)
		}
		if src.Account == "" {
			return tokeninfo.Verification{}, &usageError{fmt.Errorf("--verify needs --account: the token has no aid claim to take it from")}
		}
		if err := client.ValidateOwnerID(src.Account); err != nil {
			return tokeninfo.Verification{}, err
		}
		base = o.baseURL
		src.Bearer = app.env.getenv("TOKENBENCH_BEARER")
		src.BearerFrom = "$TOKENBENCH_BEARER"
	}
	c, err := client.New(client.Options{BaseURL: base, UserAgent: "tokenbench/" + Version, Timeout: timeout})
	if err != nil {
		return tokeninfo.Verification{}, err
	}
	v := tokeninfo.NewKeyVerifier(c)
	v.Now = app.now
	return v.Verify(ctx, tok.Raw, src), nil
}
