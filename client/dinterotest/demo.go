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
)

// DemoConfig is the data `tokenbench demo` serves: a client for
// client_credentials and as Bearer, a user without MFA, a user with MFA, and
// a test and a production-looking account.
func DemoConfig(tokenTTL time.Duration) Config {
	userScopes := []string{"read:accounts", "read:checkout", "write:checkout"}
	return Config{
		Accounts: []string{DemoAccount, DemoProdAccount},
		Clients: []APIClient{
			{ID: DemoClientID, Secret: DemoSecret, Scopes: []string{ScopeAuthUsers, ScopeCreateRefreshTk, "read:accounts", "read:checkout"}},
			{ID: DemoLimitedClientID, Secret: DemoLimitedSecret, Scopes: []string{"read:accounts"}},
		},
		Users: []User{
			{Username: DemoUser, Password: DemoPassword, Phone: "+47 900 00 001", Email: DemoUser, Scopes: userScopes},
			{Username: DemoMFAUser, Password: DemoPassword, MFA: true, Phone: "+47 900 00 002", Email: DemoMFAUser, Scopes: userScopes},
		},
		TokenTTL: tokenTTL,
	}
}
