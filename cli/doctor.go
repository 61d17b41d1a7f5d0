package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/doctor"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/textsafe"
)

type doctorOptions struct {
	connFlags
	partner, user, profile string
	output, bundleFile     string
	wholeSession           bool
	// apiClient is the API client to diagnose (--client), for audience
	// by grant type (--audience, --grant; a profile's when not given).
	apiClient, audience, grant string
}

func newDoctorCmd(app *App) *cobra.Command {
	o := &doctorOptions{}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Diagnose why an account user cannot sign in, or an API client get a token",
		Long: `--user EMAIL: find an account user by e-mail and show what decides whether
they can sign in: identity and sign-in method (Dintero password or an
external identity provider), MFA factors and when they changed, last seen,
roles and scopes, the latest 20 activities, and findings that tie each
conclusion to its data.

--client CLIENT_ID: show an API client and its grants (audience, type,
scopes), which decide whether it gets a token for an audience by a grant
type, with which scopes, whether a refresh token comes back and whether
logins through it skip MFA; and findings, each with the data it rests on.
--audience (default: the profile's, else the account's) and --grant (the
grant type the integration uses; default: the profile's) are what is
asked. --user and --client together make one report.

It reads the account with a token that has read:accounts (or
admin:accounts): the API client's client_credentials token (-p NAME, or
--client-id with the secret from $TOKENBENCH_CLIENT_SECRET or
--client-secret-file), a merchant token through --partner, or a Bearer from
$TOKENBENCH_BEARER / --bearer-file. The client that reads (--client-id) and
the client diagnosed (--client) may differ.

--bundle FILE.zip writes a support bundle for the ticket: summary.md (the
findings, the exchanges, the token's claims) and session.har, both redacted.

Exit codes are those of token: 0 ok, 2 usage, 4 rejected (no such user or
client, a scope missing), 5 transport or server failure, 130 interrupted.`,
		Example: `  TOKENBENCH_CLIENT_SECRET=... tokenbench doctor --account T11223344 --client-id ID --user ada@example.com
  tokenbench doctor -p support-prod --user ada@example.com --bundle ticket-4711.zip
  tokenbench doctor -p support-prod --client pos-terminals --grant client_credentials
  tokenbench doctor -p support-prod --user ada@example.com --client webshop --grant password`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return app.runDoctor(cmd.Context(), o, cmd.Flags().Changed)
		},
	}
	f := cmd.Flags()
	o.bind(f, "the user's account (T/P + 8 digits)", "read a Bearer with read:accounts from FILE, or - ($TOKENBENCH_BEARER)")
	bindForce(f, &o.force, "--har or --bundle")
	f.StringVar(&o.user, "user", "", "the user's e-mail (or id)")
	f.StringVar(&o.apiClient, "client", "", "the API client to diagnose: its client_id (or id)")
	f.StringVar(&o.audience, "audience", "", "with --client: the audience asked (default: the profile's, else the account's)")
	f.StringVar(&o.grant, "grant", "", "with --client: the grant type asked ("+strings.Join(doctorGrants, ", ")+"; default: the profile's)")
	f.StringVarP(&o.profile, "profile", "p", "", "take base URL, account, client and partner from a saved profile; flags override")
	f.Var(partnerFlag{&o.partner}, "partner", "partner id, T11200000 or its short form T112: read the merchant --account through an exchange token")
	f.StringVarP(&o.output, "output", "o", "text", "output: text or json")
	f.StringVar(&o.bundleFile, "bundle", "", "write a redacted support bundle (summary.md + session.har) to FILE.zip")
	bindWholeSession(f, &o.wholeSession)
	return cmd
}

