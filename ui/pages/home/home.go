// Package home is the home screen: the saved profiles and connections,
// their held tokens and countdowns, the filter, and the keys that run,
// add, edit, duplicate, delete and diagnose an item.
package home

import (
	"fmt"
	"io"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/session"
	"github.com/tokenbench/tokenbench/textsafe"
	"github.com/tokenbench/tokenbench/ui/common"
)

// Item is a line of the home list: a saved profile, a demo connection,
// or "New request…".
type Item struct {
	Key     ItemKey
	Name    string
	desc    string
	account string
	grant   string
	Profile *profiles.Profile
	Conn    *common.Connection
}

// FilterValue implements list.Item.
func (i Item) FilterValue() string {
	if i.Profile != nil {
		p := i.Profile
		return strings.Join([]string{p.Name, p.Account, p.Grant, p.ClientID, p.Username, p.Notes}, " ")
	}
	return i.Name + " " + i.account + " " + i.grant
}

func profileItem(p profiles.Profile) Item {
	who := p.ClientID
	if p.Username != "" {
		who = p.Username
	}
	desc := p.Grant
	if who != "" {
		desc += " · " + who
	}
	if p.BaseURL != "" && p.BaseURL != client.DefaultBaseURL {
		desc += " · " + p.BaseURL
	}
	// A profile's file may have been imported from anyone: its text
	// reaches the terminal sanitised (the name and account are checked).
	desc = textsafe.Sanitize(desc)
	return Item{Key: ProfileKey(p.Name), Name: p.Name, desc: desc, account: p.Account, grant: p.Grant, Profile: &p}
}

func connItem(i int, c *common.Connection) Item {
	return Item{Key: ConnKey(i), Name: c.Name, desc: c.Description, account: c.Request.Account, grant: string(c.Request.Grant), Conn: c}
}

var newItem = Item{Key: ItemKey{kind: newKind}, Name: "New request…", desc: "Choose a grant type and fill in the form yourself."}

// homeDelegate draws items with their number (1-9 run them), their
// environment badge and, when a token is held for them, its countdown.
// descLines is how many lines an item's description gets: two where the
// width cuts one (home sets it on resize). oneLine draws each item on one
// line, its description shown under the list for the selected item only:
// where two lines an item would push items off the screen.
type homeDelegate struct {
	ctx       *common.Context
	descLines int
	oneLine   bool
	// spacing is the blank line between items, dropped where it would
	// push items onto a second page.
	spacing int
}

func (d homeDelegate) Height() int {
	if d.oneLine {
		return 1
	}
	return 1 + max(1, d.descLines)
}
func (d homeDelegate) Spacing() int                        { return d.spacing }
func (d homeDelegate) Update(tea.Msg, *list.Model) tea.Cmd { return nil }

// homeIndent is what goes before an item's name: the cursor and the
// item's number.
const homeIndent = 4

// itemNumber is the key that runs the item at index (of those shown), as
// drawn before its name: "1 " to "9 ", blank after the ninth.
func itemNumber(index int) string {
	if index < 9 {
		return fmt.Sprintf("%d ", index+1)
	}
	return "  "
}

func (d homeDelegate) Render(w io.Writer, lm list.Model, index int, li list.Item) {
	it, ok := li.(Item)
	if !ok {
		return
	}
	s := d.ctx.Styles
	width := lm.Width() - homeIndent - 2
	held, note, rest := itemStatus(d.ctx, it)
	// The badge always shows, and on one line the countdown too: a long
	// name gives way to them.
	room := width
	if d.oneLine && held != "" {
		room -= lipgloss.Width(held) + 2
	}
	title := common.Truncate(it.Name, max(4, room))
	if it.account != "" {
		badge := s.Badge(it.account)
		title = common.Truncate(it.Name, max(4, room-lipgloss.Width(badge)-2)) + "  " + badge
	}
	selected := index == lm.Index()
	cursor := "  "
	if selected {
		cursor = s.Cursor.Render("› ")
		title = s.Selected.Render(title)
	}
	lead := cursor + s.Muted.Render(itemNumber(index))
	if d.oneLine {
		// The countdown and what auto-refresh did, on the name's line
		// when it fits whole; the description is under the list for the
		// selected item.
		line := title
		if held != "" {
			line += "  " + held
		}
		if note != "" && lipgloss.Width(line)+2+ansi.StringWidth(note) <= width {
			line += "  " + s.Muted.Render(note)
		}
		fmt.Fprint(w, lead+line)
		return
	}
	if held != "" {
		held += "  "
	}
	lines := fitLines(rest, width-lipgloss.Width(held), width, max(1, d.descLines))
	for i, l := range lines {
		lines[i] = s.Muted.Render(l)
	}
	pad := strings.Repeat(" ", homeIndent)
	fmt.Fprintf(w, "%s%s\n%s%s%s", lead, title, pad, held, strings.Join(lines, "\n"+pad))
}

