package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
)

type (
	// sigMsg is a token's signature checked against its JWKS.
	sigMsg struct {
		token string
		url   string
		ver   tokeninfo.Verification
		err   error
	}
	harSavedMsg struct {
		path string
		err  error
	}
)

// openLog and openInspector are reachable from every screen.
func (m *Model) openLog() {
	if _, onLog := m.topPage().(*logPage); m.scr == scrPage && onLog {
		return
	}
	m.openPage(newLogPage(m.ctx))
}

func (m *Model) openInspector() tea.Cmd {
	if _, on := m.topPage().(*inspectorPage); m.scr == scrPage && on {
		return nil
	}
	m.openPage(newInspectorPage(m.ctx, m.verifyCmd, m.keysURLForIssuer))
	return nil
}

// verifyCmd checks raw's signature with the keys at url, through the
// session's KeyVerifier for that base URL: keys kept per account (or per
// explicit URL), fetched again when a token names a kid they lack (the
// account rotated its key), and the whole check bounded by the client's
// timeout. An account's keys endpoint under the request's base URL is read
// with a Bearer (§6); any other URL is an explicit key set, read without.
func (m *Model) verifyCmd(raw, url string) tea.Cmd {
	base, src := client.DefaultBaseURL, tokeninfo.KeySource{JWKSURL: url}
	if b := strings.TrimRight(m.baseURL, "/"); b != "" {
		if rest, ok := strings.CutPrefix(url, b+"/accounts/"); ok {
			if acct, ok := strings.CutSuffix(rest, "/auth/keys"); ok && client.ValidateOwnerID(acct) == nil {
				base, src = b, tokeninfo.KeySource{Account: acct, Bearer: m.keysBearer}
			}
		}
	}
	v, err := m.keyVerifier(base)
	if err != nil {
		return func() tea.Msg { return sigMsg{token: raw, url: url, err: err} }
	}
	return func() tea.Msg {
		return sigMsg{token: raw, url: url, ver: v.Verify(context.Background(), raw, src)}
	}
}

// keyVerifier is the session's verifier for base, made on first use over
// the app's client for it (recorded in the HTTP log, with its timeout).
func (m *Model) keyVerifier(base string) (*tokeninfo.KeyVerifier, error) {
	if v := m.verifiers[base]; v != nil {
		return v, nil
	}
	runner, err := m.ctx.NewRunner(base)
	if err != nil {
		return nil, err
	}
	v := tokeninfo.NewKeyVerifier(runner.Client)
	m.verifiers[base] = v
	return v, nil
}

// onSig keeps a signature check's outcome for the token view.
func (m *Model) onSig(msg sigMsg) {
	m.sigs[msg.token] = sigText(msg)
}

// sigText is a signature check's outcome in one line.
func sigText(msg sigMsg) string {
	if msg.err != nil {
		return "NOT verified: JWKS unreachable or unusable: " + errText(msg.err)
	}
	return msg.ver.String()
}

// keysURLForIssuer is the keys endpoint of an inspected token's account,
// when its issuer is an account's auth under a base URL this session uses
// (the last request's, the default, Dintero's); "" otherwise.
func (m *Model) keysURLForIssuer(res *flows.Result) string {
	if res == nil || res.Token == nil {
		return ""
	}
	iss := strings.TrimRight(res.Token.Issuer, "/")
	for _, base := range []string{m.baseURL, m.ctx.DefaultBaseURL, client.DefaultBaseURL} {
		base = strings.TrimRight(base, "/")
		acct, ok := strings.CutPrefix(iss, base+"/accounts/")
		if base == "" || !ok {
			continue
		}
		if acct, ok = strings.CutSuffix(acct, "/auth"); ok && client.ValidateOwnerID(acct) == nil {
			return client.KeysURL(base, acct)
		}
	}
	// No issuer to go by: the account id claim, on the current base URL.
	if aid, _ := res.Token.Claims["aid"].(string); m.baseURL != "" && client.ValidateOwnerID(aid) == nil {
		return client.KeysURL(m.baseURL, aid)
	}
	return ""
}

// jwksURLFor is where the token's keys should be: the profile's JWKS URL,
// else the contract's path under the base URL.
func (m *Model) jwksURLFor(res *flows.Result) string {
	if m.active != nil && m.active.JWKSURL != "" {
		return m.active.JWKSURL
	}
	if m.baseURL == "" || res.Request.Account == "" {
		return ""
	}
	return client.KeysURL(m.baseURL, res.Request.Account)
}

// saveHAR writes the exchanges as a HAR file at path (relative to the
// current directory), never over an existing file.
func saveHAR(ex []client.Exchange, path string) tea.Cmd {
	if path == "" {
		return setStatus("HAR not written: no file name", true)
	}
	return func() tea.Msg {
		data, err := client.HAR(ex, "tui")
		if err != nil {
			return harSavedMsg{err: err}
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return harSavedMsg{err: err}
		}
		f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return harSavedMsg{err: err}
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return harSavedMsg{path: abs, err: err}
	}
}

// exchangeWhat names an exchange by what it did: "token · password",
// "challenge · sms", "jwks"; anything else by its path's tail.
func exchangeWhat(e client.Exchange) string {
	path := pathOnly(e.URL)
	switch {
	case strings.HasSuffix(path, "/auth/token"):
		if g := e.Fields["grant_type"]; g != "" {
			return "token · " + g
		}
		return "token"
	case strings.HasSuffix(path, "/auth/mfa/challenge"):
		ch := e.Fields["oob_channel"]
		if ch == "" {
			ch = "sms"
		}
		return "challenge · " + ch
	case strings.HasSuffix(path, "/auth/mfa/recovery"):
		ch := e.Fields["oob_channel"]
		if ch == "" {
			ch = "sms"
		}
		return "recovery · " + ch
	case strings.HasSuffix(path, "/auth/revoke"):
		return "revoke"
	case strings.HasSuffix(path, "/auth/exchange_token"):
		return "exchange token · " + e.Fields["account_id"]
	case strings.HasSuffix(path, "/management/users"):
		return "users · search"
	case strings.HasSuffix(path, "/activities"):
		return "user · activity"
	case strings.HasSuffix(path, "/auth/keys"):
		return "keys"
	case strings.Contains(path, "jwks"):
		return "jwks"
	}
	return e.Method + " " + truncateLeft(path, 14)
}

// truncateLeft keeps the last n cells of s.
func truncateLeft(s string, n int) string {
	r := []rune(s)
	if n <= 1 || len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n+1:])
}

// pathOnly is a URL's path: no scheme, host, query or fragment.
func pathOnly(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.Index(rest, "/"); j >= 0 {
			u = rest[j:]
		} else {
			u = "/"
		}
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return u
}
