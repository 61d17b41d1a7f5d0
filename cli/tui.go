package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/textsafe"
	"github.com/tokenbench/tokenbench/ui"
	"github.com/tokenbench/tokenbench/ui/common"
)

type tuiConfig struct {
	demo *dinterotest.Server
}

// clearAfterEnv overrides how long a copied secret stays on the clipboard
// (seconds; 0 keeps it).
const clearAfterEnv = "TOKENBENCH_CLIPBOARD_CLEAR"

func (app *App) runTUI(_ context.Context, cfg tuiConfig) error {
	ctx := common.NewContext()
	clip := &rememberingClipboard{Clipboard: ui.NewClipboard()}
	ctx.Clipboard = clip
	ctx.Version = Version
	if v := os.Getenv(clearAfterEnv); v != "" {
		secs, err := strconv.Atoi(v)
		if err != nil || secs < 0 {
			return &usageError{err: fmt.Errorf("%s must be a whole number of seconds, got %q", clearAfterEnv, textsafe.Sanitize(v))}
		}
		ctx.ClearAfter = time.Duration(secs) * time.Second
	}
	if cfg.demo == nil {
		st, err := app.store()
		if err != nil {
			return err
		}
		ctx.Store, ctx.Secrets = st, app.secrets()
	}
	if srv := cfg.demo; srv != nil {
		ctx.DefaultBaseURL = srv.URL
		ctx.Connections = demoConnections(srv.URL, srv.OIDCAuthorizeURL())
		ctx.Outbox = demoOutbox(srv)
	}
	// A closed terminal (SIGHUP) or ctrl+\ (SIGQUIT) clears the clipboard
	// too, as q, ctrl+c and SIGTERM do.
	hung, stop := onHangup(func() {
		if ctx.ClearAfter > 0 {
			clip.clear()
		}
	})
	// An OIDC browser login opens the browser as the CLI does.
	ctx.OpenURL = app.openBrowser
	err := ui.Run(ctx)
	stop()
	if c := hung(); c != 0 {
		return &exitError{code: c, err: errors.New("the terminal hung up or the program was told to quit; the clipboard was cleared")}
	}
	if errors.Is(err, ui.ErrInterrupted) {
		// ctrl+c: "cancelled" and exit 130, as everywhere else.
		return errInterrupted
	}
	return err
}

