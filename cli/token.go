package cli

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/textsafe"
)

// tokenOptions are the flags of `tokenbench token`. No secret is a flag.
type tokenOptions struct {
	baseURL, account, grant, audience string
	partner                           string
	clientID, clientSecretFile        string
	bearerFile                        string
	username, passwordFile            string
	code, redirectURI                 string
	refreshTokenFile                  string
	params                            []string
	caFile                            string
	mfaToken, oobCode, bindingCode    string
	mfaChannel                        string
	timeout                           time.Duration
	output                            string
	profile                           string
	verbose                           bool
	harFile                           string
	bundleFile                        string
	force, wholeSession               bool
	// The passwordless login and the OIDC exchange.
	ident, userID, connection, customerType string
	verificationCode, authorizeURL          string
	yes                                     bool
}

func newTokenCmd(app *App) *cobra.Command {
	o := &tokenOptions{}
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Get an access token (headless, for scripts)",
		Long: `Get an access token from Dintero's auth API by any grant type and print it.

Secrets are never flags: the client secret comes from $TOKENBENCH_CLIENT_SECRET
or --client-secret-file, a Bearer from $TOKENBENCH_BEARER or --bearer-file, the
password from $TOKENBENCH_PASSWORD, --password-file or a no-echo prompt, a
refresh token from $TOKENBENCH_REFRESH_TOKEN or --refresh-token-file. A file
name of - reads stdin.

When the server answers mfa_required, a challenge is sent on --mfa-channel and
the binding code is read from the terminal (or one line of stdin).

With --partner T11200000, --client-id is the partner's API client and --account
the merchant: a partner token (Basic), an exchange token for the merchant, then
client_credentials on the merchant with the exchange token as Bearer. The
audience sent last is the merchant's unless --audience says otherwise; -o json
shows it under "partner".

--grant authorization_code is Dintero's passwordless login: --ident EMAIL
sends a one-time code to the customer (--connection email|sms,
--customer-type customer|company), read from the terminal or one line of
stdin ("sms" or "email" there sends the same code that way); --user-id UID
has the server issue a code for that user (acts as the user: a P account asks
first, or needs --yes). --grant oidc exchanges an identity provider's --code
at auth/oidc/token, or runs a browser login with --authorize-url (listens on
127.0.0.1, $BROWSER first, 5 minutes at most); -o json includes user_info.

Exit codes: 0 ok, 2 usage or invalid input, 3 a code is needed (an MFA
binding code, or a passwordless verification code: the continue command is
printed),
4 rejected by the server (4xx), 5 transport or server failure, 1 other,
130 interrupted (ctrl+c: "cancelled" on stderr, the terminal restored).`,
		Example: `  TOKENBENCH_CLIENT_SECRET=... tokenbench token --account T11223344 --client-id ID
  tokenbench token --account T11223344 --grant password --client-id ID --username me@example.com -o json
  tokenbench token --partner T11200000 --account T11200001 --client-id PARTNER_CLIENT -o json
  tokenbench token --account T11223344 --client-id ID --grant authorization_code --ident customer@example.com
  tokenbench token --account T11223344 --client-id ID --grant oidc --authorize-url https://idp.example.com/authorize -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return app.runToken(cmd.Context(), o, cmd.Flags().Changed)
		},
	}
	bindRequestFlags(cmd.Flags(), o)
	cmd.Flags().StringVarP(&o.profile, "profile", "p", "", "take everything from a saved profile; flags override")
	cmd.Flags().BoolVarP(&o.verbose, "verbose", "v", false, "print each HTTP exchange, secrets redacted, to stderr")
	cmd.Flags().StringVar(&o.harFile, "har", "", "write the session's exchanges, redacted, to FILE as HAR 1.2 (for a ticket)")
	cmd.Flags().StringVar(&o.bundleFile, "bundle", "", "write a redacted support bundle (summary.md + session.har) to FILE.zip")
	bindForce(cmd.Flags(), &o.force, "--har or --bundle")
	bindWholeSession(cmd.Flags(), &o.wholeSession)
	cmd.Flags().StringVar(&o.verificationCode, "verification-code", "", "authorization_code: the code sent to the customer (one-time; or $TOKENBENCH_VERIFICATION_CODE)")
	cmd.Flags().BoolVar(&o.yes, "yes", false, "authorization_code --user-id on a production (P) account: act as the user without asking")
	return cmd
}

// bindRequestFlags registers the request flags shared by token, profile
// add and profile edit.
func bindRequestFlags(f *pflag.FlagSet, o *tokenOptions) {
	f.StringVar(&o.baseURL, "base-url", client.DefaultBaseURL, "API base URL")
	bindIDFlags(f, &o.account, &o.partner)
	f.StringVar(&o.grant, "grant", string(client.GrantClientCredentials), "grant type: "+grantNames())
	f.StringVar(&o.audience, "audience", "", "audience (default https://api.dintero.com/v1/accounts/<account>)")
	f.StringVar(&o.clientID, "client-id", "", "API client id (secret from $TOKENBENCH_CLIENT_SECRET)")
	f.StringVar(&o.clientSecretFile, "client-secret-file", "", "read the client secret from FILE, or - for stdin")
	f.StringVar(&o.bearerFile, "bearer-file", "", "read the Bearer token from FILE, or - ($TOKENBENCH_BEARER)")
	f.StringVar(&o.username, "username", "", "username for the password grant")
	f.StringVar(&o.passwordFile, "password-file", "", "read the password from FILE, or - ($TOKENBENCH_PASSWORD)")
	f.StringVar(&o.ident, "ident", "", "authorization_code (passwordless): the customer's e-mail a code is sent to")
	f.StringVar(&o.connection, "connection", "", "authorization_code: send the code by email (default) or sms")
	f.StringVar(&o.customerType, "customer-type", "", "authorization_code: the e-mail's customer type, customer (default) or company")
	f.StringVar(&o.userID, "user-id", "", "authorization_code: have the server issue a code for this user id (acts as the user)")
	f.StringVar(&o.code, "code", "", "oidc: the code the identity provider redirected back with")
	f.StringVar(&o.redirectURI, "redirect-uri", "", "oidc: the redirect URI the code was issued for (a loopback one with --authorize-url)")
	f.StringVar(&o.authorizeURL, "authorize-url", "", "oidc: the identity provider's authorize URL, for a browser login")
	f.StringVar(&o.refreshTokenFile, "refresh-token-file", "", "read the refresh token from FILE, or - ($TOKENBENCH_REFRESH_TOKEN)")
	f.StringArrayVar(&o.params, "param", nil, "extra body field key=value (repeatable); not a field tokenbench sets (grant_type, secrets, codes, username, audience, redirect_uri)")
	f.StringVar(&o.caFile, "ca-file", "", "PEM file of private CAs to trust")
	f.StringVar(&o.mfaToken, "mfa-token", "", "mfa_token, for --grant mfa-oob")
	f.StringVar(&o.oobCode, "oob-code", "", "oob_code, for --grant mfa-oob")
	f.StringVar(&o.bindingCode, "binding-code", "", "binding code, for --grant mfa-oob")
	f.StringVar(&o.mfaChannel, "mfa-channel", string(client.ChannelSMS), "where an MFA code is sent: sms or email")
	f.DurationVar(&o.timeout, "timeout", 30*time.Second, "deadline for each request")
	f.StringVarP(&o.output, "output", "o", "token", "output: token, json, header or env")
}

func grantNames() string {
	names := make([]string, len(client.Grants))
	for i, g := range client.Grants {
		names[i] = string(g)
	}
	return strings.Join(names, ", ")
}

// noArgs refuses arguments. A word given to a command that has commands
// of its own is a command mistyped: it says so, and suggests the nearest
// ("tokn": did you mean token?).
func noArgs(cmd *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		return nil
	case cmd.HasAvailableSubCommands():
		if cmd.SuggestionsMinimumDistance <= 0 {
			cmd.SuggestionsMinimumDistance = 2 // cobra's own default
		}
		msg := fmt.Sprintf("unknown command %q for %s", textsafe.Sanitize(args[0]), cmd.CommandPath())
		if near := cmd.SuggestionsFor(args[0]); len(near) > 0 {
			msg += "; did you mean " + strings.Join(near, " or ") + "?"
		} else {
			msg += " (" + cmd.CommandPath() + " --help lists them)"
		}
		return &usageError{errors.New(msg)}
	}
	return &usageError{fmt.Errorf("%s takes no arguments (got %q)", cmd.CommandPath(), textsafe.Sanitize(args[0]))}
}

// tokenRequest is what a token command will send.
type tokenRequest struct {
	req     flows.Request
	channel client.Channel
	baseURL string
	profile *profiles.Profile
	// spendStored: the refresh token is the profile's stored one, read
	// again under the profile's lock when the request runs.
	spendStored bool
}

// buildRequest turns a profile (with -p), flags, environment and files into
// a flow request. Flags that were set override the profile.
func (app *App) buildRequest(ctx context.Context, o *tokenOptions, changed func(string) bool) (*tokenRequest, error) {
	out := &tokenRequest{baseURL: o.baseURL}
	var req flows.Request
	if o.profile != "" {
		_, p, err := app.profileNamed(o.profile)
		if err != nil {
			return nil, err
		}
		out.profile = &p
		req = p.Request()
		if !changed("base-url") {
			out.baseURL = p.BaseURLOrDefault()
		}
		if !changed("mfa-channel") {
			o.mfaChannel = string(p.Channel())
		}
		override := func(flag string, dst *string, v string) {
			if changed(flag) {
				*dst = v
			}
		}
		override("account", &req.Account, o.account)
		override("partner", &req.Partner, o.partner)
		override("audience", &req.Audience, o.audience)
		override("client-id", &req.ClientID, o.clientID)
		override("username", &req.Username, o.username)
		override("redirect-uri", &req.RedirectURI, o.redirectURI)
		override("authorize-url", &req.AuthorizeURL, o.authorizeURL)
		override("connection", &req.Connection, o.connection)
		override("customer-type", &req.CustomerType, o.customerType)
		if changed("ident") {
			req.IdentType, req.Ident = flows.IdentEmail, o.ident
		}
		if changed("user-id") {
			req.IdentType, req.Ident = flows.IdentUserID, o.userID
		}
		if changed("grant") {
			g, err := client.ParseGrant(o.grant)
			if err != nil {
				return nil, err
			}
			req.Grant = g
		}
	} else {
		g, err := client.ParseGrant(o.grant)
		if err != nil {
			return nil, err
		}
		req = flows.Request{Account: o.account, Audience: o.audience, Grant: g, ClientID: o.clientID, Username: o.username, RedirectURI: o.redirectURI, Partner: o.partner,
			AuthorizeURL: o.authorizeURL, Connection: o.connection, CustomerType: o.customerType}
		switch {
		case o.ident != "":
			req.IdentType, req.Ident = flows.IdentEmail, o.ident
		case o.userID != "":
			req.IdentType, req.Ident = flows.IdentUserID, o.userID
		}
	}
	if o.ident != "" && o.userID != "" {
		return nil, &usageError{errors.New("--ident and --user-id are two ways to get a code: give one")}
	}
	if out.profile != nil && out.profile.LegacyCode() && req.Grant == client.GrantAuthorizationCode && req.IdentType == "" {
		return nil, &usageError{fmt.Errorf("%w: %s", client.ErrInvalidInput, profiles.LegacyCodeMessage(out.profile.Name))}
	}
	channel, err := client.ParseChannel(o.mfaChannel)
	if err != nil {
		return nil, err
	}
	out.channel = channel
	if req.Account == "" {
		return nil, fmt.Errorf("%w: account id is required (give it with --account)", client.ErrInvalidInput)
	}
	if err := client.ValidateOwnerID(req.Account); err != nil {
		return nil, err
	}
	switch o.output {
	case "token", "json", "header", "env":
	default:
		return nil, &usageError{fmt.Errorf("unknown output %q (token, json, header or env)", textsafe.Sanitize(o.output))}
	}
	extra, err := parseParams(o.params)
	if err != nil {
		return nil, err
	}
	if o.bindingCode != "" {
		// As pasted from the SMS ("731 735") it is sent as its digits;
		// what is not a code is refused before it uses up an attempt.
		o.bindingCode = flows.CleanBindingCode(o.bindingCode)
		if err := flows.CheckBindingCode(o.bindingCode); err != nil {
			return nil, &usageError{fmt.Errorf("--binding-code: %w; nothing was sent", err)}
		}
	}
	if o.code != "" {
		req.Code = o.code
	}
	req.MFAToken, req.OOBCode, req.BindingCode, req.Extra = o.mfaToken, o.oobCode, o.bindingCode, extra
	req.VerificationCode = strings.TrimSpace(o.verificationCode)
	if req.VerificationCode == "" {
		req.VerificationCode = profiles.FirstLine(app.env.getenv("TOKENBENCH_VERIFICATION_CODE"))
	}
	if req.VerificationCode != "" && req.Grant != client.GrantAuthorizationCode {
		return nil, &usageError{fmt.Errorf("--verification-code is for --grant authorization_code")}
	}
	if err := app.readSecrets(o, &req); err != nil {
		return nil, err
	}
	out.spendStored = out.profile != nil && req.Grant == client.GrantRefreshToken && req.RefreshToken == "" &&
		profiles.SourceOf(*out.profile, profiles.RefreshToken).Stored()
	if out.profile != nil {
		svc, err := app.session()
		if err != nil {
			return nil, err
		}
		if err := svc.Fill(ctx, *out.profile, &req, app.askSecret(out.profile.Name)); err != nil {
			return nil, err
		}
	}
	if req.Grant == client.GrantPassword && req.Password == "" && o.passwordFile == "" && app.env.isTerminal() {
		if req.Password, err = app.env.readPassword(ctx, fmt.Sprintf("Password for %s: ", textsafe.Sanitize(req.Username))); err != nil {
			return nil, &usageError{fmt.Errorf("reading password: %w", err)}
		}
	}
	out.req = req.Normalized()
	if err := app.validateRequest(out.req); err != nil {
		return nil, err
	}
	if out.spendStored {
		out.req.RefreshToken = "" // session.Run reads the latest under the lock
	}
	return out, nil
}

// givenBy says how each field of a request is given on the command line,
// by flows.Problem's field name: environment variables, flags, the prompt.
var givenBy = map[string][]string{
	"account":       {"--account"},
	"client-id":     {"--client-id"},
	"client-secret": {"$TOKENBENCH_CLIENT_SECRET", "--client-secret-file"},
	"bearer":        {"$TOKENBENCH_BEARER", "--bearer-file"},
	"username":      {"--username"},
	"password":      {"$TOKENBENCH_PASSWORD", "--password-file", "the prompt on a terminal"},
	"code":          {"--code", "--authorize-url"},
	"ident":         {"--ident EMAIL", "--user-id UID"},
	"user-id":       {"--user-id"},
	"refresh-token": {"$TOKENBENCH_REFRESH_TOKEN", "--refresh-token-file"},
	"mfa-token":     {"--mfa-token"},
	"oob-code":      {"--oob-code"},
	"binding-code":  {"--binding-code"},
}

// validateRequest is flows.Request.Validate with each missing field's
// flag or environment variable named: "client secret is required (give
// it with $TOKENBENCH_CLIENT_SECRET or --client-secret-file)".
func (app *App) validateRequest(req flows.Request) error {
	return app.explainProblems(req.Check(), req.Grant != client.GrantAccountUserToken)
}

// explainProblems is the one place a command says where what it lacks can
// come from: each problem "… is required" gets secretHint's hint. chained
// says a missing Bearer may also be obtained with the client's secret.
func (app *App) explainProblems(problems []flows.Problem, chained bool) error {
	if len(problems) == 0 {
		return nil
	}
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = p.Message
		if how := app.secretHint(p.Field, chained); how != "" && strings.HasSuffix(p.Message, " is required") {
			msgs[i] += " (give it with " + how + ")"
		}
	}
	return fmt.Errorf("%w: %s", client.ErrInvalidInput, strings.Join(msgs, "; "))
}

// secretHint says where a field (flows.Problem's name) can come from on
// the running command's line — only the flags it takes (exec takes none
// of token's); chained adds the client secret as a way to a Bearer.
func (app *App) secretHint(field string, chained bool) string {
	takes := func(way string) bool {
		flag, isFlag := strings.CutPrefix(way, "--")
		return !isFlag || app.cmd == nil || app.cmd.Flags().Lookup(flag) != nil
	}
	var ways []string
	for _, way := range givenBy[field] {
		if takes(way) {
			ways = append(ways, way)
		}
	}
	how := orList(ways)
	if field == "bearer" && chained && takes("--client-id") {
		how += ", or --client-id with $TOKENBENCH_CLIENT_SECRET"
	}
	return how
}

// orList is "a", "a or b", "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// managedParams are the body fields tokenbench sets itself, with where
// they are given instead. A secret as a --param would sit in the shell
// history and the process list, and a grant_type would silently change
// the grant the rest of the flow believes it runs.
var managedParams = map[string]string{
	"grant_type":        "--grant",
	"client_secret":     "$TOKENBENCH_CLIENT_SECRET or --client-secret-file",
	"password":          "$TOKENBENCH_PASSWORD, --password-file or the prompt",
	"refresh_token":     "$TOKENBENCH_REFRESH_TOKEN or --refresh-token-file",
	"code":              "--code",
	"binding_code":      "--binding-code",
	"ident_type":        "--ident or --user-id",
	"ident":             "--ident or --user-id",
	"verification_code": "--verification-code or $TOKENBENCH_VERIFICATION_CODE",
	"mfa_token":         "--mfa-token",
	"oob_code":          "--oob-code",
	"username":          "--username",
	"audience":          "--audience",
	"redirect_uri":      "--redirect-uri",
}

// parseParams reads --param key=value fields, refusing the ones
// tokenbench manages. A refused value is never echoed: it may be a secret.
func parseParams(params []string) (map[string]string, error) {
	extra := map[string]string{}
	for _, p := range params {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, &usageError{fmt.Errorf("--param %q is not key=value", textsafe.Sanitize(k))}
		}
		if instead, managed := managedParams[strings.ToLower(strings.TrimSpace(k))]; managed {
			return nil, &usageError{fmt.Errorf("--param %s is refused: tokenbench sets %s itself; use %s", textsafe.Sanitize(k), textsafe.Sanitize(k), instead)}
		}
		extra[k] = v
	}
	return extra, nil
}

// readSecrets takes the secrets given to this run: environment and files.
func (app *App) readSecrets(o *tokenOptions, req *flows.Request) error {
	e := app.env
	var err error
	if req.ClientSecret, err = e.secret("client secret", o.clientSecretFile, "TOKENBENCH_CLIENT_SECRET"); err != nil {
		return err
	}
	if req.Bearer, err = e.secret("Bearer token", o.bearerFile, "TOKENBENCH_BEARER"); err != nil {
		return err
	}
	if req.Grant == client.GrantRefreshToken || o.refreshTokenFile != "" {
		if req.RefreshToken, err = e.secret("refresh token", o.refreshTokenFile, "TOKENBENCH_REFRESH_TOKEN"); err != nil {
			return err
		}
	}
	if req.Grant == client.GrantPassword || o.passwordFile != "" {
		if req.Password, err = e.secret("password", o.passwordFile, "TOKENBENCH_PASSWORD"); err != nil {
			return err
		}
	}
	return nil
}

// askSecret asks on the terminal, without echo, for a secret a profile does
// not keep; nil where there is no terminal.
func (app *App) askSecret(profile string) profiles.Asker {
	if !app.env.isTerminal() {
		// Nobody to ask: say where the secret can come from instead.
		return func(k profiles.Kind) (string, error) {
			what := strings.ReplaceAll(string(k), "_", " ")
			return "", &usageError{fmt.Errorf("%w: profile %s keeps no %s to use here (it asks for it, or has none), and there is no terminal to ask on: give it with %s",
				client.ErrInvalidInput, textsafe.Sanitize(profile), what, app.secretHint(strings.ReplaceAll(string(k), "_", "-"), false))}
		}
	}
	return func(k profiles.Kind) (string, error) {
		v, err := app.env.readPassword(app.runContext(), fmt.Sprintf("%s for profile %s: ", strings.ReplaceAll(string(k), "_", " "), textsafe.Sanitize(profile)))
		if err != nil {
			return "", &usageError{fmt.Errorf("reading %s: %w", k, err)}
		}
		return v, nil
	}
}

func (app *App) runToken(ctx context.Context, o *tokenOptions, changed func(string) bool) error {
	if err := refuseExisting(o.force, "har", o.harFile, "bundle", o.bundleFile); err != nil {
		return err
	}
	res, rd, err := app.obtain(ctx, o, changed)
	if err != nil {
		return err
	}
	if res.Expiry.Implausible != "" {
		fmt.Fprintf(app.env.stderr, "warning: %s\n", res.Expiry.Implausible)
	}
	if res.DecodeErr != nil && o.output == "json" {
		fmt.Fprintf(app.env.stderr, "warning: the access token is not a JWT: %v\n", res.DecodeErr)
	}
	app.noteNoRefresh(o.output, res)
	return writeToken(app.stdout, o.output, res, rd)
}

// noteNoRefresh says on stderr why a login that could have brought a
// refresh token brought none (-o json says it in its no_refresh_token
// field instead). A client's token, which never has one, is not remarked
// on: a script calling client_credentials hears nothing new.
func (app *App) noteNoRefresh(format string, res *flows.Result) {
	why := res.RefreshReason()
	g := res.Request.Grant
	if format == "json" || why.Code == "" || !(res.ViaRecovery || g == client.GrantPassword || g == client.GrantAuthorizationCode || g.IsMFAOOB()) {
		return
	}
	fmt.Fprintf(app.env.stderr, "note: no refresh token: %s\n", why.Text)
}

// obtain runs the grant the options describe, through MFA when needed, and
// keeps what the profile (if any) wants kept.
func (app *App) obtain(ctx context.Context, o *tokenOptions, changed func(string) bool) (*flows.Result, *record.Redactor, error) {
	tr, err := app.buildRequest(ctx, o, changed)
	if err != nil {
		return nil, nil, err
	}
	// One redactor knows every secret of the flow: the error line, -v,
	// the HAR and the JSON printed all go through it.
	rd := &record.Redactor{}
	tr.req.NoteSecrets(rd)
	res, err := app.obtainWith(ctx, o, tr, rd)
	return res, rd, redacted(withDoctorHint(err, tr), rd)
}

func (app *App) obtainWith(ctx context.Context, o *tokenOptions, tr *tokenRequest, rd *record.Redactor) (res *flows.Result, err error) {
	req, channel := tr.req, tr.channel
	rec := &record.Recorder{Redactor: rd}
	var c *client.Client
	if o.bundleFile != "" {
		// Written whatever happens, like the HAR.
		defer func() {
			in := bundle.Input{Account: req.Account, Partner: req.Partner, Grant: string(req.Grant), Redactor: rd,
				User: caseUser(req), BaseURL: tr.baseURL, ClientID: req.ClientID, WholeSession: o.wholeSession, Replace: o.force}
			if tr.profile != nil {
				in.Profile = tr.profile.Name
			}
			if err != nil {
				in.Error = rd.Redact(err.Error())
				in.ErrorDetails = errorDetails(err)
			}
			if res != nil && c != nil {
				in.AccessToken = res.Response.AccessToken
				in.Verdict = verdictFor(c, res).String()
			}
			in.Exchanges = rec.Exchanges()
			app.writeBundle(o.bundleFile, in)
		}()
	}
	if o.verbose {
		rec.OnExchange = func(e record.Exchange) { fmt.Fprint(app.env.stderr, e.Text()) }
	}
	if o.harFile != "" {
		// Written whatever happens: a failed flow is what a ticket needs.
		defer func() {
			if err := writeHAR(o.harFile, rec.Exchanges(), o.force); err != nil {
				fmt.Fprintf(app.env.stderr, "warning: %v\n", err)
			}
		}()
	}
	c, err = client.New(client.Options{BaseURL: tr.baseURL, UserAgent: "tokenbench/" + Version, Timeout: o.timeout, CAFile: o.caFile, Recorder: rec, Redactor: rd})
	if err != nil {
		return nil, err
	}
	runner := flows.NewRunner(c)
	prompter := &linePrompter{env: app.env}
	if err := app.confirmActAsUser(ctx, o, req); err != nil {
		return nil, err
	}
	run := func(ctx context.Context, req flows.Request) (*flows.Result, error) {
		switch {
		case req.Grant == client.GrantAuthorizationCode:
			return app.runPasswordless(ctx, runner, req)
		case req.Grant == client.GrantOIDC && req.Code == "":
			return app.runBrowserLogin(ctx, runner, req)
		}
		return runner.Run(ctx, req, channel, prompter, func(s *flows.MFASession) {
			fmt.Fprintf(app.env.stderr, "MFA required: a binding code was sent by %s.\n", s.Channel)
		})
	}
	var keepWarn []string
	if tr.profile != nil {
		// A profile's token is remembered as the TUI remembers it: a
		// rotated refresh token stored first, then kept tokens.
		svc, serr := app.session()
		if serr != nil {
			return nil, serr
		}
		res, keepWarn, err = svc.Run(ctx, *tr.profile, req, run)
	} else {
		res, err = run(ctx, req)
	}
	var (
		needCode *flows.NeedCodeError
		needVC   *flows.NeedVerificationCodeError
	)
	switch {
	case errors.As(err, &needVC):
		return nil, app.needVerificationCode(o, tr, c.BaseURL(), needVC)
	case errors.As(err, &needCode):
		s := needCode.Session
		if s.Attempts > 0 {
			fmt.Fprintf(app.env.stderr, "error: MFA needs the binding code sent by %s; the code given was not accepted, and stdin has no other.\n", s.Channel)
		} else {
			fmt.Fprintf(app.env.stderr, "error: MFA needs the binding code sent by %s, and stdin gave none.\n", s.Channel)
		}
		if !printableToken(s.MFAToken) || !printableToken(s.OOBCode) {
			// Server text that would act on the terminal (an OSC 52
			// clipboard write, a screen clear, a bidi override) is not
			// printed, and a sanitised copy would not work.
			fmt.Fprintf(app.env.stderr, "The server's mfa_token or oob_code holds characters a terminal must not print, so this flow cannot be continued by hand; run the command again where the code can be typed.\n")
			return nil, &exitError{code: ExitNeedCode}
		}
		fmt.Fprintf(app.env.stderr, "Continue when you have it with:\n  %s\n", app.continueCommand(o, tr, c.BaseURL(), s))
		return nil, &exitError{code: ExitNeedCode}
	case errors.Is(err, flows.ErrChallengeExpired):
		return nil, fmt.Errorf("the MFA challenge expired before a correct code was given; run the command again for a new code (%w)", err)
	case err != nil && res == nil:
		return nil, err
	}
	for _, w := range res.Response.Warnings {
		fmt.Fprintf(app.env.stderr, "warning: %s\n", w)
	}
	if err != nil {
		// The rotated refresh token was not stored: fail, so a script does
		// not go on as if the profile would work next time.
		return nil, err
	}
	for _, w := range keepWarn {
		fmt.Fprintf(app.env.stderr, "warning: %s\n", w)
	}
	return res, nil
}

// continueCommand is the mfa-oob command line that finishes an MFA flow by
// hand: the profile's when there is one (it supplies the client secret or
// Bearer again), and the secret given as this run was given.
func (app *App) continueCommand(o *tokenOptions, tr *tokenRequest, baseURL string, s *flows.MFASession) string {
	return app.mfaOOBCommand(continuation{
		profile: tr.profile, baseURL: baseURL, account: tr.req.Account, clientID: tr.req.ClientID,
		bearerChained: s.BearerChained, clientSecretFile: o.clientSecretFile, bearerFile: o.bearerFile,
	}, s)
}

// continuation is what an mfa-oob command needs to continue a flow.
type continuation struct {
	profile                      *profiles.Profile
	baseURL, account, clientID   string
	bearerChained                bool
	clientSecretFile, bearerFile string
	// extra goes before the note on where the secret comes from.
	extra []string
}

func (app *App) mfaOOBCommand(k continuation, s *flows.MFASession) string {
	args := []string{"tokenbench", "token"}
	if k.profile != nil {
		args = append(args, "-p", shellQuote(textsafe.Sanitize(k.profile.Name)))
		if strings.TrimRight(k.profile.BaseURLOrDefault(), "/") != strings.TrimRight(k.baseURL, "/") {
			args = append(args, "--base-url", shellQuote(textsafe.Sanitize(k.baseURL)))
		}
		if k.profile.Account != k.account {
			args = append(args, "--account", k.account)
		}
	} else {
		args = append(args, "--base-url", shellQuote(textsafe.Sanitize(k.baseURL)), "--account", k.account)
	}
	args = append(args, "--grant", "mfa-oob", "--mfa-token", shellQuote(s.MFAToken), "--oob-code", shellQuote(s.OOBCode), "--binding-code", "CODE")
	args = append(args, k.extra...)
	kind, file, envVar, fileFlag := profiles.Bearer, k.bearerFile, "TOKENBENCH_BEARER", "--bearer-file"
	if k.bearerChained {
		kind, file, envVar, fileFlag = profiles.ClientSecret, k.clientSecretFile, "TOKENBENCH_CLIENT_SECRET", "--client-secret-file"
		if k.profile == nil || k.profile.ClientID != k.clientID {
			args = append(args, "--client-id", shellQuote(textsafe.Sanitize(k.clientID)))
		}
	}
	switch {
	case file == "-":
		args = append(args, fileFlag, "-", "(with the same "+strings.ReplaceAll(string(kind), "_", " ")+" on stdin)")
	case file != "":
		args = append(args, fileFlag, shellQuote(textsafe.Sanitize(file)))
	case app.env.getenv(envVar) != "":
		args = append(args, "(with the same $"+envVar+")")
	case k.profile != nil:
		// The profile gives it again: keyring, cmd:, env: or a prompt.
	default:
		args = append(args, "(with the same $"+envVar+")")
	}
	return strings.Join(args, " ")
}

// writeHAR writes a new HAR file, 0600, never half, refusing a file (or a
// link) already at path unless replace, which replaces atomically.
func writeHAR(path string, ex []record.Exchange, replace bool) error {
	data, err := record.HAR(ex, Version)
	if err != nil {
		return fmt.Errorf("HAR: %w", err)
	}
	if _, err := bundle.WriteFile(path, data, replace); err != nil {
		return fmt.Errorf("HAR not written: %w", existsHint(err))
	}
	return nil
}

// caseUser is the user a token request's bundle is about: the password
// grant's username, or the passwordless login's ident (e-mail or user id).
func caseUser(req flows.Request) string {
	if req.Username == "" && req.Grant == client.GrantAuthorizationCode {
		return req.Ident
	}
	return req.Username
}

// writeToken prints a result in the format asked for. Tokens go to stdout
// only, and only here. The JSON goes through rd, the run's redactor, as -v
// does: the server's other fields (user_info, …) may echo a code or a
// secret; the access and refresh tokens, the output asked for, are kept.
func writeToken(w io.Writer, format string, res *flows.Result, rd *record.Redactor) error {
	r := res.Response
	var err error
	switch format {
	case "token":
		_, err = fmt.Fprintln(w, r.AccessToken)
	case "header":
		_, err = fmt.Fprintf(w, "Authorization: Bearer %s\n", r.AccessToken)
	case "env":
		_, err = fmt.Fprintf(w, "export DINTERO_ACCESS_TOKEN=%s\n", shellQuote(r.AccessToken))
		if err == nil && res.RefreshToken != "" {
			_, err = fmt.Fprintf(w, "export DINTERO_REFRESH_TOKEN=%s\n", shellQuote(res.RefreshToken))
		}
	case "json":
		out := make(map[string]any, len(r.Fields)+3)
		for k, v := range r.Fields {
			out[k] = v
		}
		if res.Expiry.Known() {
			out["expires_at"] = res.Expiry.At.UTC().Format(time.RFC3339)
		}
		if res.Expiry.Implausible != "" {
			out["expiry_implausible"] = res.Expiry.Implausible
		}
		if res.Token != nil {
			out["header"] = res.Token.Header
			out["claims"] = res.Token.Claims
		}
		if p := res.Partner; p != nil {
			out["partner"] = map[string]string{"partner": p.Partner, "account": p.Merchant, "audience": p.Audience}
		}
		if why := res.RefreshReason(); why.Code != "" {
			// Why there is no refresh_token field (§1's rule).
			out["no_refresh_token"] = why
		}
		err = writeRedactedJSON(w, out, rd, "access_token", "refresh_token")
	}
	if err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}

// printableToken reports whether a value from the server is visible ASCII
// only, and so safe to print for a person to copy.
func printableToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return s != ""
}

// writeJSON writes v as indented JSON that is safe on a terminal: Go's
// encoder escapes C0 controls but leaves C1 and bidi controls from the
// server raw; they are written as \u escapes, which any JSON reader reads
// back as the same text.
func writeJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, textsafe.EscapeJSONControls(string(data))+"\n")
	return err
}

// writeRedactedJSON writes v (a JSON object) as writeJSON does, through
// rd: every secret rd knows is masked, save the values of the top-level
// fields named in keep, which are the output itself.
func writeRedactedJSON(w io.Writer, v map[string]any, rd *record.Redactor, keep ...string) error {
	if rd == nil {
		return writeJSON(w, v)
	}
	// Kept values stand in as placeholders the redactor cannot match,
	// and are put back after it.
	var nonce [12]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return err
	}
	out := make(map[string]any, len(v))
	for k, x := range v {
		out[k] = x
	}
	held := map[string]string{}
	for i, k := range keep {
		x, ok := out[k]
		if !ok {
			continue
		}
		enc, err := json.Marshal(x)
		if err != nil {
			return err
		}
		ph := fmt.Sprintf("tokenbench-kept-%x-%d", nonce, i)
		out[k], held[`"`+ph+`"`] = ph, textsafe.EscapeJSONControls(string(enc))
	}
	var b strings.Builder
	if err := writeJSON(&b, out); err != nil {
		return err
	}
	text := rd.Redact(b.String())
	for ph, enc := range held {
		text = strings.Replace(text, ph, enc, 1)
	}
	_, err := io.WriteString(w, text)
	return err
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// linePrompter reads binding codes from the terminal or stdin.
type linePrompter struct{ env *env }

func (p *linePrompter) BindingCode(ctx context.Context, pr flows.Prompt) (string, error) {
	e := p.env
	var unchecked *flows.NotACodeError
	switch {
	case errors.As(pr.LastError, &unchecked):
		// A 429 or a 5xx: the code was not judged, and may be sent again.
		fmt.Fprintf(e.stderr, "That code was not checked (no attempt used; %d left): %s\n", pr.AttemptsLeft, errorMessage(unchecked.Err))
	case pr.LastError != nil:
		fmt.Fprintf(e.stderr, "That code was not accepted: %s\n", errorLine(pr.LastError))
	}
	if e.isTerminal() {
		if pr.Steps > 0 {
			fmt.Fprintf(e.stderr, "Code %d of %d, from the %s: ", pr.Step, pr.Steps, flows.ChannelName(pr.Channel))
		} else {
			fmt.Fprintf(e.stderr, "Binding code from the %s: ", pr.Channel)
		}
	}
	type answer struct {
		s   string
		err error
	}
	for {
		ch := make(chan answer, 1)
		go func() {
			s, err := e.line()
			ch <- answer{flows.CleanBindingCode(s), err}
		}()
		var a answer
		select {
		case a = <-ch:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		if a.err != nil || flows.CheckBindingCode(a.s) == nil {
			return a.s, a.err
		}
		// Not a code: sending it would only use up an attempt.
		if !e.isTerminal() {
			return "", &usageError{fmt.Errorf("the binding code read from stdin: %w; nothing was sent", flows.CheckBindingCode(a.s))}
		}
		fmt.Fprintf(e.stderr, "A binding code is digits only; nothing was sent. Type it again: ")
	}
}

// errorLine keeps the part of a wrapped error that a person needs.
func errorLine(err error) string {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Error()
	}
	return err.Error()
}