// itemStatus is what an item shows beside its name: the countdown of a
// token held for it (held, "" when none), and what auto-refresh did or
// will do (note: an outcome stands for the description, a plan goes
// before it); rest is the note and the description as the item's
// description line shows them.
func itemStatus(ctx *common.Context, it Item) (held, note, rest string) {
	now := ctx.Now()
	st := ctx.Session.State(it.Key.Held())
	if res := st.Held; res != nil {
		held = heldLine(ctx.Styles, res, now)
	}
	note = st.Note(now)
	switch {
	case note != "" && (st.LastErr != nil || st.NeedsMFA || !st.LastRefresh.IsZero() || st.Refreshing):
		return held, note, note
	case note != "" && st.Held != nil && !st.Held.Expiry.Expired(now):
		// "auto-refresh in 1m0s": what is coming, then what it is.
		return held, note, note + " · " + it.desc
	}
	return held, "", it.desc
}

// fitLines wraps text at word boundaries into at most n lines, the first
// first cells wide and the others width; what does not fit ends in "…".
func fitLines(text string, first, width, n int) []string {
	words := strings.Fields(text)
	var lines []string
	line := ""
	room := func() int {
		if len(lines) == 0 {
			return first
		}
		return width
	}
	for i, w := range words {
		next := w
		if line != "" {
			next = line + " " + w
		}
		if line == "" || ansi.StringWidth(next) <= room() {
			line = next
			continue
		}
		if len(lines) < n-1 {
			lines = append(lines, line)
			line = w
			continue
		}
		// The last line: the rest, cut.
		line = strings.Join(append([]string{next}, words[i+1:]...), " ")
		break
	}
	return append(lines, common.Truncate(line, room()))
}

// descLinesFor is how many lines descriptions need at width: one when
// every one fits (after its held token's countdown), else two.
func (p *Page) descLinesFor(width int) int {
	for _, li := range p.list.Items() {
		it, ok := li.(Item)
		if !ok {
			continue
		}
		held, _, rest := itemStatus(p.ctx, it)
		room := width
		if held != "" {
			room -= lipgloss.Width(held) + 2
		}
		if ansi.StringWidth(rest) > room {
			return 2
		}
	}
	return 1
}

// heldLine is the short countdown of a token held for an item.
func heldLine(s common.Styles, res *flows.Result, now time.Time) string {
	e := res.Expiry
	switch {
	case !e.Known():
		return s.Warn.Render("token held, expiry unknown")
	case e.Expired(now):
		return s.Expired.Render(" EXPIRED ")
	}
	return s.CountOK.Render("⏱ " + tokeninfo.Countdown(e.Remaining(now)))
}

// Act is what home asks the root to do with the selected item.
type Act int

const (
	ActRun Act = iota
	ActDiagnoseItem
	ActEdit
	ActAdd
	ActDuplicate
	ActDelete
	// ActLogin runs the item's grant whatever token is held: a new login,
	// asked for (l) or confirmed after a refused refresh.
	ActLogin
)

// ActMsg asks the root to act on a home item: running, editing and
// deleting need the session, the store and the screens they open. id is
// the request a run's secrets read is tagged with, which home checks.
type ActMsg struct {
	Act  Act
	Item Item
	ID   int
}

