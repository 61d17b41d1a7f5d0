package sending_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/sending"
)

type answerMsg struct{ text string }

func newPage() (*sending.Page, *common.Context, *uitest.Clock) {
	clk := uitest.NewClock(uitest.FixedNow)
	ctx := uitest.Context(clk)
	return sending.New(ctx, "client_credentials for T11223344", "T11223344"), ctx, clk
}

// TestSendingShowsWhatAndTheElapsedTime: the screen names what is being
// sent and how long it has taken on the page's clock, and offers esc.
func TestSendingShowsWhatAndTheElapsedTime(t *testing.T) {
	p, _, clk := newPage()
	p.Start(func(context.Context) tea.Msg { return answerMsg{} })
	screen := uitest.Screen(p, 60, 20)
	if !strings.Contains(screen, "client_credentials for T11223344…") || !strings.Contains(screen, "0.0s") || !strings.Contains(screen, "esc cancels the request") {
		t.Fatalf("just sent:\n%s", screen)
	}
	clk.Advance(2300 * time.Millisecond)
	if screen := uitest.Screen(p, 60, 20); !strings.Contains(screen, "2.3s") {
		t.Fatalf("2.3s later:\n%s", screen)
	}
	if p.Account() != "T11223344" || p.Title() != "sending" || p.TakesText() {
		t.Fatalf("account %q, title %q, takes text %v", p.Account(), p.Title(), p.TakesText())
	}
	var help []string
	for _, b := range p.Keys().ShortHelp() {
		help = append(help, b.Help().Key+" "+b.Help().Desc)
	}
	if help[0] != "esc cancel" {
		t.Fatalf("help: %v", help)
	}
}

// TestSendingRunsTheRequestAndAcceptsItsAnswerOnce: Start's command runs
// the request and tags its answer with the request's id; the page is busy
// until it accepts that answer, which it does once.
func TestSendingRunsTheRequestAndAcceptsItsAnswerOnce(t *testing.T) {
	p, ctx, _ := newPage()
	cmd := p.Start(func(context.Context) tea.Msg { return answerMsg{"token"} })
	id := uitest.LastRequestID(ctx)
	if !p.Busy() {
		t.Fatal("not busy while the request is in flight")
	}
	msgs := uitest.Messages(cmd)
	if len(msgs) != 1 || msgs[0] != (sending.SentMsg{ID: id, Msg: answerMsg{"token"}}) {
		t.Fatalf("the request's messages: %#v", msgs)
	}
	if p.Accept(id - 1) {
		t.Fatal("an older request's answer was accepted")
	}
	if !p.Accept(id) {
		t.Fatal("the request's own answer was refused")
	}
	if p.Busy() {
		t.Fatal("busy after the answer")
	}
	if p.Accept(id) {
		t.Fatal("the same answer was accepted twice")
	}
}

// TestSendingEscCancelsAndDropsTheLateAnswer: esc cancels the request's
// context, tells the root, and the answer that comes after is refused; a
// second esc does nothing more.
func TestSendingEscCancelsAndDropsTheLateAnswer(t *testing.T) {
	p, ctx, _ := newPage()
	var reqCtx context.Context
	cmd := p.Start(func(c context.Context) tea.Msg { reqCtx = c; return answerMsg{} })
	id := uitest.LastRequestID(ctx)
	_, cmds := uitest.Press(p, "esc")
	if msgs := uitest.Messages(cmds[0]); len(msgs) != 1 || msgs[0] != (sending.SendCancelledMsg{}) {
		t.Fatalf("esc: %#v", msgs)
	}
	if p.Busy() {
		t.Fatal("still busy after esc: the global keys would wait")
	}
	// The request runs on (it was in flight) and answers late.
	uitest.Messages(cmd)
	if reqCtx == nil || reqCtx.Err() == nil {
		t.Fatal("the request's context was not cancelled")
	}
	if p.Accept(id) {
		t.Fatal("the answer after esc was accepted")
	}
	if _, cmds := uitest.Press(p, "esc"); cmds[0] != nil {
		t.Fatal("a second esc sent something")
	}
}

// TestSendingOtherKeysDoNothing: keys the help does not offer neither
// cancel nor send anything.
func TestSendingOtherKeysDoNothing(t *testing.T) {
	p, _, _ := newPage()
	p.Start(func(context.Context) tea.Msg { return nil })
	for _, k := range []string{"q", "enter", "y", "ctrl+r", "space"} {
		if _, cmds := uitest.Press(p, k); cmds[0] != nil {
			t.Fatalf("%s returned a command", k)
		}
	}
	if !p.Busy() {
		t.Fatal("a key other than esc ended the request")
	}
}

// TestSendingIsARequestStep: the header names the profile it runs for and a
// new token replaces it rather than stacking on it.
func TestSendingIsARequestStep(t *testing.T) {
	p, _, _ := newPage()
	if _, ok := common.Page(p).(common.RequestStep); !ok {
		t.Fatal("the sending page is no RequestStep")
	}
	if _, ok := common.Page(p).(common.Busier); !ok {
		t.Fatal("the sending page is no Busier")
	}
}

// TestSendingSpinnerStopsWhenDone: the spinner turns while the request is
// in flight and stops (no further tick) once it is answered or cancelled.
func TestSendingSpinnerStopsWhenDone(t *testing.T) {
	p, ctx, _ := newPage()
	p.Start(func(context.Context) tea.Msg { return nil })
	if _, cmd := p.Update(spinner.TickMsg{}); cmd == nil {
		t.Fatal("the spinner does not turn while the request is in flight")
	}
	p.Accept(uitest.LastRequestID(ctx))
	if _, cmd := p.Update(spinner.TickMsg{}); cmd != nil {
		t.Fatal("the spinner ticks on after the answer")
	}
	q, _, _ := newPage()
	q.Start(func(context.Context) tea.Msg { return nil })
	uitest.Press(q, "esc")
	if _, cmd := q.Update(spinner.TickMsg{}); cmd != nil {
		t.Fatal("the spinner ticks on after esc")
	}
}

// TestSendingReleasesTheRequestsContextOnItsAnswer: once the answer is
// accepted, the request's context is cancelled (it was kept alive until
// the page was dropped).
func TestSendingReleasesTheRequestsContextOnItsAnswer(t *testing.T) {
	p, _, _ := newPage()
	var reqCtx context.Context
	msgs := uitest.Messages(p.Start(func(ctx context.Context) tea.Msg { reqCtx = ctx; return answerMsg{} }))
	sent := uitest.Find[sending.SentMsg](t, msgs)
	if reqCtx.Err() != nil {
		t.Fatal("the context ended before the answer was taken")
	}
	if !p.Accept(sent.ID) {
		t.Fatal("the answer was not accepted")
	}
	if reqCtx.Err() == nil {
		t.Fatal("the request's context is still alive after its answer")
	}
}
