// Package supportbundle is the screen that writes a support bundle for
// a case: what it holds, where it goes.
package supportbundle

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/textsafe"
	"github.com/tokenbench/tokenbench/ui/common"
)

// bundleWrittenMsg is a support bundle written, or not.
type bundleWrittenMsg struct {
	id   int
	path string
	err  error
}

// Page asks where a support bundle goes (a new file in the current
// directory by default, like the HAR) and writes it: summary.md and
// session.har, redacted with the session's redactor.
type Page struct {
	ctx     *common.Context
	in      bundle.Input
	from    string // the screen it was asked for on, for the heading
	path    textinput.Model
	id      int
	writing bool
	// replace is the file that is already at the path, while the screen
	// asks whether to replace it.
	replace string
	err     string
	height  int
	// described caches what the listing says of the exchanges, for the
	// case and for the whole session: working out a case reads every
	// exchange, too much for each frame.
	described map[bool]bundleContents
}

// bundleContents is what the listing says of a bundle's exchanges.
type bundleContents struct{ exchanges, timeline string }

func (m *Page) contents() bundleContents {
	if d, ok := m.described[m.in.WholeSession]; ok {
		return d
	}
	var d bundleContents
	in := m.in
	c := in.Case()
	if c.Whole {
		d.exchanges = fmt.Sprintf("all %d of the session, other users' too", len(c.Exchanges))
	} else {
		d.exchanges = fmt.Sprintf("%d of this case; %d left out", len(c.Exchanges), c.Left)
	}
	switch steps, user, diagnosis := in.Timeline(); {
	case !diagnosis && len(steps) > 0 && strings.HasPrefix(flows.TimelineSummary(steps), "passwordless"):
		d.timeline = textsafe.Sanitize(flows.TimelineSummary(steps)) // a passwordless login, no MFA flow
	case !diagnosis && len(steps) > 0:
		d.timeline = "the MFA flow: " + textsafe.Sanitize(flows.TimelineSummary(steps))
	case len(steps) > 0:
		d.timeline = "the MFA flow of " + textsafe.Sanitize(user)
	case diagnosis:
		d.timeline = "no MFA flow of " + common.OrDash(textsafe.Sanitize(user))
	}
	if m.described == nil {
		m.described = map[bool]bundleContents{}
	}
	m.described[m.in.WholeSession] = d
	return d
}

// New is the bundle page of the case in, opened from the screen from.
func New(ctx *common.Context, in bundle.Input, from string) *Page {
	in.Version, in.Now = ctx.Version, ctx.Now()
	if in.Redactor == nil {
		in.Redactor = ctx.Redactor
	}
	if in.Redactor == nil && ctx.Recorder != nil {
		in.Redactor = ctx.Recorder.Redactor
	}
	if ctx.Recorder != nil {
		in.Exchanges = ctx.Recorder.Exchanges()
	}
	p := common.NewInput("FILE.zip", 4096)
	p.SetValue(fmt.Sprintf("tokenbench-bundle-%s.zip", in.Now.Format("20060102-150405")))
	p.CursorEnd()
	m := &Page{ctx: ctx, in: in, from: from, path: p}
	m.SetSize(ctx.Width-2, ctx.Height-4)
	return m
}

// Focus starts the path input's cursor.
func (m *Page) Focus() tea.Cmd { return m.path.Focus() }

func (m *Page) SetSize(width, height int) {
	m.path.SetWidth(max(10, width-6))
	m.height = height
}

func (m *Page) Title() string { return "support bundle" }

// Account is the account the header's badge names.
func (m *Page) Account() string { return m.in.Account }
func (m *Page) TakesText() bool { return m.replace == "" }

// Asking: the page asks whether to replace a file already at the path; a
// stale status line goes while it asks.
func (m *Page) Asking() bool { return m.replace != "" }

func (m *Page) Keys() help.KeyMap {
	k := m.ctx.Keys
	switch {
	case m.writing:
		return common.Bindings{Short: []key.Binding{k.ForceQuit}}
	case m.replace != "":
		return common.Bindings{Short: []key.Binding{common.WithHelp(k.Confirm, "replace it"), common.WithHelp(k.Deny, "another name"), k.ForceQuit}}
	}
	return common.Bindings{Short: []key.Binding{common.WithHelp(k.Select, "write"), common.WithHelp(k.Back, "cancel"), k.WholeSession, k.ClearInput, k.ForceQuit}}
}

func (m *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) { return m, m.update(msg) }

