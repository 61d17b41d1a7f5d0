package ui

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/flows"
)

// component is a screen that owns its state, keys, help and size: the root
// only routes messages to it and draws its View between the header and the
// footer. It asks the root to move with the nav messages below.
type component interface {
	Update(msg tea.Msg) tea.Cmd
	View(height int) string
	SetSize(width, height int)
	Keys() help.KeyMap
	// Typing reports whether keys type text here (q is a q, ? a ?).
	Typing() bool
}

type (
	// navBackMsg asks the root to go back a screen and show status there.
	navBackMsg struct {
		status string
		err    bool
	}
	// navTokenMsg asks the root to show a token a screen obtained (and
	// kept, through the session service).
	navTokenMsg struct{ res *flows.Result }
	// navStatusMsg sets the status line of the screen showing.
	navStatusMsg struct {
		status string
		err    bool
	}
)

func navBack(status string, isErr bool) tea.Cmd {
	return func() tea.Msg { return navBackMsg{status: status, err: isErr} }
}

func navStatus(status string, isErr bool) tea.Cmd {
	return func() tea.Msg { return navStatusMsg{status: status, err: isErr} }
}

// nextID numbers the async requests of the component screens, so that an
// answer for a screen that was closed, or re-opened since, is dropped.
func (c *Context) nextID() int {
	c.requests++
	return c.requests
}

// isNilComponent reports whether c holds a nil screen model (a screen not
// opened yet).
func isNilComponent(c component) bool {
	switch c := c.(type) {
	case *recoveryModel:
		return c == nil
	case *diagnoseModel:
		return c == nil
	case *bundleModel:
		return c == nil
	}
	return c == nil
}