// doctorRequest turns a profile and flags into the API client's request.
func (app *App) doctorRequest(ctx context.Context, o *doctorOptions, changed func(string) bool) (flows.Request, string, error) {
	baseURL := o.baseURL
	req := flows.Request{Account: o.account, Partner: o.partner, ClientID: o.clientID}
	// The secrets given to this run first, as token reads them: a
	// profile's own fill only what they leave out.
	var err error
	if req.ClientSecret, err = app.env.secret("client secret", o.clientSecretFile, "TOKENBENCH_CLIENT_SECRET"); err != nil {
		return req, "", err
	}
	if req.Bearer, err = app.env.secret("Bearer token", o.bearerFile, "TOKENBENCH_BEARER"); err != nil {
		return req, "", err
	}
	if o.profile != "" {
		_, p, err := app.profileNamed(o.profile)
		if err != nil {
			return req, "", err
		}
		pr := p.Request()
		if o.audience == "" {
			o.audience = pr.Audience
		}
		if o.grant == "" {
			o.grant = string(pr.Grant)
		}
		if !changed("base-url") {
			baseURL = p.BaseURLOrDefault()
		}
		for flag, dst := range map[string]*string{"account": &pr.Account, "partner": &pr.Partner, "client-id": &pr.ClientID} {
			if changed(flag) {
				*dst = map[string]string{"account": o.account, "partner": o.partner, "client-id": o.clientID}[flag]
			}
		}
		pr.ClientSecret, pr.Bearer = req.ClientSecret, req.Bearer
		if pr.Bearer == "" && pr.ClientID != "" {
			// Only the API client's secret is needed: whatever grant the
			// profile runs, its client reads the account's users.
			pr.Grant = client.GrantClientCredentials
			if err := app.secrets().FillSecrets(ctx, p, &pr, app.askSecret(p.Name)); err != nil {
				return req, "", err
			}
		}
		req = flows.Request{Account: pr.Account, Partner: pr.Partner, ClientID: pr.ClientID, ClientSecret: pr.ClientSecret, Bearer: pr.Bearer}
	}
	if !client.IsAccountID(req.Account) {
		return req, "", &usageError{fmt.Errorf("--account %q is not an account id (T or P and 8 digits)", textsafe.Sanitize(req.Account))}
	}
	if req.Bearer == "" && req.ClientID == "" {
		return req, "", &usageError{fmt.Errorf("doctor needs a token with read:accounts: give -p NAME, or %s", app.secretHint("bearer", true))}
	}
	req.Grant = client.GrantClientCredentials
	req = req.Normalized()
	if req.Bearer == "" {
		// The API client's token is obtained first: say where its
		// secret comes from before anything is sent.
		if err := app.validateRequest(req); err != nil {
			return req, "", err
		}
	}
	return req, baseURL, nil
}

