package ui

import (
	"testing"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/ui/common"
)

// stubPage records what it was handed; it owns answerMsgs with its id.
type stubPage struct {
	id  int
	got []tea.Msg
}

type answerMsg struct{ id int }

func (p *stubPage) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	p.got = append(p.got, msg)
	return p, nil
}
func (p *stubPage) View() string      { return "" }
func (p *stubPage) SetSize(int, int)  {}
func (p *stubPage) Keys() help.KeyMap { return common.Bindings{} }
func (p *stubPage) Title() string     { return "stub" }
func (p *stubPage) TakesText() bool   { return false }
func (p *stubPage) Owns(msg tea.Msg) bool {
	a, ok := msg.(answerMsg)
	return ok && a.id == p.id
}

// An answer goes to the page that owns it wherever it is in the stack;
// anything else, and an answer nobody owns, to the page on top.
func TestRouterHandsAnAnswerToItsOwner(t *testing.T) {
	bottom, owner, top := &stubPage{id: 1}, &stubPage{id: 2}, &stubPage{id: 3}
	var r router
	r.reset(bottom, owner, top)
	r.updateOwner(answerMsg{id: 2})
	r.updateOwner(answerMsg{id: 9})
	r.updateOwner(tea.PasteMsg{Content: "x"})
	if len(owner.got) != 1 || len(bottom.got) != 0 || len(top.got) != 2 {
		t.Fatalf("bottom %v, owner %v, top %v", bottom.got, owner.got, top.got)
	}
}
