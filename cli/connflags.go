package cli

import (
	"time"

	"github.com/spf13/pflag"

	"github.com/tokenbench/tokenbench/client"
)

// connFlags are the flags of the commands that act for an API client on
// one account (recover, revoke, doctor): where to connect, as whom, and
// what to record. No secret is a flag; the help names where each comes
// from.
type connFlags struct {
	baseURL, account           string
	clientID, clientSecretFile string
	bearerFile, caFile         string
	timeout                    time.Duration
	verbose                    bool
	harFile                    string
	force                      bool
}

// bind registers the flags; bearerHelp says what the Bearer is for.
func (c *connFlags) bind(f *pflag.FlagSet, accountHelp, bearerHelp string) {
	f.StringVar(&c.baseURL, "base-url", client.DefaultBaseURL, "API base URL")
	f.StringVar(&c.account, "account", "", accountHelp)
	f.StringVar(&c.clientID, "client-id", "", "API client id (secret from $TOKENBENCH_CLIENT_SECRET)")
	f.StringVar(&c.clientSecretFile, "client-secret-file", "", "read the client secret from FILE, or - for stdin")
	f.StringVar(&c.bearerFile, "bearer-file", "", bearerHelp)
	f.StringVar(&c.caFile, "ca-file", "", "PEM file of private CAs to trust")
	f.DurationVar(&c.timeout, "timeout", 30*time.Second, "deadline for each request")
	f.BoolVarP(&c.verbose, "verbose", "v", false, "print each HTTP exchange, secrets redacted, to stderr")
	f.StringVar(&c.harFile, "har", "", "write the session's exchanges, redacted, to FILE as HAR 1.2 (for a ticket)")
}
