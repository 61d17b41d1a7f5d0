// Package diagnose is the doctor's screen: a user's (or an API
// client's) report with its findings and evidence.
package diagnose

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/doctor"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/textsafe"
	"github.com/tokenbench/tokenbench/ui/common"
)

type (
	// DiagnosedMsg is the doctor's report for one lookup.
	DiagnosedMsg struct {
		ID     int
		Report *doctor.Report
		// Client is the client diagnosis, when one was asked.
		Client *doctor.ClientReport
		Token  *flows.Result // the client_credentials token it read with
		// Verdict is that token's signature check, for a bundle.
		Verdict string
		Err     error
		// Ask is the profile's secret that is asked for each time and
		// was not given: the page asks for it, then runs again.
		Ask profiles.Kind
	}
)

// needSecretError is a secret the profile asks for each time: the run
// stops, and the page asks for it.
type needSecretError struct{ kind profiles.Kind }

func (e *needSecretError) Error() string { return "the " + string(e.kind) + " is asked for" }

type diagnosePhase int

const (
	diagAsk diagnosePhase = iota
	diagRunning
	diagShown
)

// Page is the "diagnose user" screen: the doctor's report on one
// account user (identity, MFA factors, last seen, roles, latest activity,
// findings with their evidence), and beside the server's activity the MFA
// timeline this session ran for that user.
type Page struct {
	ctx  *common.Context
	src  common.DiagnoseSource
	user textinput.Model
	// shownUser is the user of the report shown, while the field asks
	// for another one (it opens empty): esc puts it back.
	shownUser string
	phase     diagnosePhase
	id        int
	// asking is the profile's secret asked for each time that the
	// diagnosis needs (secret is where it is typed, masked); "" when
	// nothing is asked. What is typed goes into src's request for this
	// screen only.
	asking profiles.Kind
	secret textinput.Model
	report *doctor.Report
	// clientQ, when set, makes the page a client diagnosis (issue 17):
	// the API client's grants for an audience and grant type, and the
	// user's factors beside them when a user is asked too.
	clientQ *doctor.ClientQuery
	client  *doctor.ClientReport
	token   *flows.Result
	verdict string
	err     string
	scroll  int
	width   int
	height  int
}

// New is the "diagnose user" screen for user (asked for when "") with
// src's API client.
func New(ctx *common.Context, src common.DiagnoseSource, user string) *Page {
	in := common.NewInput("the user's e-mail", 320)
	in.SetValue(textsafe.Sanitize(user)) // a profile's, from a file
	in.CursorEnd()
	sec := common.NewInput("", 8192)
	sec.EchoMode, sec.EchoCharacter = textinput.EchoPassword, '•'
	m := &Page{ctx: ctx, src: src, user: in, secret: sec}
	m.SetSize(ctx.Width-2, ctx.Height-4)
	return m
}

// NewClient diagnoses the API client q names (for q's audience
// and grant type), read with src's token; user, when given, is diagnosed
// beside it.
func NewClient(ctx *common.Context, src common.DiagnoseSource, q doctor.ClientQuery, user string) *Page {
	m := New(ctx, src, user)
	m.clientQ = &q
	return m
}

// Start diagnoses the user given, or asks for one; a client diagnosis
// starts at once.
func (m *Page) Start() tea.Cmd {
	if m.clientQ != nil || strings.TrimSpace(m.user.Value()) != "" {
		return m.run()
	}
	return m.user.Focus()
}

func (m *Page) SetSize(width, height int) {
	m.width, m.height = width, height
	m.user.SetWidth(max(10, width-16))
}

func (m *Page) Title() string {
	if m.clientQ != nil {
		return "diagnose client"
	}
	return "diagnose user"
}
func (m *Page) TakesText() bool { return m.phase == diagAsk }

