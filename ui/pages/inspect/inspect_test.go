package inspect_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/inspect"
)

// checks is a verify func that records what it was asked and answers
// with answer (run when its command runs).
type checks struct {
	asked  []string // raw + " " + url
	answer func(raw, url string) common.SigMsg
}

func (c *checks) verify(raw, url string) tea.Cmd {
	c.asked = append(c.asked, raw+" "+url)
	return func() tea.Msg { return c.answer(raw, url) }
}

// demoToken is a token the fake server signs for the demo's account.
func demoToken(t *testing.T, srv *dinterotest.Server, sub string) string {
	t.Helper()
	tok, err := srv.IssueToken(map[string]any{"sub": sub, "aid": dinterotest.DemoAccount, "scope": "read:accounts write:checkout",
		"iss": srv.URL + "/accounts/" + dinterotest.DemoAccount + "/auth", "exp": uitest.FixedNow.Add(2 * time.Minute).Unix(), "iat": uitest.FixedNow.Unix()})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// paste hands p a paste, as a terminal sends it.
func paste(p common.Page, text string) common.Page {
	p, _ = p.Update(tea.PasteMsg{Content: text})
	return p
}

// A pasted token (a Bearer prefix is fine) is decoded on enter, and its
// signature checked with the keys of its own account on a base URL the
// session knows (the URL is filled in); the answer's line shows; the
// check is real, against the fake server's keys.
func TestAPastedJWTIsDecodedAndItsSignatureChecked(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	raw := demoToken(t, srv, "client:demo-client")
	runner, err := ctx.NewRunner(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	verifier := tokeninfo.NewKeyVerifier(runner.Client)
	verifier.Now = clk.Now
	c := &checks{answer: func(raw, url string) common.SigMsg {
		return common.SigMsg{Token: raw, URL: url, Ver: verifier.Verify(context.Background(), raw,
			tokeninfo.KeySource{Account: dinterotest.DemoAccount, Bearer: tokeninfo.KeysBearer(raw, "")})}
	}}
	keysURL := srv.KeysURL(dinterotest.DemoAccount)
	var p common.Page = inspect.New(ctx, c.verify, func(res *flows.Result) string {
		if res.Token != nil && strings.HasPrefix(res.Token.Issuer, srv.URL) {
			return keysURL
		}
		return ""
	})
	if !p.TakesText() {
		t.Fatal("the inspector does not take text")
	}
	uitest.RequireShows(t, uitest.Screen(p, 78, 20), "Paste a token", "never sent anywhere")
	p = paste(p, "Bearer "+raw)
	p, cmds := uitest.Press(p, "enter")
	if len(c.asked) != 1 || c.asked[0] != raw+" "+keysURL {
		t.Fatalf("checked %q", c.asked)
	}
	view := uitest.Screen(p, 78, 40)
	uitest.RequireShows(t, view, "client:demo-client", dinterotest.DemoAccount, "read:accounts", "checking…", keysURL)
	msgs := uitest.Messages(cmds[0])
	if len(msgs) != 1 {
		t.Fatalf("the check: %#v", msgs)
	}
	p, _ = p.Update(msgs[0])
	uitest.RequireShows(t, uitest.Screen(p, 78, 40), "✓ verified (kid "+srv.KeyID()+", RS256)")
	if strings.Contains(uitest.Screen(p, 78, 40), "checking…") {
		t.Fatal("still checking after the answer")
	}
}

// An answer for another token (one inspected before) does not change the
// signature line; an unusable key set says so, as the answer words it.
func TestTheSignatureLineIsTheAnswersForThisToken(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	first, second := demoToken(t, srv, "client:first"), demoToken(t, srv, "client:second")
	c := &checks{answer: func(raw, url string) common.SigMsg {
		return common.SigMsg{Token: raw, URL: url, Err: errors.New("keys refused: 401 \x1b]52;c;ZXZpbA==\x07")}
	}}
	var p common.Page = inspect.New(ctx, c.verify, func(*flows.Result) string { return "https://keys.example/jwks.json" })
	p = paste(p, first)
	p, firstCmds := uitest.Press(p, "enter")
	p, _ = uitest.Press(p, "ctrl+u")
	p = paste(p, second)
	p, _ = uitest.Press(p, "enter")
	uitest.RequireShows(t, uitest.Screen(p, 78, 40), "client:second", "checking…")
	p, _ = p.Update(uitest.Messages(firstCmds[0])[0]) // the first token's answer, late
	view := uitest.Screen(p, 78, 40)
	uitest.RequireShows(t, view, "client:second", "checking…")
	p, _ = p.Update(common.SigMsg{Token: second, Ver: tokeninfo.Verification{OK: true, Kid: "k1", Alg: "RS256"}})
	uitest.RequireShows(t, uitest.Screen(p, 78, 40), "✓ verified (kid k1, RS256)")
	p, _ = p.Update(c.answer(second, ""))
	view = uitest.Screen(p, 78, 40)
	uitest.RequireShows(t, view, "✗ NOT verified: JWKS unreachable or unusable: keys refused: 401 ]52;c;ZXZpbA==")
	if strings.ContainsAny(view, "\x1b\x07") {
		t.Fatalf("the answer's text reaches the screen unsanitised: %q", view)
	}
}

// Garbage is refused with a one-line reason and nothing is checked; a
// token whose issuer no base URL of the session knows is decoded and not
// checked, saying why.
func TestGarbageIsRefusedInOneLine(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	c := &checks{}
	var p common.Page = inspect.New(ctx, c.verify, func(*flows.Result) string { return "" })
	for garbage, why := range map[string]string{
		"hello":                    "token has 1 segment(s); a JWT has 3",
		"a.b":                      "token has 2 segment(s)",
		"bm90.anNvbg.c2ln":         "",
		"Bearer ":                  "token has 1 segment(s)",
		"   ":                      "token is empty",
		"x\x1b[2J.y\x1b]0;t\x07.z": "",
		strings.Repeat("a", 9000):  "",
	} {
		p, _ = uitest.Press(p, "ctrl+u")
		p = paste(p, garbage)
		p, cmds := uitest.Press(p, "enter")
		if cmds[0] != nil {
			t.Errorf("%.20q: a command", garbage)
		}
		// One reason, wrapped at the width: no lines of a decoder's trace.
		view := uitest.Screen(p, 78, 20)
		lines := strings.Split(view, "\n")
		var reason []string
		for _, l := range lines[3:] {
			if strings.TrimSpace(l) != "" {
				reason = append(reason, strings.TrimSpace(l))
			}
		}
		one := strings.Join(reason, " ")
		if len(reason) == 0 || len(reason) > 2 || !strings.HasPrefix(one, "✗ ") || strings.Count(one, "✗") != 1 || !strings.Contains(one, why) {
			t.Errorf("%.20q: the reason is not one line saying %q:\n%s", garbage, why, view)
		}
		if strings.ContainsAny(view, "\x1b\x07") {
			t.Errorf("%.20q: escape sequences on screen: %q", garbage, view)
		}
	}
	if len(c.asked) != 0 {
		t.Fatalf("garbage was checked: %q", c.asked)
	}
	p, _ = uitest.Press(p, "ctrl+u")
	p = paste(p, demoToken(t, srv, "client:nowhere"))
	p, _ = uitest.Press(p, "enter")
	uitest.RequireShows(t, uitest.Screen(p, 78, 40), "client:nowhere", "not checked: no JWKS URL")
	if len(c.asked) != 0 {
		t.Fatalf("checked with no keys URL: %q", c.asked)
	}
}

// At 60×20 the inputs stay on top and the decoded token scrolls under
// them with the arrows (k and j are text), from its top to its end and
// back.
func TestTheDecodedTokenScrollsAt60x20(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	ctx.Width, ctx.Height = 60, 20
	c := &checks{answer: func(raw, url string) common.SigMsg { return common.SigMsg{Token: raw, URL: url} }}
	var p common.Page = inspect.New(ctx, c.verify, func(*flows.Result) string { return "" })
	w, h := 58, 16
	p.SetSize(w, h) // as the root sizes a page it opens
	p = paste(p, demoToken(t, srv, "client:scroll"))
	p, _ = uitest.Press(p, "enter")
	top := uitest.Screen(p, w, h)
	if n := len(strings.Split(top, "\n")); n > h {
		t.Fatalf("%d lines in a body of %d", n, h)
	}
	full := uitest.Screen(p, 58, 200)
	if len(strings.Split(full, "\n")) <= h {
		t.Fatalf("the decoded token fits 60×20: nothing to scroll:\n%s", full)
	}
	for _, l := range strings.Split(top, "\n") {
		if len([]rune(l)) > w {
			t.Fatalf("a line wider than %d: %q", w, l)
		}
	}
	seen := top
	last := top
	for range 40 {
		p, _ = uitest.Press(p, "down")
		last = uitest.Screen(p, w, h)
		seen += "\n" + last
		if !strings.Contains(strings.Split(last, "\n")[0], "Token") {
			t.Fatalf("the token's field scrolled away:\n%s", last)
		}
	}
	lastFull := strings.Split(strings.TrimRight(full, "\n"), "\n")
	uitest.RequireShows(t, last, lastFull[len(lastFull)-1])
	for _, l := range strings.Split(full, "\n") {
		if !strings.Contains(seen, l) {
			t.Fatalf("a line never shows while scrolling: %q", l)
		}
	}
	for range 40 {
		p, _ = uitest.Press(p, "up")
	}
	if got := uitest.Screen(p, w, h); !strings.Contains(got, strings.Split(top, "\n")[3]) {
		t.Fatalf("up does not come back to the top:\n%s", got)
	}
	p, _ = uitest.Press(p, "j", "k") // text in the field, not scrolling
	if got := uitest.Screen(p, w, h); !strings.Contains(strings.Split(got, "\n")[0], "jk") {
		t.Fatalf("j and k did not type into the field:\n%s", got)
	}
}

// The help's keys: tab moves between the fields (? is help on the token
// field, a character on the URL's), ctrl+u clears the token and the keys
// URL the page filled in for it, esc goes back.
func TestFieldsClearAndBack(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	c := &checks{answer: func(raw, url string) common.SigMsg { return common.SigMsg{Token: raw, URL: url} }}
	filled := "https://keys.example/jwks.json"
	var p common.Page = inspect.New(ctx, c.verify, func(*flows.Result) string { return filled })
	qm := p.(common.QuestionMarker)
	if !qm.QuestionMarkIsHelp() {
		t.Fatal("? types into the token field")
	}
	p = paste(p, demoToken(t, srv, "client:clear"))
	p, _ = uitest.Press(p, "enter")
	uitest.RequireShows(t, uitest.Screen(p, 78, 40), filled)
	p, _ = uitest.Press(p, "ctrl+u")
	view := uitest.Screen(p, 78, 40)
	if strings.Contains(view, filled) || strings.Contains(view, "eyJ") {
		t.Fatalf("ctrl+u leaves the token or its keys URL:\n%s", view)
	}
	p, _ = uitest.Press(p, "tab")
	if p.(common.QuestionMarker).QuestionMarkIsHelp() {
		t.Fatal("? is help on the keys URL's field")
	}
	p = paste(p, "https://mine.example/keys")
	p, _ = uitest.Press(p, "shift+tab")
	p = paste(p, demoToken(t, srv, "client:typed"))
	p, _ = uitest.Press(p, "enter")
	if got := c.asked[len(c.asked)-1]; !strings.HasSuffix(got, " https://mine.example/keys") {
		t.Fatalf("a typed keys URL was replaced: %q", got)
	}
	_, cmds := uitest.Press(p, "esc")
	if msgs := uitest.Messages(cmds[0]); len(msgs) != 1 || msgs[0] != (common.ClosePageMsg{}) {
		t.Fatalf("esc: %#v", msgs)
	}
}

// The help offers decode, the fields, clearing and back, and the arrows
// for scrolling in the full help; q and k are text here (the page takes
// text), typed into the field, and send nothing.
func TestTheHelpAndTextKeys(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	c := &checks{}
	var p common.Page = inspect.New(ctx, c.verify, func(*flows.Result) string { return "" })
	if p.Title() != "inspector" {
		t.Fatalf("titled %q", p.Title())
	}
	var short []string
	for _, b := range p.Keys().ShortHelp() {
		short = append(short, b.Help().Key+" "+b.Help().Desc)
	}
	if got := strings.Join(short, " · "); got != "enter decode · tab token/JWKS · ctrl+u clear · esc back · ctrl+c quit" {
		t.Fatalf("the help offers %q", got)
	}
	var full []string
	for _, col := range p.Keys().FullHelp() {
		for _, b := range col {
			full = append(full, b.Help().Key+" "+b.Help().Desc)
		}
	}
	if got := strings.Join(full, " · "); !strings.Contains(got, "↑ scroll up · ↓ scroll down") {
		t.Fatalf("the full help: %q", got)
	}
	p.SetSize(78, 20)
	p, cmds := uitest.Press(p, "q", "k", "j")
	for _, cmd := range cmds {
		for _, m := range uitest.Messages(cmd) {
			t.Fatalf("text keys sent %#v", m)
		}
	}
	uitest.RequireShows(t, uitest.Screen(p, 78, 20), "› Token qkj")
}

// TestAnEditedTokenDropsTheResultShown: once the token field no longer
// holds the token decoded (another pasted over it, an edit, ctrl+u), the
// decoded claims and "✓ verified" go: they were of the old token. Enter
// decodes and checks the field as it is.
func TestAnEditedTokenDropsTheResultShown(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	first, second := demoToken(t, srv, "client:demo-client"), demoToken(t, srv, "client:another-client")
	c := &checks{answer: func(raw, url string) common.SigMsg {
		return common.SigMsg{Token: raw, URL: url, Ver: tokeninfo.Verification{OK: true, Kid: srv.KeyID(), Alg: "RS256"}}
	}}
	var p common.Page = inspect.New(ctx, c.verify, func(*flows.Result) string { return srv.KeysURL(dinterotest.DemoAccount) })
	p = paste(p, first)
	p, cmds := uitest.Press(p, "enter")
	p, _ = p.Update(uitest.Messages(cmds[0])[0])
	uitest.RequireShows(t, uitest.Screen(p, 78, 40), "client:demo-client", "✓ verified")

	p, _ = uitest.Press(p, "ctrl+u")
	view := uitest.Screen(p, 78, 40)
	uitest.RequireLacks(t, view, "client:demo-client", "verified")
	p = paste(p, second)
	view = uitest.Screen(p, 78, 40)
	uitest.RequireLacks(t, view, "client:demo-client", "client:another-client", "verified")

	p, _ = uitest.Press(p, "enter")
	uitest.RequireShows(t, uitest.Screen(p, 78, 40), "client:another-client", "checking…")
	p, _ = uitest.Press(p, "x") // an edit of the decoded token
	uitest.RequireLacks(t, uitest.Screen(p, 78, 40), "client:another-client", "checking…")
}
