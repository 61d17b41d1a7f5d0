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
	// API clients with the grant mistakes a support engineer meets (§11):
	// `tokenbench doctor --client ID` explains each.
	//
	// DemoPOSClient's grants are for the production account and a
	// mistyped test account; its grant for T11223344 was deleted: its
	// token requests there fail with "audience must be a grant associated
	// with the client".
	DemoPOSClient = "demo-pos"
	DemoPOSSecret = "demo-pos-secret"
	// DemoWebshopClient's grant lacks create:accounts:auth:refresh_token:
	// its password logins return no refresh token.
	DemoWebshopClient = "demo-webshop"
	DemoWebshopSecret = "demo-webshop-secret"
	// DemoBackofficeClient's only grant is of type password: its
	// client_credentials requests are refused.
	DemoBackofficeClient = "demo-backoffice"
	DemoBackofficeSecret = "demo-backoffice-secret"
	// DemoKioskClient's grant has write:accounts:/auth/users/no-mfa: its
	// logins skip MFA.
	DemoKioskClient = "demo-kiosk"
	DemoKioskSecret = "demo-kiosk-secret"
	// DemoRetiredClient was deleted ten days before the demo started.
	DemoRetiredClient = "demo-retired"
	DemoRetiredSecret = "demo-retired-secret"
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
func DemoConfig(tokenTTL time.Duration) Config { return DemoConfigAt(tokenTTL, time.Now()) }

