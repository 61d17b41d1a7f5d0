package ui

import (
	"context"
	"fmt"
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

// debugModel is the state of the log, exchange, timeline and inspector
// screens.
type debugModel struct {
	cursor   int
	exchange client.Exchange
	scroll   int

	// harPath, while focused, asks where the HAR goes.
	harPath textinput.Model

	inspectToken textinput.Model
	inspectJWKS  textinput.Model
	inspectFocus int
	inspected    *flows.Result
	inspectErr   string
	inspectSig   string
}

func newDebug() debugModel {
	tok := newInput("paste a JWT (an Authorization: Bearer prefix is fine)", tokeninfo.MaxTokenSize+64)
	jw := newInput("optional: a JWKS URL to verify the signature", 2048)
	har := newInput("", 4096)
	return debugModel{inspectToken: tok, inspectJWKS: jw, harPath: har}
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

func (m *Model) exchanges() []client.Exchange {
	if m.ctx.Recorder == nil {
		return nil
	}
	return m.ctx.Recorder.Exchanges()
}

// openLog and openInspector are reachable from every screen.
func (m *Model) openLog() {
	if m.scr != scrLog {
		m.push(scrLog)
	}
	m.debug.cursor = max(0, len(m.exchanges())-1)
}

func (m *Model) openInspector() tea.Cmd {
	if m.scr != scrInspect {
		m.push(scrInspect)
	}
	m.debug.setWidth(m.ctx.Width)
	if m.debug.inspectJWKS.Value() == "" {
		m.debug.inspectJWKS.SetValue(m.lastJWKS)
	}
	m.debug.inspectFocus = 0
	m.debug.inspectJWKS.Blur()
	return m.debug.inspectToken.Focus()
}

func (m *Model) updateLog(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.ctx.Keys
	ex := m.exchanges()
	if d := &m.debug; d.harPath.Focused() {
		switch {
		case key.Matches(msg, k.Back):
			d.harPath.Blur()
			m.setStatus("HAR not written", false)
			return m, nil
		case key.Matches(msg, k.Select):
			d.harPath.Blur()
			return m, m.saveHAR(ex, strings.TrimSpace(d.harPath.Value()))
		}
		var cmd tea.Cmd
		d.harPath, cmd = d.harPath.Update(msg)
		return m, cmd
	}
	switch {
	case key.Matches(msg, k.Back):
		m.back()
	case key.Matches(msg, k.Up):
		m.debug.cursor = max(0, m.debug.cursor-1)
	case key.Matches(msg, k.Down):
		m.debug.cursor = min(len(ex)-1, m.debug.cursor+1)
	case key.Matches(msg, k.Select) && len(ex) > 0:
		m.debug.exchange, m.debug.scroll = ex[min(m.debug.cursor, len(ex)-1)], 0
		m.push(scrExchange)
	case key.Matches(msg, k.Timeline):
		m.push(scrTimeline)
	case key.Matches(msg, k.Bundle):
		return m, m.openBundle(m.bundleInput(), "HTTP log")
	case key.Matches(msg, k.ExportHAR):
		if len(ex) == 0 {
			m.setStatus("no exchanges to export yet", true)
			return m, nil
		}
		// Ask where, offering a new file in the current directory.
		m.debug.harPath.SetWidth(max(10, m.ctx.Width-20))
		m.debug.harPath.SetValue(fmt.Sprintf("tokenbench-%s.har", m.ctx.Now().Format("20060102-150405")))
		m.debug.harPath.CursorEnd()
		return m, m.debug.harPath.Focus()
	}
	return m, nil
}

func (m *Model) updateExchange(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.ctx.Keys
	switch {
	case key.Matches(msg, k.Back):
		m.back()
	case key.Matches(msg, k.Up):
		m.debug.scroll = max(0, m.debug.scroll-1)
	case key.Matches(msg, k.Down):
		m.debug.scroll++
	case key.Matches(msg, k.CopyToken): // c: copy as curl
		return m, m.copyPlain("curl command", m.debug.exchange.Curl())
	}
	return m, nil
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
	if url == "" {
		d.inspectSig = "not checked: no JWKS URL"
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
func (m *Model) saveHAR(ex []client.Exchange, path string) tea.Cmd {
	if path == "" {
		m.setStatus("HAR not written: no file name", true)
		return nil
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

func (m *Model) logView(height int) string {
	s := m.ctx.Styles
	ex := m.exchanges()
	if len(ex) == 0 {
		return s.Muted.Render("No HTTP exchanges yet. Every request this session makes is listed here, secrets redacted.")
	}
	w := m.ctx.Width - 4
	// Narrow terminals drop the time of day before anything that tells
	// the rows apart.
	withTime, whatW := w >= 70, 20
	if withTime {
		whatW = 26
	}
	row := func(id, at, what, ms, status string) string {
		what = truncate(what, whatW)
		if withTime {
			return fmt.Sprintf("%-3s %-8s  %-*s %8s  %s", id, at, whatW, what, ms, status)
		}
		return fmt.Sprintf("%-3s %-*s %8s  %s", id, whatW, what, ms, status)
	}
	var lines []string
	if m.debug.harPath.Focused() {
		lines = append(lines, s.Warn.Render("Write the HAR (secrets redacted) to:"), s.Cursor.Render("› ")+m.debug.harPath.View(), "")
	}
	lines = append(lines, s.Muted.Render(truncate("  "+row("#", "time", "what", "took", "status"), w+2)))
	first := max(0, m.debug.cursor-(height-3))
	for i := first; i < len(ex) && len(lines) < height-1; i++ {
		e := ex[i]
		status := fmt.Sprint(e.Status)
		if e.Err != "" {
			status = "— " + e.Err
		}
		if e.ErrorCode != "" {
			status += " " + e.ErrorCode
		}
		line := truncate(row(fmt.Sprint(e.ID), e.Time.In(m.ctx.Now().Location()).Format("15:04:05"), exchangeWhat(e),
			fmt.Sprintf("%d ms", e.Duration.Milliseconds()), status), w)
		switch {
		case i == m.debug.cursor:
			line = s.Cursor.Render("› ") + s.Selected.Render(line)
		case e.Err != "" || e.Status >= 400:
			line = "  " + s.Error.Render(line)
		default:
			line = "  " + line
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
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

func (m *Model) exchangeView(height int) string {
	s := m.ctx.Styles
	e := m.debug.exchange
	lines := strings.Split(strings.TrimRight(e.Text(), "\n"), "\n")
	w := m.ctx.Width - 4
	for i, l := range lines {
		l = truncate(l, w)
		if strings.HasPrefix(l, "<") {
			l = s.Muted.Render(l)
		}
		lines[i] = l
	}
	maxScroll := max(0, len(lines)-height)
	m.debug.scroll = min(m.debug.scroll, maxScroll)
	return strings.Join(lines[m.debug.scroll:], "\n")
}

func (m *Model) timelineView() string {
	s := m.ctx.Styles
	steps := flows.Timeline(m.exchanges())
	var b strings.Builder
	b.WriteString(s.Title.Render(flows.TimelineSummary(steps)) + "\n\n")
	for i, st := range steps {
		mark := s.OK.Render("✓")
		if !st.OK {
			mark = s.Error.Render("✗")
		}
		if st.Outcome == "403 mfa_required" {
			mark = s.Warn.Render("!")
		}
		conn := "├─"
		if i == len(steps)-1 {
			conn = "└─"
		}
		// Narrow terminals drop the time of day, then shorten the labels.
		labelW, at := 34, "  "+s.Muted.Render(st.At.In(m.ctx.Now().Location()).Format("15:04:05"))
		if m.ctx.Width < 80 {
			labelW, at = max(12, m.ctx.Width-37), ""
		}
		fmt.Fprintf(&b, "%s %s %-*s %-18s %5d ms%s\n", s.Muted.Render(conn), mark, labelW, truncate(st.Label, labelW), truncate(st.Outcome, 18),
			st.Duration.Milliseconds(), at)
	}
	return b.String()
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
	open, curl := withHelp(k.Select, "open"), withHelp(k.CopyToken, "copy as curl")
	switch m.scr {
	case scrLog:
		if m.debug.harPath.Focused() {
			return bindings{short: []key.Binding{withHelp(k.Select, "write"), withHelp(k.Back, "cancel"), k.ForceQuit}}
		}
		return bindings{short: []key.Binding{open, k.Timeline, k.ExportHAR, k.Bundle, k.Back, k.Up, k.Down, k.Quit},
			full: [][]key.Binding{{k.Up, k.Down, open}, {k.Timeline, k.ExportHAR, k.Bundle, k.Inspect}, {k.Back, k.Quit, k.ForceQuit}}}
	case scrExchange:
		return bindings{short: []key.Binding{curl, k.Back, k.Up, k.Down, k.Quit},
			full: [][]key.Binding{{k.Up, k.Down}, {curl, k.Log, k.Inspect}, {k.Back, k.Quit, k.ForceQuit}}}
	case scrTimeline:
		return bindings{short: []key.Binding{k.Bundle, k.Back, k.Quit},
			full: [][]key.Binding{{k.Bundle, k.Back, k.Log, k.Inspect}, {k.Quit, k.ForceQuit}}}
	case scrInspect:
		decode, next, clear := withHelp(k.Select, "decode"), withHelp(k.Next, "token/JWKS"), withHelp(k.ClearInput, "clear")
		return bindings{short: []key.Binding{decode, next, clear, k.Back, k.ForceQuit},
			full: [][]key.Binding{{decode, next, clear}, {k.Log, k.Back, k.ForceQuit}}}
	}
	return bindings{}
}
