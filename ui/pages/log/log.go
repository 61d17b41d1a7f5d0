// Package log is the HTTP log: the session's exchanges, one exchange in
// full, the MFA timeline, and writing them as a HAR file.
package log

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/textsafe"
	"github.com/tokenbench/tokenbench/ui/common"
)

// ExchangesOf is every recorded exchange of the session.
func ExchangesOf(ctx *common.Context) []record.Exchange {
	if ctx.Recorder == nil {
		return nil
	}
	return ctx.Recorder.Exchanges()
}

// Page lists the session's HTTP exchanges; w asks where to write them
// as a HAR file.
type Page struct {
	ctx    *common.Context
	cursor int
	// follow: the cursor is on the newest row and stays there as rows
	// come (an auto-refresh while the log is open), as tail -f does.
	follow  bool
	harPath textinput.Model
	// harExists is a file already at the HAR's path, while the page asks
	// whether to replace it.
	harExists     string
	width, height int
}

// New is the HTTP log of the session's exchanges, newest last.
func New(ctx *common.Context) *Page {
	return &Page{ctx: ctx, cursor: max(0, len(ExchangesOf(ctx))-1), follow: true, harPath: common.NewInput("", 4096)}
}

func (p *Page) Title() string     { return "HTTP log" }
func (p *Page) TakesText() bool   { return p.harPath.Focused() && p.harExists == "" }
func (p *Page) Asking() bool      { return p.harExists != "" }
func (p *Page) SetSize(w, h int)  { p.width, p.height = w, h }
func (p *Page) Keys() help.KeyMap { return p.keys() }

func (p *Page) keys() common.Bindings {
	k := p.ctx.Keys
	if p.harExists != "" {
		return common.Bindings{Short: []key.Binding{common.WithHelp(k.Confirm, "replace it"), common.WithHelp(k.Deny, "another name"), k.ForceQuit}}
	}
	if p.harPath.Focused() {
		return common.Bindings{Short: []key.Binding{common.WithHelp(k.Select, "write"), common.WithHelp(k.Back, "cancel"), k.ForceQuit}}
	}
	open := common.WithHelp(k.Select, "open")
	return common.Bindings{Short: []key.Binding{open, k.Timeline, k.ExportHAR, k.Bundle, k.Back, k.Up, k.Down, k.Quit},
		Full: [][]key.Binding{{k.Up, k.Down, open}, {k.Timeline, k.ExportHAR, k.Bundle, k.Inspect}, {k.Back, k.Quit, k.ForceQuit}}}
}