func (m *Page) Keys() help.KeyMap {
	k := m.ctx.Keys
	switch m.phase {
	case diagAsk:
		short := []key.Binding{common.WithHelp(k.Select, "diagnose"), k.Back, k.ClearInput, k.ForceQuit}
		return common.Bindings{Short: short}
	case diagRunning:
		return common.Bindings{Short: []key.Binding{common.WithHelp(k.Back, "cancel"), k.ForceQuit}}
	}
	again, edit := common.WithHelp(k.Refresh, "run again"), common.WithHelp(k.Edit, "other user")
	if m.clientQ != nil && m.report == nil {
		edit = common.WithHelp(k.Edit, "add a user")
	}
	return common.Bindings{
		Short: []key.Binding{k.Bundle, k.Up, k.Down, again, edit, k.Back, k.Quit},
		Full:  [][]key.Binding{{k.Up, k.Down}, {again, edit, k.Bundle}, {k.Log, k.Back, k.Quit}},
	}
}

func (m *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) { return m, m.update(msg) }

func (m *Page) update(msg tea.Msg) tea.Cmd {
	k := m.ctx.Keys
	switch msg := msg.(type) {
	case DiagnosedMsg:
		if msg.ID != m.id || m.phase != diagRunning {
			return nil
		}
		m.token, m.verdict = msg.Token, msg.Verdict
		if msg.Ask != "" {
			m.phase, m.asking, m.err = diagAsk, msg.Ask, ""
			m.secret.SetValue("")
			m.user.Blur()
			return m.secret.Focus()
		}
		if msg.Err != nil {
			m.phase, m.err = diagAsk, explainDiagnoseError(msg.Err)
			return m.user.Focus()
		}
		m.phase, m.report, m.client, m.err, m.scroll = diagShown, msg.Report, msg.Client, "", 0
		return nil
	case tea.KeyPressMsg:
		switch m.phase {
		case diagRunning:
			if key.Matches(msg, k.Back) {
				m.id = m.ctx.NextID() // the answer is dropped
				m.phase, m.err = diagAsk, "cancelled"
				return m.user.Focus()
			}
			return nil
		case diagAsk:
			if m.asking != "" {
				return m.updateSecret(msg)
			}
			switch {
			case key.Matches(msg, k.Back):
				if m.report != nil || m.client != nil {
					m.phase, m.err = diagShown, ""
					m.user.SetValue(m.shownUser)
					m.user.Blur()
					return nil
				}
				return common.NavBack("", false)
			case key.Matches(msg, k.Select):
				if strings.TrimSpace(m.user.Value()) == "" && m.clientQ == nil {
					m.err = "type the e-mail of the user to diagnose"
					return nil
				}
				m.user.Blur()
				return m.run()
			case key.Matches(msg, k.ClearInput):
				m.user.SetValue("")
				return nil
			}
			var cmd tea.Cmd
			m.user, cmd = m.user.Update(msg)
			return cmd
		}
		switch {
		case key.Matches(msg, k.Back):
			return common.NavBack("", false)
		case key.Matches(msg, k.Up):
			m.scroll = max(0, m.scroll-1)
		case key.Matches(msg, k.Down):
			m.scroll = min(m.scroll+1, max(0, len(m.lines())-m.height))
		case key.Matches(msg, k.Refresh):
			return m.run()
		case key.Matches(msg, k.Edit):
			// Another user: the field opens empty, so what is typed is
			// the new e-mail, not the old one with more on its end.
			m.phase, m.shownUser = diagAsk, m.user.Value()
			m.user.SetValue("")
			return m.user.Focus()
		case key.Matches(msg, k.Bundle):
			return m.openBundle()
		}
		return nil
	}
	if m.phase == diagAsk {
		var cmd tea.Cmd
		if m.asking != "" {
			m.secret, cmd = m.secret.Update(msg) // a paste
			return cmd
		}
		m.user, cmd = m.user.Update(msg) // a paste
		return cmd
	}
	return nil
}

// secretName is how the page names the secret it asks for.
func secretName(k profiles.Kind) string {
	if k == profiles.Bearer {
		return "Bearer token"
	}
	return strings.ReplaceAll(string(k), "_", " ")
}

