package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/session"
)

type screen int

const (
	scrHome screen = iota
	// scrForm is the request form (a page, Model.form) as where a request
	// was sent from and where its errors go.
	scrForm
	// scrPage: the Page on top of Model.pages (the log, an exchange, the
	// timeline; new screens are Pages).
	scrPage
)

var screenNames = map[screen]string{
	scrHome: "home",
}

// Messages from commands. Each async result carries the generation of the
// request it answers; a stale one (the user cancelled or moved on) is
// dropped.
type (
	resultMsg struct {
		res     *flows.Result
		session *flows.MFASession
		err     error
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
		blind bool
		err   error
	}
)

// status is a timed line under the screen it belongs to: it is not shown
// on another, and it is dropped when that screen is left.
type status struct {
	text  string
	err   bool
	at    time.Time
	where any // the screen it belongs to, as here says
}

const statusTTL = 8 * time.Second

// Model is the workbench: one model per screen, a back stack, and the
// state shared between screens.
type Model struct {
	ctx   *Context
	scr   screen
	stack []screen
	// pages are the Pages on the back stack, one per scrPage in stack and
	// on screen, in order.
	pages []Page

	home *homePage
	// form is the last request or profile form made: a request from
	// home shows it on an error, and the next form starts from its values.
	form *formPage
	help help.Model
	// shown is the token shown last (a bundle names it).
	shown *flows.Result

	// The request being worked on.
	runner   *flows.Runner
	baseURL  string
	channel  client.Channel
	values   map[string]string
	chain    bool
	origin   screen // the screen a request's errors belong to (scrPage: the page under the sending page)
	sentFrom screen // the screen showing when it was sent

	status   status
	showHelp bool
	ticking  bool

	// clip copies and clears what it copied.
	clip clipKeeper

	// Profiles; the tokens held for home items live in ctx.Session.
	profiles  []profiles.Profile
	readOnly  string            // why the profiles cannot be changed
	activeKey string            // the home item a request runs for
	active    *profiles.Profile // the profile it runs for

	// Signature checks, shared by the token view and the inspector.
	verifiers map[string]*tokeninfo.KeyVerifier // by base URL
	sigs      map[string]string                 // by access token
	lastJWKS  string
	// keysBearer reads the account's keys endpoint (§6): the last token
	// when it may, else its flow's client token.
	keysBearer string
}

// New builds the workbench. With connections it opens on them; without, on
// the grant chooser.
func New(ctx *Context) *Model {
	m := &Model{ctx: ctx, help: help.New(), channel: client.ChannelSMS, chain: true, clip: clipKeeper{ctx: ctx},
		values:    map[string]string{fBaseURL: ctx.DefaultBaseURL},
		verifiers: map[string]*tokeninfo.KeyVerifier{}, sigs: map[string]string{}}
	if ctx.Session == nil {
		ctx.Session = session.New(ctx.Store, ctx.Secrets, ctx.NewRunner)
		ctx.Session.Now = ctx.Now
	}
	m.help.SetWidth(ctx.Width)
	if ctx.Store != nil {
		ps, err := ctx.Store.Load()
		if err != nil {
			m.readOnly = client.Sanitize(err.Error())
		}
		m.profiles = ps
	}
	m.home = newHomePage(ctx, m.profiles, m.readOnly)
	m.scr = scrHome
	// Sized before the first Update: a frame drawn before it shows the
	// whole list.
	m.home.SetSize(ctx.Width-2, m.bodyHeight())
	if len(m.profiles) == 0 && len(ctx.Connections) == 0 && m.readOnly == "" {
		// First run: the chooser, with home (where profiles are added)
		// one esc away when profiles can be saved.
		if ctx.Store == nil {
			m.scr, m.pages = scrPage, []Page{newChooserPage(ctx, false)}
		} else {
			m.openChooser(false)
		}
	}
	return m
}

// Init implements tea.Model: tokens kept across restarts are loaded, and
// the terminal is asked for its background colour. Nothing waits for the
// answer: the styles start dark and are rebuilt if it says light.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.loadKeptTokens(), tea.RequestBackgroundColor)
}

