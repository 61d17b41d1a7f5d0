package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

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
		keys  *client.JWKS
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

// verifyCmd fetches (or reuses) a JWKS and checks raw against it.
func (m *Model) verifyCmd(raw, url string) tea.Cmd {
	cached := m.jwks[url]
	newRunner := m.ctx.NewRunner
	bearer := ""
	if base := strings.TrimRight(m.baseURL, "/"); base != "" && strings.HasPrefix(url, base+"/accounts/") && strings.HasSuffix(url, "/auth/keys") {
		bearer = tokeninfo.KeysBearer(raw, m.keysBearer)
	}
	return func() tea.Msg {
		keys := cached
		if keys == nil {
			runner, err := newRunner(client.DefaultBaseURL)
			if err != nil {
				return sigMsg{token: raw, url: url, err: err}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			if keys, err = runner.Client.FetchJWKSWithBearer(ctx, url, bearer); err != nil {
				return sigMsg{token: raw, url: url, err: err}
			}
		}
		return sigMsg{token: raw, url: url, keys: keys, ver: tokeninfo.Verify(raw, keys)}
	}
}

// onSig keeps a signature check's keys and outcome for the token view.
func (m *Model) onSig(msg sigMsg) {
	if msg.err == nil {
		m.jwks[msg.url] = msg.keys
	}
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

func pathOnly(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.Index(rest, "/"); j >= 0 {
			return rest[j:]
		}
	}
	return u
}