// updateSecret is a key while the page asks for the profile's secret:
// enter diagnoses with it, esc gives up (nothing is sent).
func (m *Page) updateSecret(msg tea.KeyPressMsg) tea.Cmd {
	k := m.ctx.Keys
	switch {
	case key.Matches(msg, k.Back):
		m.asking, m.err = "", ""
		m.secret.SetValue("")
		m.secret.Blur()
		if m.report != nil || m.client != nil {
			m.phase = diagShown
			return nil
		}
		return common.NavBack("", false)
	case key.Matches(msg, k.Select):
		v := m.secret.Value()
		if v == "" {
			m.err = "type the " + secretName(m.asking) + " to diagnose with it"
			return nil
		}
		if m.asking == profiles.Bearer {
			m.src.Request.Bearer = v
		} else {
			m.src.Request.ClientSecret = v
		}
		m.asking = ""
		m.secret.SetValue("")
		m.secret.Blur()
		return m.run()
	case key.Matches(msg, k.ClearInput):
		m.secret.SetValue("")
		return nil
	}
	var cmd tea.Cmd
	m.secret, cmd = m.secret.Update(msg)
	return cmd
}

// askLines ask for the profile's secret, when the page does.
func (m *Page) askLines(w int) []string {
	if m.asking == "" {
		return nil
	}
	s := m.ctx.Styles
	name := secretName(m.asking)
	who := "the profile"
	if m.src.Profile != nil {
		who = textsafe.Sanitize(m.src.Profile.Name)
	}
	return []string{
		"",
		common.Wrap(s.Warn, fmt.Sprintf("%s asks for its %s each time: type it to diagnose with it (kept for this screen only).", who, name), w),
		s.Cursor.Render("› ") + s.Label.Render("Secret") + " " + m.secret.View(),
	}
}

func (m *Page) openBundle() tea.Cmd {
	r := m.report
	in := bundle.Input{Account: m.src.Request.Account, Partner: m.src.Request.Partner, Grant: "client_credentials (doctor)", Doctor: r,
		BaseURL: m.src.BaseURL, ClientID: m.src.Request.ClientID, ClientDoctor: m.client}
	if m.client != nil {
		in.DiagnosedClient = m.client.Query.ClientID
	}
	if m.src.Failure != nil {
		// The failed request the diagnosis explains: the bundle's case.
		in.Error, in.ErrorDetails = m.src.Failure.Error, m.src.Failure.Details
		in.Grant = m.src.Failure.Grant
	}
	if m.src.Profile != nil {
		in.Profile = m.src.Profile.Name
	} else {
		in.Connection = m.src.Connection
	}
	if m.token != nil {
		in.AccessToken, in.Verdict = m.token.Response.AccessToken, m.verdict
	}
	return common.AskPage(common.BundleForMsg{In: in, From: m.Title()})
}