// hasHome reports whether there is a home screen to go back to: saved
// profiles can be added, or there are connections.
func (m *Model) hasHome() bool {
	return m.ctx.Store != nil || len(m.ctx.Connections) > 0
}

// openChooser opens the grant chooser for a request or for a new profile.
func (m *Model) openChooser(forProfile bool) {
	m.openPage(newChooserPage(m.ctx, forProfile))
}

func (m *Model) push(s screen) {
	m.stack = append(m.stack, m.scr)
	m.scr = s
}

func (m *Model) back() {
	if len(m.stack) == 0 {
		return
	}
	m.scr = m.stack[len(m.stack)-1]
	m.stack = m.stack[:len(m.stack)-1]
}

// inputScreen reports whether keys type text here (so q types a q).
func (m *Model) inputScreen() bool {
	return m.filtering() ||
		m.scr == scrPage && m.topPage().TakesText()
}

func (m *Model) setStatus(text string, isErr bool) {
	m.status = status{text: client.Sanitize(text), err: isErr, at: m.ctx.Now(), where: m.here()}
}

// here names the screen showing: the page on top (each page is a screen of
// its own: one exchange is not another), or the root's screen.
func (m *Model) here() any {
	if m.scr != scrPage {
		return m.scr
	}
	// The page on screen is the one after those under it on the stack
	// (pages closed in this update are pruned only after it).
	n := 0
	for _, s := range m.stack {
		if s == scrPage {
			n++
		}
	}
	if n < len(m.pages) {
		return m.pages[n]
	}
	return m.topPage()
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	model, cmd := m.update(msg)
	m.prunePages()
	m.sizePages()
	if m.scr == scrHome {
		// Sized for the banners and the status line of this frame.
		m.home.SetSize(m.ctx.Width-2, m.bodyHeight())
	}
	// A status belongs to the screen that set it: leaving it drops it, so
	// it is not shown on the next screen nor again on the way back.
	if m.status.text != "" && m.status.where != m.here() {
		m.status = status{}
	}
	// Whatever brought a countdown or a pending auto-refresh back (esc
	// from the log to the token view, a 429 on the MFA screen), the tick
	// runs again.
	if !m.ticking && m.wantsTick() {
		cmd = tea.Batch(cmd, m.tick())
	}
	return model, cmd
}

// wantsTick reports whether anything time-based is on screen or pending:
// the countdowns of the token view and home, a page's countdown (a 429's
// wait), or a held token to auto-refresh whatever the screen.
func (m *Model) wantsTick() bool {
	return m.scr == scrHome || m.pageTicking() || m.autoRefreshPending()
}

