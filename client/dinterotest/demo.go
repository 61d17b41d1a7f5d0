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
	// DemoCustomer is a customer for the passwordless login (§1a): codes by
	// e-mail or SMS land in the outbox.
	DemoCustomer = "customer@example.com"
	// DemoCompany is a company customer (--customer-type company).
	DemoCompany = "buyer@company.example"
	// DemoExternalUser signs in through an outside identity provider: the
	// password grant fails for it, and the doctor says why.
	DemoExternalUser = "sso@example.com"
	// DemoDeletedUser was deleted two days before the demo started.
	DemoDeletedUser = "gone@example.com"
	// DemoLostDeviceUser has MFA and "lost their phone": the demo's case for
	// an MFA recovery (a code by SMS, then one by e-mail, or the other way).
	DemoLostDeviceUser = "lost-device@example.com"
	// The demo partner T112 with two merchants, and its API client.
	DemoPartner       = "T11200000"
	DemoMerchant      = "T11200001"
	DemoMerchant2     = "T11200002"
	DemoPartnerClient = "demo-partner"
	DemoPartnerSecret = "demo-partner-secret"
	// The merchants' own users: each merchant's management API lists its
	// own, not T11223344's.
	DemoMerchantUser  = "shop@example.com"
	DemoMerchant2User = "kiosk@example.com"
)

// DemoConfig is the data `tokenbench demo` serves: a client for
// client_credentials and as Bearer, a user without MFA, a user with MFA, a
// user who lost their MFA device, a test and a production-looking account,
// and a partner with two merchants.
func DemoConfig(tokenTTL time.Duration) Config {
	userScopes := []string{"read:accounts", "read:checkout", "write:checkout"}
	// The demo's users belong to the test and the production-looking
	// account; each merchant has users of its own.
	home := []string{DemoAccount, DemoProdAccount}
	started := time.Now()
	at := func(ago time.Duration) time.Time { return started.Add(-ago).Truncate(time.Second) }
	return Config{
		Accounts: []string{DemoAccount, DemoProdAccount, DemoPartner, DemoMerchant, DemoMerchant2},
		Clients: []APIClient{
			{ID: DemoClientID, Secret: DemoSecret, Scopes: []string{ScopeAuthUsers, ScopeAuthMFA, ScopePasswordless, ScopeCreateRefreshTk, "read:accounts", "read:checkout"}},
			{ID: DemoLimitedClientID, Secret: DemoLimitedSecret, Scopes: []string{"read:accounts"}},
			{ID: DemoPartnerClient, Secret: DemoPartnerSecret, Scopes: []string{"read:accounts", "read:checkout", "write:checkout"}},
		},
		Users: []User{
			{Username: DemoCustomer, Email: DemoCustomer, Phone: "+47 900 00 010", Customer: "customer", Scopes: []string{"read:checkout"}, Accounts: home},
			{Username: DemoCompany, Email: DemoCompany, Phone: "+47 900 00 011", Customer: "company", Scopes: []string{"read:checkout"}, Accounts: home},
			{Username: DemoUser, Password: DemoPassword, Phone: "+47 900 00 001", Email: DemoUser, Scopes: userScopes, Accounts: home},
			{Username: DemoMFAUser, Password: DemoPassword, MFA: true, Phone: "+47 900 00 002", Email: DemoMFAUser, Scopes: userScopes, Accounts: home,
				// The support case the doctor is for: the phone number changed
				// this morning, and the last logins came from three places.
				Account: &AccountProfile{
					Name: "Mia Fa", SMS: Factor{Enabled: true, UpdatedAt: at(2 * time.Hour)},
					LastSeenAt: at(3 * time.Hour), Roles: []Role{{Name: "merchant-admin", Scopes: userScopes}},
					Activities: []Activity{
						demoActivity(at(50*time.Hour), "auth.token", "198.51.100.23", "Mozilla/5.0 (Macintosh) Dintero Backoffice"),
						demoActivity(at(26*time.Hour), "auth.token", "203.0.113.80", "Mozilla/5.0 (iPhone) Dintero Backoffice"),
						demoActivity(at(2*time.Hour), "user.mfa.sms.updated", "203.0.113.80", "Mozilla/5.0 (iPhone) Dintero Backoffice"),
						demoActivity(at(3*time.Hour), "auth.token", "192.0.2.144", "python-requests/2.32"),
					},
				}},
			{Username: DemoExternalUser, Email: DemoExternalUser, Scopes: userScopes, Accounts: home,
				Account: &AccountProfile{Name: "Sam Single-Sign-On", External: true, LastSeenAt: at(20 * time.Hour),
					Activities: []Activity{demoActivity(at(20*time.Hour), "auth.token", "198.51.100.7", "Okta/2026.11")}}},
			{Username: DemoDeletedUser, Password: DemoPassword, Email: DemoDeletedUser, Scopes: userScopes, Accounts: home,
				Account: &AccountProfile{Name: "Gone Away", SMS: Factor{Enabled: true}, DeletedAt: at(48 * time.Hour), LastSeenAt: at(40 * 24 * time.Hour)}},
			{Username: DemoLostDeviceUser, Password: DemoPassword, MFA: true, Phone: "+47 900 00 003", Email: DemoLostDeviceUser, Scopes: userScopes, Accounts: home},
			{Username: DemoMerchantUser, Password: DemoPassword, Email: DemoMerchantUser, Scopes: userScopes, Accounts: []string{DemoMerchant},
				Account: &AccountProfile{Name: "Sofie Shop", TOTP: Factor{Enabled: true, UpdatedAt: at(30 * 24 * time.Hour)}, LastSeenAt: at(5 * time.Hour),
					Roles:      []Role{{Name: "merchant-admin", Scopes: userScopes}},
					Activities: []Activity{demoActivity(at(5*time.Hour), "auth.token", "198.51.100.41", "Mozilla/5.0 (Windows) Dintero Backoffice")}}},
			{Username: DemoMerchant2User, Password: DemoPassword, Email: DemoMerchant2User, Scopes: []string{"read:checkout"}, Accounts: []string{DemoMerchant2},
				Account: &AccountProfile{Name: "Kim Kiosk", LastSeenAt: at(26 * time.Hour)}},
		},
		Partners: []Partner{{ID: DemoPartner, Merchants: []string{DemoMerchant, DemoMerchant2}}},
		TokenTTL: tokenTTL,
	}
}

func demoActivity(at time.Time, action, ip, agent string) Activity {
	return Activity{ID: "act_demo_" + at.Format("0102150405"), CreatedAt: at.UTC(), Action: action, Entity: "user",
		Actor: "user", Context: ActivityContext{IP: ip, UserAgent: agent}}
}

// UserIDOf is the management API's id of a demo user: a passwordless code
// can be issued for it (§1a).
func UserIDOf(username string) string {
	u := User{Username: username}
	return u.profile().ID
}