// run reads the user and their activity with the source's token.
func (m *Page) run() tea.Cmd {
	query := strings.TrimSpace(m.user.Value())
	m.phase, m.err = diagRunning, ""
	m.id = m.ctx.NextID()
	id, src, newRunner, svc, now := m.id, m.src, m.ctx.NewRunner, m.ctx.Session, m.ctx.Now
	var clientQ *doctor.ClientQuery
	if m.clientQ != nil {
		q := *m.clientQ
		clientQ = &q
	}
	req := src.Request
	req.Grant = client.GrantClientCredentials
	req.Username, req.Password, req.RefreshToken = "", "", ""
	if m.ctx.Redactor != nil {
		req.NoteSecrets(m.ctx.Redactor)
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if src.Profile != nil && req.Bearer == "" && req.ClientSecret == "" {
			// A secret asked for each time stops here: the page asks.
			ask := func(k profiles.Kind) (string, error) { return "", &needSecretError{kind: k} }
			var err error
			if req.ClientSecret, req.Bearer, err = svc.ClientAuth(ctx, *src.Profile, req.ClientID, "", "", ask); err != nil {
				if need := (*needSecretError)(nil); errors.As(err, &need) {
					return DiagnosedMsg{ID: id, Ask: need.kind}
				}
				return DiagnosedMsg{ID: id, Err: err}
			}
		}
		if req.Bearer == "" && req.ClientID == "" {
			return DiagnosedMsg{ID: id, Err: fmt.Errorf("%w: diagnosing a user needs an API client (client id and secret) or a Bearer with %s", client.ErrInvalidInput, doctor.ScopeNeeded)}
		}
		runner, err := newRunner(src.BaseURL)
		if err != nil {
			return DiagnosedMsg{ID: id, Err: err}
		}
		auth := client.Auth(client.BearerAuth{Token: req.Bearer})
		var tok *flows.Result
		if req.Bearer == "" {
			res, _, err := runner.Start(ctx, req)
			if err != nil {
				what := "users"
				if clientQ != nil {
					what = "the client's grants"
				}
				return DiagnosedMsg{ID: id, Err: fmt.Errorf("getting a token to read %s with (client %s): %w", what, req.ClientID, err)}
			}
			auth, tok = client.BearerAuth{Token: res.Response.AccessToken}, res
		}
		dir := doctor.APIDirectory{Account: req.Account, Get: func(ctx context.Context, path string) ([]byte, error) {
			return runner.Client.Get(ctx, "account users", path, auth)
		}}
		var report *doctor.Report
		var clientReport *doctor.ClientReport
		if clientQ != nil {
			if clientReport, err = doctor.RunClient(ctx, dir, req.Account, *clientQ, now()); err != nil {
				return DiagnosedMsg{ID: id, Token: tok, Err: err}
			}
		}
		if query != "" {
			report, err = doctor.Run(ctx, dir, req.Account, query, now())
		}
		verdict := ""
		if err == nil && tok != nil {
			raw := tok.Response.AccessToken
			verdict = tokeninfo.NewKeyVerifier(runner.Client).Verify(ctx, raw, tokeninfo.KeySource{Account: req.Account, Bearer: tokeninfo.KeysBearer(raw, "")}).String()
		}
		return DiagnosedMsg{ID: id, Report: report, Client: clientReport, Token: tok, Verdict: verdict, Err: err}
	}
}

// explainDiagnoseError names the scope a 401/403 is about.
func explainDiagnoseError(err error) string {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && (apiErr.Status == 401 || apiErr.Status == 403) {
		if _, limited := flows.RateLimited(err); !limited {
			return common.ErrText(err) + fmt.Sprintf(" (reading account users needs a token with %s or admin:accounts)", doctor.ScopeNeeded)
		}
	}
	return common.ErrText(err)
}

// View draws the question, the running lookup, or the report.
func (m *Page) View() string {
	height := m.height
	s := m.ctx.Styles
	w := m.ctx.Width - 2
	if m.phase != diagShown && m.clientQ != nil && (m.phase == diagRunning || m.client == nil) {
		q := m.clientQ
		lines := []string{
			s.Warn.Render("Diagnose API client " + textsafe.Sanitize(q.ClientID)),
			common.Wrap(s.Muted, fmt.Sprintf("Reads the client and its grants on %s with %s's token (it needs %s), for audience %s and grant %s, and says what stands out.",
				common.OrDash(m.src.Request.Account), common.OrDash(common.ReaderName(m.src)), doctor.ScopeNeeded, textsafe.Sanitize(q.Audience), common.OrDash(q.Grant)), w),
		}
		lines = append(lines, m.askLines(w)...)
		if m.phase == diagRunning {
			lines = append(lines, "", s.Muted.Render("reading the client and its grants…"))
		}
		if m.err != "" {
			lines = append(lines, "", common.Wrap(s.Error, "✗ "+m.err, w))
		}
		return strings.Join(lines, "\n")
	}
	if m.phase != diagShown {
		heading := s.Warn.Render("Diagnose an account user")
		what := fmt.Sprintf("Reads the user, their MFA factors, roles and latest activity on %s with %s's token (it needs %s), and says what stands out.",
			common.OrDash(m.src.Request.Account), common.OrDash(common.ReaderName(m.src)), doctor.ScopeNeeded)
		if m.clientQ != nil {
			heading = s.Warn.Render("Add an account user to the diagnosis of client " + textsafe.Sanitize(m.clientQ.ClientID))
			what += " Enter with no user runs the client's diagnosis again."
		}
		marker := s.Cursor.Render("› ")
		if m.asking != "" {
			marker = "  "
		}
		lines := []string{
			heading,
			common.Wrap(s.Muted, what, w),
			"",
			marker + s.Label.Render("User") + " " + m.user.View(),
		}
		lines = append(lines, m.askLines(w)...)
		if m.phase == diagRunning {
			lines = append(lines, "", s.Muted.Render("reading the user and their activity…"))
		}
		if m.err != "" {
			lines = append(lines, "", common.Wrap(s.Error, "✗ "+m.err, w))
		}
		return strings.Join(lines, "\n")
	}
	lines := m.lines()
	scroll := min(m.scroll, max(0, len(lines)-height))
	return strings.Join(lines[scroll:], "\n")
}

