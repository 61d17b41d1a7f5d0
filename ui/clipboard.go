package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/atotto/clipboard"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/ui/common"
)

// Copy ways, as Copy reports them.
const (
	viaSystem = "system clipboard"
	viaTmux   = "tmux buffer"
	viaOSC52  = "OSC 52"
)

// SystemClipboard uses the platform's clipboard program first; inside tmux,
// tmux's own buffer; elsewhere (remote sessions, no clipboard program) the
// terminal's OSC 52 sequence.
type SystemClipboard struct {
	// Out is where OSC 52 is written (the terminal).
	Out io.Writer
	// Getenv reads the environment (SSH_TTY, TMUX).
	Getenv func(string) string
	// Tmux runs a tmux command with stdin and returns its output; tests
	// replace it.
	Tmux func(stdin string, args ...string) (string, error)

	mu sync.Mutex
	// used remembers the last way, for ClearIf.
	used string
	// buffers are the tmux buffers written and not yet deleted: each copy
	// gets its own named buffer, so that clearing deletes every one of
	// them, not only the newest.
	buffers []tmuxBuffer
	copies  int
}

// tmuxBuffer is a named tmux buffer the app wrote, and what it holds.
// forwarded says load-buffer -w may have sent it on to the outer
// terminal's clipboard (tmux's set-clipboard is not off).
type tmuxBuffer struct {
	name, text string
	forwarded  bool
}

// NewClipboard returns the clipboard of this terminal.
func NewClipboard() *SystemClipboard {
	return &SystemClipboard{Out: os.Stdout, Getenv: os.Getenv, Tmux: runTmux}
}

// runTmux runs tmux with a bound, so a wedged server cannot hang a copy.
func runTmux(stdin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "tmux", args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	return string(out), err
}

func (c *SystemClipboard) remote() bool {
	return c.Getenv("SSH_TTY") != "" || c.Getenv("SSH_CONNECTION") != ""
}

// Copy implements Clipboard.
func (c *SystemClipboard) Copy(text string) (string, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !clipboard.Unsupported && !c.remote() {
		if err := clipboard.WriteAll(text); err == nil {
			c.used = viaSystem
			return viaSystem, "", nil
		}
	}
	if c.Getenv("TMUX") != "" {
		// tmux, at its default set-clipboard external, drops an
		// application's OSC 52: the copy would be lost while we claimed
		// it worked. Put the text into tmux's buffer ourselves; -w also
		// forwards it to the outer terminal's clipboard where tmux may.
		c.copies++
		name := fmt.Sprintf("tokenbench-%d-%d", os.Getpid(), c.copies)
		if _, err := c.Tmux(text, "load-buffer", "-b", name, "-w", "-"); err != nil {
			return "", "", errors.New("inside tmux, and tmux load-buffer failed: " + err.Error())
		}
		caveat, forwarded := c.tmuxCaveat()
		c.buffers = append(c.buffers, tmuxBuffer{name: name, text: text, forwarded: forwarded})
		c.used = viaTmux
		return viaTmux, caveat, nil
	}
	c.used = viaOSC52
	_, err := io.WriteString(c.Out, ansi.SetSystemClipboard(text))
	return viaOSC52, "", err
}

// tmuxCaveat says how far a copy into tmux's buffer goes, and whether it
// may have gone on to the outer terminal's clipboard.
func (c *SystemClipboard) tmuxCaveat() (string, bool) {
	out, err := c.Tmux("", "show-options", "-gv", "set-clipboard")
	switch {
	case err != nil:
		return "paste with tmux's prefix ]; whether it reached your system clipboard is unknown", true
	case strings.TrimSpace(out) == "off":
		return "paste with tmux's prefix ]; tmux has set-clipboard off, so it is not on your system clipboard (tmux set -g set-clipboard external)", false
	}
	return "paste with tmux's prefix ]; also sent to your terminal's clipboard if it accepts OSC 52", true
}

// Places a copy goes, as a clear names them.
const (
	placeSystem   = "system clipboard"
	placeTerminal = "terminal clipboard"
	placeTmux     = "tmux buffers"
)

// ClearIf implements Clipboard.
// Inside tmux it deletes every buffer the app wrote that still holds what
// the app put there, not only the one holding text; and since load-buffer
// -w also sent the copy on to the outer terminal's clipboard, it
// overwrites that too, the same way, with a blank (a terminal's clipboard
// cannot be read back: that clear is blind, and said to be).
func (c *SystemClipboard) ClearIf(text string) (common.Cleared, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var res common.Cleared
	switch c.used {
	case viaOSC52:
		c.deleteBuffers(text)
		if _, err := io.WriteString(c.Out, ansi.SetSystemClipboard("")); err != nil {
			res.Left = append(res.Left, placeTerminal+" (OSC 52: "+err.Error()+")")
			return res, nil
		}
		res.Blind = append(res.Blind, placeTerminal)
		return res, nil
	case viaTmux:
		return c.clearTmux(text)
	}
	c.deleteBuffers(text)
	cur, err := clipboard.ReadAll()
	if err != nil {
		return res, err
	}
	if cur != text {
		return res, errNotOurs
	}
	if err := clipboard.WriteAll(""); err != nil {
		return res, err
	}
	res.Checked = append(res.Checked, placeSystem)
	return res, nil
}