// autoRefreshPending reports a held token that will be auto-refreshed.
func (m *Model) autoRefreshPending() bool {
	svc := m.ctx.Session
	if svc == nil {
		return false
	}
	for _, p := range m.profiles {
		if _, ok := svc.NextRefresh(p.Name); ok {
			return true
		}
	}
	for _, c := range m.ctx.Connections {
		if _, ok := svc.NextRefresh(c.Name); ok {
			return true
		}
	}
	return false
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.ctx.Width, m.ctx.Height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		m.home.SetSize(msg.Width-2, max(4, msg.Height-6))
		return m, nil
	case tea.BackgroundColorMsg:
		m.ctx.Styles = DefaultStyles(msg.IsDark())
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case grantChosenMsg:
		if msg.forProfile {
			m.openFormPage(newProfileForm(msg.grant, m.currentValues(), m.chain, false, false, m.ctx.Width-2))
			return m, nil
		}
		m.openForm(msg.grant, m.currentValues())
		return m, nil
	case openPageMsg:
		m.openPage(msg.page)
		return m, msg.then
	case mfaTokenMsg:
		return m.showToken(msg.res)
	case channelChosenMsg:
		m.channel = msg.ch
		return m, nil
	case needTickMsg:
		// Update re-arms the tick when the page asks for it.
		return m, nil
	case closePageMsg:
		if m.scr == scrPage {
			m.back()
		}
		return m, nil
	case closeThenMsg:
		if m.scr == scrPage {
			m.back()
		}
		return m, msg.then
	case statusMsg:
		m.setStatus(msg.text, msg.err)
		return m, nil
	case navTokenMsg, recoveryChosenMsg, bundleAskedMsg, revokedMsg, closeWithStatusMsg:
		cmd, _ := m.onFlowMsg(msg)
		return m, cmd
	case copyMsg:
		cmd, err := m.clip.copy(msg)
		if err != "" {
			m.setStatus(err, true)
		}
		return m, cmd
	case spinner.TickMsg:
		if m.scr == scrPage {
			// A page's own spinner.
			return m, m.updatePage(msg)
		}
		return m, nil
	case sentMsg:
		// A request of the sending page on top, unless cancelled or
		// superseded.
		if p, ok := m.topPage().(*sendingPage); m.scr != scrPage || !ok || !p.accept(msg.id) {
			return m, nil
		}
		switch inner := msg.msg.(type) {
		case resultMsg:
			return m.onResult(inner)
		case revokedMsg:
			return m, m.onRevoked(inner)
		}
		return m, nil
	case sendCancelledMsg:
		m.backTo(m.origin)
		m.setStatus("request cancelled", false)
		return m, nil
	case tickMsg:
		// This tick has fired: Update arms the next one while anything
		// time-based is on screen or pending.
		m.ticking = false
		return m, tea.Batch(m.autoRefreshDue()...)
	case formBackMsg:
		m.values, m.chain = msg.values, msg.chain
		if m.scr == scrPage {
			m.back()
		}
		return m, nil
	case formSubmitMsg:
		// The form sent is the one the request's errors go back to.
		m.form = msg.form
		if m.form.profileMode {
			return m, m.saveProfile()
		}
		req, base := m.form.request()
		m.values, m.chain = m.form.values(), m.form.chain
		return m, m.start(req, base, scrForm)
	case homeActMsg:
		return m, m.onHomeAct(msg)
	case tokenActMsg:
		return m, m.onTokenAct(msg)
	case autoRefreshMsg:
		return m.onAutoRefresh(msg)
	case keptTokensMsg:
		// Update arms the tick for the held tokens' countdowns.
		return m, nil
	case list.FilterMatchesMsg:
		// The home list filters in a command; its answer goes back to it.
		var cmd tea.Cmd
		_, cmd = m.home.Update(msg)
		return m, cmd
	case profileSavedMsg:
		return m.onProfileSaved(msg)
	case profileDeletedMsg:
		return m.onProfileDeleted(msg)
	case needInputMsg:
		return m.onNeedInput(msg)
	case copiedMsg:
		return m.onCopied(msg)
	case sigMsg:
		m.onSig(msg)
		if m.scr == scrPage {
			return m, m.updatePage(msg)
		}
		return m, nil
	case clearClipMsg:
		return m, m.clip.clearIfLatest(msg.id)
	case clearedMsg:
		switch {
		case msg.err != nil && errors.Is(msg.err, errNotOurs):
			m.setStatus("clipboard not cleared: it holds something else now", false)
		case msg.err != nil:
			m.setStatus("could not clear the clipboard: "+msg.err.Error(), true)
		case msg.blind:
			m.setStatus("clipboard cleared blind (OSC 52 cannot read it back)", false)
		default:
			m.setStatus("clipboard cleared", false)
		}
		return m, nil
	}
	if m.scr == scrPage {
		// A page's own results, a paste.
		return m, m.updatePage(msg)
	}
	return m, nil
}

// filtering reports whether the home list is taking filter text.
func (m *Model) filtering() bool {
	return m.scr == scrHome && m.home.TakesText()
}

func (m *Model) busy() bool {
	p, ok := m.topPage().(interface{ Busy() bool })
	return m.scr == scrPage && ok && p.Busy()
}

// pageTicking reports a countdown on the page on top.
func (m *Model) pageTicking() bool {
	p, ok := m.topPage().(interface{ Ticking() bool })
	return m.scr == scrPage && ok && p.Ticking()
}