// lines is the report: findings first (what a support engineer came for),
// then the user, then the server's activity beside this session's MFA
// timeline for the user (below it when the terminal is narrow).
func (m *Page) lines() []string {
	s := m.ctx.Styles
	r := m.report
	w := m.ctx.Width - 2
	var findings []doctor.Finding
	clientFindings := 0
	if m.client != nil {
		// The client's first: they explain the request that failed.
		findings = append(findings, m.client.Findings...)
		clientFindings = len(findings)
	}
	if r != nil {
		findings = append(findings, r.Findings...)
	}
	var out []string
	out = append(out, s.Title.Render("Findings"))
	if len(findings) == 0 {
		out = append(out, "  "+s.OK.Render("nothing stands out"))
	}
	for i, f := range findings {
		mark := doctor.Mark(f.Severity)
		style := s.Muted
		switch f.Severity {
		case doctor.Blocker:
			style = s.Error
		case doctor.Warning:
			style = s.Warn
		}
		out = append(out, common.Hang(style.Render(mark)+" ", textsafe.Sanitize(f.Text), w)...)
		ev := make([]string, len(f.Evidence))
		for i, e := range f.Evidence {
			ev[i] = textsafe.Sanitize(e)
		}
		if i < clientFindings {
			// A client finding's evidence is grants, one a line (the
			// grants' table below has them whole).
			for j, e := range ev {
				lead := "    from "
				if j > 0 {
					lead = "         "
				}
				out = append(out, s.Muted.Render(common.Truncate(lead+e, w)))
			}
			continue
		}
		for _, l := range common.Hang("    ", "from "+strings.Join(ev, "; "), w) {
			out = append(out, s.Muted.Render(l))
		}
	}
	if m.client != nil {
		out = append(out, m.clientLines(w)...)
	}
	if r == nil {
		return out
	}
	if !m.besideGrants(w) {
		out = append(out, "", s.Title.Render("User"))
		for _, l := range m.userHead() {
			out = append(out, common.Truncate(l, w))
		}
	}
	out = append(out, "")
	server := m.activityLines()
	sess := m.timelineLines()
	if w >= sideBySideWidth && len(sess) > 0 {
		lw := w * 11 / 20
		for i := 0; i < max(len(server), len(sess)); i++ {
			left, right := "", ""
			if i < len(server) {
				left = server[i]
			}
			if i < len(sess) {
				right = sess[i]
			}
			left = common.Truncate(left, lw-2)
			out = append(out, left+strings.Repeat(" ", max(1, lw-lipgloss.Width(left)))+common.Truncate(right, w-lw))
		}
		return out
	}
	out = append(out, server...)
	if len(sess) > 0 {
		out = append(out, "")
		out = append(out, sess...)
	}
	return out
}

