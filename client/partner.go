package client

import (
	"context"
	"strings"

	"github.com/tokenbench/tokenbench/textsafe"
)

// IsPartnerID reports whether id is a partner account id as the
// exchange_token endpoint takes it: P or T, three digits, then 00000
// (e.g. T11200000).
func IsPartnerID(id string) bool { return idShape(id, 8) && strings.HasSuffix(id, "00000") }

// ValidatePartnerID checks a partner id for partner access (§8).
func ValidatePartnerID(id string) error {
	if !IsPartnerID(id) {
		return invalidf("partner id %q is not P or T followed by 3 digits and 00000 (e.g. T11200000)", textsafe.Sanitize(id))
	}
	return nil
}

// PartnerShort is the short form a person knows a partner by: T11200000
// is partner T112.
func PartnerShort(id string) string {
	if IsPartnerID(id) {
		return id[:4]
	}
	return id
}

// ExchangeToken gets an exchange token for one of a partner's merchant
// accounts (§8, step 2). auth is the partner's Bearer.
func (c *Client) ExchangeToken(ctx context.Context, partnerID string, auth Auth, accountID string) (*TokenResponse, error) {
	if err := ValidatePartnerID(partnerID); err != nil {
		return nil, err
	}
	if !IsAccountID(accountID) {
		return nil, invalidf("merchant account id %q is not P or T followed by 8 digits", textsafe.Sanitize(accountID))
	}
	res, err := c.post(ctx, "exchange token", "/accounts/"+partnerID+"/auth/exchange_token", auth, map[string]string{"account_id": accountID})
	if err != nil {
		return nil, err
	}
	return decodeTokenResponse(res)
}