func (m *Page) update(msg tea.Msg) tea.Cmd {
	k := m.ctx.Keys
	switch msg := msg.(type) {
	case bundleWrittenMsg:
		if msg.id != m.id || !m.writing {
			return nil
		}
		m.writing = false
		var exists *bundle.ExistsError
		if errors.As(msg.err, &exists) {
			// Asked, never replaced silently.
			m.replace = exists.Path
			return nil
		}
		if msg.err != nil {
			m.err = "not written: " + common.ErrText(msg.err)
			return nil
		}
		return common.NavBack("support bundle written to "+msg.path+" (summary.md, session.har; secrets redacted)", false)
	case tea.KeyPressMsg:
		if m.writing {
			return nil
		}
		if m.replace != "" {
			switch {
			case key.Matches(msg, k.Confirm):
				return m.write(true)
			case key.Matches(msg, k.Deny):
				m.replace = ""
				m.err = "not replaced: pick another name"
			}
			return nil
		}
		switch {
		case key.Matches(msg, k.WholeSession):
			m.in.WholeSession = !m.in.WholeSession
			return nil
		case key.Matches(msg, k.Back):
			return common.NavBack("support bundle not written", false)
		case key.Matches(msg, k.ClearInput):
			m.path.SetValue("")
			return nil
		case key.Matches(msg, k.Select):
			return m.write(false)
		}
	}
	var cmd tea.Cmd
	m.path, cmd = m.path.Update(msg)
	return cmd
}

// write writes the bundle as a new file; replace, once the user said so,
// replaces the file there.
func (m *Page) write(replace bool) tea.Cmd {
	path := strings.TrimSpace(m.path.Value())
	if path == "" {
		m.err = "type a file name"
		return nil
	}
	if !strings.HasSuffix(strings.ToLower(path), ".zip") {
		path += ".zip"
	}
	m.err, m.writing, m.replace = "", true, ""
	m.id = m.ctx.NextID()
	id, in, write := m.id, m.in, m.ctx.WriteBundle
	in.Replace = replace
	return func() tea.Msg {
		abs, err := write(path, in)
		return bundleWrittenMsg{id: id, path: abs, err: err}
	}
}

// View lists what goes into the bundle, then asks where.
func (m *Page) View() string {
	height := m.height
	s := m.ctx.Styles
	w := m.ctx.Width - 2
	in := m.in
	var lines []string
	add := func(label, value string) {
		lines = append(lines, s.Label.Render(label)+" "+common.Truncate(value, max(1, w-12)))
	}
	lines = append(lines, s.Warn.Render("Support bundle")+s.Muted.Render(" from "+m.from), "")
	if in.Account != "" {
		add("Account", in.Account)
	}
	if in.Partner != "" {
		add("Partner", in.Partner)
	}
	if in.Grant != "" {
		add("Grant", in.Grant)
	}
	info := m.contents()
	add("Exchanges", info.exchanges)
	if info.timeline != "" {
		add("Timeline", info.timeline)
	}
	if in.AccessToken != "" {
		add("Token", tokeninfo.Fingerprint(in.AccessToken)+" (claims; the token as a fingerprint)")
	} else if in.NoToken != "" {
		add("Token", "none: "+in.NoToken)
	}
	if in.Doctor != nil {
		add("Doctor", fmt.Sprintf("%s: %d finding(s)", textsafe.Sanitize(in.Doctor.User.Email), len(in.Doctor.Findings)))
	}
	lines = append(lines, "", common.Wrap(s.Muted, "summary.md and session.har in a zip, every file passed through the session's redactor: no secret in any encoding. Written 0600.", w), "")
	lines = append(lines, "Write the bundle to:", s.Cursor.Render("› ")+m.path.View())
	if m.replace != "" {
		lines = append(lines, "", common.Wrap(s.Warn, textsafe.Sanitize(m.replace)+" exists. Replace it? y replaces it · n picks another name", w))
	}
	if m.writing {
		lines = append(lines, "", s.Muted.Render("writing…"))
	}
	if m.err != "" {
		lines = append(lines, "", common.Wrap(s.Error, "✗ "+m.err, w))
	}
	// Short terminals keep the question: the listing gives way first.
	text := strings.Join(lines, "\n")
	if n := strings.Count(text, "\n") + 1; n > height {
		text = strings.Join(strings.Split(text, "\n")[n-height:], "\n")
	}
	return text
}

// Owns: the write's answer is the page's wherever it is in the back
// stack.
func (m *Page) Owns(msg tea.Msg) bool {
	w, ok := msg.(bundleWrittenMsg)
	return ok && w.id == m.id
}
