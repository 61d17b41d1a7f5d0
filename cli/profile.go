package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/session"
	"github.com/tokenbench/tokenbench/textsafe"
)

// store opens the profiles store of --config-dir, $TOKENBENCH_CONFIG_DIR or
// the OS config directory. Only commands that use profiles call it: the
// plain token command touches no config.
func (app *App) store() (*profiles.Store, error) {
	dir, err := profiles.DirFromEnv(app.configDir, app.env.getenv)
	if err != nil {
		return nil, err
	}
	return &profiles.Store{Dir: dir}, nil
}

// loadProfiles opens the store and reads every profile.
func (app *App) loadProfiles() (*profiles.Store, []profiles.Profile, error) {
	st, err := app.store()
	if err != nil {
		return nil, nil, err
	}
	ps, err := st.Load()
	return st, ps, err
}

// profileNamed opens the store and finds a profile; a name that is not
// there is a usage error.
func (app *App) profileNamed(name string) (*profiles.Store, profiles.Profile, error) {
	st, err := app.store()
	if err != nil {
		return nil, profiles.Profile{}, err
	}
	p, err := st.Get(name)
	if errors.Is(err, profiles.ErrNotFound) {
		return nil, p, &usageError{err}
	}
	return st, p, err
}

func (app *App) secrets() *profiles.Secrets {
	st, _ := app.store()
	s := profiles.NewSecrets(st)
	s.Getenv = app.env.getenv
	s.Keyring = app.env.keyring
	s.DefaultDir, _ = profiles.DefaultDir(app.env.getenv)
	return s
}

// session opens the session service on the store and its secrets: the one
// place profiles are saved and tokens remembered, as in the TUI.
func (app *App) session() (*session.Service, error) {
	st, err := app.store()
	if err != nil {
		return nil, err
	}
	sec := app.secrets()
	sec.Store = st
	svc := session.New(st, sec, func(baseURL string) (*flows.Runner, error) {
		c, err := client.New(client.Options{BaseURL: baseURL, UserAgent: "tokenbench/" + Version})
		if err != nil {
			return nil, err
		}
		return flows.NewRunner(c), nil
	})
	svc.Now = app.now
	return svc, nil
}

// remember keeps a profile's new token obtained outside session.Run (MFA
// recovery) by the same rules: the rotated refresh token first, then kept
// tokens (a warning when they cannot be).
func (app *App) remember(p *profiles.Profile, res *flows.Result) error {
	if p == nil {
		return nil
	}
	svc, err := app.session()
	if err != nil {
		return err
	}
	warnings, err := svc.Remember(*p, res)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(app.stderr, "warning: %s\n", w)
	}
	return nil
}

// profileError makes a name that is taken or missing a usage error.
func profileError(err error) error {
	if errors.Is(err, profiles.ErrExists) || errors.Is(err, profiles.ErrNotFound) {
		return &usageError{err}
	}
	return err
}

// warnStore says on stderr what is worth knowing about the store.
func (app *App) warnStore(st *profiles.Store, ps []profiles.Profile) {
	if profiles.UsesFile(ps) {
		fmt.Fprintf(app.stderr, "warning: some secrets are kept in PLAIN TEXT in %s (--insecure-storage)\n", filepath.Join(st.Dir, profiles.SecretsFileName))
	}
	if err := app.secrets().CheckFile(); err != nil {
		fmt.Fprintf(app.stderr, "warning: %s\n", textsafe.Sanitize(err.Error()))
	}
	if st.LoosePermissions() {
		fmt.Fprintf(app.stderr, "warning: %s can be read by others; it is rewritten 0600 on the next save\n", st.Path())
	}
}

// profileOptions are the flags of profile add/edit beyond the request flags.
type profileOptions struct {
	req           tokenOptions
	newName       string
	jwksURL       string
	notes         string
	sources       []string
	insecure      bool
	storePassword bool
	keepTokens    bool
	autoRefresh   bool
	refreshBefore time.Duration
	// updateSecrets: edit reads secrets from the environment too.
	updateSecrets bool
}

func newProfileCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "Saved profiles: list, show, add, edit, rename, duplicate, rm, export, import",
		Long: `Profiles are saved connections: base URL, account, grant, client id, user.
The profiles file (profiles.yaml in the config directory) never holds a
secret: each secret comes from the OS keyring (the default), env:NAME,
cmd:COMMAND (its stdout, e.g. a password manager), or is asked for each time.
Where no keyring is available, profile add --insecure-storage keeps secrets
in a 0600 file beside the profiles; nothing is written in plain text
otherwise.`,
		Args: noArgs,
		// Runnable, so that a mistyped command is refused with a
		// suggestion rather than answered with this help.
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newProfileListCmd(app), newProfileShowCmd(app), newProfileAddCmd(app, false), newProfileAddCmd(app, true),
		newProfileRenameCmd(app), newProfileDuplicateCmd(app),
		newProfileRmCmd(app), newProfileExportCmd(app), newProfileImportCmd(app), newProfileAdoptLegacyCmd(app))
	return cmd
}

func newProfileAdoptLegacyCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "adopt-legacy-secrets [NAME…]",
		Short: "Take the keyring secrets an older version kept by profile name alone",
		Long: `Versions before 0.9 named a keyring secret by its profile's name alone,
shared by every config directory. The default config directory takes them
on first use; any other directory (--config-dir, $TOKENBENCH_CONFIG_DIR)
takes them only with this command, so that a shared folder or an unpacked
archive with a profile of the same name never takes (and sends away) your
secret. Run it in the directory the older version used, for the named
profiles or every profile whose secrets are in the keyring. A secret this
directory already has is kept.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := app.store()
			if err != nil {
				return err
			}
			sec := app.secrets()
			sec.Store = st
			moved, err := sec.AdoptLegacy(args)
			if errors.Is(err, profiles.ErrNotFound) {
				return &usageError{err}
			}
			for _, m := range moved {
				fmt.Fprintf(app.stderr, "adopted %s into %s\n", m, textsafe.Sanitize(st.Dir))
			}
			if err != nil {
				return err
			}
			if len(moved) == 0 {
				fmt.Fprintln(app.stderr, "no secret of an older version to adopt for these profiles")
			}
			return nil
		},
	}
}

func newProfileListCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use: "list", Short: "List the profiles", Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) (retErr error) {
			st, ps, err := app.loadProfiles()
			var broken *profiles.ParseError
			if err != nil && !(errors.As(err, &broken) && len(ps) > 0) {
				return err
			}
			// A file with a broken entry: the others are listed, then
			// the error (exit 1).
			defer func() {
				if broken != nil && retErr == nil {
					retErr = err
				}
			}()
			app.warnStore(st, ps)
			if len(ps) == 0 {
				fmt.Fprintf(app.stderr, "no profiles in %s; add one with 'tokenbench profile add NAME'\n", st.Dir)
				return nil
			}
			tw := tabwriter.NewWriter(app.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tENV\tACCOUNT\tGRANT\tWHO\tBASE URL")
			for _, p := range ps {
				who := p.ClientID
				if p.Username != "" {
					who = p.Username
				}
				// Every field, also those validated on load: an imported base URL
				// with U+202E could disguise its host, and a tab would shift columns.
				fields := []string{p.Name, envBadge(p.Account), p.Account, p.Grant, orDash(who), p.BaseURLOrDefault()}
				for i, f := range fields {
					fields[i] = textsafe.Sanitize(f)
				}
				fmt.Fprintln(tw, strings.Join(fields, "\t"))
			}
			return tw.Flush()
		},
	}
}

func envBadge(account string) string {
	if client.IsProduction(account) {
		return "PROD"
	}
	return "TEST"
}

func newProfileShowCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use: "show NAME", Short: "Show a profile (never its secrets)", Args: exactName,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, p, err := app.profileNamed(args[0])
			if err != nil {
				return err
			}
			w := app.stdout
			row := func(k, v string) {
				if v != "" {
					fmt.Fprintf(w, "%-14s %s\n", k, textsafe.Sanitize(v))
				}
			}
			row("name", p.Name)
			row("environment", envBadge(p.Account))
			row("account", p.Account)
			if p.Partner != "" {
				row("partner", flows.PartnerAccess{Partner: p.Partner, Merchant: p.Account}.Label())
			}
			row("base url", p.BaseURLOrDefault())
			row("audience", orDash(p.Audience))
			row("grant", p.Grant)
			row("client id", p.ClientID)
			row("username", p.Username)
			row("redirect uri", p.RedirectURI)
			row("authorize url", p.AuthorizeURL)
			switch p.IdentType {
			case flows.IdentEmail:
				row("ident", p.Ident+" (e-mail; code by "+orDefault(p.Connection, "email")+", "+orDefault(p.CustomerType, "customer")+")")
			case flows.IdentUserID:
				row("ident", p.Ident+" (user id: a code issued by the server)")
			}
			row("jwks url", p.JWKSURL)
			row("mfa channel", string(p.Channel()))
			row("notes", p.Notes)
			if p.KeepTokens {
				row("keep tokens", "yes (in the keyring)")
			}
			if p.AutoRefresh {
				row("auto refresh", fmt.Sprintf("%s before expiry", time.Duration(p.RefreshBefore)))
			}
			for _, k := range profiles.Kinds {
				src := profiles.SourceOf(p, k)
				if src == "" || k == profiles.Tokens {
					continue
				}
				row("secret", fmt.Sprintf("%s from %s", k, src))
			}
			return nil
		},
	}
}

func exactName(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return &usageError{fmt.Errorf("%s takes one profile name", cmd.CommandPath())}
	}
	return nil
}

func newProfileAddCmd(app *App, edit bool) *cobra.Command {
	o := &profileOptions{}
	use, short := "add NAME", "Add a profile; takes token's request flags"
	long := `Add a profile. It takes the request flags of token (not those of one run:
--timeout, --ca-file, --param, --output and the codes), and stores the secrets
given as token reads them: $TOKENBENCH_CLIENT_SECRET or --client-secret-file,
$TOKENBENCH_BEARER or --bearer-file, $TOKENBENCH_PASSWORD or --password-file
(with --store-password), $TOKENBENCH_REFRESH_TOKEN or --refresh-token-file.`
	if edit {
		use, short = "edit NAME", "Change a profile; only the flags given change"
		long = `Change a profile: only what the flags given say changes. Secrets are read
