package client

import (
	"context"
	"encoding/json"
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
		return nil, invalidf("MFA recovery needs an account id (P or T followed by 8 digits), not %q", Sanitize(accountID))
	}
	if req.Channel == "" {
		req.Channel = ChannelSMS
	}
	body := map[string]string{"challenge_type": "oob", "username": req.Username, "audience": req.Audience, "oob_channel": string(req.Channel)}
	res, err := c.post(ctx, "mfa recovery", "/accounts/"+accountID+"/auth/mfa/recovery", auth, body)
	if err != nil {
		return nil, err
	}
	var out struct {
		ChallengeType string `json:"challenge_type"`
		BindingMethod string `json:"binding_method"`
		OOBCode       string `json:"oob_code"`
		MFAToken      string `json:"mfa_token"`
	}
	if err := json.Unmarshal(res.body, &out); err != nil {
		return nil, res.protocolError("body is not JSON")
	}
	if out.OOBCode == "" || out.MFAToken == "" {
		return nil, res.protocolError("the recovery answer lacks oob_code or mfa_token")
	}
	return &RecoveryResponse{ChallengeType: Sanitize(out.ChallengeType), BindingMethod: Sanitize(out.BindingMethod), OOBCode: out.OOBCode, MFAToken: out.MFAToken}, nil
}