func (m *Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.ctx.Keys
	if key.Matches(msg, k.ForceQuit) {
		// An interrupt, not a plain quit: Run reports it (exit 130).
		return m, tea.Interrupt
	}
	switch {
	case key.Matches(msg, k.Log) && !m.busy():
		m.openLog()
		return m, nil
	case key.Matches(msg, k.Inspect) && !m.busy():
		return m, m.openInspector()
	}
	if m.helpWorks() && key.Matches(msg, k.Help) {
		m.showHelp = !m.showHelp
		return m, nil
	}
	if !m.inputScreen() && key.Matches(msg, k.Quit) && !m.busy() {
		return m, tea.Quit
	}
	switch m.scr {
	case scrHome:
		_, cmd := m.home.Update(msg)
		return m, cmd
	case scrPage:
		return m, m.updatePage(msg)
	}
	return m, nil
}

func (m *Model) currentValues() map[string]string {
	if m.form != nil {
		return m.form.values()
	}
	return m.values
}

func (m *Model) openForm(g client.Grant, values map[string]string) {
	m.openFormPage(newForm(g, values, m.chain, m.ctx.Width-2))
}

// openFormPage opens f on top of the current screen as the form.
func (m *Model) openFormPage(f formModel) {
	m.form = newFormPage(m.ctx, f)
	m.openPage(m.form)
}

// showForm shows the form in place of the screen showing (the sending
// page, home), with the back stack as it is.
func (m *Model) showForm() {
	if m.form == nil {
		m.form = newFormPage(m.ctx, newForm(client.GrantClientCredentials, m.values, m.chain, m.ctx.Width-2))
	}
	if m.scr == scrPage && len(m.pages) > 0 {
		m.pages[len(m.pages)-1] = m.form
	} else {
		m.pages = append(m.pages[:m.pagesUnder()], m.form)
		m.scr = scrPage
	}
	m.sizePages()
}

// pagesUnder is the number of pages on the back stack under the screen.
func (m *Model) pagesUnder() int {
	n := 0
	for _, s := range m.stack {
		if s == scrPage {
			n++
		}
	}
	return min(n, len(m.pages))
}

// start sends a request. origin is the screen its errors belong to.
func (m *Model) start(req flows.Request, baseURL string, origin screen) tea.Cmd {
	runner, err := m.ctx.NewRunner(baseURL)
	if err != nil {
		m.failOn(origin, err)
		return nil
	}
	m.runner, m.baseURL, m.origin, m.sentFrom = runner, baseURL, origin, m.scr
	if _, ok := m.topPage().(*formPage); ok && m.scr == scrPage {
		m.sentFrom = scrForm
	}
	label := "requesting a " + string(req.Grant) + " token"
	if req.Bearer == "" && req.CanChain() {
		label = "client_credentials → " + string(req.Grant)
	}
	keep := m.keeper()
	return m.showSending(label, req.Account, func(ctx context.Context) tea.Msg {
		res, s, err := runner.Start(ctx, req)
		if err == nil && res != nil {
			err = keep(res)
		}
		return resultMsg{res: res, session: s, err: err}
	})
}

// showSending replaces the screen with a sending page for run (a request
// with the page's cancellable context), and starts it.
func (m *Model) showSending(label, account string, run func(context.Context) tea.Msg) tea.Cmd {
	p := newSendingPage(m.ctx, label, account)
	if m.origin == scrPage {
		// Over the page it was sent from (the token view), which an
		// error or esc goes back to.
		m.openPage(p)
	} else if m.scr == scrPage && len(m.pages) > 0 {
		m.pages[len(m.pages)-1] = p
	} else {
		m.scr = scrPage
		m.pages = append(m.pages, p)
	}
	m.sizePages()
	return p.start(run)
}

func (m *Model) failOn(origin screen, err error) {
	switch origin {
	case scrForm:
		m.showForm()
		m.form.banner = errText(err) + m.hintFor(err)
	default:
		m.backTo(origin)
		m.setStatus(errText(err), true)
	}
}

// backTo leaves the sending page for origin: the page under it, or a
// root screen.
func (m *Model) backTo(origin screen) {
	switch origin {
	case scrForm:
		m.showForm()
		return
	case scrPage:
	default:
		m.scr = origin
		return
	}
	if _, ok := m.topPage().(*sendingPage); ok && m.scr == scrPage {
		m.back()
	}
}