from the --client-secret-file, --bearer-file, --password-file and
--refresh-token-file given; the TOKENBENCH_* environment variables are read
only with --update-secrets, so a secret exported for other commands is never
stored over the profile's own; --store-password reads $TOKENBENCH_PASSWORD too.`
	}
	cmd := &cobra.Command{
		Use: use, Short: short, Long: long, Args: exactName,
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.saveProfile(cmd.Context(), args[0], o, edit, cmd.Flags().Changed)
		},
	}
	f := cmd.Flags()
	bindRequestFlags(f, &o.req)
	for _, flag := range unsavedFlags {
		// Parsed, to be refused with the reason, but not offered.
		_ = f.MarkHidden(flag)
	}
	if edit {
		f.StringVar(&o.newName, "name", "", "rename the profile")
		f.BoolVar(&o.updateSecrets, "update-secrets", false, "store the secrets in $TOKENBENCH_CLIENT_SECRET, $TOKENBENCH_PASSWORD, $TOKENBENCH_BEARER and $TOKENBENCH_REFRESH_TOKEN (without it, edit reads secrets only from the --*-file flags given)")
	}
	f.StringVar(&o.jwksURL, "jwks-url", "", "JWKS URL to verify token signatures")
	f.StringVar(&o.notes, "notes", "", "free text")
	f.StringArrayVar(&o.sources, "secret-source", nil, "where secrets come from: keyring, env:NAME, cmd:COMMAND or ask; KIND=SOURCE for one kind (client_secret, password, bearer, refresh_token). A bare env:NAME or cmd:COMMAND is the client secret; a bare keyring or ask applies to every secret given")
	f.BoolVar(&o.insecure, "insecure-storage", false, "keep secrets in a PLAIN TEXT 0600 file beside the profiles instead of the keyring")
	f.BoolVar(&o.storePassword, "store-password", false, "store the password too, from $TOKENBENCH_PASSWORD or --password-file (by default it is asked for each time)")
	f.BoolVar(&o.keepTokens, "keep-tokens", false, "keep obtained tokens across restarts, in the keyring")
	f.BoolVar(&o.autoRefresh, "auto-refresh", false, "refresh the token before it expires while the workbench runs")
	f.DurationVar(&o.refreshBefore, "refresh-before", 30*time.Second, "how long before expiry auto-refresh runs")
	return cmd
}

// unsavedFlags are the request flags a profile does not keep: refused by
// add and edit rather than silently dropped.
var unsavedFlags = []string{"ca-file", "param", "timeout", "output", "code", "mfa-token", "oob-code", "binding-code"}

