package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/textsafe"
)

// confirmActAsUser asks before a code is issued for a user of a production
// account: that token acts as the user. Not on a terminal, --yes says it;
// without it nothing is sent (exit 2).
func (app *App) confirmActAsUser(ctx context.Context, o *tokenOptions, req flows.Request) error {
	what := req.ActsAsProductionUser()
	if what == "" || o.yes {
		return nil
	}
	if !app.env.isTerminal() {
		return &usageError{fmt.Errorf("%s; give --yes to do it without a terminal to ask on (nothing was sent)", what)}
	}
	fmt.Fprintf(app.env.stderr, "Warning: %s.\nGo on? [y/N] ", what)
	ans, err := app.lineContext(ctx)
	if err != nil || !strings.EqualFold(ans, "y") && !strings.EqualFold(ans, "yes") {
		return &usageError{errors.New("not confirmed; nothing was sent")}
	}
	return nil
}

// lineContext reads one line of stdin, or ends with ctx.
func (app *App) lineContext(ctx context.Context) (string, error) {
	type answer struct {
		s   string
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		s, err := app.env.line()
		ch <- answer{s, err}
	}()
	select {
	case a := <-ch:
		return a.s, a.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// runPasswordless runs Dintero's authorization_code: a code sent to the
// customer (read from the terminal or stdin, or given to continue), or one
// issued for a user id. A wrong code may be typed again while the server
// allows; a used or expired one is said so, and on a terminal a new one is
// offered. A 429 is returned as it is: never a loop.
func (app *App) runPasswordless(ctx context.Context, rn *flows.Runner, req flows.Request) (*flows.Result, error) {
	e := app.env
	l, err := rn.StartPasswordless(ctx, req)
	if err != nil {
		return nil, err
	}
	code := req.VerificationCode
	switch {
	case l.Issued():
		fmt.Fprintf(e.stderr, "A verification code was %s.\n", l.Destination())
	case code == "":
		fmt.Fprintf(e.stderr, "A verification code was %s.\n", l.Destination())
	}
	var last error
	for {
		if code == "" && !l.Issued() {
			other := client.ConnectionSMS
			if l.Connection == client.ConnectionSMS {
				other = client.ConnectionEmail
			}
			if e.isTerminal() {
				fmt.Fprintf(e.stderr, "Verification code (or %q to have the same code sent by %s): ", other, connectionName(other))
			}
			code, err = app.lineContext(ctx)
			if err == nil && (strings.EqualFold(code, client.ConnectionSMS) || strings.EqualFold(code, client.ConnectionEmail)) {
				// The same code again, over the connection asked for.
				if rerr := l.Resend(ctx, strings.ToLower(code)); rerr != nil {
					return nil, rerr
				}
				fmt.Fprintf(e.stderr, "The same code was %s.\n", l.Destination())
				code = ""
				continue
			}
			code = flows.CleanBindingCode(code)
			if errors.Is(err, io.EOF) || err == nil && code == "" && !e.isTerminal() {
				return nil, &flows.NeedVerificationCodeError{Login: l, Last: last}
			}
			if err != nil {
				return nil, err
			}
			if code == "" {
				continue
			}
		}
		res, err := l.Verify(ctx, code)
		switch {
		case err == nil:
			return res, nil
		case errors.Is(err, flows.ErrWrongVerificationCode):
			fmt.Fprintf(e.stderr, "That code was not accepted: %s\n", errorLine(err))
			last, code = err, ""
			if l.Issued() || !e.isTerminal() && req.VerificationCode != "" {
				return nil, err
			}
		case errors.Is(err, flows.ErrCodeSpent):
			if l.Issued() || !e.isTerminal() {
				return nil, fmt.Errorf("%s; run the command again without --verification-code for a new code (%w)", errorLine(err), err)
			}
			fmt.Fprintf(e.stderr, "That code cannot be used any more: %s\nSend a new code? [Y/n] ", errorLine(err))
			ans, rerr := app.lineContext(ctx)
			if rerr != nil || strings.EqualFold(ans, "n") || strings.EqualFold(ans, "no") {
				return nil, err
			}
			if serr := l.SendNew(ctx, ""); serr != nil {
				return nil, serr
			}
			fmt.Fprintf(e.stderr, "A new verification code was %s.\n", l.Destination())
			last, code = nil, ""
		default:
			return nil, err
		}
	}
}

// needVerificationCode says what the login waits for and prints the one
// command that continues it; exit 3.
func (app *App) needVerificationCode(o *tokenOptions, tr *tokenRequest, baseURL string, need *flows.NeedVerificationCodeError) error {
	l := need.Login
	if need.Last != nil {
		fmt.Fprintf(app.env.stderr, "error: the passwordless login needs the verification code %s; the code given was not accepted, and stdin has no other.\n", l.Destination())
	} else {
		fmt.Fprintf(app.env.stderr, "error: the passwordless login needs the verification code %s, and stdin gave none.\n", l.Destination())
	}
	args := []string{"tokenbench", "token"}
	r := tr.req
	if tr.profile != nil {
		args = append(args, "-p", shellQuote(textsafe.Sanitize(tr.profile.Name)))
		if strings.TrimRight(tr.profile.BaseURLOrDefault(), "/") != strings.TrimRight(baseURL, "/") {
			args = append(args, "--base-url", shellQuote(textsafe.Sanitize(baseURL)))
		}
	} else {
		args = append(args, "--base-url", shellQuote(textsafe.Sanitize(baseURL)), "--account", r.Account, "--grant", string(client.GrantAuthorizationCode),
			"--client-id", shellQuote(textsafe.Sanitize(r.ClientID)), "--ident", shellQuote(textsafe.Sanitize(r.Ident)))
		if r.CustomerType != "" {
			args = append(args, "--customer-type", shellQuote(textsafe.Sanitize(r.CustomerType)))
		}
		if o.audience != "" {
			args = append(args, "--audience", shellQuote(textsafe.Sanitize(r.Audience)))
		}
	}
	args = append(args, "--verification-code", "CODE")
	switch {
	case l.BearerChained && o.clientSecretFile != "" && o.clientSecretFile != "-":
		args = append(args, "--client-secret-file", shellQuote(textsafe.Sanitize(o.clientSecretFile)))
	case l.BearerChained && tr.profile == nil:
		args = append(args, "(with the same $TOKENBENCH_CLIENT_SECRET)")
	case !l.BearerChained && o.bearerFile != "" && o.bearerFile != "-":
		args = append(args, "--bearer-file", shellQuote(textsafe.Sanitize(o.bearerFile)))
	case !l.BearerChained && tr.profile == nil:
		args = append(args, "(with the same $TOKENBENCH_BEARER)")
	}
	fmt.Fprintf(app.env.stderr, "Continue when you have it with (the code can also come from $TOKENBENCH_VERIFICATION_CODE):\n  %s\n", strings.Join(args, " "))
	return &exitError{code: ExitNeedCode}
}

// runBrowserLogin opens the identity provider's login in a browser, waits
// on loopback for its redirect (5 minutes at most; a redirect with another
// state is refused and the wait goes on) and exchanges the code.
func (app *App) runBrowserLogin(ctx context.Context, rn *flows.Runner, req flows.Request) (*flows.Result, error) {
	if strings.TrimSpace(req.AuthorizeURL) == "" {
		return nil, fmt.Errorf("%w: the oidc grant needs --code, or --authorize-url for a browser login", client.ErrInvalidInput)
	}
	b, err := flows.StartBrowserLogin(req.AuthorizeURL, req.RedirectURI)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	if err := app.openURL(b.URL); err != nil {
		fmt.Fprintf(app.env.stderr, "Could not open a browser (%s). Open this URL to sign in:\n  %s\n", textsafe.Sanitize(err.Error()), textsafe.Sanitize(b.URL))
	} else {
		fmt.Fprintf(app.env.stderr, "Sign in with the identity provider in your browser (opened).\n")
	}
	fmt.Fprintf(app.env.stderr, "Waiting for the redirect to %s (5 minutes at most; ctrl+c cancels)…\n", textsafe.Sanitize(b.RedirectURI))
	code, err := b.Wait(ctx, app.after(flows.BrowserLoginTimeout))
	switch {
	case errors.Is(err, flows.ErrLoginTimeout):
		return nil, fmt.Errorf("the browser login gave up: %w; run the command again to retry", err)
	case err != nil:
		return nil, err
	}
	req.Code, req.RedirectURI = code, b.RedirectURI
	rn.Client.Redactor().Add(code)
	return rn.ExchangeOIDC(ctx, req)
}

// openBrowser opens url with $BROWSER (a colon-separated list of commands;
// %s stands for the URL, else it is the last argument) and then the
// platform's opener.
func (app *App) openBrowser(url string) error {
	var cmds [][]string
	for _, c := range strings.Split(app.env.getenv("BROWSER"), ":") {
		if f := strings.Fields(c); len(f) > 0 {
			cmds = append(cmds, f)
		}
	}
	switch runtime.GOOS {
	case "darwin":
		cmds = append(cmds, []string{"open"})
	case "windows":
		cmds = append(cmds, []string{"rundll32", "url.dll,FileProtocolHandler"})
	default:
		cmds = append(cmds, []string{"xdg-open"})
	}
	var errs []string
	for _, c := range cmds {
		args, subst := make([]string, 0, len(c)+1), false
		for _, a := range c[1:] {
			if strings.Contains(a, "%s") {
				a, subst = strings.ReplaceAll(a, "%s", url), true
			}
			args = append(args, a)
		}
		if !subst {
			args = append(args, url)
		}
		cmd := exec.Command(c[0], args...)
		if err := cmd.Start(); err != nil {
			errs = append(errs, c[0]+": "+err.Error())
			continue
		}
		// An opener that fails says so at once (xdg-open with no desktop,
		// BROWSER=false); a browser may run on, and is left to.
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			if err != nil {
				errs = append(errs, c[0]+": "+err.Error())
				continue
			}
		case <-time.After(2 * time.Second):
		}
		return nil
	}
	return errors.New(strings.Join(errs, "; "))
}

// connectionName is a passwordless connection as a person says it.
func connectionName(c string) string {
	if c == client.ConnectionSMS {
		return "SMS"
	}
	return "e-mail"
}