// hintFor adds what to check to an error a new user meets: a 404 on the
// token path is nearly always a base URL without its /v1, and a timeout
// says which URL did not answer.
func (m *Model) hintFor(err error) string {
	var apiErr *client.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.Status == 404:
		if !strings.HasSuffix(strings.TrimRight(m.baseURL, "/"), "/v1") {
			return " — check the base URL: Dintero's ends in /v1 (" + client.DefaultBaseURL + ")"
		}
		return " — check the base URL and the account id"
	case errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), m.baseURL):
		return " — no answer from " + m.baseURL
	}
	return ""
}

func (m *Model) onResult(msg resultMsg) (tea.Model, tea.Cmd) {
	switch {
	case msg.err != nil:
		m.failOn(m.origin, msg.err)
		return m, nil
	case msg.session != nil:
		p := newMFAPage(m.ctx, m.runner, m.baseURL, m.keeper(), m.active, msg.session, m.channel)
		// Back from the MFA screen goes where the request was sent
		// from: home for a home item (already under the request), the
		// form, or the token view it refreshed.
		switch {
		case m.sentFrom == scrForm:
			// The form goes back under the MFA screen.
			m.stack = append(m.stack, scrPage)
			m.pages = append(m.pages[:len(m.pages)-1], m.form, p)
		case len(m.stack) == 0 || m.stack[len(m.stack)-1] != m.sentFrom:
			m.stack = append(m.stack, m.sentFrom)
			m.pages[len(m.pages)-1] = p
		default:
			// The MFA screen takes the sending page's place.
			m.pages[len(m.pages)-1] = p
		}
		m.sizePages()
		if m.activeKey != "" {
			// A saved profile or a connection knows its channel: the
			// code goes out at once (ctrl+w still switches), so launch,
			// enter, the code, enter and c get a token copied.
			return m, p.sendChallenge(m.channel)
		}
		return m, nil
	}
	return m.showToken(msg.res)
}

// showToken shows a new token. Back leads to the screen the request was
// sent from (the form, or home), never to a stale token or MFA screen.
func (m *Model) showToken(res *flows.Result) (tea.Model, tea.Cmd) {
	kept, keptPages, next := m.stack[:0], []Page{}, 0
	for _, sc := range m.stack {
		var page Page
		if sc == scrPage && next < len(m.pages) {
			page = m.pages[next]
			next++
		}
		// A request run from home went through the form only to show
		// an MFA prompt or an error; back goes home.
		if _, form := page.(*formPage); form && m.sentFrom == scrHome {
			continue
		}
		_, mfa := page.(*mfaPage)
		if _, tok := page.(*tokenPage); tok || mfa {
			continue
		}
		kept = append(kept, sc)
		if page != nil {
			keptPages = append(keptPages, page)
		}
	}
	m.stack, m.pages = kept, keptPages
	if m.sentFrom == scrForm && m.form != nil && (len(m.pages) == 0 || m.pages[len(m.pages)-1] != Page(m.form)) {
		m.stack = append(m.stack, scrPage)
		m.pages = append(m.pages, m.form)
	}
	m.shown = res
	m.scr = scrPage
	m.pages = append(m.pages, newTokenPage(m.ctx, res, m.sigFor))
	m.sizePages()
	m.setStatus("token received", false)
	var cmds []tea.Cmd
	if url := m.jwksURLFor(res); url != "" && res.Token != nil {
		m.lastJWKS = url
		fallback := ""
		if b, ok := res.Auth.(client.BearerAuth); ok {
			fallback = b.Token
		}
		m.keysBearer = tokeninfo.KeysBearer(res.Response.AccessToken, fallback)
		if _, done := m.sigs[res.Response.AccessToken]; !done {
			cmds = append(cmds, m.verifyCmd(res.Response.AccessToken, url))
		}
	}
	return m, tea.Batch(cmds...)
}