func (app *App) saveProfile(ctx context.Context, name string, o *profileOptions, edit bool, changed func(string) bool) error {
	for _, flag := range unsavedFlags {
		if changed(flag) {
			return &usageError{fmt.Errorf("--%s is not kept in a profile; give it to each run instead (tokenbench token -p %s --%s …)", flag, textsafe.Sanitize(name), flag)}
		}
	}
	if o.refreshBefore < 0 {
		return &usageError{fmt.Errorf("--refresh-before must not be negative (got %s)", o.refreshBefore)}
	}
	st, err := app.store()
	if err != nil {
		return err
	}
	var p profiles.Profile
	if edit {
		if p, err = st.Get(name); err != nil {
			return &usageError{err}
		}
	} else {
		if _, err := st.Get(name); err == nil {
			return &usageError{fmt.Errorf("%w: %q (use profile edit)", profiles.ErrExists, name)}
		} else if !errors.Is(err, profiles.ErrNotFound) {
			return err
		}
		p = profiles.Profile{Name: name, Grant: string(client.GrantClientCredentials)}
	}
	set := func(flag string, dst *string, v string) {
		if changed(flag) || (!edit && v != "") {
			*dst = v
		}
	}
	r := &o.req
	set("base-url", &p.BaseURL, r.baseURL)
	if !edit && !changed("base-url") {
		p.BaseURL = "" // the default: Dintero's API
	}
	set("account", &p.Account, r.account)
	set("partner", &p.Partner, r.partner)
	set("grant", &p.Grant, r.grant)
	set("audience", &p.Audience, r.audience)
	set("client-id", &p.ClientID, r.clientID)
	set("username", &p.Username, r.username)
	set("redirect-uri", &p.RedirectURI, r.redirectURI)
	set("authorize-url", &p.AuthorizeURL, r.authorizeURL)
	set("connection", &p.Connection, r.connection)
	set("customer-type", &p.CustomerType, r.customerType)
	switch {
	case changed("ident") || (!edit && r.ident != ""):
		p.IdentType, p.Ident = flows.IdentEmail, r.ident
	case changed("user-id") || (!edit && r.userID != ""):
		p.IdentType, p.Ident = flows.IdentUserID, r.userID
	}
	if p.IdentType != "" || p.Grant != string(client.GrantAuthorizationCode) {
		p.OldCode = "" // never kept; the old shape is gone once fixed
	}
	set("jwks-url", &p.JWKSURL, o.jwksURL)
	set("notes", &p.Notes, o.notes)
	if changed("mfa-channel") {
		p.MFAChannel = r.mfaChannel
	}
	if changed("keep-tokens") || !edit {
		p.KeepTokens = o.keepTokens
	}
	if changed("auto-refresh") || !edit {
		p.AutoRefresh = o.autoRefresh
	}
	if changed("refresh-before") || (!edit && o.autoRefresh) {
		p.RefreshBefore = profiles.Duration(o.refreshBefore)
	}
	if edit && changed("name") {
		p.Name = o.newName
	}
	if p.Audience == client.DefaultAudience(p.Account) {
		p.Audience = "" // follows the account
	}

	// The secrets given to this run, from the same places as token's.
	var given flows.Request
	given.Grant = client.Grant(p.Grant)
	getenv := app.env.getenv
	if edit && !o.updateSecrets {
		// edit changes what its flags say: a secret exported for other
		// commands is not stored over the profile's own. Files given
		// with --client-secret-file and the like are read.
		// --store-password asks for the password: it comes from where
		// token reads it.
		app.env.getenv = func(k string) string {
			if k == "TOKENBENCH_PASSWORD" && o.storePassword {
				return getenv(k)
			}
			return ""
		}
	}
	err = app.readSecrets(&o.req, &given)
	app.env.getenv = getenv
	if err != nil {
		return err
	}
	if o.storePassword && given.Password == "" && p.Grant == string(client.GrantPassword) && !profiles.SourceOf(p, profiles.Password).Stored() {
		return &usageError{fmt.Errorf("--store-password needs the password: give it with $TOKENBENCH_PASSWORD or --password-file")}
	}
	givenPassword := given.Password != ""
	values := map[profiles.Kind]string{
		profiles.ClientSecret: given.ClientSecret, profiles.Bearer: given.Bearer,
		profiles.RefreshToken: given.RefreshToken, profiles.Password: given.Password,
	}
	if err := applySources(&p, o, values); err != nil {
		return err
	}
	// The CLI has no chaining switch: a client id chains, none takes a
	// Bearer.
	if err := p.ValidateNew(false); err != nil {
		if fe := (*profiles.FieldError)(nil); errors.As(err, &fe) {
			return &usageError{fmt.Errorf("%w: give --%s", err, fe.Field)}
		}
		return err
	}
	svc, err := app.session()
	if err != nil {
		return err
	}
	if edit {
		err = svc.Update(ctx, name, p, session.Values(values))
	} else {
		err = svc.Create(ctx, p, session.Values(values))
	}
	if errors.Is(err, profiles.ErrNoKeyring) && !strings.Contains(err.Error(), "--insecure-storage") {
		err = fmt.Errorf("%w. %s", err, profiles.NoKeyringHint)
	}
	if err != nil {
		return profileError(err)
	}
	ps, _ := st.Load()
	app.warnStore(st, ps)
	verb := "added"
	if edit {
		verb = "saved"
	}
	fmt.Fprintf(app.stderr, "profile %s %s in %s\n", p.Name, verb, st.Path())
	if givenPassword && !o.storePassword && p.Secrets[profiles.Password] == profiles.SourceAsk {
		fmt.Fprintf(app.stderr, "note: the password given was not stored: the profile asks for it each time (--store-password stores it)\n")
	}
	return nil
}

