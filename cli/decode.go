package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
)

func newDecodeCmd(app *App) *cobra.Command {
	var (
		asJSON  bool
		jwksURL string
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "decode [TOKEN|-]",
		Short: "Decode a JWT: header, claims and expiry (no signature check)",
		Long: `Decode a JWT and show its header, claims and expiry. With no argument or -,
the token is read from stdin (safer than an argument, which stays in shell
history). An "Authorization: Bearer" prefix is accepted.`,
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
				data, err := io.ReadAll(io.LimitReader(app.env.stdin, tokeninfo.MaxTokenSize+1024))
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
			if jwksURL != "" {
				v, err := verifyWith(cmd.Context(), tok.Raw, jwksURL, timeout)
				if errors.Is(err, client.ErrInvalidInput) {
					return err
				}
				if err != nil {
					// Not verifiable is a failed verification: exit 4.
					return &exitError{code: ExitRejected, err: err}
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
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"header","claims","expires_at","expired"} (and "signature" with --jwks)`)
	cmd.Flags().StringVar(&jwksURL, "jwks", "", "verify the signature with the keys at this JWKS URL; exit 4 when it fails")
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Second, "deadline for fetching the JWKS")
	return cmd
}

// verifyWith fetches a JWKS and checks the token against it.
func verifyWith(ctx context.Context, raw, jwksURL string, timeout time.Duration) (tokeninfo.Verification, error) {
	c, err := client.New(client.Options{BaseURL: client.DefaultBaseURL, UserAgent: "tokenbench/" + Version, Timeout: timeout})
	if err != nil {
		return tokeninfo.Verification{}, err
	}
	keys, err := c.FetchJWKS(ctx, jwksURL)
	if err != nil {
		return tokeninfo.Verification{}, fmt.Errorf("JWKS unreachable or unusable: %w", err)
	}
	return tokeninfo.Verify(raw, keys), nil
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
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeDecoded prints a token for a person. Every value was sanitised when
// the token was decoded.
func writeDecoded(w io.Writer, tok *tokeninfo.Token, now time.Time, ver *tokeninfo.Verification) error {
	var b strings.Builder
	row := func(label, value string) { fmt.Fprintf(&b, "%-11s %s\n", label, value) }
	row("Header", tok.HeaderLine())
	row("Issuer", orDash(tok.Issuer))
	row("Subject", orDash(tok.Subject))
	row("Audience", orDash(strings.Join(tok.Audience, ", ")))
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
		b.WriteString("Signature   not checked (--jwks URL checks it)\n")
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
	return client.Sanitize(s)
}
