package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
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

// debugModel is the state of the inspector.
type debugModel struct {
	inspectToken textinput.Model
	inspectJWKS  textinput.Model
	inspectFocus int
	inspected    *flows.Result
	inspectErr   string
	inspectSig   string
	// keysFilled is the keys URL the inspector filled in itself (from the
	// last token's issuer); a new token replaces it, a typed URL stays.
	keysFilled string
}

func newDebug() debugModel {
	tok := newInput("paste a JWT (an Authorization: Bearer prefix is fine)", tokeninfo.MaxTokenSize+64)
	jw := newInput("optional: a JWKS URL to verify the signature", 2048)
	return debugModel{inspectToken: tok, inspectJWKS: jw}
}

// setWidth sizes the inspector's inputs (before values are set, so they
// scroll rather than overflow).
func (d *debugModel) setWidth(w int) {
	d.inspectToken.SetWidth(max(10, w-18))
	d.inspectJWKS.SetWidth(max(10, w-18))
	// Re-set the values so the inputs recompute what fits.
	d.inspectToken.SetValue(d.inspectToken.Value())
	d.inspectJWKS.SetValue(d.inspectJWKS.Value())
}

// openLog and openInspector are reachable from every screen.
func (m *Model) openLog() {
	if _, onLog := m.topPage().(*logPage); m.scr == scrPage && onLog {
		return
	}
	m.openPage(newLogPage(m.ctx))
}

func (m *Model) openInspector() tea.Cmd {
	if m.scr != scrInspect {
		m.push(scrInspect)
	}
	m.debug.setWidth(m.ctx.Width)
	m.debug.inspectFocus = 0
	m.debug.inspectJWKS.Blur()
	return m.debug.inspectToken.Focus()
}

func (m *Model) updateInspect(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.ctx.Keys
	d := &m.debug
	switch {
	case key.Matches(msg, k.Back):
		m.back()
		return m, nil
	case msg.String() == "tab" || msg.String() == "shift+tab":
		d.inspectFocus = 1 - d.inspectFocus
		if d.inspectFocus == 0 {
			d.inspectJWKS.Blur()
			return m, d.inspectToken.Focus()
		}
		d.inspectToken.Blur()
		return m, d.inspectJWKS.Focus()
	case key.Matches(msg, k.Select):
		return m, m.inspect()
	case key.Matches(msg, k.ClearInput):
		// Whatever the cursor position: a pasted token is cleared whole.
		if d.inspectFocus == 0 {
			d.inspectToken.Reset()
		} else {
			d.inspectJWKS.Reset()
		}
		return m, nil
	}
	var cmd tea.Cmd
	if d.inspectFocus == 0 {
		d.inspectToken, cmd = d.inspectToken.Update(msg)
	} else {
		d.inspectJWKS, cmd = d.inspectJWKS.Update(msg)
	}
	return m, cmd
}

// inspect decodes the pasted token and, with a JWKS URL, checks it.
func (m *Model) inspect() tea.Cmd {
	d := &m.debug
	d.inspected, d.inspectErr, d.inspectSig = nil, "", ""
	raw := tokeninfo.Normalize(d.inspectToken.Value())
	if _, err := tokeninfo.Decode(raw); err != nil {
		d.inspectErr = errText(err)
		return nil
	}
	d.inspected = flows.Restore(flows.Request{}, raw, "", time.Time{}, nil)
	d.inspectToken.CursorStart() // show the header end of the token
	url := strings.TrimSpace(d.inspectJWKS.Value())
	if url == "" || url == d.keysFilled {
		// The keys of the token's own account, on a base URL this
		// session knows: never a host the token names by itself.
		url = m.keysURLForIssuer(d.inspected)
		d.inspectJWKS.SetValue(url)
		d.keysFilled = url
	}
	if url == "" {
		d.inspectSig = "not checked: no JWKS URL (the token's issuer is on no base URL this session uses)"
		return nil
	}
	d.inspectSig = "checking…"
	return m.verifyCmd(raw, url)
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

func (m *Model) onSig(msg sigMsg) {
	text := ""
	switch {
	case msg.err != nil:
		text = "NOT verified: JWKS unreachable or unusable: " + errText(msg.err)
	default:
		m.jwks[msg.url] = msg.keys
		text = msg.ver.String()
	}
	m.sigs[msg.token] = text
	if m.debug.inspected != nil && m.debug.inspected.Response.AccessToken == msg.token {
		m.debug.inspectSig = text
	}
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

func (m *Model) inspectView(height int) string {
	s := m.ctx.Styles
	d := &m.debug
	var b strings.Builder
	marker := func(i int) string {
		if d.inspectFocus == i {
			return s.Cursor.Render("› ")
		}
		return "  "
	}
	b.WriteString(marker(0) + s.Label.Render("Token") + " " + d.inspectToken.View() + "\n")
	b.WriteString(marker(1) + s.Label.Render("JWKS URL") + " " + d.inspectJWKS.View() + "\n\n")
	switch {
	case d.inspectErr != "":
		b.WriteString(wrap(s.Error, "✗ "+d.inspectErr, m.ctx.Width-2))
	case d.inspected != nil:
		t := tokenModel{result: d.inspected, sig: d.inspectSig}
		lines := t.lines(s, m.ctx.Width-2, m.ctx.Now())
		b.WriteString(strings.Join(lines, "\n"))
	default:
		b.WriteString(s.Muted.Render("Paste a token from a log or a ticket and press enter. It is decoded here, never sent anywhere;\nthe JWKS, if given, is fetched to check the signature."))
	}
	return clipLines(b.String(), height)
}

func (m *Model) debugKeys() bindings {
	k := m.ctx.Keys
	decode, next, clear := withHelp(k.Select, "decode"), withHelp(k.Next, "token/JWKS"), withHelp(k.ClearInput, "clear")
	return bindings{short: []key.Binding{decode, next, clear, k.Back, k.ForceQuit},
		full: [][]key.Binding{{decode, next, clear}, {k.Log, k.Back, k.ForceQuit}}}
}
