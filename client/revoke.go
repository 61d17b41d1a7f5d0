package client

import "context"

// Revoke revokes a refresh token (§7), Dintero's only "log out". auth is a
// Bearer of the client the refresh token was issued to.
func (c *Client) Revoke(ctx context.Context, ownerID string, auth Auth, refreshToken string) error {
	if err := ValidateOwnerID(ownerID); err != nil {
		return err
	}
	if refreshToken == "" {
		return invalidf("no refresh token to revoke")
	}
	_, err := c.post(ctx, "revoke", "/accounts/"+ownerID+"/auth/revoke", auth, map[string]string{"token": refreshToken})
	return err
}
