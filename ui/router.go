package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/ui/common"
)

// router is the back stack: the page on top is the screen, esc goes to the
// one under it. Home, when there is one, is the page at the bottom.
type router struct {
	pages []common.Page
}

// top is the screen showing.
func (r *router) top() common.Page {
	if len(r.pages) == 0 {
		return nil
	}
	return r.pages[len(r.pages)-1]
}

// push shows p over the screen.
func (r *router) push(p common.Page) { r.pages = append(r.pages, p) }

// pop goes back one page; the bottom page stays.
func (r *router) pop() {
	if len(r.pages) > 1 {
		r.pages = r.pages[:len(r.pages)-1]
	}
}

// replace shows p in place of the page on top.
func (r *router) replace(p common.Page) {
	if len(r.pages) == 0 {
		r.push(p)
		return
	}
	r.pages[len(r.pages)-1] = p
}

// reset leaves only pages on the stack.
func (r *router) reset(pages ...common.Page) { r.pages = append(r.pages[:0], pages...) }

// keep leaves the pages keep accepts, in order.
func (r *router) keep(keep func(common.Page) bool) {
	kept := r.pages[:0]
	for _, p := range r.pages {
		if keep(p) {
			kept = append(kept, p)
		}
	}
	clear(r.pages[len(kept):])
	r.pages = kept
}

// update hands msg to the page on top and keeps what it returns.
func (r *router) update(msg tea.Msg) tea.Cmd {
	p := r.top()
	if p == nil {
		return nil
	}
	p, cmd := p.Update(msg)
	r.pages[len(r.pages)-1] = p
	return cmd
}

// updateWhere hands msg to every page of the stack that match accepts, top
// or not, and keeps what they return (updated).
func (r *router) updateWhere(match func(common.Page) bool, msg tea.Msg) (updated []common.Page, cmd tea.Cmd) {
	var cmds []tea.Cmd
	for i, p := range r.pages {
		if !match(p) {
			continue
		}
		var c tea.Cmd
		r.pages[i], c = p.Update(msg)
		cmds = append(cmds, c)
		updated = append(updated, r.pages[i])
	}
	return updated, tea.Batch(cmds...)
}

// topIs reports whether the page on top is a T.
func topIs[T common.Page](r *router) (T, bool) {
	p, ok := r.top().(T)
	return p, ok
}

// updateOwner hands msg to the topmost page that owns it (common.Owner:
// an answer to one of its requests), wherever it is in the stack, else to
// the page on top.
func (r *router) updateOwner(msg tea.Msg) tea.Cmd {
	for i := len(r.pages) - 1; i >= 0; i-- {
		if o, ok := r.pages[i].(common.Owner); ok && o.Owns(msg) {
			p, cmd := r.pages[i].Update(msg)
			r.pages[i] = p
			return cmd
		}
	}
	return r.update(msg)
}
