package flows

import (
	"context"
	"fmt"

	"github.com/tokenbench/tokenbench/client"
)

// PartnerAccess says how a merchant token was obtained through a partner
// (§8), for a header ("partner T112 → merchant T11200001") and for output
// that names the audience sent.
type PartnerAccess struct {
	Partner  string // T11200000
	Merchant string // T11200001
	// Audience is the audience sent in step 3 (the merchant's by default;
	// Dintero's two pages disagree, so it stays editable).
	Audience string
}

// Label is the one line a header or a grant line shows.
func (p PartnerAccess) Label() string {
	return fmt.Sprintf("partner %s → merchant %s", client.PartnerShort(p.Partner), p.Merchant)
}

// PartnerSteps is how many requests partner access takes.
const PartnerSteps = 3

// checkPartner lists what is wrong with a partner request.
func (r Request) checkPartner() []Problem {
	if r.Partner == "" {
		return nil
	}
	var out []Problem
	if err := client.ValidatePartnerID(r.Partner); err != nil {
		out = append(out, Problem{"partner", err.Error()})
	}
	if r.Grant != client.GrantClientCredentials {
		out = append(out, Problem{"grant", fmt.Sprintf("partner access runs client_credentials with the partner's client, not %s", r.Grant)})
	}
	if r.Account != "" && !client.IsAccountID(r.Account) {
		out = append(out, Problem{"account", "with --partner, the account is the merchant's: P or T followed by 8 digits"})
	}
	if r.Account != "" && r.Account == r.Partner {
		out = append(out, Problem{"account", "the merchant account must differ from the partner account"})
	}
	return out
}

// PartnerToken is step 1 of partner access: client_credentials with Basic
// on the partner account.
func (rn *Runner) PartnerToken(ctx context.Context, req Request) (*client.TokenResponse, error) {
	req = req.Normalized()
	res, err := rn.Client.Token(ctx, req.Partner, client.BasicAuth{ClientID: req.ClientID, ClientSecret: req.ClientSecret},
		client.TokenRequest{Grant: client.GrantClientCredentials, Audience: client.DefaultAudience(req.Partner), Extra: req.Extra})
	if err != nil {
		return nil, fmt.Errorf("partner access, step 1 of 3 (partner token for %s): %w", req.Partner, err)
	}
	return res, nil
}

// ExchangeToken is step 2: the partner token buys an exchange token for
// the merchant account.
func (rn *Runner) ExchangeToken(ctx context.Context, req Request, partnerToken string) (*client.TokenResponse, error) {
	req = req.Normalized()
	res, err := rn.Client.ExchangeToken(ctx, req.Partner, client.BearerAuth{Token: partnerToken}, req.Account)
	if err != nil {
		return nil, fmt.Errorf("partner access, step 2 of 3 (exchange_token for %s): %w", req.Account, err)
	}
	return res, nil
}

// MerchantToken is step 3: client_credentials on the merchant's token
// endpoint with the exchange token as Bearer and req.Audience.
func (rn *Runner) MerchantToken(ctx context.Context, req Request, exchangeToken string) (*Result, error) {
	req = req.Normalized()
	auth := client.BearerAuth{Token: exchangeToken}
	res, err := rn.Client.Token(ctx, req.Account, auth, client.TokenRequest{Grant: client.GrantClientCredentials, Audience: req.Audience, Extra: req.Extra})
	if err != nil {
		return nil, fmt.Errorf("partner access, step 3 of 3 (merchant token for %s): %w", req.Account, err)
	}
	r := newResult(req, res, auth, false, false)
	r.Partner = &PartnerAccess{Partner: req.Partner, Merchant: req.Account, Audience: req.Audience}
	return r, nil
}

// RunPartner runs the three steps of partner access.
func (rn *Runner) RunPartner(ctx context.Context, req Request) (*Result, error) {
	req = req.Normalized()
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if req.Partner == "" {
		return nil, fmt.Errorf("%w: partner access needs a partner id", client.ErrInvalidInput)
	}
	pt, err := rn.PartnerToken(ctx, req)
	if err != nil {
		return nil, err
	}
	ex, err := rn.ExchangeToken(ctx, req, pt.AccessToken)
	if err != nil {
		return nil, err
	}
	return rn.MerchantToken(ctx, req, ex.AccessToken)
}