// tick arms the one-second countdown tick; Update calls it, at most one
// tick is in flight.
func (m *Model) tick() tea.Cmd {
	m.ticking = true
	return m.ctx.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// onTokenAct does what the token view asks with its token.
func (m *Model) onTokenAct(msg tokenActMsg) tea.Cmd {
	res := msg.res
	switch msg.act {
	case actRefresh:
		return m.refresh(res)
	case actNewRequest:
		m.activeKey, m.active = "", nil
		m.stack = m.stack[:0]
		if m.hasHome() {
			m.stack = append(m.stack, scrHome)
		}
		m.scr, m.pages = scrPage, []Page{newChooserPage(m.ctx, false)}
		m.sizePages()
	case actSaveAs:
		return m.openSaveAs(res)
	case actRevoke:
		return m.revoke(res)
	case actBundle:
		return m.openBundle(m.bundleInput(), "token view")
	case actDiagnose:
		return m.openDiagnose(diagnoseSource{BaseURL: m.baseFor(), Request: res.Request, Profile: m.active}, msg.user)
	}
	return nil
}

// refresh gets a fresh token for res: with its refresh token (through the
// session for a home item's), or by repeating its sign-in after a revoke.
func (m *Model) refresh(res *flows.Result) tea.Cmd {
	if repeat, why := refreshPlan(res); why != "" {
		m.setStatus(why, true)
		return nil
	} else if repeat != nil {
		return m.start(*repeat, m.baseFor(), scrPage)
	}
	runner, svc, name := m.runner, m.ctx.Session, heldName(m.activeKey)
	if runner == nil {
		// A token from a page (recovery, diagnose) has no runner yet.
		var err error
		if runner, err = m.ctx.NewRunner(m.baseFor()); err != nil {
			m.setStatus(errText(err), true)
			return nil
		}
	}
	m.origin, m.sentFrom = scrPage, scrPage
	label := "refreshing"
	if res.RefreshToken != "" {
		label = "refreshing with the refresh token"
	}
	keep := m.keeper()
	return m.showSending(label, res.Request.Account, func(ctx context.Context) tea.Msg {
		if name != "" {
			// A home item's token: the session refreshes it with the
			// latest stored refresh token, under the profile's lock,
			// and remembers the new one.
			out, err := svc.Refresh(ctx, name)
			return resultMsg{res: out.Result, session: out.MFA, err: err}
		}
		r, s, err := runner.Refresh(ctx, res)
		if err == nil && r != nil {
			err = keep(r)
		}
		return resultMsg{res: r, session: s, err: err}
	})
}

// sigFor is the signature line the token view shows for an access token:
// the check's outcome, or "checking…" while one is under way.
func (m *Model) sigFor(token string) string {
	sig := m.sigs[token]
	if sig == "" && m.lastJWKS != "" {
		return "checking…"
	}
	return sig
}

// tokenOnTop is the token view when it is the screen showing.
func (m *Model) tokenOnTop() *tokenPage {
	p, ok := m.topPage().(*tokenPage)
	if !ok || m.scr != scrPage {
		return nil
	}
	return p
}

// copy puts text on the clipboard off the UI goroutine.
func (m *Model) onCopied(msg copiedMsg) (tea.Model, tea.Cmd) {
	text, isErr, cmd := m.clip.copied(msg)
	m.setStatus(text, isErr)
	return m, cmd
}

// ClearClipboardOnQuit empties the clipboard if it still holds what the app
// copied; call it after the program ends.
func (m *Model) ClearClipboardOnQuit() { m.clip.clearOnQuit() }

// errText is an error as one line for a screen.
func errText(err error) string {
	return client.Sanitize(err.Error())
}

// View implements tea.Model: the workbench in the alternate screen, with
// the window title naming what is shown.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = m.windowTitle()
	return v
}

// windowTitle names the profile and, with a token shown, its countdown, so
// expiry is visible from another tab.
func (m *Model) windowTitle() string {
	title := "tokenbench"
	if name := m.activeName(); name != "" {
		title += " · " + name
	}
	if tp := m.tokenOnTop(); tp != nil {
		e := tp.result().Expiry
		switch {
		case !e.Known():
		case e.Expired(m.ctx.Now()):
			title += " · EXPIRED"
		default:
			title += " · " + tokeninfo.Countdown(e.Remaining(m.ctx.Now()))
		}
	}
	return title
}