// Page is the home screen: the list of profiles and connections with
// its filter, the banners above it, its keys and its size. It is the page
// at the bottom of the back stack.
type Page struct {
	ctx      *common.Context
	list     list.Model
	profiles []profiles.Profile
	readOnly string // why the profiles cannot be changed
	// width and height are the body's, from the last SetSize.
	width, height int
	// delegate draws the items: see homeDelegate.
	delegate homeDelegate
	// req is the id of the last run's secrets read: an answer to an
	// older one is dropped.
	req int
	// reselect is the item selected when new items came under a filter:
	// when their matches come, it stays selected, or (deleted) its
	// neighbour at the same place.
	reselect *reselection
}

type reselection struct {
	key   ItemKey
	index int
}

// New is home with the saved profiles ps and the context's connections;
// readOnly, when set, is why profiles cannot be changed.
func New(ctx *common.Context, ps []profiles.Profile, readOnly string) *Page {
	l := list.New(nil, homeDelegate{ctx: ctx, spacing: 1}, ctx.Width-2, max(4, ctx.Height-6))
	l.SetShowTitle(false)
	l.SetShowHelp(false)
	l.SetShowStatusBar(false)
	l.SetFilteringEnabled(true)
	l.Filter = substringFilter
	l.DisableQuitKeybindings()
	l.FilterInput.Prompt = "/ "
	common.StaticCursor(&l.FilterInput)
	// l is a new login here, not the next page (→ and pgdown are).
	l.KeyMap.NextPage.SetKeys("right", "pgdown", "f")
	// The title bar only shows the filter; no padding line above the list.
	l.Styles.TitleBar = l.Styles.TitleBar.Padding(0, 0, 0, 1)
	p := &Page{ctx: ctx, list: l, readOnly: readOnly, width: ctx.Width - 2, delegate: homeDelegate{ctx: ctx, spacing: 1}}
	p.SetProfiles(ps)
	return p
}

// SetProfiles shows ps (and the connections) as the list's items.
// Under a filter, the list matches the new items in a command: run it,
// or the filter shows nothing.
func (p *Page) SetProfiles(ps []profiles.Profile) tea.Cmd {
	p.profiles = ps
	if it, ok := p.selectedItem(); ok && p.list.FilterState() != list.Unfiltered {
		p.reselect = &reselection{key: it.Key, index: p.list.Index()}
	}
	return p.list.SetItems(p.items())
}

// SelectKey moves the cursor to the item with key k.
func (p *Page) SelectKey(k ItemKey) {
	for i, li := range p.list.Items() {
		if it, ok := li.(Item); ok && it.Key == k {
			p.list.Select(i)
		}
	}
}

func (p *Page) items() []list.Item {
	var items []list.Item
	for _, pr := range p.profiles {
		items = append(items, profileItem(pr))
	}
	for i := range p.ctx.Connections {
		items = append(items, connItem(i, &p.ctx.Connections[i]))
	}
	return append(items, newItem)
}

func (p *Page) selectedItem() (Item, bool) {
	it, ok := p.list.SelectedItem().(Item)
	return it, ok
}

// Accept reports whether id is the last run's secrets read.
func (p *Page) Accept(id int) bool { return id == p.req }

func (p *Page) Title() string { return "home" }

// Ticking: home counts its held tokens down.
func (p *Page) Ticking() bool { return true }

// TakesText reports whether the list is taking filter text.
func (p *Page) TakesText() bool { return p.list.FilterState() == list.Filtering }