// applySources decides where each secret comes from: --secret-source for
// all or per kind, the keyring by default (the file with
// --insecure-storage), and "ask" for a password unless --store-password.
func applySources(p *profiles.Profile, o *profileOptions, values map[profiles.Kind]string) error {
	if p.Secrets == nil {
		p.Secrets = map[profiles.Kind]profiles.Source{}
	}
	stored := profiles.SourceKeyring
	if o.insecure {
		stored = profiles.SourceFile
	}
	all := profiles.Source("")
	perKind := map[profiles.Kind]profiles.Source{}
	for _, s := range o.sources {
		if k, v, ok := strings.Cut(s, "="); ok && !strings.HasPrefix(s, "env:") && !strings.HasPrefix(s, "cmd:") {
			perKind[profiles.Kind(k)] = profiles.Source(v)
			continue
		}
		if strings.HasPrefix(s, "env:") || strings.HasPrefix(s, "cmd:") {
			// One variable or command gives one secret: the client
			// secret, unless KIND= says otherwise.
			if p.ClientID == "" {
				return &usageError{fmt.Errorf("--secret-source %s without KIND= means the client secret, and this profile has no --client-id; name the secret, e.g. bearer=%s", sourceLabelFlag(s), sourceLabelFlag(s))}
			}
			if _, ok := perKind[profiles.ClientSecret]; !ok {
				perKind[profiles.ClientSecret] = profiles.Source(s)
			}
			continue
		}
		all = profiles.Source(s)
	}
	for k, src := range perKind {
		if err := profiles.CheckSource(k, src); err != nil {
			return &usageError{fmt.Errorf("--secret-source: %w", err)}
		}
	}
	if all != "" {
		if err := all.Validate(); err != nil {
			return &usageError{fmt.Errorf("--secret-source: %w", err)}
		}
	}
	for _, k := range []profiles.Kind{profiles.ClientSecret, profiles.Password, profiles.Bearer, profiles.RefreshToken} {
		src, explicit := perKind[k]
		if !explicit && all != "" && (values[k] != "" || p.Secrets[k] != "") {
			src, explicit = all, true
		}
		switch {
		case explicit && src == profiles.SourceKeyring:
			p.Secrets[k] = stored
		case explicit:
			p.Secrets[k] = src
		case values[k] == "":
			// Keep what the profile had.
		case k == profiles.Password && !o.storePassword:
			p.Secrets[k] = profiles.SourceAsk
			values[k] = ""
		case o.insecure:
			p.Secrets[k] = profiles.SourceFile
		default:
			// Where the profile keeps it: an edit moves no secret unless
			// asked to (--insecure-storage, --secret-source keyring).
			p.Secrets[k] = profiles.StoreFor(*p, k)
		}
		if src := p.Secrets[k]; src != "" && !src.Stored() {
			values[k] = "" // read from elsewhere each time: keep no copy
		}
	}
	if p.Grant == string(client.GrantPassword) && p.Secrets[profiles.Password] == "" {
		p.Secrets[profiles.Password] = profiles.SourceAsk
	}
	return nil
}

func newProfileRmCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use: "rm NAME", Short: "Delete a profile and its stored secrets", Args: exactName,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := app.session()
			if err != nil {
				return err
			}
			if err := svc.Delete(cmd.Context(), args[0]); err != nil {
				return profileError(err)
			}
			fmt.Fprintf(app.stderr, "profile %s and its secrets deleted\n", args[0])
			return nil
		},
	}
}

func twoNames(cmd *cobra.Command, args []string) error {
	if len(args) != 2 {
		return &usageError{fmt.Errorf("%s takes two profile names", cmd.CommandPath())}
	}
	return nil
}

func newProfileRenameCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use: "rename NAME NEW-NAME", Short: "Rename a profile; its stored secrets move with it", Args: twoNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := app.session()
			if err != nil {
				return err
			}
			if err := svc.Rename(cmd.Context(), args[0], args[1]); err != nil {
				return profileError(err)
			}
			fmt.Fprintf(app.stderr, "profile %s renamed to %s\n", args[0], args[1])
			return nil
		},
	}
}

func newProfileDuplicateCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use: "duplicate NAME NEW-NAME", Short: "Copy a profile with its stored secrets (not its kept tokens)", Args: twoNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := app.session()
			if err != nil {
				return err
			}
			if err := svc.Duplicate(cmd.Context(), args[0], args[1]); err != nil {
				return profileError(err)
			}
			fmt.Fprintf(app.stderr, "profile %s duplicated as %s, with its stored secrets\n", args[0], args[1])
			return nil
		},
	}
}

func newProfileExportCmd(app *App) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use: "export [FILE|-]", Short: "Write the profiles, without secrets, to share", Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 && args[0] == "" {
				return &usageError{errors.New("profile export: the file name is empty (- writes to stdout)")}
			}
			if len(args) == 1 && args[0] != "-" {
				if err := refuseExistingFile(force, "profile export", args[0]); err != nil {
					return err
				}
			}
			_, ps, err := app.loadProfiles()
			if err != nil {
				return err
			}
			data, err := profiles.Export(ps)
			if err != nil {
				return err
			}
			if len(args) == 0 || args[0] == "-" {
				_, err = app.stdout.Write(data)
				return err
			}
			if _, err := bundle.WriteFile(args[0], data, force); err != nil {
				var ex *bundle.ExistsError
				if errors.As(err, &ex) {
					return &exitError{code: ExitUsage, err: fmt.Errorf("profile export %s: the file exists; not replaced (--force replaces it)", textsafe.Sanitize(ex.Path))}
				}
				return fmt.Errorf("profile export: %w", err)
			}
			return nil
		},
	}
	bindForce(cmd.Flags(), &force, "FILE")
	return cmd
}

func newProfileImportCmd(app *App) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "import FILE|-",
		Short: "Add profiles from an export; --force replaces same-named ones",
		Long: `Add profiles from a file written by 'profile export', perhaps by someone
else. An import never brings across a secret source that runs a command
(cmd:), reads the environment (env:) or the plain-text secrets file: those
become keyring (a password: ask). It prints, per profile, what it changed
and what to check: a base URL other than Dintero's, JWKS and redirect URLs,
text with control characters. A profile replaced with --force keeps its
own secret sources, and is not replaced when the import would point it at
another base URL while any of its secrets comes without asking (keyring,
the secrets file, cmd: or env:).`,
		Args: exactName,
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.runImport(args[0], force)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace profiles with the same name")
	return cmd
}

