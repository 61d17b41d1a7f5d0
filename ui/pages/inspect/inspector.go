// Package inspect is the JWT inspector: a pasted token decoded, its
// signature checked.
package inspect

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/tokenview"
)

// Page decodes a pasted JWT and checks its signature against a
// keys URL: by default its own account's keys on a base URL the session
// uses.
type Page struct {
	ctx       *common.Context
	token     textinput.Model
	keysURL   textinput.Model
	focus     int // 0 the token, 1 the keys URL
	inspected *flows.Result
	// decoded and checkedWith are the token and keys URL the result
	// shown is of: edited since, the result is dropped.
	decoded, checkedWith string
	err                  string
	sig                  string
	// keysFilled is the keys URL the page filled in itself (from the last
	// token's issuer); a new token replaces it, a typed URL stays.
	keysFilled    string
	width, height int
	// scroll is the first line of the decoded token shown: a token's
	// claims can be longer than a small terminal.
	scroll int

	// verify fetches (or reuses) the keys and checks raw; the answer is a
	// sigMsg. keysURLFor is the keys URL of a token's own account.
	verify     func(raw, url string) tea.Cmd
	keysURLFor func(*flows.Result) string
}

// New is the JWT inspector; verify checks a token's signature with the
// keys at a URL, keysURLFor finds the keys of a token's issuer.
func New(ctx *common.Context, verify func(raw, url string) tea.Cmd, keysURLFor func(*flows.Result) string) *Page {
	p := &Page{ctx: ctx, verify: verify, keysURLFor: keysURLFor,
		token:   common.NewInput("paste a JWT (a Bearer prefix is fine)", tokeninfo.MaxTokenSize+64),
		keysURL: common.NewInput("optional: to check the signature", 2048)}
	p.token.Focus()
	return p
}

func (p *Page) Title() string   { return "inspector" }
func (p *Page) TakesText() bool { return true }

// QuestionMarkIsHelp: a JWT never holds a '?', so on the token field ?
// shows the help instead of typing.
func (p *Page) QuestionMarkIsHelp() bool { return p.focus == 0 }

// SetSize sizes the inputs (re-setting their values so they recompute
// what fits).
func (p *Page) SetSize(w, h int) {
	if p.width == w && p.height == h {
		return
	}
	p.width, p.height = w, h
	for _, in := range []*textinput.Model{&p.token, &p.keysURL} {
		in.SetWidth(max(10, w-16))
		in.SetValue(in.Value())
	}
}

func (p *Page) Keys() help.KeyMap {
	k := p.ctx.Keys
	decode, next, clear := common.WithHelp(k.Select, "decode"), common.WithHelp(k.Next, "token/JWKS"), common.WithHelp(k.ClearInput, "clear")
	return common.Bindings{Short: []key.Binding{decode, next, clear, k.Back, k.ForceQuit},
		Full: [][]key.Binding{{decode, next, clear}, {inspectorScrollUp, inspectorScrollDown}, {k.Log, k.Back, k.ForceQuit}}}
}

func (p *Page) focused() *textinput.Model {
	if p.focus == 0 {
		return &p.token
	}
	return &p.keysURL
}

func (p *Page) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	k := p.ctx.Keys
	switch msg := msg.(type) {
	case common.SigMsg:
		if p.inspected != nil && p.inspected.Response.AccessToken == msg.Token {
			p.sig = common.SigText(msg)
		}
		return p, nil
	case tea.PasteMsg:
		in := p.focused()
		var cmd tea.Cmd
		*in, cmd = in.Update(msg)
		p.dropStale()
		return p, cmd
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Back):
			return p, common.ClosePage
		case msg.String() == "tab" || msg.String() == "shift+tab":
			p.focused().Blur()
			p.focus = 1 - p.focus
			return p, p.focused().Focus()
		case key.Matches(msg, k.Select):
			return p, p.inspect()
		case key.Matches(msg, k.ClearInput):
			// Whatever the cursor position: a pasted token is cleared
			// whole, and with it the keys URL the page filled in for it.
			p.focused().Reset()
			if p.focus == 0 && p.keysURL.Value() == p.keysFilled {
				p.keysURL.Reset()
				p.keysFilled = ""
			}
			p.dropStale()
			return p, nil
		case key.Matches(msg, inspectorScrollUp):
			p.scroll = max(0, p.scroll-1)
			return p, nil
		case key.Matches(msg, inspectorScrollDown):
			p.scroll = min(p.scroll+1, p.maxScroll())
			return p, nil
		}
		in := p.focused()
		var cmd tea.Cmd
		*in, cmd = in.Update(msg)
		p.dropStale()
		return p, cmd
	}
	return p, nil
}

