package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/atotto/clipboard"
	"github.com/muesli/termenv"
)

// Clipboard puts text where the user can paste it.
type Clipboard interface {
	// Copy writes text and says which way it went ("system clipboard" or
	// "OSC 52") and any caveat worth showing.
	Copy(text string) (via, caveat string, err error)
	// ClearIf empties the clipboard if it still holds text. blind says the
	// clipboard could not be read back, so it was cleared without checking.
	ClearIf(text string) (blind bool, err error)
}

// SystemClipboard uses the platform's clipboard program first, and the
// terminal's OSC 52 sequence where there is none or the session is remote.
type SystemClipboard struct {
	// Out is where OSC 52 is written (the terminal).
	Out io.Writer
	// Getenv reads the environment (SSH_TTY, TMUX).
	Getenv func(string) string
	// usedOSC52 remembers the last way, for ClearIf.
	usedOSC52 bool
}

// NewClipboard returns the clipboard of this terminal.
func NewClipboard() *SystemClipboard {
	return &SystemClipboard{Out: os.Stdout, Getenv: os.Getenv}
}

func (c *SystemClipboard) remote() bool {
	return c.Getenv("SSH_TTY") != "" || c.Getenv("SSH_CONNECTION") != ""
}

// Copy implements Clipboard.
func (c *SystemClipboard) Copy(text string) (string, string, error) {
	if !clipboard.Unsupported && !c.remote() {
		if err := clipboard.WriteAll(text); err == nil {
			c.usedOSC52 = false
			return "system clipboard", "", nil
		}
	}
	c.usedOSC52 = true
	termenv.NewOutput(c.Out).Copy(text)
	return "OSC 52", c.tmuxCaveat(), nil
}

// tmuxCaveat says when tmux will swallow OSC 52.
func (c *SystemClipboard) tmuxCaveat() string {
	if c.Getenv("TMUX") == "" {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "tmux", "show-options", "-gv", "set-clipboard").Output()
	if err != nil {
		return "inside tmux: could not read set-clipboard; the copy may not reach your terminal"
	}
	if strings.TrimSpace(string(out)) == "off" {
		return "tmux has set-clipboard off, so the copy stops at tmux (tmux set -g set-clipboard on)"
	}
	return ""
}

// ClearIf implements Clipboard.
func (c *SystemClipboard) ClearIf(text string) (bool, error) {
	if c.usedOSC52 {
		termenv.NewOutput(c.Out).Copy("")
		return true, nil
	}
	cur, err := clipboard.ReadAll()
	if err != nil {
		return false, err
	}
	if cur != text {
		return false, errNotOurs
	}
	return false, clipboard.WriteAll("")
}

// errNotOurs: the user copied something else since; leave it alone.
var errNotOurs = errors.New("clipboard holds something else now; left alone")