func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	k := p.ctx.Keys
	ex := ExchangesOf(p.ctx)
	switch msg := msg.(type) {
	case harSavedMsg:
		if msg.exists != "" {
			// Asked, never replaced silently: the name stays to edit.
			p.harExists = msg.exists
			return p, p.harPath.Focus()
		}
		if msg.err != nil {
			return p, common.SetStatus("HAR not written: "+common.ErrText(msg.err), true)
		}
		return p, common.SetStatus("HAR written to "+msg.path+" (secrets redacted)", false)
	case tea.KeyPressMsg:
		if p.harExists != "" {
			switch {
			case key.Matches(msg, k.Confirm):
				p.harExists = ""
				p.harPath.Blur()
				return p, saveHAR(ex, strings.TrimSpace(p.harPath.Value()), true)
			case key.Matches(msg, k.Deny):
				p.harExists = ""
				return p, common.SetStatus("HAR not written: pick another name", false)
			}
			return p, nil
		}
		if p.harPath.Focused() {
			switch {
			case key.Matches(msg, k.Back):
				p.harPath.Blur()
				return p, common.SetStatus("HAR not written", false)
			case key.Matches(msg, k.Select):
				p.harPath.Blur()
				return p, saveHAR(ex, strings.TrimSpace(p.harPath.Value()), false)
			}
			var cmd tea.Cmd
			p.harPath, cmd = p.harPath.Update(msg)
			return p, cmd
		}
		switch {
		case key.Matches(msg, k.Back):
			return p, common.ClosePage
		case key.Matches(msg, k.Up):
			p.cursor = max(0, p.row(ex)-1)
			p.follow = p.cursor == len(ex)-1
		case key.Matches(msg, k.Down):
			p.cursor = max(0, min(len(ex)-1, p.row(ex)+1))
			p.follow = p.cursor == len(ex)-1
		case key.Matches(msg, k.Select) && len(ex) > 0:
			return p, common.OpenPage(newExchangePage(p.ctx, ex[p.row(ex)]))
		case key.Matches(msg, k.Timeline):
			return p, common.OpenPage(newTimelinePage(p.ctx))
		case key.Matches(msg, k.Bundle):
			// The selected row's case, not whatever token was shown last.
			if len(ex) > 0 {
				id := ex[p.row(ex)].ID
				return p, func() tea.Msg { return common.BundleAskedMsg{From: "HTTP log", Exchange: id} }
			}
			return p, common.AskBundle("HTTP log")
		case key.Matches(msg, k.ExportHAR):
			if len(ex) == 0 {
				return p, common.SetStatus("no exchanges to export yet", true)
			}
			// Ask where, offering a new file in the current directory.
			p.harPath.SetWidth(max(10, p.width-18))
			p.harPath.SetValue(fmt.Sprintf("tokenbench-%s.har", p.ctx.Now().Format("20060102-150405")))
			p.harPath.CursorEnd()
			return p, p.harPath.Focus()
		}
	case tea.PasteMsg:
		if p.harPath.Focused() {
			var cmd tea.Cmd
			p.harPath, cmd = p.harPath.Update(msg)
			return p, cmd
		}
	}
	return p, nil
}

// row is the row under the cursor: the newest while following.
func (p *Page) row(ex []record.Exchange) int {
	if p.follow || p.cursor >= len(ex) {
		return max(0, len(ex)-1)
	}
	return p.cursor
}

