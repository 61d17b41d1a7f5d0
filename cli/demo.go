package cli

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/textsafe"
)

func newDemoCmd(app *App) *cobra.Command {
	var (
		serve bool
		addr  string
		ttl   time.Duration
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Open the workbench on a built-in fake Dintero server (no credentials needed)",
		Long: `Start a fake Dintero auth server on loopback inside the process and open the
workbench on its demo connections:

` + demoConnectionList() + `
Nothing leaves this machine; binding codes appear on the MFA screen instead
of by SMS.

With --serve, only the server runs: it prints its base URL, the demo
credentials and how to use its fault switch (POST /_fake/fault makes every
endpoint misbehave, e.g. a 429), and runs until interrupted, for trying the
CLI against it.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkDemoAddr(addr); err != nil {
				return err
			}
			if ttl <= 0 {
				return &usageError{fmt.Errorf("--token-ttl must be positive (got %s): tokens that are born expired show nothing", ttl)}
			}
			cfg := dinterotest.DemoConfig(ttl)
			cfg.Addr = addr
			if serve {
				cfg.OnMessage = func(m dinterotest.Message) {
					fmt.Fprintf(app.stdout, "[outbox] %s to %s: %s\n", m.Channel, m.To, m.Text)
				}
			}
			srv, err := dinterotest.NewServer(cfg)
			if err != nil {
				return err
			}
			defer srv.Close()
			if !serve {
				return app.runTUI(cmd.Context(), tuiConfig{demo: srv})
			}
			printDemo(app, srv)
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
			defer signal.Stop(sig)
			select {
			case <-sig:
			case <-cmd.Context().Done():
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&serve, "serve", false, "run only the fake server and print how to use it")
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "loopback address for the fake server")
	cmd.Flags().DurationVar(&ttl, "token-ttl", 2*time.Minute, "lifetime of the tokens it issues")
	return cmd
}

// demoConnectionList is the demo's connections for its help, one a line,
// from their definitions.
func demoConnectionList() string {
	var b strings.Builder
	for _, c := range demoConnections("", "") {
		fmt.Fprintf(&b, "  %s\n      %s\n", c.Name, c.Description)
	}
	return b.String()
}

// checkDemoAddr refuses, as a usage error, an --addr the fake server will
// not listen on: it serves demo secrets, so loopback only.
func checkDemoAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return &usageError{fmt.Errorf("--addr %q is not HOST:PORT", textsafe.Sanitize(addr))}
	}
	// One loopback rule with the client's: localhost only when it
	// resolves to loopback addresses only.
	if err := client.CheckLoopback(host); err != nil {
		return &usageError{fmt.Errorf("--addr %s is not loopback (%v): the fake server listens on 127.0.0.1, ::1 or localhost only", textsafe.Sanitize(addr), err)}
	}
	return nil
}

func printDemo(app *App, srv *dinterotest.Server) {
	w := app.stdout
	fmt.Fprintf(w, "Fake Dintero auth server (demo data only) listening.\n\n")
	fmt.Fprintf(w, "  base URL      %s\n", srv.URL)
	fmt.Fprintf(w, "  accounts      %s (test), %s (production-looking)\n", dinterotest.DemoAccount, dinterotest.DemoProdAccount)
	fmt.Fprintf(w, "  API client    %s / %s\n", dinterotest.DemoClientID, dinterotest.DemoSecret)
	fmt.Fprintf(w, "  users         %s (no MFA), %s (MFA), password %s\n", dinterotest.DemoUser, dinterotest.DemoMFAUser, dinterotest.DemoPassword)
	fmt.Fprintf(w, "  lost device   %s (MFA, for recover)\n", dinterotest.DemoLostDeviceUser)
	fmt.Fprintf(w, "  to diagnose   %s (SMS changed 2 h ago), %s (external identity provider), %s (deleted)\n",
		dinterotest.DemoMFAUser, dinterotest.DemoExternalUser, dinterotest.DemoDeletedUser)
	fmt.Fprintf(w, "  partner       %s (partner %s) with merchants %s (user %s), %s (user %s); client %s / %s\n", dinterotest.DemoPartner, client.PartnerShort(dinterotest.DemoPartner),
		dinterotest.DemoMerchant, dinterotest.DemoMerchantUser, dinterotest.DemoMerchant2, dinterotest.DemoMerchant2User, dinterotest.DemoPartnerClient, dinterotest.DemoPartnerSecret)
	fmt.Fprintf(w, "  API clients   with grant mistakes, for doctor --client: %s / %s (no grant for %s), %s / %s (no refresh scope),\n",
		dinterotest.DemoPOSClient, dinterotest.DemoPOSSecret, dinterotest.DemoAccount, dinterotest.DemoWebshopClient, dinterotest.DemoWebshopSecret)
	fmt.Fprintf(w, "                %s / %s (password grants only), %s / %s (skips MFA), %s (deleted)\n",
		dinterotest.DemoBackofficeClient, dinterotest.DemoBackofficeSecret, dinterotest.DemoKioskClient, dinterotest.DemoKioskSecret, dinterotest.DemoRetiredClient)
	fmt.Fprintf(w, "  passwordless  customers %s, %s (company); a code for user %s is id %s\n", dinterotest.DemoCustomer, dinterotest.DemoCompany,
		dinterotest.DemoUser, dinterotest.UserIDOf(dinterotest.DemoUser))
	fmt.Fprintf(w, "  OIDC provider %s (the fake's login page)\n", srv.OIDCAuthorizeURL())
	fmt.Fprintf(w, "  keys          %s (Bearer with read:accounts)\n", srv.KeysURL(dinterotest.DemoAccount))
	root := srv.URL[:len(srv.URL)-len("/v1")]
	fmt.Fprintf(w, "  outbox        %s\n", root+"/_fake/outbox")
	fmt.Fprintf(w, "  fault switch  makes every API endpoint misbehave until cleared (or for Times requests):\n")
	fmt.Fprintf(w, "                curl -X POST %s/_fake/fault -d '{\"Status\":429,\"RetryAfter\":30}'\n", root)
	fmt.Fprintf(w, "                curl -X DELETE %s/_fake/fault\n", root)
	fmt.Fprintf(w, "                fields: Status (with Message, RetryAfter), Times, Latency (ns), Hang, HTML, Truncated, WrongContentType\n\n")
	fmt.Fprintf(w, "Try:\n  TOKENBENCH_CLIENT_SECRET=%s tokenbench token --base-url %s --account %s --client-id %s\n",
		dinterotest.DemoSecret, srv.URL, dinterotest.DemoAccount, dinterotest.DemoClientID)
	fmt.Fprintf(w, "  TOKENBENCH_CLIENT_SECRET=%s TOKENBENCH_PASSWORD=%s tokenbench token --base-url %s --account %s --client-id %s --grant password --username %s\n",
		dinterotest.DemoSecret, dinterotest.DemoPassword, srv.URL, dinterotest.DemoAccount, dinterotest.DemoClientID, dinterotest.DemoMFAUser)
	fmt.Fprintf(w, "  TOKENBENCH_CLIENT_SECRET=%s tokenbench token --base-url %s --account %s --client-id %s --grant authorization_code --ident %s\n",
		dinterotest.DemoSecret, srv.URL, dinterotest.DemoAccount, dinterotest.DemoClientID, dinterotest.DemoCustomer)
	fmt.Fprintf(w, "  TOKENBENCH_CLIENT_SECRET=%s tokenbench token --base-url %s --account %s --client-id %s --grant authorization_code --user-id %s\n",
		dinterotest.DemoSecret, srv.URL, dinterotest.DemoAccount, dinterotest.DemoClientID, dinterotest.UserIDOf(dinterotest.DemoUser))
	fmt.Fprintf(w, "  TOKENBENCH_CLIENT_SECRET=%s tokenbench token --base-url %s --account %s --client-id %s --grant oidc --authorize-url %s -o json\n",
		dinterotest.DemoSecret, srv.URL, dinterotest.DemoAccount, dinterotest.DemoClientID, srv.OIDCAuthorizeURL())
	fmt.Fprintf(w, "  TOKENBENCH_CLIENT_SECRET=%s tokenbench recover --base-url %s --account %s --client-id %s --username %s\n",
		dinterotest.DemoSecret, srv.URL, dinterotest.DemoAccount, dinterotest.DemoClientID, dinterotest.DemoLostDeviceUser)
	fmt.Fprintf(w, "  TOKENBENCH_CLIENT_SECRET=%s tokenbench token --base-url %s --partner %s --account %s --client-id %s\n",
		dinterotest.DemoPartnerSecret, srv.URL, dinterotest.DemoPartner, dinterotest.DemoMerchant, dinterotest.DemoPartnerClient)
	fmt.Fprintf(w, "  TOKENBENCH_CLIENT_SECRET=%s tokenbench doctor --base-url %s --account %s --client-id %s --user %s --bundle ticket.zip\n",
		dinterotest.DemoSecret, srv.URL, dinterotest.DemoAccount, dinterotest.DemoClientID, dinterotest.DemoMFAUser)
	fmt.Fprintf(w, "  TOKENBENCH_CLIENT_SECRET=%s tokenbench token --base-url %s --account %s --client-id %s   (fails: its grants)\n",
		dinterotest.DemoPOSSecret, srv.URL, dinterotest.DemoAccount, dinterotest.DemoPOSClient)
	fmt.Fprintf(w, "  TOKENBENCH_CLIENT_SECRET=%s tokenbench doctor --base-url %s --account %s --client-id %s --client %s --bundle pos.zip\n",
		dinterotest.DemoSecret, srv.URL, dinterotest.DemoAccount, dinterotest.DemoClientID, dinterotest.DemoPOSClient)
	fmt.Fprintf(w, "  TOKENBENCH_CLIENT_SECRET=%s tokenbench doctor --base-url %s --partner %s --account %s --client-id %s --user %s\n\n",
		dinterotest.DemoPartnerSecret, srv.URL, dinterotest.DemoPartner, dinterotest.DemoMerchant, dinterotest.DemoPartnerClient, dinterotest.DemoMerchantUser)
	fmt.Fprintf(w, "Binding codes for MFA and passwordless verification codes appear below as [outbox] lines. Ctrl+C stops the server.\n")
}
