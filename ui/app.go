// Package ui is tokenbench's interactive workbench, built with Bubble Tea:
// the root model, which routes each message to the page on top of the back
// stack (router.go), draws the chrome around it (chrome.go), owns the
// clipboard (clipboard.go), and arranges the pages of a request around
// session.Flow (flow.go, flowroutes.go) and home's side (profiles.go).
// It calls session/ and flows/ for everything it does over the network;
// it never speaks HTTP itself.
package ui

import (
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/session"
	"github.com/tokenbench/tokenbench/textsafe"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/pages/chooser"
	"github.com/tokenbench/tokenbench/ui/pages/home"
	"github.com/tokenbench/tokenbench/ui/pages/inspect"
	"github.com/tokenbench/tokenbench/ui/pages/log"
	"github.com/tokenbench/tokenbench/ui/pages/mfa"
	"github.com/tokenbench/tokenbench/ui/pages/recovery"
	"github.com/tokenbench/tokenbench/ui/pages/request"
	"github.com/tokenbench/tokenbench/ui/pages/sending"
	"github.com/tokenbench/tokenbench/ui/pages/token"
)

// Messages from commands. Each async result carries the id of the request
// it answers; a stale one (the user cancelled or moved on) is dropped.
type (
	resultMsg struct {
		res     *flows.Result
		session *flows.MFASession
		// pwless: a passwordless login whose code was sent.
		pwless *flows.PasswordlessLogin
		err    error
		// note, when set, is the status for the token instead of "token
		// received" (a sign-in repeated in place of a refresh).
		note string
	}
	tickMsg   time.Time
	copiedMsg struct {
		what, via, caveat string
		text              string
		secret            bool // schedule clearing
		expired           bool // the copied token has expired
		err               error
	}
	clearClipMsg struct{ id int }
	clearedMsg   struct {
		res common.Cleared
		err error
	}
)

// Model is the workbench's root: it routes messages to the page on top of
// the back stack and to the few parts that outlive a page — the chrome
// around it (header, status, help), the flow of the request being worked
// on, the profiles desk, the signature checks and the clipboard.
type Model struct {
	ctx     *common.Context
	nav     router
	chrome  chrome
	flow    *flow
	desk    *desk
	sigs    *sigChecker
	clip    clipKeeper
	ticking bool
}

// New builds the workbench. With connections or saved profiles it opens on
// home; on a first run, on the grant chooser.
func New(ctx *common.Context) *Model {
	if ctx.Session == nil {
		ctx.Session = session.New(ctx.Store, ctx.Secrets, ctx.NewRunner)
		ctx.Session.Now = ctx.Now
	}
	m := &Model{ctx: ctx, chrome: newChrome(ctx), clip: clipKeeper{ctx: ctx}}
	f := &flow{ctx: ctx, nav: &m.nav, chrome: &m.chrome, channel: client.ChannelSMS,
		forms: forms{ctx: ctx, nav: &m.nav, chain: true, values: map[string]string{form.FBaseURL: ctx.DefaultBaseURL}}}
	m.sigs = newSigChecker(ctx, func() string { return f.baseURL })
	f.sigs = m.sigs
	m.flow, m.desk = f, &desk{f: f}
	if ctx.Store != nil {
		ps, err := ctx.Session.Profiles()
		if err != nil {
			m.desk.readOnly = textsafe.Sanitize(err.Error())
		}
		m.desk.profiles = ps
	}
	if ctx.Store != nil || len(ctx.Connections) > 0 {
		// Home, where profiles are added and connections run.
		f.home = home.New(ctx, m.desk.profiles, m.desk.readOnly)
	}
	m.nav.reset(f.base()...)
	if len(m.desk.profiles) == 0 && len(ctx.Connections) == 0 && m.desk.readOnly == "" {
		// First run: the chooser, with home one esc away when profiles
		// can be saved.
		f.openChooser(false)
	}
	// Sized before the first Update: a frame drawn before it is whole.
	m.size()
	return m
}

// Init implements tea.Model: tokens kept across restarts are loaded, and
// the terminal is asked for its background colour. Nothing waits for the
// answer: the styles start dark and are rebuilt if it says light.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.desk.loadKeptTokens(), m.desk.probeKeyring(), tea.RequestBackgroundColor)
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	top, wasAsking := m.nav.top(), asking(m.nav.top())
	cmd := m.update(msg)
	// A question just asked replaces what the screen said before it.
	if m.nav.top() == top && !wasAsking && asking(top) {
		m.chrome.status = statusLine{}
	}
	m.size()
	// A status belongs to the screen that set it: leaving it drops it, so
	// it is not shown on the next screen nor again on the way back.
	m.chrome.dropStaleStatus(m.nav.top())
	m.chrome.closeHelpOffPage(m.nav.top())
	// Whatever brought a countdown or a pending auto-refresh back (esc
	// from the log to the token view, a 429 on the MFA screen), the tick
	// runs again.
	if !m.ticking && m.wantsTick() {
		m.ticking = true
		cmd = tea.Batch(cmd, m.ctx.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) }))
	}
	return m, cmd
}

