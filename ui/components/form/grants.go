package form

import (
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/ui/components/menu"
)

// grantInfo explains a grant to someone who does not know the API.
type grantInfo struct {
	grant client.Grant
	title string
	needs string
}

var grantInfos = []grantInfo{
	{client.GrantClientCredentials, "client_credentials", "Basic auth with client id + secret. The API client's own token."},
	{client.GrantPassword, "password", "Bearer (client token) + a user's username and password. May ask for MFA."},
	{client.GrantAuthorizationCode, "authorization_code", "passwordless: a code by e-mail or SMS, or issued for a user id."},
	{client.GrantAccountUserToken, "account_user_token", "Bearer = an account user's JWT, or an ID token with an email claim."},
	{client.GrantRefreshToken, "refresh_token", "Bearer (client that made it) + a refresh token from password/code."},
	{client.GrantMFAOOB, "mfa-oob", "Finish an MFA challenge: mfa_token + oob_code + the code received."},
	{client.GrantOIDC, "oidc", "OIDC: a code from the account's identity provider (browser login)."},
}

func grantItems() []menu.Item {
	var items []menu.Item
	for _, g := range grantInfos {
		items = append(items, menu.Item{Title: g.title, Desc: g.needs})
	}
	return items
}

// ChooserFor is the grant chooser: for a request it ends with the MFA
// recovery, which is no profile grant.
func ChooserFor(forProfile bool) menu.Model {
	items := grantItems()
	if !forProfile {
		items = append(items, grantChooserRecovery)
	}
	return menu.New(items...)
}

// grantChooserRecovery is the chooser's line after the grants.
var grantChooserRecovery = menu.Item{Title: "Recover MFA (lost device)", Desc: "For a user who lost their phone: two codes on two channels, then a token.", Apart: true}

// Grants is how many grants the chooser offers, before its other lines.
func Grants() int { return len(grantInfos) }

// GrantAt is the chooser's i-th grant; ok is false past the grants.
func GrantAt(i int) (g client.Grant, ok bool) {
	if i < 0 || i >= len(grantInfos) {
		return "", false
	}
	return grantInfos[i].grant, true
}