// activeName is the name of the profile or connection a request runs for.
func (m *Model) activeName() string {
	if m.active != nil {
		return m.active.Name
	}
	var i int
	if _, err := fmt.Sscanf(m.activeKey, "conn:%d", &i); err == nil && i >= 0 && i < len(m.ctx.Connections) {
		return m.ctx.Connections[i].Name
	}
	return ""
}

// render draws the screen.
func (m *Model) render() string {
	s := m.ctx.Styles
	w, h := m.ctx.Width, m.ctx.Height
	header := m.header()
	footer := m.footer()
	bodyH := h - lipgloss.Height(header) - lipgloss.Height(footer)
	var body string
	switch m.scr {
	case scrHome:
		body = m.home.View()
	case scrPage:
		body = m.topPage().View()
	}
	// No screen may draw past the right edge, whatever its content.
	lines := strings.Split(clipLines(body, max(0, bodyH)), "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, max(0, w-2), "…")
	}
	body = s.Body.Render(strings.Join(lines, "\n"))
	gap := bodyH - lipgloss.Height(body)
	if gap > 0 {
		body += strings.Repeat("\n", gap)
	}
	return header + "\n" + body + "\n" + footer
}

// bodyHeight is the height between the header and the footer.
func (m *Model) bodyHeight() int {
	return m.ctx.Height - lipgloss.Height(m.header()) - lipgloss.Height(m.footer())
}

func (m *Model) header() string {
	s := m.ctx.Styles
	name := screenNames[m.scr]
	if m.scr == scrPage {
		name = m.topPage().Title()
	}
	title := s.Title.Render("tokenbench") + s.Crumb.Render(" › "+name)
	right := ""
	_, pageAccount := m.topPage().(interface{ Account() string })
	if acct := m.account(); acct != "" && m.scr != scrHome && (m.scr != scrPage || pageAccount) {
		right = s.badge(acct)
		if tp := m.tokenOnTop(); tp != nil && tp.result().Partner != nil {
			// The partner route, when it fits beside the title.
			if label := s.Muted.Render(tp.result().Partner.Label()) + "  " + right; lipgloss.Width(title)+lipgloss.Width(label)+3 <= m.ctx.Width {
				right = label
			}
		}
	}
	if name := m.flowName(); name != "" {
		// The profile or connection, as much of it as fits.
		if room := m.ctx.Width - 2 - lipgloss.Width(title) - lipgloss.Width(right) - 1 - 3; room >= 4 {
			title += s.Crumb.Render(" · " + ansi.Truncate(client.Sanitize(name), room, "…"))
		}
	}
	gap := max(1, m.ctx.Width-2-lipgloss.Width(title)-lipgloss.Width(right))
	line := " " + title + strings.Repeat(" ", gap) + right
	return line + "\n" + s.Rule.Render(strings.Repeat("─", max(0, m.ctx.Width)))
}

// flowName is the profile or connection the shown request, MFA or token
// belongs to, for the header; "" elsewhere.
func (m *Model) flowName() string {
	switch m.topPage().(type) {
	case *mfaPage, *sendingPage, *tokenPage:
		if m.scr == scrPage {
			return m.activeName()
		}
	}
	return ""
}

func (m *Model) account() string {
	switch m.scr {
	case scrPage:
		// A page about one account (recovery, diagnose) names it.
		if p, ok := m.topPage().(interface{ Account() string }); ok {
			return p.Account()
		}
	}
	return m.values[fAccount]
}

