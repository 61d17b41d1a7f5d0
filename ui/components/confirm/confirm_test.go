package confirm_test

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/confirm"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

type ranMsg struct{}

func ask(t *testing.T) *confirm.Page {
	t.Helper()
	ctx := uitest.Context(uitest.NewClock(uitest.FixedNow))
	return confirm.New(ctx, "delete", "Delete profile merchant-x-test? (y/n)", func() tea.Msg { return ranMsg{} }, "not deleted")
}

// TestConfirmYRunsTheCommandAfterClosing: y closes the question, then runs
// the command it guards (in one message, so the command finds the screen
// below on top).
func TestConfirmYRunsTheCommandAfterClosing(t *testing.T) {
	p := ask(t)
	_, cmds := uitest.Press(p, "y")
	msgs := uitest.Messages(cmds[0])
	if len(msgs) != 1 {
		t.Fatalf("y: %#v", msgs)
	}
	then, ok := msgs[0].(common.CloseThenMsg)
	if !ok {
		t.Fatalf("y: %#v, want a CloseThenMsg", msgs[0])
	}
	if got := uitest.Messages(then.Then); len(got) != 1 || got[0] != (ranMsg{}) {
		t.Fatalf("y then runs %#v", got)
	}
}

// TestConfirmAnythingElseSaysNo: n, esc, q, ?, Y, enter and space all
// answer no: the page closes with the "no" status and the guarded command
// never runs.
func TestConfirmAnythingElseSaysNo(t *testing.T) {
	for _, k := range []string{"n", "esc", "q", "?", "Y", "enter", "space", "x"} {
		p := ask(t)
		_, cmds := uitest.Press(p, k)
		msgs := uitest.Messages(cmds[0])
		if len(msgs) != 1 {
			t.Fatalf("%s: %#v", k, msgs)
		}
		if got, ok := msgs[0].(common.CloseWithStatusMsg); !ok || got.Status != "not deleted" || got.Err {
			t.Fatalf("%s: %#v, want CloseWithStatusMsg{not deleted}", k, msgs[0])
		}
	}
}

// TestConfirmIgnoresWhatIsNotAKey: a paste, a tick, a resize answer
// nothing: only a key press answers.
func TestConfirmIgnoresWhatIsNotAKey(t *testing.T) {
	p := ask(t)
	for _, msg := range []tea.Msg{tea.PasteMsg{Content: "y"}, tea.WindowSizeMsg{Width: 40, Height: 10}, ranMsg{}} {
		if _, cmd := p.Update(msg); cmd != nil {
			t.Fatalf("%T answered the question", msg)
		}
	}
}

// TestConfirmShowsTheQuestionWrappedAndTakesEveryKey: the question is shown
// whole (wrapped, not cut) at a narrow width; the page takes text so q and ?
// answer it instead of quitting or opening help; its help offers y and n.
func TestConfirmShowsTheQuestionWrappedAndTakesEveryKey(t *testing.T) {
	p := ask(t)
	screen := uitest.Screen(p, 20, 10)
	if got := strings.Join(strings.Fields(screen), " "); got != "Delete profile merchant-x-test? (y/n)" {
		t.Fatalf("the question at 20 wide: %q", screen)
	}
	for _, l := range strings.Split(screen, "\n") {
		if w := len([]rune(strings.TrimRight(l, " "))); w > 20 {
			t.Fatalf("line %q is %d wide", l, w)
		}
	}
	if !p.TakesText() {
		t.Fatal("the question does not take q and ?: they would quit or open help")
	}
	if p.Title() != "delete" {
		t.Fatalf("title %q", p.Title())
	}
	var help []string
	for _, b := range p.Keys().ShortHelp() {
		help = append(help, b.Help().Key)
	}
	if strings.Join(help, " ") != "y n/esc" {
		t.Fatalf("help offers %v", help)
	}
}