// dropStale forgets the decoded token and its signature check once the
// fields no longer hold what was decoded and checked: a result shown
// beside another token ("✓ verified" for an edited one) would lie. Enter
// decodes the fields as they are.
func (p *Page) dropStale() {
	if p.inspected == nil && p.err == "" {
		return
	}
	if tokeninfo.Normalize(p.token.Value()) != p.decoded || strings.TrimSpace(p.keysURL.Value()) != p.checkedWith {
		p.inspected, p.err, p.sig, p.scroll = nil, "", "", 0
	}
}

// inspect decodes the pasted token and, with a keys URL, checks it.
func (p *Page) inspect() tea.Cmd {
	p.inspected, p.err, p.sig, p.scroll = nil, "", "", 0
	raw := tokeninfo.Normalize(p.token.Value())
	p.decoded = raw
	defer func() { p.checkedWith = strings.TrimSpace(p.keysURL.Value()) }()
	if _, err := tokeninfo.Decode(raw); err != nil {
		p.err = common.ErrText(err)
		return nil
	}
	p.inspected = flows.Restore(flows.Request{}, raw, "", time.Time{}, nil)
	p.token.CursorStart() // show the header end of the token
	url := strings.TrimSpace(p.keysURL.Value())
	if url == "" || url == p.keysFilled {
		// The keys of the token's own account, on a base URL this
		// session knows: never a host the token names by itself.
		url = p.keysURLFor(p.inspected)
		p.keysURL.SetValue(url)
		p.keysFilled = url
	}
	if url == "" {
		p.sig = "not checked: no JWKS URL (the token's issuer is on no base URL this session uses)"
		return nil
	}
	p.sig = "checking…"
	return p.verify(raw, url)
}

func (p *Page) View() string {
	s := p.ctx.Styles
	var b strings.Builder
	marker := func(i int) string {
		if p.focus == i {
			return s.Cursor.Render("› ")
		}
		return "  "
	}
	b.WriteString(marker(0) + s.Label.Render("Token") + " " + p.token.View() + "\n")
	b.WriteString(marker(1) + s.Label.Render("JWKS URL") + " " + p.keysURL.View() + "\n\n")
	switch {
	case p.err != "":
		b.WriteString(common.Wrap(s.Error, "✗ "+p.err, p.width))
	case p.inspected != nil:
		// The inputs stay; the decoded token scrolls under them.
		lines := p.resultLines()
		from := min(p.scroll, max(0, len(lines)-p.resultHeight()))
		b.WriteString(strings.Join(lines[from:], "\n"))
	default:
		b.WriteString(common.Wrap(s.Muted, "Paste a token from a log or a ticket and press enter. It is decoded here, never sent anywhere; the JWKS, if given, is fetched to check the signature.", p.width))
	}
	return common.ClipLines(b.String(), p.height)
}

// The inspector scrolls with the arrow keys only: k and j are text in its
// inputs.
var (
	inspectorScrollUp   = key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "scroll up"))
	inspectorScrollDown = key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "scroll down"))
)

// resultLines are the decoded token's lines at the page's width.
func (p *Page) resultLines() []string {
	t := tokenview.New(p.inspected, p.ctx.RedactFunc())
	t.SetSig(p.sig)
	return t.Lines(p.ctx.Styles, p.width, p.ctx.Now())
}

// resultHeight is the room under the two inputs and their blank line.
func (p *Page) resultHeight() int { return max(1, p.height-3) }

func (p *Page) maxScroll() int {
	if p.inspected == nil {
		return 0
	}
	return max(0, len(p.resultLines())-p.resultHeight())
}