func (app *App) runImport(from string, force bool) error {
	var data []byte
	var err error
	if from == "-" {
		data, err = io.ReadAll(io.LimitReader(app.env.stdin, 8<<20))
	} else {
		data, err = os.ReadFile(from)
	}
	if err != nil {
		return &usageError{err}
	}
	incoming, err := profiles.ParseExport(from, data)
	if err != nil {
		return &usageError{err}
	}
	st, err := app.store()
	if err != nil {
		return err
	}
	reviews := make([]profiles.ImportReview, len(incoming))
	for i, in := range incoming {
		reviews[i] = profiles.ReviewImport(in)
		if err := reviews[i].Profile.Validate(); err != nil {
			return &usageError{fmt.Errorf("profile %q: %w; nothing imported", textsafe.Sanitize(in.Name), err)}
		}
	}
	replaced := map[string]bool{}
	err = st.Update(func(ps []profiles.Profile) ([]profiles.Profile, error) {
		for i := range reviews {
			in := &reviews[i]
			idx := -1
			for j := range ps {
				if ps[j].Name == in.Profile.Name {
					idx = j
				}
			}
			if idx < 0 {
				ps = append(ps, in.Profile)
				continue
			}
			if !force {
				return nil, &usageError{fmt.Errorf("%w: %q; nothing imported (--force replaces)", profiles.ErrExists, in.Profile.Name)}
			}
			if err := checkReplace(ps[idx], in.Profile); err != nil {
				return nil, err
			}
			// Secrets are not part of an export: the sources stay the ones
			// chosen on this machine.
			in.Profile.Secrets = ps[idx].Secrets
			in.Changed = []string{"kept the secret sources of your profile"}
			ps[idx], replaced[in.Profile.Name] = in.Profile, true
		}
		return ps, nil
	})
	if err != nil {
		return err
	}
	for _, r := range reviews {
		verb := "added"
		if replaced[r.Profile.Name] {
			verb = "replaced"
		}
		fmt.Fprintf(app.stderr, "%s profile %s\n", verb, r.Profile.Name)
		for _, line := range r.Changed {
			fmt.Fprintf(app.stderr, "  changed: %s\n", line)
		}
		for _, line := range r.Check {
			fmt.Fprintf(app.stderr, "  check:   %s\n", line)
		}
	}
	fmt.Fprintf(app.stderr, "imported %d profile(s); secrets are never part of an export: add them with 'tokenbench profile edit NAME'\n", len(reviews))
	return nil
}

// checkReplace refuses an import that would send the stored secrets of an
// existing profile to a different server.
func checkReplace(old, in profiles.Profile) error {
	if strings.TrimRight(old.BaseURLOrDefault(), "/") == strings.TrimRight(in.BaseURLOrDefault(), "/") {
		return nil
	}
	var sent []string
	for _, k := range profiles.Kinds {
		// Every source that gives a secret without the user typing it:
		// stored, a command (a password manager) or the environment.
		if src := profiles.SourceOf(old, k); src != "" && src != profiles.SourceAsk {
			sent = append(sent, fmt.Sprintf("%s from %s", k, sourceLabel(src)))
		}
	}
	if len(sent) == 0 {
		return nil
	}
	return &usageError{fmt.Errorf("profile %s: the import points it at %s instead of %s, where its secrets (%s) would be sent; nothing imported (remove it first, or import under another name)",
		old.Name, textsafe.Sanitize(in.BaseURLOrDefault()), textsafe.Sanitize(old.BaseURLOrDefault()), strings.Join(sent, ", "))}
}

// sourceLabelFlag shows a --secret-source value in an error: env:NAME as it
// is, a command line not at all.
func sourceLabelFlag(s string) string {
	if strings.HasPrefix(s, "cmd:") {
		return "cmd:…"
	}
	return textsafe.Sanitize(s)
}

// sourceLabel names a secret source without quoting a command line.
func sourceLabel(src profiles.Source) string {
	switch {
	case strings.HasPrefix(string(src), "cmd:"):
		return "a command"
	case strings.HasPrefix(string(src), "env:"):
		return "$" + textsafe.Sanitize(string(src[4:]))
	case src == profiles.SourceFile:
		return "the plain-text secrets file"
	}
	return textsafe.Sanitize(string(src))
}

// minValidity is how long a kept token must still live to be reused.
const minValidity = time.Minute

