package client

import (
	"context"
	"strings"
)

// The passwordless login (contract §1a) and the OIDC exchange (§1b).

// Passwordless connections: where a verification code is sent.
const (
	ConnectionEmail = "email"
	ConnectionSMS   = "sms"
)

// Customer types a passwordless e-mail must belong to.
const (
	CustomerTypeCustomer = "customer"
	CustomerTypeCompany  = "company"
)

// PasswordlessRequest asks the server to send a verification code.
type PasswordlessRequest struct {
	Audience   string
	ClientID   string
	Connection string // ConnectionEmail or ConnectionSMS
	Email      string
	Type       string // CustomerTypeCustomer (default) or CustomerTypeCompany
	// LoginSessionID resends the code of that login over Connection.
	LoginSessionID string
}

// PasswordlessAnswer is what a send returns.
type PasswordlessAnswer struct {
	// LoginSessionID resends the same code; "" when the server sent none.
	LoginSessionID string
}

// Passwordless sends (or resends) a verification code to a customer.
func (c *Client) Passwordless(ctx context.Context, ownerID string, auth Auth, req PasswordlessRequest) (*PasswordlessAnswer, error) {
	if err := ValidateOwnerID(ownerID); err != nil {
		return nil, err
	}
	body := map[string]string{"audience": req.Audience, "client_id": req.ClientID, "connection": req.Connection, "email": req.Email}
	if req.Type != "" {
		body["type"] = req.Type
	}
	if req.LoginSessionID != "" {
		body["login_session_id"] = req.LoginSessionID
	}
	res, err := c.post(ctx, "passwordless", "/accounts/"+ownerID+"/auth/passwordless", auth, body)
	if err != nil {
		return nil, err
	}
	out := &PasswordlessAnswer{}
	if fields, ok := decodeObject(res.body); ok {
		if id := strings.TrimSpace(stringField(fields, "login_session_id")); headerSafe(id) {
			out.LoginSessionID = id
		}
	}
	return out, nil
}

// PasswordlessCode has the server issue a verification code for a user id
// (it acts as that user: ask first on a production account).
func (c *Client) PasswordlessCode(ctx context.Context, ownerID string, auth Auth, audience, clientID, userID string) (string, error) {
	if err := ValidateOwnerID(ownerID); err != nil {
		return "", err
	}
	body := map[string]string{"audience": audience, "client_id": clientID, "user_id": userID}
	res, err := c.post(ctx, "passwordless code", "/accounts/"+ownerID+"/auth/passwordless/code", auth, body)
	if err != nil {
		return "", err
	}
	fields, ok := decodeObject(res.body)
	if !ok {
		return "", res.protocolError("body is not JSON")
	}
	code := strings.TrimSpace(stringField(fields, "verification_code"))
	if code == "" {
		return "", res.protocolError("no verification_code in the answer")
	}
	if !headerSafe(code) {
		return "", res.protocolError("the verification_code holds characters that cannot be sent back")
	}
	c.redactor.Add(code)
	return code, nil
}

// OIDCRequest exchanges an outside identity provider's code (§1b).
type OIDCRequest struct {
	Code        string
	ClientID    string
	Audience    string
	RedirectURI string
}

// OIDCToken exchanges an identity provider's code for a token at
// auth/oidc/token. The answer's Fields hold user_info.
func (c *Client) OIDCToken(ctx context.Context, ownerID string, auth Auth, req OIDCRequest) (*TokenResponse, error) {
	if err := ValidateOwnerID(ownerID); err != nil {
		return nil, err
	}
	body := map[string]string{"grant_type": "authorization_code", "code": req.Code, "client_id": req.ClientID, "audience": req.Audience}
	if req.RedirectURI != "" {
		body["redirect_uri"] = req.RedirectURI
	}
	res, err := c.post(ctx, "oidc token", "/accounts/"+ownerID+"/auth/oidc/token", auth, body)
	if err != nil {
		return nil, err
	}
	return decodeTokenResponse(res)
}