func (app *App) runDoctor(ctx context.Context, o *doctorOptions, changed func(string) bool) (err error) {
	if err := refuseExisting(o.force, "har", o.harFile, "bundle", o.bundleFile); err != nil {
		return err
	}
	if o.user == "" && o.apiClient == "" {
		return &usageError{errors.New("doctor needs --user EMAIL, --client CLIENT_ID, or both")}
	}
	if o.apiClient == "" && (changed("audience") || changed("grant")) {
		return &usageError{errors.New("--audience and --grant are about an API client: give --client CLIENT_ID")}
	}
	if o.output != "text" && o.output != "json" {
		return &usageError{fmt.Errorf("unknown output %q (text or json)", textsafe.Sanitize(o.output))}
	}
	req, baseURL, err := app.doctorRequest(ctx, o, changed)
	if err != nil {
		return err
	}
	q := doctor.ClientQuery{ClientID: o.apiClient, Audience: o.audience, Grant: o.grant}
	if q.Audience == "" {
		q.Audience = client.DefaultAudience(req.Account)
	}
	if o.apiClient != "" {
		if err := checkDoctorGrant(q.Grant); err != nil {
			return err
		}
	}
	s, err := app.recordedSession(baseURL, o.caFile, o.timeout, o.verbose, o.harFile, o.force, &record.Redactor{})
	defer s.done()
	if err != nil {
		return err
	}
	req.NoteSecrets(s.redactor)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()

	var report *doctor.Report
	var clientReport *doctor.ClientReport
	var tokRes *flows.Result
	if o.bundleFile != "" {
		// Written whatever happens: a failed lookup is what a ticket needs.
		defer func() {
			in := bundle.Input{Account: req.Account, Partner: req.Partner, Grant: "client_credentials (doctor)", Doctor: report, Redactor: s.redactor,
				Profile: o.profile, User: o.user, BaseURL: baseURL, ClientID: req.ClientID, WholeSession: o.wholeSession, Replace: o.force,
				DiagnosedClient: o.apiClient, ClientDoctor: clientReport}
			if err != nil {
				in.Error = s.redactor.Redact(err.Error())
			}
			if tokRes != nil {
				in.AccessToken, in.Verdict = tokRes.Response.AccessToken, verdictFor(s.client, tokRes).String()
			}
			in.Exchanges = s.recorder.Exchanges()
			app.writeBundle(o.bundleFile, in)
		}()
	}
	auth := client.Auth(client.BearerAuth{Token: req.Bearer})
	if req.Bearer == "" {
		res, _, err := flows.NewRunner(s.client).Start(ctx, req)
		if err != nil {
			what := "users"
			if o.user == "" {
				what = "clients"
			}
			err = fmt.Errorf("getting a token to read %s with: %w", what, err)
			if doctor.AboutGrants(err) {
				// The client diagnosed is often the one that reads, and the
				// one whose grants fail: say what reads instead.
				err = fmt.Errorf("%w; %s gets no token on %s, so read with another API client or a Bearer that has read:accounts (-p NAME, --client-id ID, or $TOKENBENCH_BEARER)",
					err, textsafe.Sanitize(req.ClientID), req.Account)
			}
			return redacted(err, s.redactor)
		}
		auth, tokRes = client.BearerAuth{Token: res.Response.AccessToken}, res
	}
	users := doctor.APIDirectory{Account: req.Account, Get: func(ctx context.Context, path string) ([]byte, error) {
		return s.client.Get(ctx, "account users", path, auth)
	}}
	clients := doctor.APIDirectory{Account: req.Account, Get: func(ctx context.Context, path string) ([]byte, error) {
		return s.client.Get(ctx, "API clients", path, auth)
	}}
	if o.user != "" {
		if report, err = doctor.Run(ctx, users, req.Account, o.user, app.now()); err != nil {
			return redacted(explainDoctorError(err, "reading account users"), s.redactor)
		}
	}
	if o.apiClient != "" {
		if clientReport, err = doctor.RunClient(ctx, clients, req.Account, q, app.now()); err != nil {
			return redacted(explainDoctorError(err, "reading API clients and their grants"), s.redactor)
		}
	}
	// The report is built from the server's text, which may echo a secret
	// of this run (the reading client's own, in another client's
	// description): it goes through the run's redactor, as -v does.
	var out strings.Builder
	if err := writeDoctor(&out, o.output, report, clientReport, app.now()); err != nil {
		return err
	}
	if _, err := io.WriteString(app.stdout, s.redactor.Redact(out.String())); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	if clientReport != nil && clientReport.Client == nil {
		// The report is the answer; the exit code says it was a refusal.
		return &exitError{code: ExitRejected, err: fmt.Errorf("no API client %s on %s", textsafe.Sanitize(o.apiClient), req.Account)}
	}
	return nil
}

// doctorGrants are the grant types --grant takes.
var doctorGrants = []string{
	string(client.GrantClientCredentials), string(client.GrantPassword), string(client.GrantAuthorizationCode),
	string(client.GrantAccountUserToken), string(client.GrantRefreshToken),
}

func checkDoctorGrant(g string) error {
	if g == "" || slices.Contains(doctorGrants, g) {
		return nil
	}
	return &usageError{fmt.Errorf("--grant %q is not a grant type (%s)", textsafe.Sanitize(g), strings.Join(doctorGrants, ", "))}
}

// writeDoctor prints the user report, the client report, or both: in
// JSON, one report as it is, both as {"user": …, "client": …}.
func writeDoctor(w io.Writer, output string, user *doctor.Report, apiClient *doctor.ClientReport, now time.Time) error {
	if output == "json" {
		switch {
		case user != nil && apiClient != nil:
			return writeJSON(w, struct {
				User   *doctor.Report       `json:"user"`
				Client *doctor.ClientReport `json:"client"`
			}{user, apiClient})
		case apiClient != nil:
			return writeJSON(w, apiClient)
		}
		return writeJSON(w, user)
	}
	if user != nil {
		if err := user.WriteText(w, now); err != nil {
			return err
		}
		if apiClient != nil {
			if _, err := io.WriteString(w, "\n"+strings.Repeat("─", 40)+"\n\n"); err != nil {
				return err
			}
		}
	}
	if apiClient != nil {
		return apiClient.WriteText(w, now)
	}
	return nil
}

