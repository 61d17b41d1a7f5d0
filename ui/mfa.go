package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"

	"charm.land/bubbles/v2/textinput"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
)

type mfaPhase int

const (
	mfaChoose    mfaPhase = iota // pick sms or e-mail
	mfaSending                   // challenge in flight
	mfaCode                      // waiting for the binding code
	mfaVerifying                 // mfa-oob in flight
	mfaDead                      // the mfa_token expired: start over
)

// mfaModel walks through challenge → binding code → mfa-oob.
type mfaModel struct {
	session *flows.MFASession
	phase   mfaPhase
	choice  menu
	input   textinput.Model
	err     string
	// retryAt: a 429 asked to wait; no new code before it.
	retryAt time.Time
}

func newMFA(s *flows.MFASession, preferred client.Channel) mfaModel {
	in := newInput("the code received", 12)
	in.SetWidth(ansi.StringWidth(in.Placeholder) + 1) // the placeholder whole
	m := mfaModel{session: s, input: in, choice: menu{items: []menuItem{
		{title: "SMS", desc: "to the phone number on the user"},
		{title: "e-mail", desc: "to the user's e-mail address"},
	}}}
	if preferred == client.ChannelEmail {
		m.choice.cursor = 1
	}
	return m
}

func (m *mfaModel) chosen() client.Channel {
	if m.choice.cursor == 1 {
		return client.ChannelEmail
	}
	return client.ChannelSMS
}

func channelName(c client.Channel) string {
	if c == client.ChannelEmail {
		return "e-mail"
	}
	return "SMS"
}

// view draws the MFA screen in width ctx.Width and height lines. What a
// person needs to act (the phase, the error, the demo outbox) always shows;
// the explanation, the fingerprints and blank lines go first when the
// terminal is short.
func (m *mfaModel) view(ctx *Context, spin string, height int) string {
	s := ctx.Styles
	w := ctx.Width - 2
	sess := m.session
	type block struct {
		text string
		drop int // 0 always shown; else the order it goes in
	}
	const (
		keep = iota
		dropExplain
		dropBlank
		dropFingerprints
	)
	var blocks []block
	add := func(text string, drop int) { blocks = append(blocks, block{text, drop}) }
	add(s.Warn.Render("Multi-factor authentication required"), keep)
	who := sess.Request.Username
	if who == "" {
		who = "this user"
	}
	add(wrap(s.Muted, fmt.Sprintf("The server answered 403 mfa_required for %s. A code goes to the user by SMS or e-mail; type it here to finish the sign-in.", who), w), dropExplain)
	add("", dropBlank)
	fp := s.Label.Render("mfa_token") + " " + tokeninfo.Fingerprint(sess.MFAToken)
	if sess.Challenged() {
		fp += "\n" + s.Label.Render("oob_code") + " " + tokeninfo.Fingerprint(sess.OOBCode)
	}
	add(fp, dropFingerprints)
	add("", dropBlank)
	switch m.phase {
	case mfaChoose:
		add("Send the code by:", keep)
		add("", dropBlank)
		add(m.choice.view(s, w, 6), keep)
	case mfaSending:
		add(spin+" sending a code by "+channelName(m.chosen())+"…", keep)
	case mfaCode, mfaVerifying:
		add(wrap(s.Value, fmt.Sprintf("A code was sent by %s (challenge %d).  Attempts left: %d", channelName(sess.Channel), sess.Challenges, sess.AttemptsLeft()), w), keep)
		add("", dropBlank)
		add(s.Cursor.Render("› ")+s.Label.Render("Code")+" "+m.input.View(), keep)
		if m.phase == mfaVerifying {
			add(spin+" checking the code…", keep)
		}
	case mfaDead:
		add(wrap(s.Value, s.Error.Render("This MFA session has expired.")+" Press esc and send the request again.", w), keep)
	}
	if wait := m.retryAt.Sub(ctx.Now()); wait > 0 {
		add(s.Warn.Render("⏳ rate limited: a new code can be sent in "+tokeninfo.Countdown(wait)), keep)
	}
	if m.err != "" {
		add("", dropBlank)
		add(wrap(s.Error, "✗ "+m.err, w), keep)
	}
	if ctx.Outbox != nil && sess.Challenged() {
		if msgs := ctx.Outbox(sess.Request.Username); len(msgs) > 0 {
			last := msgs[len(msgs)-1]
			text := fmt.Sprintf("%s to %s at %s:\n%s", last.Channel, last.To, last.At.In(ctx.Now().Location()).Format("15:04:05"), last.Text)
			add("", dropBlank)
			add(s.Notice.Width(w).Render(s.Warn.Render("Demo outbox")+" (nothing is really sent)\n"+client.Sanitize(text)), keep)
		}
	}
	lines := func() int {
		n := 0
		for _, b := range blocks {
			n += strings.Count(b.text, "\n") + 1
		}
		return n
	}
	// Give way one block at a time, so a line of room is not lost.
	for drop := dropExplain; drop <= dropFingerprints; drop++ {
		for i := 0; i < len(blocks) && lines() > height; {
			if blocks[i].drop == drop {
				blocks = append(blocks[:i], blocks[i+1:]...)
				continue
			}
			i++
		}
	}
	out := make([]string, len(blocks))
	for i, b := range blocks {
		out[i] = b.text
	}
	return strings.Join(out, "\n")
}

func (m *mfaModel) keys(k KeyMap) bindings {
	switch m.phase {
	case mfaChoose:
		short := []key.Binding{withHelp(k.Select, "send"), k.Up, k.Down, k.Back, k.Recover, k.Diagnose, k.ForceQuit}
		if m.session.Challenged() || m.session.Challenges > 0 {
			short = append([]key.Binding{k.NewCode}, short...)
		}
		return bindings{short: short, full: [][]key.Binding{{withHelp(k.Select, "send"), k.Up, k.Down, k.NewCode}, {k.Recover, k.Diagnose}, {k.Back, k.ForceQuit}}}
	case mfaCode:
		short := []key.Binding{withHelp(k.Select, "verify"), k.NewCode, k.SwitchChannel, k.Back, k.Recover, k.Diagnose, k.ForceQuit}
		return bindings{short: short, full: [][]key.Binding{{withHelp(k.Select, "verify"), k.NewCode, k.SwitchChannel}, {k.Recover, k.Diagnose}, {k.Back, k.ForceQuit}}}
	case mfaDead:
		return bindings{short: []key.Binding{k.Back, k.Recover, k.Diagnose, k.ForceQuit}}
	}
	return bindings{short: []key.Binding{withHelp(k.Back, "cancel"), k.ForceQuit}}
}

// withHelp is b with another description, for a screen where it means
// something more specific.
func withHelp(b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
}