// asking reports whether p shows a y/n question.
func asking(p common.Page) bool {
	a, ok := p.(common.Asker)
	return ok && a.Asking()
}

// size gives the page on top the room between the header and the footer
// of this frame (its banners, the status line).
func (m *Model) size() {
	if p := m.nav.top(); p != nil {
		p.SetSize(m.ctx.Width-2, m.chrome.bodyHeight(m.flow.frame(p)))
	}
}

// wantsTick reports whether anything time-based is on screen or pending:
// a page's countdown (a token's, home's held tokens, a 429's wait), or a
// held token to auto-refresh whatever the screen.
func (m *Model) wantsTick() bool {
	p, ok := m.nav.top().(common.Ticker)
	return ok && p.Ticking() || m.desk.autoRefreshPending()
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	f := m.flow
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.ctx.Width, m.ctx.Height = msg.Width, msg.Height
		m.chrome.help.SetWidth(msg.Width)
		return nil
	case tea.BackgroundColorMsg:
		m.ctx.Styles = common.DefaultStyles(msg.IsDark())
		return nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tickMsg:
		// This tick has fired: Update arms the next one while anything
		// time-based is on screen or pending.
		m.ticking = false
		return tea.Batch(m.desk.autoRefreshDue()...)
	case list.FilterMatchesMsg:
		// Home filters in a command; its answer goes back to it.
		if f.home != nil {
			_, cmd := f.home.Update(msg)
			return cmd
		}
		return nil

	// Navigation asked for by pages.
	case common.OpenPageMsg:
		m.nav.push(msg.Page)
		return msg.Then
	case common.ClosePageMsg:
		m.nav.pop()
		return nil
	case common.CloseThenMsg:
		m.nav.pop()
		return msg.Then
	case common.StatusMsg:
		f.setStatus(msg.Text, msg.Err)
		return nil

	// The request's flow.
	case chooser.GrantChosenMsg:
		if msg.ForProfile {
			// A new profile starts from nothing (the last request's
			// values, its secret, another profile's name are not this
			// one's), or from the new profile's form left with esc.
			f.forms.openNewProfileForm(msg.Grant)
		} else {
			f.forms.openOneOffForm(msg.Grant, f.forms.currentValues())
		}
		return nil
	case mfa.ChannelChosenMsg:
		f.channel = msg.Ch
		return nil
	case request.FormBackMsg:
		m.nav.pop()
		// Back to the chooser is choosing another grant: what was typed
		// goes on. Back anywhere else is leaving the request on purpose:
		// its secrets go, the rest is there when the form is opened again.
		_, toChooser := topIs[*chooser.Page](&m.nav)
		if toChooser {
			m.nav.update(chooser.FormLeftMsg{}) // the chooser's esc leaves what was typed
		}
		if msg.Form.Draft() != "" {
			f.forms.drafts.keep(msg.Form, !toChooser)
			return nil
		}
		f.forms.values, f.forms.chain = msg.Values, msg.Chain
		if !toChooser {
			f.forms.dropSecrets(false)
		}
		return nil
	case chooser.LeftMsg:
		m.nav.pop()
		if msg.AfterForm {
			f.forms.dropSecrets(msg.ForProfile)
		}
		return nil
	case request.FormSubmitMsg:
		// The form sent is the one the request's errors go back to.
		f.forms.form = msg.Form
		if f.forms.form.ProfileMode() {
			return m.desk.saveProfile()
		}
		if f.forms.form.OneOff() {
			f.forOneOff()
		}
		req, base := f.forms.form.Request()
		f.forms.values, f.forms.chain = f.forms.form.Values(), f.forms.form.Chain()
		return f.start(req, base, true)
	case sending.SentMsg:
		// An answer for the sending page on top, unless cancelled or
		// superseded.
		if p, ok := topIs[*sending.Page](&m.nav); !ok || !p.Accept(msg.ID) {
			return nil
		}
		switch inner := msg.Msg.(type) {
		case resultMsg:
			return f.onResult(inner)
		case revokedMsg:
			return f.onRevoked(inner)
		case itemRefreshedMsg:
			return m.desk.onItemRefreshed(inner)
		}
		return nil
	case sending.SendCancelledMsg:
		f.leaveSending()
		f.setStatus("request cancelled", false)
		return nil
	case common.MFATokenMsg:
		return f.showToken(msg.Res)
	case token.ActMsg:
		if msg.Act == token.ActSaveAs {
			return m.desk.openSaveAs(msg.Res)
		}
		return f.onTokenAct(msg)
	case common.NavTokenMsg, common.RecoveryChosenMsg, recovery.SetupLeftMsg, common.BundleAskedMsg, revokedMsg, common.CloseWithStatusMsg, actAsUserConfirmedMsg,
		common.RecoveryAskedMsg, common.DiagnoseAskedMsg, common.BundleForMsg:
		cmd, _ := f.onFlowMsg(msg)
		return cmd
	case common.SigMsg:
		m.sigs.done(msg)
		return m.nav.update(msg)

	// Profiles and held tokens.
	case home.ActMsg:
		return m.desk.onHomeAct(msg)
	case needInputMsg:
		return m.desk.onNeedInput(msg)
	case profileSavedMsg:
		return m.desk.onProfileSaved(msg)
	case profileDeletedMsg:
		return m.desk.onProfileDeleted(msg)
	case autoRefreshMsg:
		return f.onAutoRefresh(msg)
	case keyringProbedMsg:
		m.ctx.KeyringMissing = msg.missing
		return nil
	case keptTokensMsg, common.NeedTickMsg:
		// Update arms the tick for the countdowns they bring.
		return nil

	// The clipboard.
	case common.CopyMsg:
		cmd, err := m.clip.copy(msg)
		if err != "" {
			f.setStatus(err, true)
		}
		return cmd
	case copiedMsg:
		text, isErr, cmd := m.clip.copied(msg)
		f.setStatus(text, isErr)
		return cmd
	case clearClipMsg:
		return m.clip.clearIfLatest(msg.id)
	case clearedMsg:
		if text, isErr := clearedText(msg); isErr {
			f.setStatus(text, true)
		} else {
			m.chrome.notify(text, m.nav.top())
		}
		return nil
	case spinner.TickMsg:
		// Only the page on top has a spinner running.
	}
	// A page's own results (to the page that owns them), a paste.
	return m.nav.updateOwner(msg)
}

