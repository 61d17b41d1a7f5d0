package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/session"
	"github.com/tokenbench/tokenbench/textsafe"
)

// revokeOptions are the flags of `tokenbench revoke`. No secret is a flag.
type revokeOptions struct {
	connFlags
	audience, refreshTokenFile, profile string
}

func newRevokeCmd(app *App) *cobra.Command {
	o := &revokeOptions{}
	cmd := &cobra.Command{
		Use:   "revoke",
		Short: "Revoke a refresh token (Dintero's only log out)",
		Long: `Revoke a refresh token, so that the server refuses it from now on.

With -p NAME, the profile's stored refresh token (or the one it keeps with
keep_tokens) is revoked and then removed from the store. Without a profile,
the refresh token comes from $TOKENBENCH_REFRESH_TOKEN or --refresh-token-file.

The revoke needs a Bearer of the client the refresh token was issued to: the
client's own token (client id, and the secret from $TOKENBENCH_CLIENT_SECRET
or --client-secret-file), or $TOKENBENCH_BEARER or --bearer-file.

Exit codes: 0 revoked, 2 usage or invalid input, 4 rejected by the server,
5 transport or server failure, 1 other.`,
		Example: `  tokenbench revoke -p support
  TOKENBENCH_CLIENT_SECRET=... tokenbench revoke --account T11223344 --client-id ID --refresh-token-file rt.txt`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return app.runRevoke(cmd.Context(), o, cmd.Flags().Changed)
		},
	}
	f := cmd.Flags()
	o.bind(f, "account id (T/P + 8 digits)", "read the Bearer token from FILE, or - ($TOKENBENCH_BEARER)")
	bindForce(f, &o.force, "--har")
	f.StringVar(&o.audience, "audience", "", "audience of the client token (default https://api.dintero.com/v1/accounts/<account>)")
	f.StringVar(&o.refreshTokenFile, "refresh-token-file", "", "read the refresh token from FILE, or - ($TOKENBENCH_REFRESH_TOKEN)")
	f.StringVarP(&o.profile, "profile", "p", "", "revoke the refresh token a saved profile holds, and remove it from the store")
	return cmd
}

// heldRefresh is where a profile's refresh token was found, to remove it
// after the revoke.
type heldRefresh struct {
	profile *profiles.Profile
	stored  bool // the refresh_token secret, in the keyring or the file
	kept    *profiles.KeptTokens
	// from names where the refresh token came from when tokenbench does
	// not keep it: "$TOKENBENCH_REFRESH_TOKEN", "the file rt.txt",
	// the profile's env:NAME or command.
	from string
}

// refreshFrom names where revoke's --refresh-token-file or environment
// gave the refresh token.
func refreshFrom(file string) string {
	switch file {
	case "":
		return "$TOKENBENCH_REFRESH_TOKEN"
	case "-":
		return "stdin"
	}
	if abs, err := filepath.Abs(file); err == nil {
		file = abs
	}
	return "the file " + textsafe.Sanitize(file)
}

