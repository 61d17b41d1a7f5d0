package ui

import (
	tea "charm.land/bubbletea/v2"
)

// Run opens the workbench in the terminal and returns when the user quits.
func Run(ctx *Context) error {
	m := New(ctx)
	p := tea.NewProgram(m, tea.WithFPS(fps))
	_, err := p.Run()
	// Whatever happened, leave no token on the clipboard.
	m.ClearClipboardOnQuit()
	return err
}

// fps caps redraws. Bubble Tea's renderer wakes this often even when idle
// (bench/idle-cpu measures what it costs on the token view).
const fps = 20