func (p *Page) View() string {
	s := p.ctx.Styles
	ex := ExchangesOf(p.ctx)
	if len(ex) == 0 {
		return common.Wrap(s.Muted, "No HTTP exchanges yet. Every request this session makes is listed here, secrets redacted.", p.width)
	}
	w := p.width - 2
	// Narrow terminals drop the time of day before anything that tells
	// the rows apart; "what" gets the room the status column leaves.
	withTime := w >= 70
	statusW, longest := len("status"), 0
	for _, e := range ex {
		statusW = max(statusW, ansi.StringWidth(exchangeStatus(e)))
		longest = max(longest, ansi.StringWidth(exchangeWhat(e)))
	}
	// "#  ", what, took, status; with the time, two more spaces too.
	fixed := 4 + 1 + 7 + 1 + min(statusW, 20)
	if withTime {
		fixed += 10 + 1
	}
	whatW := max(20, min(longest, w-fixed))
	row := func(id, at, what, ms, status string) string {
		what = common.Truncate(what, whatW)
		if withTime {
			return fmt.Sprintf("%-3s %-8s  %-*s %7s  %s", id, at, whatW, what, ms, status)
		}
		return fmt.Sprintf("%-3s %-*s %7s %s", id, whatW, what, ms, status)
	}
	var lines []string
	if p.harPath.Focused() {
		// The whole session, every user's: a ticket about one case wants
		// a bundle (b), which holds only that case.
		lines = append(lines, common.Wrap(s.Warn, fmt.Sprintf("Write the HAR of the whole session (%d exchanges, every user's; secrets redacted) to:", len(ex)), w),
			s.Cursor.Render("› ")+p.harPath.View(), "")
		if p.harExists != "" {
			lines = append(lines, common.Wrap(s.Warn, textsafe.Sanitize(p.harExists)+" exists. Replace it? y replaces it · n picks another name", w), "")
		}
	}
	lines = append(lines, s.Muted.Render(common.Truncate("  "+row("#", "time", "what", "took", "status"), w+2)))
	cursor := p.row(ex)
	first := max(0, cursor-(p.height-3))
	for i := first; i < len(ex) && len(lines) < p.height-1; i++ {
		e := ex[i]
		line := common.Truncate(row(fmt.Sprint(e.ID), e.Time.In(p.ctx.Now().Location()).Format("15:04:05"), exchangeWhat(e),
			flows.Took(e.Duration), exchangeStatus(e)), w)
		switch {
		case i == cursor:
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

// exchangeStatus is an exchange's outcome for its row.
func exchangeStatus(e record.Exchange) string {
	status := fmt.Sprint(e.Status)
	if e.Err != "" {
		status = "— " + e.Err
	}
	if e.ErrorCode != "" {
		status += " " + e.ErrorCode
	}
	return status
}

// exchangePage shows one exchange, request and answer, secrets redacted;
// c copies it as a curl command.
type exchangePage struct {
	ctx           *common.Context
	exchange      record.Exchange
	scroll        int
	width, height int
}

func newExchangePage(ctx *common.Context, e record.Exchange) *exchangePage {
	return &exchangePage{ctx: ctx, exchange: e}
}

func (p *exchangePage) Title() string    { return "exchange" }
func (p *exchangePage) TakesText() bool  { return false }
func (p *exchangePage) SetSize(w, h int) { p.width, p.height = w, h }

func (p *exchangePage) Keys() help.KeyMap {
	k := p.ctx.Keys
	curl := common.WithHelp(k.CopyToken, "copy as curl")
	return common.Bindings{Short: []key.Binding{curl, k.Back, k.Up, k.Down, k.Quit},
		Full: [][]key.Binding{{k.Up, k.Down}, {curl, k.Log, k.Inspect}, {k.Back, k.Quit, k.ForceQuit}}}
}

// lines are the exchange's lines wrapped at the page's width: a URL, a
// header or a JSON body is read whole, not cut. A wrapped line keeps its
// side's marker ("> " sent, "< " received) on every part.
func (p *exchangePage) lines() []string {
	width := max(10, p.width-2)
	var out []string
	for _, l := range strings.Split(strings.TrimRight(p.exchange.Text(), "\n"), "\n") {
		prefix := ""
		if strings.HasPrefix(l, "> ") || strings.HasPrefix(l, "< ") {
			prefix = l[:2]
		}
		for _, part := range strings.Split(ansi.Hardwrap(l[len(prefix):], width-len(prefix), true), "\n") {
			out = append(out, prefix+part)
		}
	}
	return out
}

func (p *exchangePage) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	k := p.ctx.Keys
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, k.Back):
			return p, common.ClosePage
		case key.Matches(msg, k.Up):
			p.scroll = max(0, p.scroll-1)
		case key.Matches(msg, k.Down):
			p.scroll = min(p.scroll+1, max(0, len(p.lines())-p.height))
		case key.Matches(msg, k.CopyToken): // c: copy as curl
			curl := p.exchange.Curl()
			return p, func() tea.Msg { return common.CopyMsg{What: "curl command", Text: curl} }
		}
	}
	return p, nil
}

func (p *exchangePage) View() string {
	s := p.ctx.Styles
	lines := p.lines()
	for i, l := range lines {
		l = common.Truncate(l, p.width-2)
		if strings.HasPrefix(l, "<") {
			l = s.Muted.Render(l)
		}
		lines[i] = l
	}
	scroll := min(p.scroll, max(0, len(lines)-p.height))
	return strings.Join(lines[scroll:], "\n")
}

// timelinePage is the latest MFA flow step by step; enter opens a step's
// exchange.
type timelinePage struct {
	ctx           *common.Context
	cursor        int
	width, height int
}