func newExecCmd(app *App) *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "exec -p NAME -- CMD [ARGS…]",
		Short: "Run a command with DINTERO_ACCESS_TOKEN from a profile in its environment",
		Long: `Run a command with a valid access token in its environment, instead of
pasting tokens: DINTERO_ACCESS_TOKEN and DINTERO_ACCOUNT_ID. A token kept by a
keep_tokens profile is reused while it has over a minute left; otherwise the
profile's grant runs first.

Exit codes: the command's own; 128+N when a signal N killed it (143 for
SIGTERM); 127 when the command is not found and 126 when it cannot be run
(checked before a token is obtained); otherwise token's: 2 usage, 3 MFA
needs a binding code, 4 rejected, 5 transport, 1 other.

The command gets the short-lived token only: every TOKENBENCH_* variable
but TOKENBENCH_CONFIG_DIR (the client secret, password, Bearer, refresh
token, codes), every variable a profile takes a secret from (env:NAME)
and DINTERO_REFRESH_TOKEN are removed from its environment.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if name == "" || len(args) == 0 {
				return &usageError{errors.New("usage: tokenbench exec -p NAME -- CMD [ARGS…]")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.runExec(cmd.Context(), name, args)
		},
	}
	cmd.Flags().StringVarP(&name, "profile", "p", "", "profile to take the token from")
	cmd.Flags().SetInterspersed(false)
	return cmd
}

func (app *App) runExec(ctx context.Context, name string, argv []string) error {
	_, p, err := app.profileNamed(name)
	if err != nil {
		return err
	}
	// Found before a token is spent on it; the codes are a shell's.
	path, err := exec.LookPath(argv[0])
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return &exitError{code: ExitCannotRun, err: fmt.Errorf("cannot run %s: permission denied", argv[0])}
		}
		return &exitError{code: ExitNotFound, err: fmt.Errorf("command not found: %s", argv[0])}
	}
	svc, err := app.session()
	if err != nil {
		return err
	}
	token := ""
	if res, ok := svc.Usable(ctx, p, minValidity); ok {
		token = res.Response.AccessToken
	} else {
		o := &tokenOptions{profile: name, output: "token", timeout: 30 * time.Second, mfaChannel: string(p.Channel())}
		res, _, err := app.obtain(ctx, o, func(string) bool { return false })
		if err != nil {
			return err
		}
		token = res.Response.AccessToken
	}
	c := exec.CommandContext(ctx, path, argv[1:]...)
	c.Args[0] = argv[0]
	c.Stdin, c.Stdout, c.Stderr = app.env.stdin, app.stdout, app.stderr
	c.Env = app.childEnv(token, p.Account)
	if err := c.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return &exitError{code: childExitCode(exit.ProcessState)}
		}
		if errors.Is(err, fs.ErrPermission) {
			return &exitError{code: ExitCannotRun, err: fmt.Errorf("cannot run %s: permission denied", argv[0])}
		}
		if errors.Is(err, fs.ErrNotExist) {
			return &exitError{code: ExitNotFound, err: fmt.Errorf("command not found: %s", argv[0])}
		}
		return fmt.Errorf("running %s: %w", argv[0], err)
	}
	return nil
}

// childExitCode is exec's exit code for a child that ran: its own, or
// 128 + the signal that killed it, as a shell reports it.
func childExitCode(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

// keptForChild are the TOKENBENCH_* variables a child of exec may see:
// they name places, not credentials.
var keptForChild = map[string]bool{"TOKENBENCH_CONFIG_DIR": true}

// childEnv is the environment of exec's command: tokenbench's own, less
// every long-lived credential in it, plus the access token and account.
func (app *App) childEnv(token, account string) []string {
	drop := map[string]bool{"DINTERO_ACCESS_TOKEN": true, "DINTERO_ACCOUNT_ID": true, "DINTERO_REFRESH_TOKEN": true}
	// Variables that profiles take secrets from (env:NAME) hold long-lived
	// credentials too. All profiles: the names are what matters, not which
	// profile runs.
	if _, ps, err := app.loadProfiles(); err == nil {
		for _, p := range ps {
			for _, src := range p.Secrets {
				if name, ok := strings.CutPrefix(string(src), "env:"); ok {
					drop[envKey(name)] = true
				}
			}
		}
	}
	var env []string
	for _, kv := range app.env.environ() {
		name, _, _ := strings.Cut(kv, "=")
		key := envKey(name)
		if drop[key] || (strings.HasPrefix(key, "TOKENBENCH_") && !keptForChild[key]) {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "DINTERO_ACCESS_TOKEN="+token, "DINTERO_ACCOUNT_ID="+account)
}

// envKey is a variable name as the OS compares it: Windows ignores case.
func envKey(name string) string {
	if runtime.GOOS == "windows" {
		return strings.ToUpper(name)
	}
	return name
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
