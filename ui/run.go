package ui

import (
	"errors"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/ui/common"
)

// ErrInterrupted is what Run returns when the user quit by interrupt
// (ctrl+c, or SIGINT); q quits without an error.
var ErrInterrupted = errors.New("interrupted")

// Run opens the workbench in the terminal and returns when the user quits.
func Run(ctx *common.Context) error {
	return run(ctx)
}

// run is Run with the program's options (tests give it their input and
// output).
func run(ctx *common.Context, opts ...tea.ProgramOption) error {
	m := New(ctx)
	p := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithFPS(fps)}, opts...)...)
	_, err := p.Run()
	// Whatever happened, leave no token on the clipboard.
	m.ClearClipboardOnQuit()
	if errors.Is(err, tea.ErrInterrupted) {
		return ErrInterrupted
	}
	return err
}

// fps caps redraws. Bubble Tea's renderer wakes this often even when idle
// (bench/idle-cpu measures what it costs on the token view).
const fps = 20