func (m *Model) footer() string {
	s := m.ctx.Styles
	st := ""
	if m.status.text != "" && m.status.where == m.here() && m.ctx.Now().Sub(m.status.at) < statusTTL {
		style := s.Status
		if m.status.err {
			style = s.StatusErr
		}
		// Up to three lines: a written file's whole path must show.
		st = clipLines(wrap(style, m.status.text, max(1, m.ctx.Width-2)), 3)
	}
	width := max(0, m.ctx.Width-2)
	keys := m.keys()
	var lines []string
	if m.showHelp && m.helpWorks() {
		full := keys.FullHelp()
		if len(full) == 0 {
			full = [][]key.Binding{keys.ShortHelp()}
		}
		lines = m.fullHelpLines(full, width)
		// On a very short terminal the help still leaves the header,
		// the status line and one body line; what is cut says so.
		if room := max(1, m.ctx.Height-4); len(lines) > room {
			lines = append(lines[:room-1], "…")
		}
	} else {
		lines = []string{m.keyLine(keys.ShortHelp(), width)}
	}
	for i, l := range lines {
		lines[i] = " " + ansi.Truncate(l, width, "…")
	}
	return " " + strings.ReplaceAll(st, "\n", "\n ") + "\n" + strings.Join(lines, "\n")
}

// fullHelpLines lays the full help's columns side by side as far as the
// width allows, and the rest in further rows below: on a narrow terminal
// every key still shows (help's own view cuts the columns that do not fit
// to "…").
func (m *Model) fullHelpLines(groups [][]key.Binding, width int) []string {
	h := m.help
	h.SetWidth(0) // one column at a time: never cut
	sep := h.Styles.FullSeparator.Inline(true).Render(h.FullSeparator)
	var bands, row []string
	rowW := 0
	flush := func() {
		if len(row) > 0 {
			bands = append(bands, lipgloss.JoinHorizontal(lipgloss.Top, row...))
		}
		row, rowW = nil, 0
	}
	for _, g := range groups {
		col := h.FullHelpView([][]key.Binding{g})
		if col == "" {
			continue
		}
		w := lipgloss.Width(col)
		if len(row) > 0 && rowW+lipgloss.Width(sep)+w > width {
			flush()
		}
		if len(row) > 0 {
			row = append(row, sep)
			rowW += lipgloss.Width(sep)
		}
		row = append(row, col)
		rowW += w
	}
	flush()
	return strings.Split(strings.Join(bands, "\n"), "\n")
}

// helpWorks reports whether ? shows the full help here rather than typing
// a question mark: everywhere but where text is typed, and on the
// inspector's token field (a JWT never holds a '?').
func (m *Model) helpWorks() bool {
	if tp := m.tokenOnTop(); tp != nil && tp.asking() {
		return false // a y/n question is open
	}
	// A binding code is digits, so ? types nothing there either.
	if p, ok := m.topPage().(interface{ QuestionMarkIsHelp() bool }); ok && m.scr == scrPage && p.QuestionMarkIsHelp() {
		return true
	}
	return !m.inputScreen()
}

// keyLine is the one-line key help: as many keys as fit, most important
// first, then always "? more" where ? works.
func (m *Model) keyLine(short []key.Binding, width int) string {
	var keys []key.Binding
	for _, b := range short {
		if b.Help().Key != m.ctx.Keys.Help.Help().Key {
			keys = append(keys, b)
		}
	}
	var tail []key.Binding
	if m.helpWorks() {
		tail = []key.Binding{withHelp(m.ctx.Keys.Help, "more")}
	}
	// Measured as plain "key desc" items joined by " • ", the way help
	// lays them out, and rendered once.
	cells := func(b key.Binding) int { return ansi.StringWidth(b.Help().Key) + 1 + ansi.StringWidth(b.Help().Desc) }
	const sep = 3 // " • "
	used := 0
	for _, b := range tail {
		used += cells(b)
	}
	n := 0
	for n < len(keys) {
		w := cells(keys[n]) + sep
		if len(tail) == 0 && n == 0 {
			w -= sep
		}
		if used+w > width {
			break
		}
		used += w
		n++
	}
	full := m.help
	full.SetWidth(0) // cut here, not by help's own truncation
	return full.ShortHelpView(append(append([]key.Binding{}, keys[:n]...), tail...))
}

// keys is the active screen's help.
func (m *Model) keys() help.KeyMap {
	switch m.scr {
	case scrHome:
		return m.home.Keys()
	case scrPage:
		return m.topPage().Keys()
	}
	return bindings{}
}

// clipLines keeps the first n lines of s.
func clipLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
