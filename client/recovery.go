package client

import (
	"context"

	"github.com/tokenbench/tokenbench/textsafe"
)

// RecoveryRequest starts an MFA recovery (§4) for a user who lost the
// device of their second factor.
type RecoveryRequest struct {
	Username string
	Audience string
	// Channel is where the first code goes (default sms); the second code
	// of the recovery goes to the other channel.
	Channel Channel
}

// RecoveryResponse is the answer to a recovery: the first challenge. Both
// OOBCode and MFAToken are secrets of the flow.
type RecoveryResponse struct {
	ChallengeType string
	BindingMethod string
	OOBCode       string
	MFAToken      string
}

// Recovery asks the server to start an MFA recovery: it sends a first
// binding code over req.Channel. auth is a Bearer with admin:accounts,
// write:accounts or write:accounts:/auth/mfa.
func (c *Client) Recovery(ctx context.Context, accountID string, auth Auth, req RecoveryRequest) (*RecoveryResponse, error) {
	if !IsAccountID(accountID) {
		return nil, invalidf("MFA recovery needs an account id (P or T followed by 8 digits), not %q", textsafe.Sanitize(accountID))
	}
	if req.Channel == "" {
		req.Channel = ChannelSMS
	}
	body := map[string]string{"challenge_type": "oob", "username": req.Username, "audience": req.Audience, "oob_channel": string(req.Channel)}
	res, err := c.post(ctx, "mfa recovery", "/accounts/"+accountID+"/auth/mfa/recovery", auth, body)
	if err != nil {
		return nil, err
	}
	fields, ok := decodeObject(res.body)
	if !ok {
		return nil, res.protocolError("body is not JSON")
	}
	oob, mfa := stringField(fields, "oob_code"), stringField(fields, "mfa_token")
	if oob == "" || mfa == "" {
		return nil, res.protocolError("the recovery answer lacks oob_code or mfa_token")
	}
	return &RecoveryResponse{ChallengeType: res.scrub(stringField(fields, "challenge_type")), BindingMethod: res.scrub(stringField(fields, "binding_method")), OOBCode: oob, MFAToken: mfa}, nil
}
