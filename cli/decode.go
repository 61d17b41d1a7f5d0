package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/textsafe"
)

func newDecodeCmd(app *App) *cobra.Command {
	var (
		asJSON  bool
		jwksURL string
		timeout time.Duration
		keys    keysOptions
	)
	cmd := &cobra.Command{
		Use:   "decode [TOKEN|-]",
		Short: "Decode a JWT: header, claims and expiry; --verify checks its signature",
		Long: `Decode a JWT and show its header, claims and expiry. With no argument or -,
the token is read from stdin (safer than an argument, which stays in shell
history). An "Authorization: Bearer" prefix is accepted.

--verify checks the signature with the account's keys, from
{base}/accounts/{account}/auth/keys: the account is --account, else the
token's aid claim. That endpoint needs a Bearer with read:accounts or
admin:accounts: the token itself when it has one and has not expired, else
$TOKENBENCH_BEARER (which also serves when the server refuses the token).
--jwks URL checks with the key set at URL instead. When the keys cannot be
had, the claims are still printed, then why; exit 4 when not verified.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return &usageError{fmt.Errorf("decode takes one token, got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			raw := "-"
			if len(args) == 1 {
				raw = args[0]
			}
			if raw == "-" {
				// Reading may wait: ctrl+c is caught from here on, as
				// every other command catches it.
				data, err := readAllContext(cmd.Context(), io.LimitReader(app.env.stdin, tokeninfo.MaxTokenSize+1024))
				if errors.Is(err, context.Canceled) {
					return errInterrupted
				}
				if err != nil {
					return &usageError{fmt.Errorf("reading token from stdin: %w", err)}
				}
				raw = string(data)
			}
			tok, err := tokeninfo.Decode(raw)
			if err != nil {
				return err
			}
			now := app.now()
			var ver *tokeninfo.Verification
			if jwksURL != "" || keys.verify {
				v, err := app.verifyKeys(cmd.Context(), tok, jwksURL, timeout, keys)
				if err != nil {
					return err
				}
				ver = &v
			}
			if asJSON {
				err = writeDecodedJSON(app.stdout, tok, now, ver)
			} else {
				err = writeDecoded(app.stdout, tok, now, ver)
			}
			if err == nil && ver != nil && !ver.OK {
				return &exitError{code: ExitRejected, err: errors.New("signature " + ver.String())}
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"header","claims","expires_at","expired"} (and "signature" with --jwks, "warnings" and "implausible" when so)`)
	cmd.Flags().StringVar(&jwksURL, "jwks", "", "verify the signature with the keys at this JWKS URL; exit 4 when it fails")
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Second, "deadline for fetching the keys")
	cmd.Flags().BoolVar(&keys.verify, "verify", false, "verify the signature with the account's keys endpoint; exit 4 when it fails")
	cmd.Flags().StringVar(&keys.account, "account", "", "whose keys verify the token (default the token's aid claim)")
	cmd.Flags().StringVar(&keys.baseURL, "base-url", client.DefaultBaseURL, "API base URL of the keys endpoint")
	return cmd
}

func writeDecodedJSON(w io.Writer, tok *tokeninfo.Token, now time.Time, ver *tokeninfo.Verification) error {
	out := map[string]any{"header": tok.Header, "claims": tok.Claims, "expires_at": nil, "expired": false}
	if ver != nil {
		out["signature"] = map[string]any{"verified": ver.OK, "kid": ver.Kid, "alg": ver.Alg, "reason": ver.Reason}
	}
	if !tok.ExpiresAt.IsZero() {
		out["expires_at"] = tok.ExpiresAt.UTC().Format(time.RFC3339)
		out["expired"] = !now.Before(tok.ExpiresAt)
	}
	if len(tok.Warnings) > 0 {
		out["warnings"] = tok.Warnings
	}
	if tok.Implausible {
		out["implausible"] = true
	}
	return writeJSON(w, out)
}

// writeDecoded prints a token for a person. Every value was sanitised when
// the token was decoded.
func writeDecoded(w io.Writer, tok *tokeninfo.Token, now time.Time, ver *tokeninfo.Verification) error {
	var b strings.Builder
	row := func(label, value string) { fmt.Fprintf(&b, "%-11s %s\n", label, value) }
	row("Header", tok.HeaderLine())
	row("Issuer", orDash(tok.Issuer))
	row("Subject", orDash(tok.Subject))
	row("Audience", orDash(textsafe.Bounded(tok.Audience, 5)))
	for _, t := range []struct {
		label string
		at    time.Time
	}{{"Issued", tok.IssuedAt}, {"Not before", tok.NotBefore}, {"Expires", tok.ExpiresAt}} {
		if !t.at.IsZero() {
			row(t.label, tokeninfo.FormatTime(t.at, now))
		}
	}
	switch {
	case tok.ExpiresAt.IsZero():
		row("Status", "no exp claim: expiry unknown")
	case !now.Before(tok.ExpiresAt):
		row("Status", "EXPIRED "+tokeninfo.Relative(tok.ExpiresAt, now))
	default:
		row("Status", "valid for "+tokeninfo.Countdown(tok.ExpiresAt.Sub(now)))
	}
	if len(tok.Scopes) == 0 {
		row("Scopes", "-")
	} else {
		row("Scopes", tok.Scopes[0])
		for _, s := range tok.Scopes[1:] {
			row("", s)
		}
	}
	if other := tok.OtherClaims(); len(other) > 0 {
		b.WriteString("Other claims\n")
		for _, kv := range other {
			fmt.Fprintf(&b, "  %-18s %s\n", kv[0], kv[1])
		}
	}
	for _, warn := range tok.Warnings {
		row("Warning", warn)
	}
	if ver == nil {
		b.WriteString("Signature   not checked (--verify or --jwks URL checks it)\n")
	} else {
		row("Signature", ver.String())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return textsafe.Sanitize(s)
}

// readAllContext reads r to its end, or until ctx ends (ctrl+c while a
// terminal or a stalled pipe gives nothing): the read is left to the
// process's exit then.
func readAllContext(ctx context.Context, r io.Reader) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		data, err := io.ReadAll(r)
		ch <- result{data, err}
	}()
	select {
	case res := <-ch:
		return res.data, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
