package cli

import (
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/ui"
	"github.com/tokenbench/tokenbench/ui/common"
)

// Issue 19: the demo's home screen, driven by keys on the workbench the
// demo command opens (its connections, its fake server's outbox), read
// from the screen and the clipboard it copies to.

// demoClock is the clock of the fake server and of the workbench.
type demoClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *demoClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *demoClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// recordingClipboard is the clipboard the workbench copies to.
type recordingClipboard struct {
	mu      sync.Mutex
	content string
}

func (c *recordingClipboard) Copy(text string) (string, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.content = text
	return "system clipboard", "", nil
}

func (c *recordingClipboard) ClearIf(string) (common.Cleared, error) { return common.Cleared{}, nil }

func (c *recordingClipboard) text() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.content
}

// demoBench is the demo's workbench at 80×24 on a fake server of its own,
// with the clock, the clipboard and the ticks in the test's hands.
type demoBench struct {
	t     *testing.T
	m     *ui.Model
	srv   *dinterotest.Server
	clk   *demoClock
	clip  *recordingClipboard
	ticks []func(time.Time) tea.Msg
	keys  int // keys pressed, codes typed not counted
}

func newDemoBench(t *testing.T) *demoBench {
	t.Helper()
	clk := &demoClock{now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
	cfg := dinterotest.DemoConfig(2 * time.Minute)
	cfg.Now = clk.Now
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	b := &demoBench{t: t, srv: srv, clk: clk, clip: &recordingClipboard{}}
	ctx := common.NewContext()
	ctx.Width, ctx.Height = 80, 24
	ctx.Now, ctx.Clipboard, ctx.ClearAfter = clk.Now, b.clip, 0
	ctx.Tick = func(_ time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		b.ticks = append(b.ticks, fn)
		return nil
	}
	ctx.NewRunner = func(base string) (*flows.Runner, error) {
		c, err := client.New(client.Options{BaseURL: base, Now: clk.Now, Timeout: 5 * time.Second, Recorder: ctx.Recorder, Redactor: ctx.Redactor})
		if err != nil {
			return nil, err
		}
		r := flows.NewRunner(c)
		r.Now = clk.Now
		return r, nil
	}
	ctx.DefaultBaseURL = srv.URL
	ctx.Connections = demoConnections(srv.URL, srv.OIDCAuthorizeURL())
	ctx.Outbox = demoOutbox(srv)
	b.m = ui.New(ctx)
	b.run(b.m.Init())
	return b
}

// run runs cmd and what it leads to, feeding each message back in, as
// Bubble Tea would; spinner frames and ticks are left out (tick fires
// them).
func (b *demoBench) run(cmd tea.Cmd) {
	b.t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 200 {
			b.t.Fatal("commands did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if v := reflect.ValueOf(msg); v.IsValid() && v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
			// tea.Sequence and tea.Batch: each command in turn.
			for i := range v.Len() {
				b.run(v.Index(i).Interface().(tea.Cmd))
			}
			continue
		}
		switch msg.(type) {
		case nil, tea.BackgroundColorMsg:
		default:
			if strings.HasSuffix(reflect.TypeOf(msg).String(), "spinner.TickMsg") {
				continue
			}
			_, next := b.m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// press presses each key, counting them.
func (b *demoBench) press(keys ...string) {
	b.t.Helper()
	for _, k := range keys {
		b.keys++
		b.send(k)
	}
}

func (b *demoBench) send(k string) {
	var msg tea.KeyPressMsg
	switch k {
	case "enter":
		msg = tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		msg = tea.KeyPressMsg{Code: tea.KeyEscape}
	default:
		msg = tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
	}
	_, cmd := b.m.Update(msg)
	b.run(cmd)
}

// typeCode types a code the user read, digit by digit (not counted as
// keys: the issue counts "3 keys plus the code").
func (b *demoBench) typeCode(code string) {
	for _, r := range code {
		b.send(string(r))
	}
}

// tick fires the ticks armed so far at the clock's time.
func (b *demoBench) tick() {
	armed := b.ticks
	b.ticks = nil
	for _, fn := range armed {
		_, cmd := b.m.Update(fn(b.clk.Now()))
		b.run(cmd)
	}
}

func (b *demoBench) screen() string { return ansi.Strip(b.m.View().Content) }

func (b *demoBench) shows(texts ...string) {
	b.t.Helper()
	for _, text := range texts {
		if !strings.Contains(b.screen(), text) {
			b.t.Fatalf("screen does not show %q:\n%s", text, b.screen())
		}
	}
}

func (b *demoBench) hides(texts ...string) {
	b.t.Helper()
	for _, text := range texts {
		if strings.Contains(b.screen(), text) {
			b.t.Fatalf("screen shows %q:\n%s", text, b.screen())
		}
	}
}

var codeOnScreen = regexp.MustCompile(`code is[\s│]+(\d{6})`)

// Item 13: the demo's MFA user, third on home, gets a token onto the
// clipboard in three keys plus the code: its digit, enter after the code,
// c.
func TestDemoMFAUserTokenOnTheClipboardInThreeKeysPlusTheCode(t *testing.T) {
	b := newDemoBench(t)
	b.shows("3 MFA user")
	b.press("3")
	b.shows("MFA · MFA user", "A code was sent by SMS")
	found := codeOnScreen.FindStringSubmatch(b.screen())
	if found == nil {
		t.Fatalf("no code on the screen:\n%s", b.screen())
	}
	b.typeCode(found[1])
	b.press("enter", "c")
	b.shows("token · MFA user", "access token copied")
	tok, err := tokeninfo.Decode(b.clip.text())
	if err != nil || tok.Subject != "user:"+dinterotest.DemoMFAUser {
		t.Fatalf("clipboard holds no token of the MFA user (%v): %q", err, b.clip.text())
	}
	if b.keys > 3 {
		t.Fatalf("%d keys plus the code, want at most 3", b.keys)
	}
}

// Item 8: the demo's connections auto-refresh, and home says so before
// and after.
func TestDemoConnectionsAutoRefresh(t *testing.T) {
	b := newDemoBench(t)
	b.press("enter", "esc")
	b.shows("⏱ 2m 00s", "auto-refresh in 1m30s")
	b.clk.Advance(91 * time.Second)
	b.tick()
	b.shows("auto-refreshed at 12:01:31", "⏱ 2m 00s")
}

// Item 8: in the demo, the token view's key line and its help offer no
// key the screen then refuses: no "save as profile" (the demo saves no
// profiles), no refresh token keys without one, no diagnose on a
// client's token.
func TestDemoTokenViewOffersNoKeyItRefuses(t *testing.T) {
	b := newDemoBench(t)
	b.press("enter")
	b.shows("token · Demo API client")
	b.send("?")
	b.shows("c copy token", "r refresh")
	b.hides("save as profile", "copy refresh token", "revoke", "diagnose user")
	b.send("esc")
	b.send("s")
	b.shows("profiles are not saved in the demo") // refused: so not offered

	// The support user's token has a refresh token and a user.
	b.send("esc")
	b.press("j", "enter")
	b.send("?")
	b.shows("R copy refresh token", "X revoke refresh token", "diagnose user")
	b.hides("save as profile")
}
