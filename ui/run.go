package ui

import (
	tea "github.com/charmbracelet/bubbletea"
)

// Run opens the workbench in the terminal and returns when the user quits.
func Run(ctx *Context) error {
	m := New(ctx)
	p := tea.NewProgram(m, tea.WithAltScreen())
	_, err := p.Run()
	// Whatever happened, leave no token on the clipboard.
	m.ClearClipboardOnQuit()
	return err
}