// demoConnections are the demo's ready-made requests.
func demoConnections(base, authorizeURL string) []common.Connection {
	d := dinterotest.DemoAccount
	cc := flows.Request{Account: d, Grant: client.GrantClientCredentials, ClientID: dinterotest.DemoClientID, ClientSecret: dinterotest.DemoSecret}
	pw := func(user string) flows.Request {
		r := cc
		r.Grant, r.Username, r.Password = client.GrantPassword, user, dinterotest.DemoPassword
		return r
	}
	prod := cc
	prod.Account = dinterotest.DemoProdAccount
	code := cc
	code.Grant, code.IdentType, code.Ident = client.GrantAuthorizationCode, flows.IdentUserID, dinterotest.UserIDOf(dinterotest.DemoUser)
	// The passwordless login by e-mail (a code to the demo outbox, ctrl+w
	// sends it by SMS instead), and the OIDC browser login on the fake's
	// identity provider page.
	customer := cc
	customer.Grant, customer.IdentType, customer.Ident, customer.Connection = client.GrantAuthorizationCode, flows.IdentEmail, dinterotest.DemoCustomer, client.ConnectionEmail
	oidc := cc
	oidc.Grant, oidc.AuthorizeURL = client.GrantOIDC, authorizeURL
	partner := flows.Request{Account: dinterotest.DemoMerchant, Partner: dinterotest.DemoPartner, Grant: client.GrantClientCredentials,
		ClientID: dinterotest.DemoPartnerClient, ClientSecret: dinterotest.DemoPartnerSecret}
	lost := pw(dinterotest.DemoLostDeviceUser)
	// The integration whose grants are wrong (§11): its token request
	// fails, and `doctor --client demo-pos` says why.
	pos := flows.Request{Account: d, Grant: client.GrantClientCredentials, ClientID: dinterotest.DemoPOSClient, ClientSecret: dinterotest.DemoPOSSecret}
	// Demo tokens live 2 minutes: the connections that can get a new
	// token without the user auto-refresh 30 s before expiry, so auto-refresh
	// shows on home ("auto-refresh in …", then "auto-refreshed at …").
	// The recovery cannot, and does not.
	return []common.Connection{
		{Name: "Demo API client", Description: "client_credentials with HTTP Basic; auto-refreshes 30 s before expiry", BaseURL: base, Request: cc, Channel: client.ChannelSMS, AutoRefresh: true},
		{Name: "Support user, no MFA", Description: "password grant with a refresh token: X on its token revokes it", BaseURL: base, Request: pw(dinterotest.DemoUser), Channel: client.ChannelSMS, AutoRefresh: true},
		{Name: "MFA user", Description: "password + mfa_required; u diagnoses the user (SMS changed 2 h ago)", BaseURL: base, Request: pw(dinterotest.DemoMFAUser), Channel: client.ChannelSMS, AutoRefresh: true},
		{Name: "Production-looking account", Description: "client_credentials on a P account, to see how production is marked", BaseURL: base, Request: prod, Channel: client.ChannelSMS, AutoRefresh: true},
		{Name: "Code issued for a user", Description: "passwordless authorization_code: a code issued for the support user", BaseURL: base, Request: code, Channel: client.ChannelSMS, AutoRefresh: true},
		{Name: "Passwordless customer (e-mail)", Description: "passwordless: a code by e-mail (see the outbox); ctrl+w: by SMS", BaseURL: base, Request: customer, Channel: client.ChannelSMS, AutoRefresh: true},
		{Name: "OIDC login (fake identity provider)", Description: "oidc: sign in on the fake provider's page in the browser, then a token", BaseURL: base, Request: oidc, Channel: client.ChannelSMS},
		{Name: "Partner " + dinterotest.DemoPartner + " → merchant " + dinterotest.DemoMerchant, Description: "partner token → exchange_token → client_credentials on the merchant", BaseURL: base, Request: partner, Channel: client.ChannelSMS, AutoRefresh: true},
		{Name: "Lost device (MFA recovery)", Description: "lost phone: enter, then L on the MFA screen runs the two-code recovery", BaseURL: base, Request: lost, Channel: client.ChannelSMS},
		{Name: "POS integration (fails: grants)", Description: "no grant for this audience: u on its error screen says why", BaseURL: base, Request: pos, Channel: client.ChannelSMS},
	}
}

// rememberingClipboard keeps the last text the workbench copied, so that a
// hangup, which ends the program outside Bubble Tea, can clear it.
type rememberingClipboard struct {
	common.Clipboard
	mu   sync.Mutex
	last string
}

func (c *rememberingClipboard) Copy(text string) (string, string, error) {
	via, caveat, err := c.Clipboard.Copy(text)
	if err == nil {
		c.mu.Lock()
		c.last = text
		c.mu.Unlock()
	}
	return via, caveat, err
}

// clear empties every place the last copy went, if it still holds it.
func (c *rememberingClipboard) clear() {
	c.mu.Lock()
	text := c.last
	c.mu.Unlock()
	if text != "" {
		_, _ = c.Clipboard.ClearIf(text)
	}
}

// demoOutbox is the demo server's outbox for the screens: a user's
// messages, for requests to the demo server's own base URL only.
func demoOutbox(srv *dinterotest.Server) func(baseURL, username string) []common.OutboxMessage {
	return func(baseURL, username string) []common.OutboxMessage {
		var out []common.OutboxMessage
		for _, m := range srv.OutboxFor(baseURL, username) {
			out = append(out, common.OutboxMessage{At: m.At, Channel: m.Channel, To: m.To, Text: m.Text})
		}
		return out
	}
}