// clientLines are the client and its grants; with a user diagnosed too,
// the grants sit beside the user's MFA factors when the screen is wide
// enough, else the factors follow in the user's part.
func (m *Page) clientLines(w int) []string {
	s := m.ctx.Styles
	now := m.ctx.Now()
	var prof strings.Builder
	_ = m.client.WriteProfile(&prof, now)
	info, grants, _ := strings.Cut(strings.TrimRight(prof.String(), "\n"), "\ngrants (")
	out := []string{"", s.Title.Render("Client")}
	for _, l := range strings.Split(strings.TrimRight(info, "\n"), "\n") {
		out = append(out, common.Truncate(l, w))
	}
	if m.client.Client == nil {
		return out
	}
	left := []string{s.Title.Render("Grants (" + strings.SplitN(grants, "\n", 2)[0])}
	left = append(left, strings.Split(grants, "\n")[1:]...)
	out = append(out, "")
	if !m.besideGrants(w) {
		for _, l := range left {
			out = append(out, common.Truncate(l, w))
		}
		return out
	}
	right := append([]string{s.Title.Render("User")}, m.userHead()...)
	lw := grantsColumn
	for i := 0; i < max(len(left), len(right)); i++ {
		l, r := "", ""
		if i < len(left) {
			l = common.Truncate(left[i], lw-2)
		}
		if i < len(right) {
			r = right[i]
		}
		out = append(out, l+strings.Repeat(" ", max(1, lw-lipgloss.Width(l)))+common.Truncate(r, w-lw))
	}
	return out
}

// grantsColumn is the width of a client's grants (an audience URL and a
// grant type) with the user's part beside them; userColumn is the least
// room that part needs (its MFA line whole).
const (
	grantsColumn = 76
	userColumn   = 50
)

// besideGrants says whether the user's part (their MFA factors) sits
// beside the client's grants: both known, and room for both.
func (m *Page) besideGrants(w int) bool {
	return m.client != nil && m.client.Client != nil && m.report != nil && w >= grantsColumn+userColumn
}

// userHead is the user's part of the report: who, status, MFA factors,
// roles (without the activity).
func (m *Page) userHead() []string {
	var prof strings.Builder
	_ = m.report.WriteProfile(&prof, m.ctx.Now())
	head, _, _ := strings.Cut(prof.String(), "\nactivity (")
	return strings.Split(strings.TrimRight(head, "\n"), "\n")
}

// sideBySideWidth is where this session's MFA flow fits beside the
// server's activity without cutting either (user agents, error codes);
// narrower, it goes below, which still fits one screen at 120×40.
const sideBySideWidth = 140

// activityLines is the server's activity log of the user, newest first.
func (m *Page) activityLines() []string {
	s := m.ctx.Styles
	now := m.ctx.Now()
	out := []string{s.Title.Render(fmt.Sprintf("Server activity (latest %d)", len(m.report.Activities)))}
	if len(m.report.Activities) == 0 {
		out = append(out, s.Muted.Render("  none recorded"))
	}
	// Narrow terminals drop the date: the relative time says as much, and
	// the IP matters more.
	dated := m.ctx.Width >= 80
	for _, a := range m.report.Activities {
		line := fmt.Sprintf("%-11s %-20s %-15s %s", tokeninfo.Relative(a.CreatedAt, now), textsafe.Sanitize(a.Action),
			common.OrDash(textsafe.Sanitize(a.IP)), common.OrDash(textsafe.Sanitize(a.UserAgent)))
		if dated {
			line = a.CreatedAt.In(now.Location()).Format("01-02 15:04") + " " + line
		}
		out = append(out, "  "+line)
	}
	return out
}

// timelineLines is this session's latest MFA flow when it was for the
// user diagnosed; nil otherwise.
func (m *Page) timelineLines() []string {
	if m.ctx.Recorder == nil {
		return nil
	}
	steps := flows.TimelineFor(m.ctx.Recorder.Exchanges(), m.report.User.Email)
	if len(steps) == 0 {
		return nil
	}
	s := m.ctx.Styles
	now := m.ctx.Now()
	out := []string{s.Title.Render("This session's MFA flow")}
	for _, st := range steps {
		mark := common.StepMark(s, st)
		out = append(out, fmt.Sprintf("  %s %s %s · %s", st.At.In(now.Location()).Format("15:04:05"), mark, st.Label, st.Outcome))
	}
	return out
}

// Account is the account the header's badge names.
func (m *Page) Account() string { return m.src.Request.Account }

// Owns: the doctor's answer is the page's wherever it is in the back
// stack.
func (m *Page) Owns(msg tea.Msg) bool {
	d, ok := msg.(DiagnosedMsg)
	return ok && d.ID == m.id
}