func (app *App) runRevoke(ctx context.Context, o *revokeOptions, changed func(string) bool) error {
	if err := refuseExisting(o.force, "har", o.harFile); err != nil {
		return err
	}
	req := flows.RevokeRequest{Account: o.account, Audience: o.audience, ClientID: o.clientID}
	baseURL := o.baseURL
	e := app.env
	var err error
	if req.ClientSecret, err = e.secret("client secret", o.clientSecretFile, "TOKENBENCH_CLIENT_SECRET"); err != nil {
		return err
	}
	if req.Bearer, err = e.secret("Bearer token", o.bearerFile, "TOKENBENCH_BEARER"); err != nil {
		return err
	}
	if req.RefreshToken, err = e.secret("refresh token", o.refreshTokenFile, "TOKENBENCH_REFRESH_TOKEN"); err != nil {
		return err
	}
	var held heldRefresh
	if req.RefreshToken != "" {
		held.from = refreshFrom(o.refreshTokenFile)
	}
	if o.profile != "" {
		if held, err = app.profileRefresh(ctx, o, changed, &req, &baseURL, held.from); err != nil {
			return err
		}
	}
	if req.RefreshToken == "" {
		return &usageError{errors.New("no refresh token to revoke: use -p NAME, $TOKENBENCH_REFRESH_TOKEN or --refresh-token-file")}
	}
	if err := app.explainProblems(req.Check(), true); err != nil {
		return err
	}
	rd := &record.Redactor{}
	rd.AddBasic(req.ClientID, req.ClientSecret)
	rd.AddToken(req.Bearer)
	rd.AddToken(req.RefreshToken)
	c, done, err := app.recordedClient(baseURL, o.caFile, o.timeout, o.verbose, o.harFile, o.force, rd)
	defer done()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	runner := flows.NewRunner(c)
	revoke := func(ctx context.Context, rt string) error {
		r := req
		r.RefreshToken = rt
		return runner.Revoke(ctx, r)
	}
	fp := record.Fingerprint(req.RefreshToken)
	if held.profile == nil {
		if err := revoke(ctx, req.RefreshToken); err != nil {
			return redacted(err, rd)
		}
		fmt.Fprintf(app.env.stderr, "Revoked refresh token %s on %s.\n", fp, req.Account)
		return nil
	}
	// A profile's refresh token: the session's one revoke, under the
	// profile's lock, removes it from the store where it is still this
	// one.
	svc, err := app.session()
	if err != nil {
		return err
	}
	out, err := svc.RevokeProfile(ctx, *held.profile, req.RefreshToken, revoke)
	if rmErr := (*session.RemoveError)(nil); errors.As(err, &rmErr) {
		return fmt.Errorf("revoked refresh token %s, but removing it from profile %s failed: %w", fp, held.profile.Name, rmErr.Err)
	} else if err != nil {
		return redacted(err, rd)
	}
	removed := out.Removed
	switch {
	case removed:
		fmt.Fprintf(app.env.stderr, "Revoked refresh token %s of profile %s and removed it from the store.\n", fp, held.profile.Name)
		return nil
	case held.stored || held.kept != nil:
		// Rotated by another run since it was read: the new one is valid.
		fmt.Fprintf(app.env.stderr, "Revoked refresh token %s of profile %s. The store holds a newer refresh token now, which stays.\n", fp, held.profile.Name)
		return nil
	}
	fmt.Fprintf(app.env.stderr, "Revoked refresh token %s of profile %s. %s\n", fp, held.profile.Name, cameFrom(held.from))
	return nil
}

// profileRefresh fills req from a profile: account, client, its secret, and
// the refresh token it stores or keeps.
func (app *App) profileRefresh(ctx context.Context, o *revokeOptions, changed func(string) bool, req *flows.RevokeRequest, baseURL *string, from string) (heldRefresh, error) {
	_, p, err := app.profileNamed(o.profile)
	if err != nil {
		return heldRefresh{}, err
	}
	held := heldRefresh{profile: &p, from: from}
	if !changed("account") {
		req.Account = p.Account
	}
	if !changed("audience") {
		req.Audience = p.Audience
	}
	if !changed("client-id") {
		req.ClientID = p.ClientID
	}
	if !changed("base-url") {
		*baseURL = p.BaseURLOrDefault()
	}
	sec := app.secrets()
	if req.RefreshToken == "" {
		if profiles.SourceOf(p, profiles.RefreshToken) != "" {
			v, err := sec.Get(ctx, p, profiles.RefreshToken)
			switch {
			case err == nil:
				src := profiles.SourceOf(p, profiles.RefreshToken)
				req.RefreshToken, held.stored, held.from = v, src.Stored(), sourceLabel(src)
			case !errors.Is(err, profiles.ErrNotSet):
				return held, fmt.Errorf("profile %s: %w", p.Name, err)
			}
		}
		if kept, err := sec.KeptTokens(ctx, p); err == nil && kept.RefreshToken != "" {
			if req.RefreshToken == "" {
				req.RefreshToken = kept.RefreshToken
			}
			if kept.RefreshToken == req.RefreshToken {
				held.kept = &kept
			}
		}
		if req.RefreshToken == "" {
			return held, &usageError{fmt.Errorf("profile %s holds no refresh token to revoke", p.Name)}
		}
	}
	svc, err := app.session()
	if err != nil {
		return held, err
	}
	req.ClientSecret, req.Bearer, err = svc.ClientAuth(ctx, p, req.ClientID, req.ClientSecret, req.Bearer, app.askSecret(p.Name))
	return held, err
}

// cameFrom says where a revoked refresh token tokenbench does not keep
// came from, and how to be rid of it there.
func cameFrom(from string) string {
	switch {
	case from == "":
		return "The store did not hold it."
	case from == "stdin":
		return "It came from stdin; the store did not hold it."
	case strings.HasPrefix(from, "$"):
		return "It came from " + from + ", which tokenbench does not write: unset it there."
	case from == "a command":
		return "It came from the profile's command, which tokenbench does not write: remove it where the command reads it."
	}
	return "It came from " + from + ", which tokenbench does not write: remove it there."
}