// SetSize sizes the list for the banners above it, so its paging and its
// drawing agree.
func (p *Page) SetSize(width, height int) {
	p.width, p.height = width, height
	p.list.SetWidth(width)
	// The list's own title bar shows only the filter being typed; an
	// applied filter is a banner. Its pagination shows only with pages.
	p.list.SetShowFilter(p.list.FilterState() == list.Filtering)
	// Descriptions wrap rather than being cut, and items go without the
	// blank line between them, then onto one line each (the selected
	// one's description under the list), rather than some going onto a
	// second page.
	need := p.descLinesFor(width - homeIndent - 2)
	p.list.SetShowPagination(false)
	for _, d := range []homeDelegate{{descLines: need, spacing: 1}, {descLines: need}, {descLines: 1, spacing: 1}, {descLines: 1}, {oneLine: true}} {
		d.ctx = p.ctx
		if p.setDelegate(d); p.list.Paginator.TotalPages <= 1 {
			return
		}
	}
	// Too many for one screen: one line each, in pages.
	p.list.SetShowPagination(true)
	p.fitList()
}

// setDelegate draws items with d and sizes the list for it: the room
// under the banners, less the selected item's description where d draws
// items on one line.
func (p *Page) setDelegate(d homeDelegate) {
	if p.delegate != d {
		p.delegate = d
		p.list.SetDelegate(d)
	}
	p.fitList()
}

func (p *Page) fitList() {
	if want := homeListHeight(p.top(), p.height) - p.detailHeight(); p.list.Height() != want {
		p.list.SetHeight(want)
	}
}

// detailLines is how many lines the selected item's description gets
// under a list of one-line items.
const detailLines = 2

// detailHeight is the room the selected item's description takes under
// the list: its lines and the blank line above them.
func (p *Page) detailHeight() int {
	if !p.delegate.oneLine {
		return 0
	}
	return detailLines + 1
}

func (p *Page) View() string {
	top := p.top()
	// A copy sized for this frame covers a height not synced yet. View
	// changes no state.
	l := p.list
	if want := homeListHeight(top, p.height) - p.detailHeight(); l.Height() != want {
		l.SetHeight(want)
	}
	if top != "" {
		// A blank line between the banners and the list.
		top += "\n\n"
	}
	body := l.View()
	if p.delegate.oneLine {
		body = strings.TrimRight(body, "\n ") + "\n\n" + p.detail()
	}
	return top + body
}

// detail is the selected item's description (and its held token's
// state), under a list of one-line items.
func (p *Page) detail() string {
	it, ok := p.selectedItem()
	if !ok {
		return ""
	}
	s := p.ctx.Styles
	width := p.width - homeIndent - 2
	// The countdown is on the item's line.
	_, note, rest := itemStatus(p.ctx, it)
	if note != "" && note == rest && it.desc != "" {
		rest += " · " + it.desc
	}
	lines := fitLines(rest, width, width, detailLines)
	for i, l := range lines {
		lines[i] = strings.Repeat(" ", homeIndent) + s.Muted.Render(l)
	}
	return strings.Join(lines, "\n")
}

// homeListHeight is the list's height under the banners top in height.
func homeListHeight(top string, height int) int {
	listH := height - 1
	if top != "" {
		listH -= strings.Count(top, "\n") + 2
	}
	return max(2, listH)
}

// top is the banners above the list.
func (p *Page) top() string {
	s := p.ctx.Styles
	w := p.width
	var banners []string
	if p.readOnly != "" {
		banners = append(banners, common.Wrap(s.Error, "READ-ONLY: the profiles file cannot be read, so nothing will be written over it. "+p.readOnly, w))
	}
	if profiles.UsesFile(p.profiles) {
		banners = append(banners, common.Wrap(s.Warn, fmt.Sprintf("⚠ some secrets are kept in PLAIN TEXT in %s (chosen with --insecure-storage or Secrets in: file)", p.ctx.Store.Dir+"/"+profiles.SecretsFileName), w))
	}
	if p.ctx.Store != nil && len(p.profiles) == 0 && p.readOnly == "" {
		banners = append(banners, common.Wrap(s.Muted, "No saved profiles yet: a adds one; enter on New request… sends a one-off request.", w))
	}
	if line := p.filterLine(); line != "" {
		banners = append(banners, common.Wrap(s.Muted, line, w))
	}
	return strings.Join(banners, "\n")
}

