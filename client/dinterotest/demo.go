package dinterotest

import "time"

// The demo's accounts and credentials. They exist only inside the fake
// server; printing them is the point of a demo.
const (
	DemoAccount     = "T11223344"
	DemoProdAccount = "P99887766"
	DemoClientID    = "demo-client"
	DemoSecret      = "demo-client-secret"
	// DemoLimitedClientID has no scope for the token endpoint and none for
	// refresh tokens: the demo's way to show both refusals.
	DemoLimitedClientID = "demo-readonly"
	DemoLimitedSecret   = "demo-readonly-secret"
	DemoUser            = "support@example.com"
	DemoMFAUser         = "mfa@example.com"
	DemoPassword        = "demo-password"
	DemoAuthCode        = "demo-auth-code"
	DemoRedirectURI     = "http://localhost:8080/callback"
	// DemoLostDeviceUser has MFA and "lost their phone": the demo's case for
	// an MFA recovery (a code by SMS, then one by e-mail, or the other way).
	DemoLostDeviceUser = "lost-device@example.com"
	// The demo partner T112 with two merchants, and its API client.
	DemoPartner       = "T11200000"
	DemoMerchant      = "T11200001"
	DemoMerchant2     = "T11200002"
	DemoPartnerClient = "demo-partner"
	DemoPartnerSecret = "demo-partner-secret"
)

// DemoConfig is the data `tokenbench demo` serves: a client for
// client_credentials and as Bearer, a user without MFA, a user with MFA, a
// user who lost their MFA device, a test and a production-looking account,
// and a partner with two merchants.
func DemoConfig(tokenTTL time.Duration) Config {
	userScopes := []string{"read:accounts", "read:checkout", "write:checkout"}
	return Config{
		Accounts: []string{DemoAccount, DemoProdAccount, DemoPartner, DemoMerchant, DemoMerchant2},
		Clients: []APIClient{
			{ID: DemoClientID, Secret: DemoSecret, Scopes: []string{ScopeAuthUsers, ScopeAuthMFA, ScopeCreateRefreshTk, "read:accounts", "read:checkout"}},
			{ID: DemoLimitedClientID, Secret: DemoLimitedSecret, Scopes: []string{"read:accounts"}},
			{ID: DemoPartnerClient, Secret: DemoPartnerSecret, Scopes: []string{"read:accounts", "read:checkout", "write:checkout"}},
		},
		Users: []User{
			{Username: DemoUser, Password: DemoPassword, Phone: "+47 900 00 001", Email: DemoUser, Scopes: userScopes},
			{Username: DemoMFAUser, Password: DemoPassword, MFA: true, Phone: "+47 900 00 002", Email: DemoMFAUser, Scopes: userScopes},
			{Username: DemoLostDeviceUser, Password: DemoPassword, MFA: true, Phone: "+47 900 00 003", Email: DemoLostDeviceUser, Scopes: userScopes},
		},
		Partners: []Partner{{ID: DemoPartner, Merchants: []string{DemoMerchant, DemoMerchant2}}},
		TokenTTL: tokenTTL,
	}
}
