package ui

import (
	tea "github.com/charmbracelet/bubbletea"
)

// Run opens the workbench in the terminal and returns when the user quits.
func Run(ctx *Context) error {
	m := New(ctx)
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithFPS(fps))
	_, err := p.Run()
	// Whatever happened, leave no token on the clipboard.
	m.ClearClipboardOnQuit()
	return err
}

// fps caps redraws. Bubble Tea's renderer wakes this often even when idle:
// at its default of 60 the token view cost 1.5 % of a core (bench/idle-cpu),
// at 30 0.9 %, at 20 0.7-0.8 %; typing still feels immediate at 20.
const fps = 20