// filterLine says what the list is filtered by once the filter is applied
// (the input line is gone then), and that nothing matches while typing or
// after: an empty list must not look like lost profiles.
func (p *Page) filterLine() string {
	v := p.list.FilterValue()
	empty := len(p.list.VisibleItems()) == 0
	switch p.list.FilterState() {
	case list.FilterApplied:
		if empty {
			return fmt.Sprintf("no profile or connection matches %q · esc clears the filter", v)
		}
		return fmt.Sprintf("filtered by %q · esc clears it, / starts a new one", v)
	case list.Filtering:
		if empty && v != "" {
			return fmt.Sprintf("no profile or connection matches %q", v)
		}
	}
	return ""
}

// canChange reports whether profiles can be added, edited and deleted
// here: not in the demo, nor from a file that cannot be read. The key line
// offers those keys only then.
func (p *Page) canChange() bool { return p.ctx.Store != nil && p.readOnly == "" }

func (p *Page) Keys() help.KeyMap {
	k := p.ctx.Keys
	if p.TakesText() {
		return common.Bindings{Short: []key.Binding{common.WithHelp(k.Select, "apply filter"), common.WithHelp(k.Back, "clear filter"), k.ForceQuit}}
	}
	it, ok := p.selectedItem()
	if ok && it.Key == newItem.Key {
		// Nothing to edit, delete or diagnose on "New request…".
		start := []key.Binding{common.WithHelp(k.Select, "new request")}
		if p.canChange() {
			start = append(start, k.Add)
		}
		return common.Bindings{Short: append(append([]key.Binding{}, start...), k.Filter, k.Help, k.Quit),
			Full: [][]key.Binding{{k.Up, k.Down, k.Filter, k.RunNth}, start, {k.Help, k.Quit, k.ForceQuit}}}
	}
	// enter says what it does with a token held: show it, refresh it, or
	// (after asking) log in again; l logs in again without asking.
	run := []key.Binding{common.WithHelp(k.Select, "run")}
	if ok {
		switch plan := p.ctx.Session.PlanRun(ItemProfile(p.ctx, it)); plan.Action {
		case session.ShowHeld:
			run = []key.Binding{common.WithHelp(k.Select, "show token"), k.NewLogin}
		case session.RefreshHeld:
			run = []key.Binding{common.WithHelp(k.Select, "refresh"), k.NewLogin}
		case session.AskLogin:
			run = []key.Binding{common.WithHelp(k.Select, "new login…")}
		default:
			if plan.Held != nil {
				run = []key.Binding{common.WithHelp(k.Select, "new login")}
			}
		}
	}
	diagnose := []key.Binding{}
	if ok && itemUser(it) != "" {
		diagnose = append(diagnose, k.Diagnose)
	}
	if !p.canChange() || it.Profile == nil {
		// A connection's form opens anywhere; a profile's only where it
		// can be saved.
		var edit []key.Binding
		if it.Conn != nil {
			edit = append(edit, k.Edit)
		}
		short := append(append(append([]key.Binding{}, run...), edit...), diagnose...)
		return common.Bindings{Short: append(short, k.Filter, k.Help, k.Quit),
			Full: [][]key.Binding{{k.Up, k.Down, k.Filter, k.RunNth}, append(append(append([]key.Binding{}, run...), edit...), diagnose...), {k.Help, k.Quit, k.ForceQuit}}}
	}
	short := append(append(run, k.Add, k.Edit, k.Delete), diagnose...)
	return common.Bindings{Short: append(short, k.Filter, k.Help, k.Quit),
		Full: [][]key.Binding{{k.Up, k.Down, k.Filter, k.RunNth}, append(run, k.Add, k.Edit), append([]key.Binding{k.Duplicate, k.Delete}, diagnose...), {k.Help, k.Quit, k.ForceQuit}}}
}

// itemUser is the user an item signs in as: what u diagnoses.
func itemUser(it Item) string {
	switch {
	case it.Profile != nil:
		return it.Profile.Username
	case it.Conn != nil:
		return it.Conn.Request.Username
	}
	return ""
}