// explainDoctorError adds what to do to the errors a person meets: a token
// without the scope, and a user not found (which is a 4xx-like outcome).
func explainDoctorError(err error, what string) error {
	var apiErr *client.APIError
	var nf *doctor.NotFoundError
	var amb *doctor.AmbiguousError
	switch {
	case errors.As(err, &apiErr) && (apiErr.Status == 401 || apiErr.Status == 403) && !errors.As(err, new(*client.RateLimitError)):
		return fmt.Errorf("%w (%s needs a token with the scope %s or admin:accounts)", err, what, doctor.ScopeNeeded)
	case errors.As(err, &nf), errors.As(err, &amb):
		return &exitError{code: ExitRejected, err: err}
	}
	return err
}

// writeBundle writes a support bundle and says where, in full; a failure
// is a warning, never a lost result.
func (app *App) writeBundle(path string, in bundle.Input) {
	in.Version, in.Now = Version, app.now()
	abs, err := bundle.Write(path, in)
	if err != nil {
		fmt.Fprintf(app.env.stderr, "warning: support bundle not written: %v\n", existsHint(err))
		return
	}
	fmt.Fprintf(app.env.stderr, "support bundle written to %s (summary.md, session.har; secrets redacted)\n", abs)
}

// verdictFor checks a new token's signature for a bundle, with the keys of
// its account and the Bearer rule of §6 (the token itself, or the
// client_credentials token it was chained from). A bounded context of its
// own: the run's may already be cancelled when the bundle is written.
func verdictFor(c *client.Client, res *flows.Result) tokeninfo.Verification {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	fallback := ""
	if b, ok := res.Auth.(client.BearerAuth); ok {
		fallback = b.Token
	}
	raw := res.Response.AccessToken
	return tokeninfo.NewKeyVerifier(c).Verify(ctx, raw, tokeninfo.KeySource{Account: res.Request.Account, Bearer: tokeninfo.KeysBearer(raw, fallback)})
}

// doctorHintError is an error the API client's grants explain, ending with
// the doctor command that shows them.
type doctorHintError struct {
	err     error
	command string
}

func (e *doctorHintError) Error() string {
	return e.err.Error() + "; the client's grants say why: " + e.command
}
func (e *doctorHintError) Unwrap() error { return e.err }

// withDoctorHint ends an error about grants or audiences (doctor.AboutGrants)
// with the `doctor --client` command for this client, audience and grant.
func withDoctorHint(err error, tr *tokenRequest) error {
	if err == nil || tr == nil || !doctor.AboutGrants(err) || tr.req.ClientID == "" {
		return err
	}
	return &doctorHintError{err: err, command: doctorClientCommand(tr, doctor.FailedGrant(err, string(tr.req.Grant)))}
}

// doctorClientCommand is the command line that diagnoses tr's client for
// its audience and grant: through its profile, else with the flags that
// name the same connection (its secret from the same place as token's).
func doctorClientCommand(tr *tokenRequest, grant string) string {
	req := tr.req
	args := []string{"tokenbench", "doctor"}
	if tr.profile != nil {
		args = append(args, "-p", tr.profile.Name)
	} else {
		if tr.baseURL != "" && tr.baseURL != client.DefaultBaseURL {
			args = append(args, "--base-url", tr.baseURL)
		}
		if req.Partner != "" {
			args = append(args, "--partner", req.Partner)
		}
		args = append(args, "--account", req.Account, "--client-id", req.ClientID)
	}
	args = append(args, "--client", req.ClientID)
	if req.Audience != "" && req.Audience != client.DefaultAudience(req.Account) {
		args = append(args, "--audience", req.Audience)
	}
	if grant != "" {
		args = append(args, "--grant", grant)
	}
	for i, a := range args {
		args[i] = shellQuote(textsafe.Sanitize(a))
	}
	return strings.Join(args, " ")
}