// clearTmux clears a copy made through tmux: its buffers, and the outer
// terminal's clipboard the copy was forwarded to, unless a later copy in
// tmux (which went there too) replaced it.
func (c *SystemClipboard) clearTmux(text string) (common.Cleared, error) {
	var res common.Cleared
	forwarded := false
	for _, b := range c.buffers {
		forwarded = forwarded || (b.text == text && b.forwarded)
	}
	// The newest buffer is what the terminal was sent last.
	top, topErr := c.Tmux("", "show-buffer")
	newest := topErr == nil && top == text
	err := c.deleteBuffers(text)
	switch {
	case err != nil && errors.Is(err, errNotOurs):
		return res, err
	case err != nil:
		res.Left = append(res.Left, placeTmux+" (tmux: "+err.Error()+")")
	default:
		res.Checked = append(res.Checked, placeTmux)
	}
	if !forwarded || !newest {
		return res, nil
	}
	// A blank, not nothing: tmux ignores an empty load-buffer.
	name := fmt.Sprintf("tokenbench-%d-clear", os.Getpid())
	if _, err := c.Tmux(" ", "load-buffer", "-b", name, "-w", "-"); err != nil {
		res.Left = append(res.Left, placeTerminal+" (tmux load-buffer -w failed: "+err.Error()+")")
		return res, nil
	}
	if _, err := c.Tmux("", "delete-buffer", "-b", name); err != nil {
		res.Left = append(res.Left, placeTmux+" (a blank buffer "+name+" is left: "+err.Error()+")")
	}
	res.Blind = append(res.Blind, placeTerminal)
	return res, nil
}

// deleteBuffers deletes the tmux buffers the app wrote. A buffer gone
// already (the user deleted it) is forgotten; one that holds something
// else now is left alone, and errNotOurs is returned if it was the one
// written with text. One that could not be deleted is kept for the next
// try.
func (c *SystemClipboard) deleteBuffers(text string) error {
	var kept []tmuxBuffer
	var firstErr error
	for _, b := range c.buffers {
		cur, err := c.Tmux("", "show-buffer", "-b", b.name)
		switch {
		case err != nil:
			continue
		case cur != b.text:
			if b.text == text && firstErr == nil {
				firstErr = errNotOurs
			}
			continue
		}
		if _, err := c.Tmux("", "delete-buffer", "-b", b.name); err != nil {
			kept = append(kept, b)
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	c.buffers = kept
	return firstErr
}

// errNotOurs: the user copied something else since; leave it alone.
var errNotOurs = errors.New("clipboard holds something else now; left alone")

// clipKeeper copies for the workbench and clears, once ClearAfter has
// passed or the program ends, what it copied, if the clipboard still holds
// it. It remembers only the last secret copied.
type clipKeeper struct {
	ctx *common.Context
	// text is the secret last copied, "" once cleared; id tells a clear
	// scheduled for an older copy from one for this one.
	text string
	id   int
}

// copy starts a copy: a command that reports a copiedMsg, or the reason
// there is none.
func (c *clipKeeper) copy(msg common.CopyMsg) (tea.Cmd, string) {
	clip := c.ctx.Clipboard
	if clip == nil {
		return nil, "no clipboard available"
	}
	return func() tea.Msg {
		via, caveat, err := clip.Copy(msg.Text)
		// A copied token that has expired is copied with a warning: the
		// paste would only earn a 401. A plain text (a curl command with
		// variable references) holds no secret: nothing to clear later.
		return copiedMsg{what: msg.What, via: via, caveat: caveat, text: msg.Text, secret: msg.Secret, expired: msg.Secret && msg.Expired, err: err}
	}, ""
}

// copied records a finished copy and says what to show: a secret is
// remembered and its clear scheduled.
func (c *clipKeeper) copied(msg copiedMsg) (status string, isErr bool, cmd tea.Cmd) {
	if msg.err != nil {
		return "copy failed: " + msg.err.Error(), true, nil
	}
	text := fmt.Sprintf("%s copied via %s", msg.what, msg.via)
	if msg.expired {
		text = "EXPIRED " + text + " — press r for a fresh one"
	}
	if msg.caveat != "" {
		text += "; " + msg.caveat
	}
	if !msg.secret {
		return text, false, nil
	}
	c.text = msg.text
	c.id++
	if d := c.ctx.ClearAfter; d > 0 {
		blind := ""
		if msg.via == "OSC 52" {
			blind = " (blind: OSC 52 cannot be read back)"
		}
		text += fmt.Sprintf("; clears in %s%s", d, blind)
		id := c.id
		cmd = c.ctx.Tick(d, func(time.Time) tea.Msg { return clearClipMsg{id: id} })
	}
	return text, msg.expired, cmd
}

// clearIfLatest clears the clipboard for the clear scheduled as id, if no
// later copy replaced it and nothing cleared it since.
func (c *clipKeeper) clearIfLatest(id int) tea.Cmd {
	if id != c.id || c.text == "" {
		return nil
	}
	clip, text := c.ctx.Clipboard, c.text
	c.text = ""
	return func() tea.Msg {
		res, err := clip.ClearIf(text)
		return clearedMsg{res: res, err: err}
	}
}

// clearOnQuit empties the clipboard if it still holds what was copied.
func (c *clipKeeper) clearOnQuit() {
	if c.text != "" && c.ctx.Clipboard != nil && c.ctx.ClearAfter > 0 {
		_, _ = c.ctx.Clipboard.ClearIf(c.text)
		c.text = ""
	}
}