// ItemProfile is the profile the session holds an item's token under: a
// saved profile, or a connection's name and settings.
func ItemProfile(ctx *common.Context, it Item) profiles.Profile {
	switch {
	case it.Profile != nil:
		return *it.Profile
	case it.Conn != nil:
		return profiles.Profile{Name: it.Key.Held(), BaseURL: it.Conn.BaseURL, AutoRefresh: it.Conn.AutoRefresh, MFAChannel: string(it.Conn.Channel)}
	}
	return profiles.Profile{Name: it.Key.Held()}
}

func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		// The filter's matches, computed in a command.
		var cmd tea.Cmd
		p.list, cmd = p.list.Update(msg)
		if r := p.reselect; r != nil {
			if _, matches := msg.(list.FilterMatchesMsg); matches {
				p.reselect = nil
				shown := p.list.VisibleItems()
				p.list.Select(max(0, min(r.index, len(shown)-1)))
				for i, li := range shown {
					if it, ok := li.(Item); ok && it.Key == r.key {
						p.list.Select(i)
					}
				}
			}
		}
		return p, cmd
	}
	k := p.ctx.Keys
	if !p.TakesText() && key.Matches(km, k.Filter) {
		// A new filter starts from nothing, not from the last one.
		p.list.ResetFilter()
	}
	if p.TakesText() || p.list.FilterState() == list.FilterApplied && key.Matches(km, k.Back) {
		var cmd tea.Cmd
		p.list, cmd = p.list.Update(km)
		return p, cmd
	}
	if key.Matches(km, k.RunNth) {
		// The item numbered so, of those shown (a filter numbers its
		// matches).
		n := int(km.Text[0] - '1')
		if n >= len(p.list.VisibleItems()) {
			return p, common.SetStatus(fmt.Sprintf("no item %d here", n+1), true)
		}
		p.list.Select(n)
		return p, p.act(ActRun)
	}
	it, ok := p.selectedItem()
	switch {
	case !ok:
	case key.Matches(km, k.Select):
		return p, p.act(ActRun)
	case key.Matches(km, k.NewLogin) && it.Key != newItem.Key:
		return p, p.act(ActLogin)
	case key.Matches(km, k.Diagnose):
		return p, p.act(ActDiagnoseItem)
	case key.Matches(km, k.Edit):
		return p, p.act(ActEdit)
	case key.Matches(km, k.Add):
		return p, p.act(ActAdd)
	case key.Matches(km, k.Duplicate) && it.Profile != nil:
		return p, p.act(ActDuplicate)
	case key.Matches(km, k.Delete) && it.Profile != nil:
		return p, p.act(ActDelete)
	}
	var cmd tea.Cmd
	p.list, cmd = p.list.Update(km)
	return p, cmd
}

// act asks the root to do a with the selected item; a run gets a new
// request id (an answer to an older run's secrets read is dropped).
func (p *Page) act(a Act) tea.Cmd {
	it, ok := p.selectedItem()
	if !ok {
		return nil
	}
	return p.ActOn(a, it)
}

// ActOn asks the root to do a with item it.
func (p *Page) ActOn(a Act, it Item) tea.Cmd {
	id := 0
	if a == ActRun || a == ActLogin {
		p.req = p.ctx.NextID()
		id = p.req
	}
	return func() tea.Msg { return ActMsg{Act: a, Item: it, ID: id} }
}

// substringFilter keeps the items whose text holds every word typed, in
// any case: "prod" finds production profiles, not every name that has a
// p, an r, an o and a d in that order (the list's default fuzzy match).
func substringFilter(term string, targets []string) []list.Rank {
	words := strings.Fields(strings.ToLower(term))
	var ranks []list.Rank
	for i, t := range targets {
		lower := strings.ToLower(t)
		var matched []int
		ok := true
		for _, w := range words {
			at := strings.Index(lower, w)
			if at < 0 {
				ok = false
				break
			}
			// Rune positions, for the list's match highlighting.
			start := len([]rune(lower[:at]))
			for j := range len([]rune(w)) {
				matched = append(matched, start+j)
			}
		}
		if ok {
			ranks = append(ranks, list.Rank{Index: i, MatchedIndexes: matched})
		}
	}
	return ranks
}
