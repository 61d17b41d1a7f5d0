// Package codeinput is the one field a binding or verification code is
// typed into, with its paste cleaning, its check and a 429's wait.
package codeinput

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/ui/common"
)

// Model is the one field a binding or verification code is typed
// into, whatever screen asks for it (the MFA screen, the recovery's steps,
// the mfa-oob form's field, a passwordless verification code):
//
//   - digits only: other keys type nothing;
//   - a paste is cleaned as an SMS shows a code ("731 735", "Code: 731735");
//   - submit checks the code first: one that cannot be right is refused
//     here and uses no attempt;
//   - the attempts left, worded alike on every screen;
//   - a 429's wait (on a send or on a check), the one source of its
//     countdown and its line.
//
// Its label, placeholder and length are the screen's (Spec).
type Model struct {
	spec  Spec
	input textinput.Model
	// wait: a 429 asked to wait (on a new code, or on a code check). It is
	// the one source of the wait's line, which goes when it ends.
	wait rateWait
}

// Limit starts the wait a 429 asked for: on a code check (onCheck), or on
// a send (no new code before its end).
func (c *Model) Limit(limited *client.RateLimitError, now time.Time, onCheck bool) {
	c.wait = newRateWait(limited, now, onCheck)
}

// EndWait drops the wait: a new code came, and the wait was the old one's.
func (c *Model) EndWait() { c.wait = rateWait{} }

// WaitLeft is what is left of the wait at now; 0 when there is none.
func (c *Model) WaitLeft(now time.Time) time.Duration { return c.wait.left(now) }

// HoldsSend is how long a new code is held back at now.
func (c *Model) HoldsSend(now time.Time) time.Duration { return c.wait.holdsSend(now) }

// HoldsCheck is how long a code check is held back at now.
func (c *Model) HoldsCheck(now time.Time) time.Duration { return c.wait.holdsCheck(now) }

// WaitOnCheck reports whether the wait answered a code check.
func (c *Model) WaitOnCheck() bool { return c.wait.onCheck }

// Nudge notes that what the wait holds back was tried during it: its line
// says so.
func (c *Model) Nudge() { c.wait.nudged = true }

// WaitLine is the wait's one line at now, or "" when there is none.
func (c *Model) WaitLine(s common.Styles, now time.Time, width int) string {
	return c.wait.line(s, now, width)
}

// Spec is how a screen's code field looks: its label ("Code"), its
// placeholder, and the longest code it takes.
type Spec struct {
	Label, Placeholder string
	MaxLen             int
}

// BindingCode is the MFA binding code's field (the MFA screen, the
// recovery).
var BindingCode = Spec{Label: "Code", Placeholder: "the code received", MaxLen: 12}

// New is an empty code field as spec shows it.
func New(spec Spec) Model {
	in := common.NewInput(spec.Placeholder, spec.MaxLen)
	in.SetWidth(ansi.StringWidth(in.Placeholder) + 1) // the placeholder whole
	return Model{spec: spec, input: in}
}

// Update types a key (digits only), a paste (cleaned) or anything else the
// field takes (a cursor's message).
func (c *Model) Update(msg tea.Msg) tea.Cmd {
	switch m := msg.(type) {
	case tea.KeyPressMsg:
		for _, r := range m.Text {
			if r < '0' || r > '9' {
				return nil
			}
		}
	case tea.PasteMsg:
		msg = CleanCodePaste(m)
	}
	var cmd tea.Cmd
	c.input, cmd = c.input.Update(msg)
	return cmd
}

// CleanCodePaste is a paste into a code field with what cannot be part of
// a code gone before it reaches the field.
func CleanCodePaste(p tea.PasteMsg) tea.PasteMsg {
	return tea.PasteMsg{Content: flows.CleanBindingCode(p.Content)}
}

// Submit is the code typed, and why it cannot be sent as it is ("" when
// it can): a code that is not digits would only use up an attempt.
func (c *Model) Submit() (code, why string) {
	code = strings.TrimSpace(c.input.Value())
	return code, CheckCode(code)
}

// CheckCode is why a binding code cannot be sent as it is, or "": a code
// is digits only, and one that is not would only use up an attempt. The
// code itself is not repeated (it is a secret of the flow).
func CheckCode(code string) string {
	switch err := flows.CheckBindingCode(code); {
	case err == nil:
		return ""
	case code == "":
		return "type the code the user received"
	}
	return "a binding code is digits only: nothing was sent; check the code and type or paste it again"
}

// Attempts words the attempts left at a code.
func Attempts(left int) string { return fmt.Sprintf("Attempts left: %d", left) }

// Line is the field as a screen shows it: the cursor mark, its label and
// what is typed.
func (c *Model) Line(s common.Styles) string {
	label := s.Label
	if w := ansi.StringWidth(c.spec.Label) + 1; w > label.GetWidth() {
		label = label.Width(w) // a long label whole, not wrapped
	}
	return s.Cursor.Render("› ") + label.Render(c.spec.Label) + " " + c.input.View()
}

func (c *Model) Value() string  { return c.input.Value() }
func (c *Model) Reset()         { c.input.Reset() }
func (c *Model) Focus() tea.Cmd { return c.input.Focus() }
func (c *Model) Blur()          { c.input.Blur() }
func (c *Model) SetWidth(w int) { c.input.SetWidth(w) }
func (c *Model) View() string   { return c.input.View() }

// Unjudged reports whether an answer to a binding code did not judge
// it (flows.Unchecked: a 429, a 5xx; or a scope or validation refusal):
// the code typed stays, to be sent again, and no attempt was used.
func Unjudged(err error) bool {
	var n *flows.NotACodeError
	return flows.Unchecked(err) || (errors.As(err, &n) && n.Step == flows.StepCode)
}
