package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/textsafe"
)

// recoverOptions are the flags of `tokenbench recover`. No secret is a flag.
type recoverOptions struct {
	connFlags
	audience, username, mfaChannel string
	output, profile, bundleFile    string
	wholeSession                   bool
}

func newRecoverCmd(app *App) *cobra.Command {
	o := &recoverOptions{}
	cmd := &cobra.Command{
		Use:   "recover",
		Short: "MFA recovery for a user who lost their device: two codes over two channels",
		Long: `Run Dintero's MFA recovery for a user who lost the device of their second
factor. The recovery sends a first code on --mfa-channel (sms by default) and,
once that code is confirmed, a second code on the other channel; a token comes
back after the second. stderr says before each code where it went; the codes
are read from the terminal, or from two lines of stdin.

The recovery call needs a Bearer with admin:accounts, write:accounts or
write:accounts:/auth/mfa: the client's own token (client id, and the secret
from $TOKENBENCH_CLIENT_SECRET or --client-secret-file), or $TOKENBENCH_BEARER
or --bearer-file.

Output and exit codes are those of token: 0 ok, 2 usage or invalid input,
3 a code is needed (and how to continue is printed), 4 rejected by the server
(4xx, a 429 names its wait), 5 transport or server failure, 1 other.`,
		Example: `  TOKENBENCH_CLIENT_SECRET=... tokenbench recover --account T11223344 --client-id ID --username user@example.com
  tokenbench recover -p support --username user@example.com --mfa-channel email -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return app.runRecover(cmd.Context(), o, cmd.Flags().Changed)
		},
	}
	f := cmd.Flags()
	o.bind(f, "account id (T/P + 8 digits)", "read the Bearer token from FILE, or - ($TOKENBENCH_BEARER)")
	bindForce(f, &o.force, "--har or --bundle")
	f.StringVar(&o.audience, "audience", "", "audience (default https://api.dintero.com/v1/accounts/<account>)")
	f.StringVar(&o.username, "username", "", "the user who lost their device (their e-mail)")
	f.StringVar(&o.mfaChannel, "mfa-channel", string(client.ChannelSMS), "where the first code goes: sms or email (the second goes to the other)")
	f.StringVarP(&o.output, "output", "o", "token", "output: token, json, header or env")
	f.StringVarP(&o.profile, "profile", "p", "", "take account, client and base URL from a saved profile; flags override")
	f.StringVar(&o.bundleFile, "bundle", "", "write a redacted support bundle (summary.md + session.har) to FILE.zip")
	bindWholeSession(f, &o.wholeSession)
	return cmd
}

// buildRecovery turns a profile, flags, environment and files into a
// recovery request.
func (app *App) buildRecovery(ctx context.Context, o *recoverOptions, changed func(string) bool) (flows.RecoveryRequest, string, *profiles.Profile, error) {
	req := flows.RecoveryRequest{Account: o.account, Audience: o.audience, ClientID: o.clientID, Username: o.username}
	baseURL, channel := o.baseURL, o.mfaChannel
	var prof *profiles.Profile
	if o.profile != "" {
		_, p, err := app.profileNamed(o.profile)
		if err != nil {
			return req, "", nil, err
		}
		prof = &p
		take := func(flag string, dst *string, v string) {
			if !changed(flag) {
				*dst = v
			}
		}
		take("account", &req.Account, p.Account)
		take("audience", &req.Audience, p.Audience)
		take("client-id", &req.ClientID, p.ClientID)
		take("username", &req.Username, p.Username)
		take("base-url", &baseURL, p.BaseURLOrDefault())
		take("mfa-channel", &channel, string(p.Channel()))
	}
	ch, err := client.ParseChannel(channel)
	if err != nil {
		return req, "", nil, err
	}
	req.Channel = ch
	switch o.output {
	case "token", "json", "header", "env":
	default:
		return req, "", nil, &usageError{fmt.Errorf("unknown output %q (token, json, header or env)", textsafe.Sanitize(o.output))}
	}
	e := app.env
	if req.ClientSecret, err = e.secret("client secret", o.clientSecretFile, "TOKENBENCH_CLIENT_SECRET"); err != nil {
		return req, "", nil, err
	}
	if req.Bearer, err = e.secret("Bearer token", o.bearerFile, "TOKENBENCH_BEARER"); err != nil {
		return req, "", nil, err
	}
	if prof != nil {
		// The profile's secret for the Bearer: its client secret, or its Bearer.
		svc, err := app.session()
		if err != nil {
			return req, "", nil, err
		}
		if req.ClientSecret, req.Bearer, err = svc.ClientAuth(ctx, *prof, req.ClientID, req.ClientSecret, req.Bearer, app.askSecret(prof.Name)); err != nil {
			return req, "", nil, err
		}
	}
	req = req.Normalized()
	if err := app.explainProblems(req.Check(), true); err != nil {
		return req, "", nil, err
	}
	return req, baseURL, prof, nil
}

// recordedClient is a client whose exchanges go to -v and --har; done
// writes the HAR, whatever happened. rd knows the secrets of the flow; the
// client, the log and the HAR share it.
func (app *App) recordedClient(baseURL, caFile string, timeout time.Duration, verbose bool, harFile string, force bool, rd *record.Redactor) (*client.Client, func(), error) {
	s, err := app.recordedSession(baseURL, caFile, timeout, verbose, harFile, force, rd)
	return s.client, s.done, err
}

// recorded is a client, the recorder of its exchanges and the redactor
// both share, so that an error line, -v, the HAR and a bundle all know
// every secret the client has sent or received.
type recorded struct {
	client   *client.Client
	recorder *record.Recorder
	redactor *record.Redactor
	done     func()
}

func (app *App) recordedSession(baseURL, caFile string, timeout time.Duration, verbose bool, harFile string, force bool, rd *record.Redactor) (recorded, error) {
	rec := &record.Recorder{Redactor: rd}
	if verbose {
		rec.OnExchange = func(e record.Exchange) { fmt.Fprint(app.env.stderr, e.Text()) }
	}
	s := recorded{recorder: rec, redactor: rd, done: func() {
		if harFile == "" {
			return
		}
		if err := writeHAR(harFile, rec.Exchanges(), force); err != nil {
			fmt.Fprintf(app.env.stderr, "warning: %v\n", err)
		}
	}}
	c, err := client.New(client.Options{BaseURL: baseURL, UserAgent: "tokenbench/" + Version, Timeout: timeout, CAFile: caFile, Recorder: rec, Redactor: rd})
	if err != nil {
		s.done = func() {}
		return s, err
	}
	s.client = c
	return s, nil
}

func (app *App) runRecover(ctx context.Context, o *recoverOptions, changed func(string) bool) error {
	if err := refuseExisting(o.force, "har", o.harFile, "bundle", o.bundleFile); err != nil {
		return err
	}
	req, baseURL, prof, err := app.buildRecovery(ctx, o, changed)
	if err != nil {
		return err
	}
	rd := &record.Redactor{}
	rd.AddBasic(req.ClientID, req.ClientSecret)
	rd.AddToken(req.Bearer)
	return redacted(app.recoverWith(ctx, o, req, baseURL, prof, rd), rd)
}

func (app *App) recoverWith(ctx context.Context, o *recoverOptions, req flows.RecoveryRequest, baseURL string, prof *profiles.Profile, rd *record.Redactor) (err error) {
	rs, err := app.recordedSession(baseURL, o.caFile, o.timeout, o.verbose, o.harFile, o.force, rd)
	defer rs.done()
	if err != nil {
		return err
	}
	c := rs.client
	var res *flows.Result
	if o.bundleFile != "" {
		// Written whatever happens, like the HAR.
		defer func() {
			in := bundle.Input{Account: req.Account, Grant: "password + MFA recovery", Redactor: rd,
				User: req.Username, BaseURL: baseURL, ClientID: req.ClientID, WholeSession: o.wholeSession, Replace: o.force}
			if prof != nil {
				in.Profile = prof.Name
			}
			if err != nil {
				in.Error = rd.Redact(err.Error())
				in.ErrorDetails = errorDetails(err)
			}
			if res != nil {
				in.AccessToken, in.Verdict = res.Response.AccessToken, verdictFor(c, res).String()
			}
			in.Exchanges = rs.recorder.Exchanges()
			app.writeBundle(o.bundleFile, in)
		}()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	stderr := app.env.stderr
	res, err = flows.NewRunner(c).Recover(ctx, req, &linePrompter{env: app.env}, func(s *flows.RecoverySession) {
		fmt.Fprintf(stderr, "MFA recovery for %s, %s.\n", textsafe.Sanitize(req.Username), s.Status())
	})
	var need *flows.NeedRecoveryCodeError
	switch {
	case errors.As(err, &need):
		app.howToContinueRecovery(c.BaseURL(), o, req, prof, need.Session)
		return &exitError{code: ExitNeedCode}
	case errors.Is(err, flows.ErrChallengeExpired):
		return fmt.Errorf("the recovery code expired before a correct one was given; run recover again for new codes (%w)", err)
	case err != nil:
		return err
	}
	for _, w := range res.Response.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if err := app.remember(prof, res); err != nil {
		return err
	}
	app.noteNoRefresh(o.output, res)
	return writeToken(app.stdout, o.output, res, rd)
}

// howToContinueRecovery prints the token command that picks the recovery
// up where it stopped: at step 1 its mfa-oob answer gets the mfa_required
// whose challenge goes to the other channel; at step 2 it is an ordinary
// mfa-oob answer.
func (app *App) howToContinueRecovery(baseURL string, o *recoverOptions, req flows.RecoveryRequest, prof *profiles.Profile, s *flows.RecoverySession) {
	w := app.env.stderr
	cur := s.Current()
	if cur.Attempts > 0 {
		fmt.Fprintf(w, "error: MFA recovery step %d of %d needs the code sent by %s; the code given was not accepted, and stdin has no other.\n", s.Step, flows.RecoverySteps, flows.ChannelName(cur.Channel))
	} else {
		fmt.Fprintf(w, "error: MFA recovery step %d of %d needs the code sent by %s, and stdin gave none.\n", s.Step, flows.RecoverySteps, flows.ChannelName(cur.Channel))
	}
	k := continuation{profile: prof, baseURL: baseURL, account: req.Account, clientID: req.ClientID, bearerChained: s.BearerChained,
		clientSecretFile: o.clientSecretFile, bearerFile: o.bearerFile}
	if s.Step == 1 {
		k.extra = []string{"--mfa-channel", string(s.First.Channel.Other())}
	}
	fmt.Fprintf(w, "Continue when you have it with:\n  %s\n", app.mfaOOBCommand(k, cur))
	if s.Step == 1 {
		fmt.Fprintf(w, "That confirms step 1 and sends the second code by %s, which it then asks for.\n", flows.ChannelName(s.First.Channel.Other()))
	}
}