func newTimelinePage(ctx *common.Context) *timelinePage { return &timelinePage{ctx: ctx} }

// TimelineTitle names a bundle asked for on the timeline page.
const TimelineTitle = "MFA timeline"

// Title names what the timeline shows: an MFA flow, or a passwordless
// login ("login timeline").
func (p *timelinePage) Title() string    { return flows.TimelineName(p.steps()) }
func (p *timelinePage) TakesText() bool  { return false }
func (p *timelinePage) SetSize(w, h int) { p.width, p.height = w, h }

func (p *timelinePage) Keys() help.KeyMap {
	k := p.ctx.Keys
	open := common.WithHelp(k.Select, "open exchange")
	return common.Bindings{Short: []key.Binding{open, k.Bundle, k.Back, k.Up, k.Down, k.Quit},
		Full: [][]key.Binding{{k.Up, k.Down, open}, {k.Bundle, k.Back, k.Log, k.Inspect}, {k.Quit, k.ForceQuit}}}
}

func (p *timelinePage) steps() []flows.Step { return flows.Timeline(ExchangesOf(p.ctx)) }

func (p *timelinePage) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	k := p.ctx.Keys
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		steps := p.steps()
		switch {
		case key.Matches(msg, k.Back):
			return p, common.ClosePage
		case key.Matches(msg, k.Bundle):
			return p, common.AskBundle(TimelineTitle)
		case key.Matches(msg, k.Up):
			p.cursor = max(0, p.cursor-1)
		case key.Matches(msg, k.Down):
			p.cursor = max(0, min(len(steps)-1, p.cursor+1))
		case key.Matches(msg, k.Select) && p.cursor < len(steps):
			for _, e := range ExchangesOf(p.ctx) {
				if e.ID == steps[p.cursor].ExchangeID {
					return p, common.OpenPage(newExchangePage(p.ctx, e))
				}
			}
		}
	}
	return p, nil
}

func (p *timelinePage) View() string {
	s := p.ctx.Styles
	steps := p.steps()
	if len(steps) == 0 {
		return common.Wrap(s.Muted, "No MFA flow yet this session. Run a user that answers mfa_required, then look here.", p.width)
	}
	var b strings.Builder
	b.WriteString(strings.TrimRight(common.Wrap(s.Title, flows.TimelineSummary(steps), p.width), " ") + "\n\n")
	// The columns are as wide as their longest cell. Narrow terminals
	// drop the time of day, then shorten the labels, then the outcomes.
	labelW, outW, tookW := 0, 0, 0
	for _, st := range steps {
		labelW, outW = max(labelW, ansi.StringWidth(st.Label)), max(outW, ansi.StringWidth(st.Outcome))
		tookW = max(tookW, len(flows.Took(st.Duration)))
	}
	const atW = 10
	avail := p.width - ansi.StringWidth("├─ ✓ ") - 1 - 1 - tookW // the spaces between the columns
	wide := labelW+outW+atW <= avail
	if labelW+outW > avail {
		labelW = max(12, avail-outW)
	}
	if labelW+outW > avail {
		outW = max(8, avail-labelW)
	}
	for i, st := range steps {
		mark := common.StepMark(s, st)
		conn := "├─"
		if i == len(steps)-1 {
			conn = "└─"
		}
		at := ""
		if wide {
			at = "  " + s.Muted.Render(st.At.In(p.ctx.Now().Location()).Format("15:04:05"))
		}
		line := fmt.Sprintf("%s %-*s %-*s %*s%s", mark, labelW, common.Truncate(st.Label, labelW), outW, common.Truncate(st.Outcome, outW), tookW, flows.Took(st.Duration), at)
		if i == p.cursor {
			b.WriteString(s.Cursor.Render("›") + s.Muted.Render(conn[len("├"):]) + " " + line + "\n")
			continue
		}
		b.WriteString(s.Muted.Render(conn) + " " + line + "\n")
	}
	return b.String()
}