// DemoConfigAt is DemoConfig with its history (activity, factor changes,
// grants) dated back from now: a test on a fixed clock sees "2h ago".
func DemoConfigAt(tokenTTL time.Duration, now time.Time) Config {
	userScopes := []string{"read:accounts", "read:checkout", "write:checkout"}
	// The demo's users belong to the test and the production-looking
	// account; each merchant has users of its own.
	home := []string{DemoAccount, DemoProdAccount}
	at := func(ago time.Duration) time.Time { return now.Add(-ago).Truncate(time.Second) }
	return Config{
		Accounts: []string{DemoAccount, DemoProdAccount, DemoPartner, DemoMerchant, DemoMerchant2},
		Clients: []APIClient{
			{ID: DemoClientID, Secret: DemoSecret, Scopes: []string{ScopeAuthUsers, ScopeAuthMFA, ScopePasswordless, ScopeCreateRefreshTk, "read:accounts", "read:checkout"}},
			{ID: DemoLimitedClientID, Secret: DemoLimitedSecret, Scopes: []string{"read:accounts"}},
			{ID: DemoPartnerClient, Secret: DemoPartnerSecret, Scopes: []string{"read:accounts", "read:checkout", "write:checkout"}},
			{ID: DemoPOSClient, Secret: DemoPOSSecret, Scopes: []string{"read:checkout", "write:checkout"}},
			{ID: DemoWebshopClient, Secret: DemoWebshopSecret, Scopes: []string{ScopeAuthUsers, "read:accounts", "read:checkout"}},
			{ID: DemoBackofficeClient, Secret: DemoBackofficeSecret, Scopes: []string{ScopeAuthUsers, ScopeCreateRefreshTk, "read:accounts"}},
			{ID: DemoKioskClient, Secret: DemoKioskSecret, Scopes: []string{ScopeAuthUsersNoMFA, "read:accounts", "read:checkout"}},
			{ID: DemoRetiredClient, Secret: DemoRetiredSecret, Scopes: []string{ScopeAuthUsers, "read:accounts"}},
		},
		ClientProfiles: demoClientProfiles(at, home),
		Grants:         demoGrants(at),
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

func demoClientProfiles(at func(time.Duration) time.Time, home []string) map[string]ClientProfile {
	day := 24 * time.Hour
	return map[string]ClientProfile{
		DemoClientID: {Name: "Support workbench", Description: "the demo's healthy client", CreatedAt: at(400 * day), Accounts: home},
		DemoLimitedClientID: {Name: "Reporting (read-only)", Description: "reads the account; no scope for the token endpoint",
			CreatedAt: at(300 * day), Accounts: home},
		DemoPOSClient: {Name: "POS integration", Description: "in-store terminals", Callbacks: []string{"https://pos.example.com/dintero/callback"},
			CreatedAt: at(90 * day), UpdatedAt: at(3 * day), Accounts: home},
		DemoWebshopClient:    {Name: "Webshop backend", Description: "logs in shop staff with the password grant", CreatedAt: at(200 * day), Accounts: home},
		DemoBackofficeClient: {Name: "Backoffice login", Description: "password logins for the backoffice", CreatedAt: at(150 * day), Accounts: home},
		DemoKioskClient:      {Name: "Legacy kiosk", Description: "shared kiosk logins", CreatedAt: at(700 * day), Accounts: home},
		DemoRetiredClient: {Name: "Old integration", Description: "replaced by the POS integration", CreatedAt: at(800 * day),
			UpdatedAt: at(10 * day), DeletedAt: at(10 * day), Accounts: home},
	}
}

// demoGrants are the demo clients' grants; every mistake of §11 is in
// them once.
func demoGrants(at func(time.Duration) time.Time) []ClientGrant {
	day := 24 * time.Hour
	test, prod := DefaultAudience(DemoAccount), DefaultAudience(DemoProdAccount)
	support := []string{ScopeAuthUsers, ScopeAuthMFA, ScopePasswordless, ScopeCreateRefreshTk, ScopeReadAccounts, "read:checkout"}
	checkout := []string{"read:checkout", "write:checkout"}
	return []ClientGrant{
		{ID: "grant-support-test", Client: DemoClientID, Audience: test, Type: GrantTypeAny, Scopes: support, CreatedAt: at(400 * day)},
		{ID: "grant-support-prod", Client: DemoClientID, Audience: prod, Type: GrantTypeAny, Scopes: support, CreatedAt: at(400 * day)},
		{ID: "grant-reporting-test", Client: DemoLimitedClientID, Audience: test, Scopes: []string{ScopeReadAccounts}, CreatedAt: at(300 * day)},
		{ID: "grant-reporting-prod", Client: DemoLimitedClientID, Audience: prod, Scopes: []string{ScopeReadAccounts}, CreatedAt: at(300 * day)},
		// The POS client: production, a test account mistyped (T11223345),
		// and the right one deleted three days ago.
		{ID: "grant-pos-prod", Client: DemoPOSClient, Audience: prod, Type: "client_credentials", Scopes: checkout, CreatedAt: at(90 * day)},
		{ID: "grant-pos-typo", Client: DemoPOSClient, Audience: DefaultAudience("T11223345"), Type: "client_credentials", Scopes: checkout, CreatedAt: at(3 * day)},
		{ID: "grant-pos-test", Client: DemoPOSClient, Audience: test, Type: "client_credentials", Scopes: checkout, CreatedAt: at(90 * day), DeletedAt: at(3 * day)},
		{ID: "grant-webshop-test", Client: DemoWebshopClient, Audience: test, Type: GrantTypeAny,
			Scopes: []string{ScopeAuthUsers, ScopeReadAccounts, "read:checkout"}, CreatedAt: at(200 * day)},
		{ID: "grant-backoffice-test", Client: DemoBackofficeClient, Audience: test, Type: "password",
			Scopes: []string{ScopeAuthUsers, ScopeCreateRefreshTk, ScopeReadAccounts}, CreatedAt: at(150 * day)},
		{ID: "grant-kiosk-test", Client: DemoKioskClient, Audience: test, Type: GrantTypeAny,
			Scopes: []string{ScopeAuthUsersNoMFA, ScopeReadAccounts, "read:checkout"}, CreatedAt: at(700 * day)},
		{ID: "grant-retired-test", Client: DemoRetiredClient, Audience: test, Type: GrantTypeAny,
			Scopes: []string{ScopeAuthUsers, ScopeReadAccounts}, CreatedAt: at(800 * day), DeletedAt: at(10 * day)},
	}
}

// UserIDOf is the management API's id of a demo user: a passwordless code
// can be issued for it (§1a).
func UserIDOf(username string) string {
	u := User{Username: username}
	return u.profile().ID
}