// clearedText is what clearing the clipboard came to: every place the
// copy went, and any that may still hold it, by name.
func clearedText(msg clearedMsg) (string, bool) {
	r := msg.res
	switch {
	case msg.err != nil && errors.Is(msg.err, errNotOurs):
		return "clipboard not cleared: it holds something else now", false
	case msg.err != nil:
		return "could not clear the clipboard: " + msg.err.Error(), true
	case len(r.Left) > 0:
		text := "NOT cleared: " + strings.Join(r.Left, ", ") + "; it may still hold the copy"
		if done := append(append([]string(nil), r.Checked...), r.Blind...); len(done) > 0 {
			text = "cleared " + strings.Join(done, " and ") + "; " + text
		}
		return text, true
	case len(r.Checked) == 0 && len(r.Blind) == 1 && r.Blind[0] == placeTerminal && len(r.Left) == 0:
		return "clipboard cleared blind (OSC 52 cannot read it back)", false
	case len(r.Blind) > 0:
		text := "clipboard cleared: "
		if len(r.Checked) > 0 {
			text += strings.Join(r.Checked, ", ") + "; "
		}
		return text + strings.Join(r.Blind, ", ") + " blind (no read-back)", false
	}
	return "clipboard cleared", false
}

// handleKey handles the keys that work on every screen, then hands the key
// to the page on top.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k, top := m.ctx.Keys, m.nav.top()
	if msg.Code == tea.KeyEscape && msg.Mod == tea.ModAlt {
		// Two esc presses that arrived together read as alt+esc: they
		// are two steps back.
		esc := tea.KeyPressMsg{Code: tea.KeyEscape}
		first := m.handleKey(esc)
		return tea.Sequence(first, func() tea.Msg { return esc })
	}
	if key.Matches(msg, k.ForceQuit) {
		// An interrupt, not a plain quit: Run reports it (exit 130).
		return tea.Interrupt
	}
	busy, takesText := false, top != nil && top.TakesText()
	if p, ok := top.(common.Busier); ok {
		busy = p.Busy()
	}
	switch {
	case key.Matches(msg, k.Log) && !busy:
		if _, onLog := topIs[*log.Page](&m.nav); !onLog {
			m.nav.push(log.New(m.ctx))
		}
		return nil
	case key.Matches(msg, k.Inspect) && !busy:
		if _, on := topIs[*inspect.Page](&m.nav); !on {
			m.nav.push(inspect.New(m.ctx, m.sigs.verifyCmd, m.sigs.keysURLForIssuer))
		}
		return nil
	case key.Matches(msg, k.Help) && helpWorks(top),
		key.Matches(msg, k.Back) && m.chrome.helpOpen(top):
		// esc closes the help before it goes back.
		m.chrome.toggleHelp(top)
		return nil
	case key.Matches(msg, k.Quit) && !takesText && !busy:
		return tea.Quit
	}
	return m.nav.update(msg)
}

// ClearClipboardOnQuit empties the clipboard if it still holds what the app
// copied; call it after the program ends.
func (m *Model) ClearClipboardOnQuit() { m.clip.clearOnQuit() }

// View implements tea.Model: the workbench in the alternate screen, with
// the window title naming what is shown. It changes no state.
func (m *Model) View() tea.View {
	fr := m.flow.frame(m.nav.top())
	v := tea.NewView(m.chrome.render(fr))
	v.AltScreen = true
	v.WindowTitle = m.chrome.windowTitle(fr)
	return v
}
